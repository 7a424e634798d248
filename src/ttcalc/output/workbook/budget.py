"""The budget's annotated workbook: every payroll row as read, per unit and summary sheets
whose figures are live formulas (SUM / SUMIFS / ROUND), the checks with their clauses, and a
chart of the fund split."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from ttcalc.budget.payroll import unit_of_file
from ttcalc.budget.sector import sector_profile
from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.output.i18n import word
from ttcalc.output.workbook.common import (
    MAX_ROWS,
    fitted_height,
    one,
    sheet,
    checks_sheet,
    rule_note,
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

ROWS, UNITS, SUMMARY = "明细 Rows", "分单位 By unit", "汇总 Summary"  # catalog keys ([output.sheet])


def write(target: Path, report, pay, profile, options) -> None:
    lang, overwrite, redact = options.lang, options.overwrite, options.redact
    profile = sector_profile(profile, options.extra.get("sector"))  # the rules the figures used
    total_rows = sum(s.data.num_rows for s, _fen, _used in pay.per_sheet)
    if total_rows > MAX_ROWS:
        raise InputError(msg("output.refuse.payroll_rows", file=str(target), n=total_rows, limit=MAX_ROWS))
    names = {k: sheet(k, lang) for k in (ROWS, UNITS, SUMMARY)}
    with open_workbook(target, overwrite, big=total_rows > 50_000) as (wb, fmt):
        summary = wb.add_worksheet(names[SUMMARY])  # first tab
        last, sources = _rows_sheet(wb, fmt, pay, redact, lang, names)
        _units_sheet(wb, fmt, report, last, lang, names)
        _summary_sheet(wb, summary, fmt, report, profile, last, sources, lang, names)
        checks_sheet(wb, fmt, report, lang)
        notes_sheet(wb, fmt, report, lang=lang)


def _source_totals(s, n: int):
    """The gross amounts of the rows the reader skipped as total rows (合计/小计/总计), in fen
    (None where the cell is empty or not an amount): the source's own sums, for reconciling."""
    from ttcalc.cells.money import column_fen

    skips = s.data["_skip"].to_pylist()
    gross = s.column("gross")
    out = [None] * n
    if not gross:
        return out
    fen, have, _bad, _sub = column_fen(s.data[gross], s.scale(gross))
    for i, why in enumerate(skips):
        if why and str(why).startswith("total") and have[i]:
            out[i] = int(fen[i])
    return out


def _rows_sheet(wb, fmt, pay, redact: bool, lang: str, names: dict):
    ws = wb.add_worksheet(names[ROWS])
    header_row(ws, 0, [one(h, lang) for h in ("file", "sheet", "row", "单位 unit", "姓名 name", "身份证号 ID",
                                                "应发 gross used", "计入 counted", "原因 reason")],
               fmt, [18, 10, 7, 22, 10, 21, 14, 8, 34])
    yes, no = one("yes", lang), one("no", lang)
    sources = []  # per sheet: (file, sheet, ttcalc sum in fen, the source's last total row in fen, total rows)
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
        totals = _source_totals(s, data.num_rows)
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
                ws.write_string(r, 7, yes)
            else:  # a source total keeps its amount (grey, not counted: the sums count "yes" rows only)
                if totals[i] is not None:
                    ws.write_number(r, 6, totals[i] / 100, fmt["muted_money"])
                else:
                    ws.write_blank(r, 6, None)
                ws.write_string(r, 7, no, fmt["muted"])
                text(ws, r, 8, word(skip_reason(skips[i]), lang), fmt["muted"])
            r += 1
        found = [t for t in totals if t is not None]
        sources.append((fname, sname, int(fen.sum()), found[-1] if found else None, len(found)))
    return r, sources  # r: one past the last written row (0-based), i.e. the last Excel row number


def _units_sheet(wb, fmt, report, last: int, lang: str, names: dict) -> None:
    ws = wb.add_worksheet(names[UNITS])
    header_row(ws, 0, [one(h, lang) for h in ("单位 unit", "应发合计 payroll_total", "行数 rows", "人数 people",
                                                "占比 share", "应承担经费下限 fund_min")], fmt, [26, 18, 10, 10, 10, 18])
    rows_ref, yes = f"'{names[ROWS]}'", one("yes", lang)
    units = report.by_unit or []
    n = len(units)
    for r, unit in enumerate(units, start=1):
        text(ws, r, 0, unit["unit"])
        # EXACT, not a SUMIFS criterion: a unit named "泉港区*", "<>一小", "=1+1" or "school a"
        # beside "School A" must match itself only (no wildcard, operator or case folding)
        same = f"--EXACT({rows_ref}!$D$2:$D${last},A{r + 1}),--({rows_ref}!$H$2:$H${last}=\"{yes}\")"
        ws.write_formula(r, 1, f"=ROUND(SUMPRODUCT({same},{rows_ref}!$G$2:$G${last}),2)", fmt["money"],
                         float(unit["payroll_total"]))
        ws.write_formula(r, 2, f"=SUMPRODUCT({same})", fmt["int"], unit["payroll_rows"])
        ws.write_number(r, 3, unit["people"], fmt["int"])
        whole = sum(Fraction(str(u["payroll_total"])) for u in units)  # the exact share the formula computes
        ws.write_formula(r, 4, f"=IF(SUM($B$2:$B${n + 1})=0,0,B{r + 1}/SUM($B$2:$B${n + 1}))", fmt["pct"],
                         float(Fraction(str(unit["payroll_total"])) / whole) if whole else 0)
        ws.write_formula(r, 5, f"=ROUND(B{r + 1}*'{names[SUMMARY]}'!$C$7,2)", fmt["money"],
                         float(unit.get("fund_min") or 0))
    if n:  # 合计: live sums with their stored values (people: a person in two units counts in each)
        r = n + 1
        ws.write_string(r, 0, one("合计 all", lang), fmt["bold"])
        for c, key, kind in ((1, "payroll_total", "money_bold"), (2, "payroll_rows", "int_bold"),
                             (3, "people", "int_bold"), (4, "share_of_payroll", "pct_bold"), (5, "fund_min", "money_bold")):
            col = "BCDEF"[c - 1]
            value = sum(Fraction(str(u.get(key) or 0)) for u in units)
            ws.write_formula(r, c, f"=SUM({col}2:{col}{n + 1})", fmt[kind],
                             float(value) if kind != "int_bold" else int(value))


def _summary_sheet(wb, ws, fmt, report, profile, last: int, sources: list, lang: str, names: dict) -> None:
    f = report.figures
    rows_ref, yes = f"'{names[ROWS]}'", one("yes", lang)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, 16)
    ws.set_column(3, 3, 30)
    ws.set_column(4, 4, 60)
    units = "、".join(u["unit"] for u in (report.by_unit or [])[:3]) + ("…" if len(report.by_unit or []) > 3 else "")
    title = f"{label('fund_title', lang)} — {units} — {profile.document}（{profile.id}）— " \
            f"{label('as_of', lang)} {report.as_of.isoformat()}"
    ws.write_string(0, 0, title, fmt["title"])
    header_row(ws, 1, [label("label", lang), label("key", lang), label("value", lang), label("in_words", lang),
                       label("clause", lang)], fmt)
    rate_min, rate_max = profile.get("fund.rate_min"), profile.get("fund.rate_max")
    share, passdown = profile.get("fund.school_share_min"), profile.get("fund.passdown_share")

    def cite(rule):
        return rule_note(rule, lang) if rule else ""

    lines = [  # (key, formula or None (constant), constant, format, note)
        ("payroll_total", f"=ROUND(SUMIFS({rows_ref}!G2:G{last},{rows_ref}!H2:H{last},\"{yes}\"),2)", None, "money", ""),
        ("payroll_rows", f"=COUNTIF({rows_ref}!H2:H{last},\"{yes}\")", None, "int", ""),
        ("people", None, f["people"], "int", one("note distinct", lang)),
        ("units", None, f["units"], "int", ""),
        ("fund_rate_min", None, f["fund_rate_min"], "ratio", cite(rate_min)),
        ("fund_rate_max", None, f["fund_rate_max"], "ratio", cite(rate_max)),
        ("school_share_min", None, f["school_share_min"], "ratio", cite(share)),
        ("fund_min", "=ROUND(C3*C7,2)", None, "money", one("note fund_min", lang)),
        ("fund_max", "=ROUND(C3*C8,2)", None, "money", one("note fund_max", lang)),
        ("school_allocation_min", "=ROUND(C3*C7*C9,2)", None, "money", one("note school_min", lang)),
    ]
    if passdown is not None:
        # the base the figures used (the budget when given, else fund_min) and their divisor (the
        # payroll's people, C5, or the roster's teachers): the formula computes the value stored
        base = f"C{3 + len(lines) + 3}" if f.get("passdown_basis") == "budgeted" else "C3*C7"
        per = "C5" if f.get("passdown_teachers_source", "payroll") == "payroll" else str(f.get("passdown_teachers") or 0)
        lines += [("passdown_share", None, f.get("passdown_share"), "ratio", cite(passdown)),
                  ("passdown_total", f"=ROUND({base}*C13,2)", None, "money", one("note passdown_total", lang)),
                  ("passdown_per_teacher", f"=IF({per}=0,0,ROUND({base}*C13/{per},2))", None, "money",
                   one("note per_teacher", lang))]
    if "budgeted" in f:
        lines += [("budgeted", None, f["budgeted"], "money", "--budgeted"),
                  ("school_allocation_required", f"=ROUND(C{3 + len(lines)}*C9,2)", None, "money",
                   one("note required", lang))]
    for i, (key, formula, const, kind, note) in enumerate(lines):
        r = 2 + i
        value = f.get(key)
        ws.write_string(r, 0, figure_label(key, lang))
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
            ws.write_string(r, 3, rmb_upper(int(Decimal(str(value)) * 100)))
        text(ws, r, 4, note, fmt["wrap"])
        if note:  # the row grows with its wrapped clause, so lines never overlap the next row
            ws.set_row(r, fitted_height(note, 60))
    row = 3 + len(lines)
    row = _verdicts(ws, fmt, report, row, lang)
    row = _reconcile(ws, fmt, sources, row, last, rows_ref, yes, lang)
    if f.get("fund_min") is not None and f.get("school_allocation_min") is not None:
        split_row = row
        ws.write_string(split_row, 0, one("经费构成 fund split", lang), fmt["head"])
        ws.write_string(split_row + 1, 0, one("拨付进修学校 to the training school", lang))
        ws.write_formula(split_row + 1, 2, "=C12", fmt["money"], float(f["school_allocation_min"]))
        ws.write_string(split_row + 2, 0, one("其他 the rest of fund_min", lang))
        ws.write_formula(split_row + 2, 2, "=C10-C12", fmt["money"],
                         float(Decimal(str(f["fund_min"])) - Decimal(str(f["school_allocation_min"]))))
        chart = wb.add_chart({"type": "pie"})
        chart.add_series({"name": one("培训经费下限构成 Fund split (minimum)", lang),
                          "categories": [names[SUMMARY], split_row + 1, 0, split_row + 2, 0],
                          "values": [names[SUMMARY], split_row + 1, 2, split_row + 2, 2],
                          "data_labels": {"value": True, "percentage": True}})
        chart.set_title({"name": one("培训经费下限构成 Fund split (minimum)", lang)})
        chart.set_size({"width": 480, "height": 260})
        ws.insert_chart(split_row + 4, 0, chart)
        sign_lines(ws, split_row + 18, fmt, lang)
    else:
        sign_lines(ws, row + 1, fmt, lang)
    print_setup(ws, 1)


def _verdicts(ws, fmt, report, row: int, lang: str) -> int:
    """The checks' verdicts, coloured, under the figures (the checks sheet has the details)."""
    if not report.checks:
        return row
    header_row(ws, row, [label("check", lang), label("status", lang), label("actual", lang), "",
                         label("required", lang)], fmt)
    ws.freeze_panes(2, 0)  # under the figures' header (header_row froze below this one)
    for k, c in enumerate(report.checks, start=row + 1):
        ws.write_string(k, 0, c.id)
        style = fmt["fail"] if c.status == "fail" else fmt["pass"] if c.status == "pass" else fmt["muted"]
        ws.write_string(k, 1, label(c.status, lang), style)
        text(ws, k, 2, word(c.actual, lang) if c.status != "not_applicable" else None)
        text(ws, k, 4, word(c.required, lang))
    return row + len(report.checks) + 2


def _reconcile(ws, fmt, sources: list, row: int, last: int, rows_ref: str, yes: str, lang: str) -> int:
    """Per sheet: ttcalc's sum of the rows it counted beside the source's own 合计 row (the last
    total row of the sheet) and the difference — what a clerk checks before handing it up."""
    if not any(src is not None for *_x, src, _n in sources):
        return row
    ws.write_string(row, 0, one("reconcile", lang), fmt["bold"])
    header_row(ws, row + 1, [one("sheet", lang), one("file", lang), one("应发合计 payroll_total", lang),
                             one("source total", lang), one("difference", lang)], fmt)
    ws.freeze_panes(2, 0)
    r = row + 2
    for fname, sname, fen, src, _n in sources:
        text(ws, r, 0, sname)
        text(ws, r, 1, fname)
        ws.write_formula(r, 2, f"=ROUND(SUMIFS({rows_ref}!$G$2:$G${last},{rows_ref}!$A$2:$A${last},B{r + 1},"
                               f"{rows_ref}!$B$2:$B${last},A{r + 1},{rows_ref}!$H$2:$H${last},\"{yes}\"),2)",
                         fmt["money"], fen / 100)
        if src is None:
            ws.write_blank(r, 3, None)
            ws.write_blank(r, 4, None)
        else:
            ws.write_number(r, 3, src / 100, fmt["money"])
            ws.write_formula(r, 4, f"=ROUND(D{r + 1}-C{r + 1},2)", fmt["fail_money"] if src != fen else fmt["money"],
                             (src - fen) / 100)
        r += 1
    return r + 1
