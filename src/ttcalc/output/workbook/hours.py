"""The hours command's annotated workbook: a per-teacher sheet whose totals are live SUMIFS
over the ledger sheet, the ledger rows as read (counted or not, and why), the school share
per unit and year, the checks with their clauses, and the definitions.

With `redact` (--redact), every name and ID number in it is masked (张* / 350521********123X):
the name and ID columns, and every name of the ledger wherever else it appears — the checks'
remedies, the warnings, any other text.  The SUMIFS key on generated person ids (P00001), never
on a name or an ID number, so the formulas are the same either way."""

from __future__ import annotations

import copy

from decimal import Decimal
from itertools import chain
from pathlib import Path

from ttcalc.core.errors import InputError
from ttcalc.output.i18n import localize, word
from ttcalc.output.workbook.common import (
    MAX_ROWS,
    Shown,
    checks_sheet,
    header_row,
    notes_sheet,
    open_workbook,
    text,
)

TEACHERS = "教师 Teachers"
LEDGER = "台账 Ledger"
UNITS = "学校 Schools"
# ledger columns (0-based): the per-teacher formulas refer to these letters
L_KEY, L_YEAR, L_HOURS, L_COUNTED, L_FORM = "A", "L", "N", "O", "J"


def write(target: Path, report, book, profile, options) -> None:
    """`book.others`: (name, ID number) pairs of persons named outside the ledger (the roster's),
    for --redact to mask wherever they appear."""
    rows, teachers, cycle, others = book.rows, book.teachers, book.cycle, book.others
    lang, overwrite, redact = options.lang, options.overwrite, options.redact
    if len(rows) > MAX_ROWS:
        raise InputError(f"{target}: {len(rows):,} ledger rows do not fit in one .xlsx sheet "
                         f"(limit {MAX_ROWS:,}); run without --output, or give fewer files")
    keys = {p.key: f"P{i:05d}" for i, p in enumerate(teachers, start=1)}
    people = chain(((r.name, r.id) for r in rows if not r.skipped), ((p.name, p.id) for p in teachers), others)
    shown = Shown(redact, people)  # the name and ID columns are masked on every row, skipped or not
    with open_workbook(target, overwrite, big=len(rows) > 50_000) as (wb, fmt):
        fmt["hours"] = wb.add_format({"num_format": "0.##"})
        fmt["required"] = wb.add_format({"num_format": "0.##", "italic": True, "bg_color": "#F2F2F2"})
        teachers_ws = wb.add_worksheet(TEACHERS)  # first tab
        last = _ledger(wb, fmt, rows, keys, lang, shown)
        _teachers(teachers_ws, fmt, teachers, keys, profile, cycle, last, shown)
        masked = shown.report(_worded(report, lang))
        _units(wb, fmt, masked)
        checks_sheet(wb, fmt, masked, lang)
        notes_sheet(wb, fmt, masked)


def _worded(report, lang: str):
    """A copy of the report with its messages worded (the checks and notes sheets show text)."""
    out = copy.copy(report)
    out.checks = []
    for check in report.checks:
        c = copy.copy(check)
        for attr in ("label", "actual", "required", "remedy", "reason"):
            setattr(c, attr, localize(getattr(c, attr, None), lang))
        out.checks.append(c)
    out.warnings = localize(report.warnings, lang)
    out.definitions = localize(report.definitions, lang)
    out.notes = localize(report.notes, lang)
    return out


def _num(value) -> float:
    return float(Decimal(value)) if value is not None else 0.0


def _ledger(wb, fmt, rows, keys: dict, lang: str, shown: Shown) -> int:
    from ttcalc.hours.courses import type_label

    ws = wb.add_worksheet(LEDGER)
    header_row(ws, 0, ["person", "file", "sheet", "row", "姓名 name", "身份证号 ID", "单位 unit", "培训项目 course",
                       "培训类型 type (as read)", "形式 form", "专题 topics", "年度 year", "记录 as written",
                       "学时 hours used", "计入周期 counted", "原因 reason"], fmt,
               [8, 16, 10, 6, 10, 21, 18, 28, 14, 14, 16, 7, 12, 10, 9, 46])
    for r, row in enumerate(rows, start=1):
        text(ws, r, 0, keys.get(row.key))
        ws.write_string(r, 1, shown.text(Path(row.file).name))
        ws.write_string(r, 2, shown.text(row.sheet))
        ws.write_number(r, 3, row.row)
        text(ws, r, 4, shown.name(row.name))
        text(ws, r, 5, shown.id(row.id))
        text(ws, r, 6, shown.text(row.unit))
        text(ws, r, 7, shown.text(row.course))
        text(ws, r, 8, shown.text(row.type_text))
        text(ws, r, 9, row.form if not row.skipped else None)
        text(ws, r, 10, ", ".join(word(type_label(t), lang) for t in sorted(row.topics)) or None)
        ws.write_number(r, 11, row.year) if row.year is not None else ws.write_blank(r, 11, None)
        text(ws, r, 12, row.raw)
        ws.write_number(r, 13, _num(row.hours), fmt["hours"]) if row.hours is not None else ws.write_blank(r, 13, None)
        ws.write_number(r, 14, 1 if row.counted else 0, None if row.counted else fmt["muted"])
        text(ws, r, 15, shown.text(word(row.reason, lang)), None if row.counted else fmt["muted"])
    ws.autofilter(0, 0, max(len(rows), 1), 15)
    return len(rows) + 1  # the last Excel row number


def _teachers(ws, fmt, teachers, keys: dict, profile, cycle, last: int, shown: Shown) -> None:
    years = cycle.years
    rules = {k: profile.get(k) for k in ("hours.cycle_total_min", "hours.school_based_min",
                                         "hours.concentrated_course_min", "hours.annual_min")}
    heads = ["person", "姓名 name", "身份证号 ID", "单位 unit", "周期学时 cycle total", "校本 school-based",
             "单次集中最多 longest concentrated course"] + [f"{y} 学时 hours" for y in years] + \
            ["尚需学时 hours still needed", "尚需校本 school-based still needed", "未通过检查 failed checks"]
    header_row(ws, 0, heads, fmt, [8, 10, 21, 18, 11, 11, 13] + [9] * len(years) + [12, 12, 40])
    ws.freeze_panes(2, 2)
    ws.write_string(1, 0, "要求 required", fmt["required"])
    ws.write_string(1, 3, f"{profile.document} ({profile.id})", fmt["required"])
    required = [(4, rules["hours.cycle_total_min"]), (5, rules["hours.school_based_min"]),
                (6, rules["hours.concentrated_course_min"])] + \
               [(7 + i, rules["hours.annual_min"]) for i in range(len(years))]
    for col, rule in required:
        if rule is not None:
            ws.write_number(1, col, float(rule.value), fmt["required"])
            ws.write_comment(1, col, f"{rule.id}: {rule.citation()}\n{rule.quote}")
    ledger = f"'{LEDGER}'"

    def rng(col: str) -> str:
        return f"{ledger}!${col}$2:${col}${last}"

    counted = f"{rng(L_KEY)},$A{{r}},{rng(L_COUNTED)},1"
    still_col = 7 + len(years)
    for i, p in enumerate(teachers, start=2):
        r = i + 1
        s = p.summary
        bad = bool(p.failed)
        ws.write_string(i, 0, keys[p.key])
        text(ws, i, 1, shown.name(p.name), fmt["fail"] if bad else None)
        text(ws, i, 2, shown.id(p.id))
        text(ws, i, 3, shown.text(p.unit))
        ws.write_formula(i, 4, f"=SUMIFS({rng(L_HOURS)},{counted.format(r=r)})", fmt["hours"], _num(s["total"]))
        ws.write_formula(i, 5, f"=SUMIFS({rng(L_HOURS)},{counted.format(r=r)},{rng(L_FORM)},\"school_based\")",
                         fmt["hours"], _num(s["school_based"]))
        ws.write_number(i, 6, _num(s["concentrated_max_course"]), fmt["hours"])
        for k, y in enumerate(years):
            ws.write_formula(i, 7 + k, f"=SUMIFS({rng(L_HOURS)},{counted.format(r=r)},{rng(L_YEAR)},{y})",
                             fmt["hours"], _num(s["years"][y]))
        total_rule, sb_rule = rules["hours.cycle_total_min"], rules["hours.school_based_min"]
        sb_gap = f"$F$2-F{r}" if sb_rule is not None else None
        sb_value = max(0.0, float(sb_rule.value) - _num(s["school_based"])) if sb_rule is not None else 0.0
        if total_rule is not None:  # school-based hours count toward the total: the larger gap is what it takes
            gaps = ",".join(g for g in (f"$E$2-E{r}", sb_gap) if g)
            ws.write_formula(i, still_col, f"=MAX(0,{gaps})", fmt["hours"],
                             max(0.0, float(total_rule.value) - _num(s["total"]), sb_value))
        else:
            ws.write_blank(i, still_col, None)
        if sb_gap:
            ws.write_formula(i, still_col + 1, f"=MAX(0,{sb_gap})", fmt["hours"], sb_value)
        else:
            ws.write_blank(i, still_col + 1, None)
        text(ws, i, still_col + 2, ", ".join(dict.fromkeys(p.failed)) or None, fmt["fail"] if bad else None)
    end = len(teachers) + 2
    if end > 2 and rules["hours.annual_min"] is not None:
        for k, y in enumerate(years):
            if y in cycle.done:
                col = 7 + k
                ws.conditional_format(2, col, end - 1, col, {"type": "cell", "criteria": "<",
                                                             "value": f"${_letter(col)}$2", "format": fmt["fail"]})
    if end > 2 and not cycle.running:
        for col in (4, 5):
            ws.conditional_format(2, col, end - 1, col, {"type": "cell", "criteria": "<",
                                                         "value": f"${_letter(col)}$2", "format": fmt["fail"]})


def _letter(col: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(col)


def _units(wb, fmt, report) -> None:
    check = next((c for c in report.checks if c.id == "hours.school_concentrated_share"), None)
    if check is None or not check.details:
        return
    ws = wb.add_worksheet(UNITS)
    header_row(ws, 0, ["单位 unit", "年度 year", "教师 teachers", "参加≥90学时集中培训 sent", "比例 share",
                       "要求 required", "结果 status"], fmt, [24, 8, 10, 14, 10, 10, 10])
    for r, d in enumerate(check.details, start=1):
        text(ws, r, 0, d["unit"])
        ws.write_number(r, 1, d["year"])
        ws.write_number(r, 2, d["teachers"], fmt["int"])
        ws.write_number(r, 3, d["sent"], fmt["int"])
        ws.write_formula(r, 4, f"=IF(C{r + 1}=0,0,D{r + 1}/C{r + 1})", fmt["ratio"],
                         d["sent"] / d["teachers"] if d["teachers"] else 0)  # what D/C computes, unrounded
        text(ws, r, 5, check.required)
        ws.write_string(r, 6, d["status"], fmt["fail"] if d["status"] == "fail" else fmt["pass"])
