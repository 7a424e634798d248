"""The budget's annotated workbook: every payroll row as read, per unit and summary sheets
whose figures are live formulas (SUM / SUMIFS / ROUND), the checks with their clauses, and a
chart of the fund split."""

from __future__ import annotations

from pathlib import Path

from ttcalc.budget.payroll import unit_of_file
from ttcalc.core.errors import InputError
from ttcalc.output.i18n import word
from ttcalc.output.workbook.common import (
    MAX_ROWS,
    checks_sheet,
    header_row,
    notes_sheet,
    open_workbook,
    print_setup,
    rmb_upper,
    sign_lines,
    text,
)
from ttcalc.output.render.report import figure_label, label
from ttcalc.read.rows import skip_reason

ROWS = "明细 Rows"
UNITS = "分单位 By unit"


def write(target: Path, report, pay, profile, options) -> None:
    lang, overwrite, redact = options.lang, options.overwrite, options.redact
    total_rows = sum(s.data.num_rows for s, _fen, _used in pay.per_sheet)
    if total_rows > MAX_ROWS:
        raise InputError(f"{target}: {total_rows:,} payroll rows do not fit in one .xlsx sheet "
                         f"(limit {MAX_ROWS:,}); run without --output, or give fewer files")
    with open_workbook(target, overwrite, big=total_rows > 50_000) as (wb, fmt):
        summary = wb.add_worksheet("汇总 Summary")  # first tab
        last = _rows_sheet(wb, fmt, pay, redact, lang=lang)
        unit_rows = _units_sheet(wb, fmt, report, last)
        _summary_sheet(wb, summary, fmt, report, profile, last, unit_rows, lang)
        checks_sheet(wb, fmt, report, lang)
        notes_sheet(wb, fmt, report, lang=lang)


def _rows_sheet(wb, fmt, pay, redact: bool = False, lang: str = "zh") -> int:
    ws = wb.add_worksheet(ROWS)
    header_row(ws, 0, ["file", "sheet", "row", "单位 unit", "姓名 name", "身份证号 ID", "应发 gross used",
                       "计入 counted", "原因 reason"], fmt, [18, 10, 7, 22, 10, 21, 14, 8, 34])
    r = 1
    for s, fen, used in pay.per_sheet:
        data = s.data
        cols = {k: data[k].to_pylist() if k in data.column_names else None for k in ("unit", "name", "id")}
        if redact:  # --redact: the workbook is for sharing; names and IDs are masked
            from ttcalc.cells.privacy import mask_id, mask_name

            cols["name"] = [mask_name(v) for v in cols["name"]] if cols["name"] else None
            cols["id"] = [mask_id(v) for v in cols["id"]] if cols["id"] else None
        rows = data["_row"].to_pylist()
        skips = data["_skip"].to_pylist()
        fname, sname = Path(s.file).name, s.sheet
        unit_default = unit_of_file(s.file)
        for i in range(data.num_rows):
            ws.write_string(r, 0, fname)
            ws.write_string(r, 1, sname)
            ws.write_number(r, 2, rows[i])
            unit = cols["unit"][i] if cols["unit"] else None
            text(ws, r, 3, (unit.strip() if unit else None) or unit_default)
            text(ws, r, 4, cols["name"][i] if cols["name"] else None)
            text(ws, r, 5, cols["id"][i] if cols["id"] else None)
            if used[i]:
                ws.write_number(r, 6, int(fen[i]) / 100, fmt["money"])
                ws.write_string(r, 7, "是")
            else:
                ws.write_blank(r, 6, None)
                ws.write_string(r, 7, "否", fmt["muted"])
                text(ws, r, 8, word(skip_reason(skips[i]), lang), fmt["muted"])
            r += 1
    return r  # one past the last written row (0-based), i.e. the last Excel row number


def _units_sheet(wb, fmt, report, last: int) -> dict:
    ws = wb.add_worksheet(UNITS)
    header_row(ws, 0, ["单位 unit", "应发合计 payroll_total", "行数 rows", "人数 people", "占比 share",
                       "应承担经费下限 fund_min"], fmt, [26, 18, 10, 10, 10, 18])
    rows_ref = f"'{ROWS}'"
    out = {}
    n = len(report.by_unit or [])
    for r, unit in enumerate(report.by_unit or [], start=1):
        text(ws, r, 0, unit["unit"])
        # EXACT, not a SUMIFS criterion: a unit named "泉港区*", "<>一小", "=1+1" or "school a"
        # beside "School A" must match itself only (no wildcard, operator or case folding)
        same = f"--EXACT({rows_ref}!$D$2:$D${last},A{r + 1}),--({rows_ref}!$H$2:$H${last}=\"是\")"
        ws.write_formula(r, 1, f"=ROUND(SUMPRODUCT({same},{rows_ref}!$G$2:$G${last}),2)", fmt["money"],
                         float(unit["payroll_total"]))
        ws.write_formula(r, 2, f"=SUMPRODUCT({same})", fmt["int"], unit["payroll_rows"])
        ws.write_number(r, 3, unit["people"], fmt["int"])
        ws.write_formula(r, 4, f"=IF(SUM($B$2:$B${n + 1})=0,0,B{r + 1}/SUM($B$2:$B${n + 1}))", fmt["ratio"],
                         float(unit.get("share_of_payroll") or 0))
        ws.write_formula(r, 5, f"=ROUND(B{r + 1}*'汇总 Summary'!$C$7,2)", fmt["money"],
                         float(unit.get("fund_min") or 0))
        out[unit["unit"]] = r + 1
    return out


def _summary_sheet(wb, ws, fmt, report, profile, last: int, unit_rows: dict, lang: str) -> None:
    f = report.figures
    rows_ref = f"'{ROWS}'"
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 26)
    ws.set_column(2, 3, 18)
    ws.set_column(4, 4, 70)
    units = "、".join(u["unit"] for u in (report.by_unit or [])[:3]) + ("…" if len(report.by_unit or []) > 3 else "")
    title = f"{label('fund_title', lang)} — {units} — {profile.document}（{profile.id}）— " \
            f"{label('as_of', lang)} {report.as_of.isoformat()}"
    ws.write_string(0, 0, title, fmt["title"])
    header_row(ws, 1, [label("label", lang), label("key", lang), label("value", lang), label("in_words", lang),
                       label("clause", lang)], fmt)
    rate_min, rate_max = profile.get("fund.rate_min"), profile.get("fund.rate_max")
    share, passdown = profile.get("fund.school_share_min"), profile.get("fund.passdown_share")

    def cite(rule):
        return f"{rule.id}: {rule.citation()} — {rule.quote}" if rule else ""

    lines = [  # (label, key, formula or None (constant), constant, format, citation)
        ("工资总额（应发）payroll_total", "payroll_total", f"=ROUND(SUM({rows_ref}!G2:G{last}),2)", None, "money", ""),
        ("工资行数 payroll_rows", "payroll_rows", f"=COUNTIF({rows_ref}!H2:H{last},\"是\")", None, "int", ""),
        ("人数 people", "people", None, f["people"], "int", "distinct persons (by ID, else name + unit)"),
        ("单位数 units", "units", None, f["units"], "int", ""),
        ("经费比例下限 fund_rate_min", "fund_rate_min", None, f["fund_rate_min"], "ratio", cite(rate_min)),
        ("经费比例上限 fund_rate_max", "fund_rate_max", None, f["fund_rate_max"], "ratio", cite(rate_max)),
        ("拨付进修学校比例下限 school_share_min", "school_share_min", None, f["school_share_min"], "ratio", cite(share)),
        ("培训经费下限 fund_min", "fund_min", "=ROUND(C3*C7,2)", None, "money", "payroll_total × fund_rate_min, rounded once"),
        ("培训经费上限 fund_max", "fund_max", "=ROUND(C3*C8,2)", None, "money", "payroll_total × fund_rate_max, rounded once"),
        ("拨付进修学校下限 school_allocation_min", "school_allocation_min", "=ROUND(C3*C7*C9,2)", None, "money",
         "payroll_total × fund_rate_min × school_share_min, rounded once"),
    ]
    if passdown is not None:
        lines += [("下拨学校比例 passdown_share", "passdown_share", None, f.get("passdown_share"), "ratio", cite(passdown)),
                  ("下拨学校总额 passdown_total", "passdown_total", "=ROUND(C3*C7*C13,2)", None, "money",
                   "payroll_total × fund_rate_min × passdown_share, rounded once"),
                  ("人均下拨标准 passdown_per_teacher", "passdown_per_teacher", "=IF(C5=0,0,ROUND(C3*C7*C13/C5,2))",
                   None, "money", "passdown_total ÷ people, rounded once")]
    if "budgeted" in f:
        lines += [("已列预算 budgeted", "budgeted", None, f["budgeted"], "money", "--budgeted"),
                  ("应拨进修学校 school_allocation_required", "school_allocation_required",
                   f"=ROUND(C{3 + len(lines)}*C9,2)", None, "money", "budgeted × school_share_min, rounded once")]
    for i, (own, key, formula, const, kind, note) in enumerate(lines):
        r = 2 + i
        value = f.get(key)
        ws.write_string(r, 0, figure_label(key, lang) if figure_label(key, lang) != key else own)
        ws.write_string(r, 1, key)
        kind = "pct" if kind == "ratio" else kind
        cell_fmt = fmt[kind]
        if formula:
            ws.write_formula(r, 2, formula, cell_fmt, float(value) if value not in (None, "") else 0)
        elif const is None:
            ws.write_blank(r, 2, None)
        else:
            ws.write_number(r, 2, float(const), cell_fmt) if kind != "int" else ws.write_number(r, 2, int(const), cell_fmt)
        if kind == "money" and value not in (None, ""):  # the figure in words, beside it (never as a number)
            from decimal import Decimal

            ws.write_string(r, 3, rmb_upper(int(Decimal(str(value)) * 100)))
        text(ws, r, 4, note, fmt["wrap"])
    if f.get("fund_min") is not None and f.get("school_allocation_min") is not None:
        split_row = 3 + len(lines)
        ws.write_string(split_row, 0, "经费构成 fund split", fmt["head"])
        ws.write_string(split_row + 1, 0, "拨付进修学校 to the training school")
        ws.write_formula(split_row + 1, 2, "=C12", fmt["money"], float(f["school_allocation_min"]))
        ws.write_string(split_row + 2, 0, "其他 the rest of fund_min")
        ws.write_formula(split_row + 2, 2, "=C10-C12", fmt["money"],
                         float(f["fund_min"]) - float(f["school_allocation_min"]))
        chart = wb.add_chart({"type": "pie"})
        chart.add_series({"name": "fund_min split", "categories": ["汇总 Summary", split_row + 1, 0, split_row + 2, 0],
                          "values": ["汇总 Summary", split_row + 1, 2, split_row + 2, 2],
                          "data_labels": {"value": True, "percentage": True}})
        chart.set_title({"name": "培训经费下限构成 Fund split (minimum)"})
        ws.insert_chart(split_row + 4, 0, chart)
        sign_lines(ws, split_row + 21, fmt, lang)
    else:
        sign_lines(ws, 4 + len(lines), fmt, lang)
    ws.set_column(3, 3, 34)
    print_setup(ws, 1)
