"""The hours command's annotated workbook: a per-teacher sheet whose totals are live SUMIFS
over the ledger sheet, the ledger rows as read (counted or not, and why), the school share
per unit and year, the checks with their clauses, and the definitions.

With `redact` (--redact), every name and ID number in it is masked (张* / 350521********123X):
the name and ID columns, and every name of the ledger wherever else it appears — the checks'
remedies, the warnings, any other text.  The SUMIFS key on generated person ids (P00001), never
on a name or an ID number, so the formulas are the same either way."""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

import copy

from decimal import Decimal
from itertools import chain
from pathlib import Path

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.output.i18n import localize, word
from ttcalc.output.render.report import label
from ttcalc.output.workbook.common import (
    MAX_ROWS,
    Shown,
    checks_sheet,
    rule_note,
    one,
    print_setup,
    sheet,
    sign_lines,
    header_row,
    notes_sheet,
    open_workbook,
    text,
)

TEACHERS, LEDGER, UNITS, SUMMARY = "教师 Teachers", "台账 Ledger", "学校 Schools", "汇总 Summary"  # [output.sheet]
# ledger columns (0-based): the per-teacher formulas refer to these letters
L_KEY, L_YEAR, L_HOURS, L_COUNTED, L_FORM = "A", "L", "N", "O", "J"


def write(target: Path, report, book, profile, options) -> None:
    """`book.others`: (name, ID number) pairs of persons named outside the ledger (the roster's),
    for --redact to mask wherever they appear."""
    rows, teachers, cycle, others = book.rows, book.teachers, book.cycle, book.others
    lang, overwrite, redact = options.lang, options.overwrite, options.redact
    if len(rows) > MAX_ROWS:
        raise InputError(msg("output.refuse.ledger_rows", file=str(target), n=len(rows), limit=MAX_ROWS))
    keys = {p.key: f"P{i:05d}" for i, p in enumerate(teachers, start=1)}
    people = chain(((r.name, r.id) for r in rows if not r.skipped), ((p.name, p.id) for p in teachers), others)
    shown = Shown(redact, people)  # the name and ID columns are masked on every row, skipped or not
    with open_workbook(target, overwrite, big=len(rows) > 50_000) as (wb, fmt):
        fmt["hours"] = wb.add_format({"num_format": "0.##"})
        fmt["hours_bold"] = wb.add_format({"num_format": "0.##", "bold": True})
        fmt["required"] = wb.add_format({"num_format": "0.##", "italic": True, "bg_color": "#F2F2F2"})
        fmt["counted"] = wb.add_format({"num_format": f'[=1]"{one("yes", lang)}";[=0]"{one("no", lang)}";General'})
        fmt["not_counted"] = wb.add_format({"num_format": f'[=1]"{one("yes", lang)}";[=0]"{one("no", lang)}";General',
                                            "font_color": "#808080"})
        names = {k: sheet(k, lang) for k in (TEACHERS, LEDGER, UNITS, SUMMARY)}
        summary_ws = wb.add_worksheet(names[SUMMARY])  # first tab
        teachers_ws = wb.add_worksheet(names[TEACHERS])
        last = _ledger(wb, fmt, rows, keys, lang, shown, names)
        _teachers(teachers_ws, fmt, teachers, keys, profile, cycle, last, shown, lang, names)
        masked = shown.report(_worded(report, lang))
        _summary(summary_ws, fmt, masked, profile, cycle, last, len(teachers), lang, names)
        _units(wb, fmt, masked, lang, names)
        checks_sheet(wb, fmt, masked, lang)
        notes_sheet(wb, fmt, masked, lang=lang)


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


def form_word(form: str, lang: str) -> str:
    """A training form in the chosen language (school_based → 校本培训); formulas count this word."""
    from ttcalc.output.i18n import catalog

    return catalog(lang if lang in ("zh", "en") else "zh").get(f"hours.type.{form}", form)


def _ledger(wb, fmt, rows, keys: dict, lang: str, shown: Shown, names: dict) -> int:
    from ttcalc.hours.courses import type_label

    ws = wb.add_worksheet(names[LEDGER])
    header_row(ws, 0, [one(h, lang) for h in ("person", "file", "sheet", "row", "姓名 name", "身份证号 ID", "单位 unit",
                                                "培训项目 course", "培训类型 type (as read)", "形式 form", "专题 topics",
                                                "年度 year", "记录 as written", "学时 hours used", "计入周期 counted",
                                                "原因 reason")], fmt,
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
        text(ws, r, 9, form_word(row.form, lang) if not row.skipped and row.form else None)
        text(ws, r, 10, ", ".join(word(type_label(t), lang) for t in sorted(row.topics)) or None)
        ws.write_number(r, 11, row.year) if row.year is not None else ws.write_blank(r, 11, None)
        text(ws, r, 12, row.raw)
        ws.write_number(r, 13, _num(row.hours), fmt["hours"]) if row.hours is not None else ws.write_blank(r, 13, None)
        ws.write_number(r, 14, 1 if row.counted else 0, fmt["counted"] if row.counted else fmt["not_counted"])
        text(ws, r, 15, shown.text(word(row.reason, lang)), None if row.counted else fmt["muted"])
    ws.autofilter(0, 0, max(len(rows), 1), 15)
    return len(rows) + 1  # the last Excel row number


def _teachers(ws, fmt, teachers, keys: dict, profile, cycle, last: int, shown: Shown, lang: str, names: dict) -> None:
    years = cycle.years
    rules = {k: profile.get(k) for k in ("hours.cycle_total_min", "hours.school_based_min",
                                         "hours.concentrated_course_min", "hours.annual_min")}
    heads = [one(h, lang) for h in ("person", "姓名 name", "身份证号 ID", "单位 unit", "周期学时 cycle total",
                                    "校本 school-based", "单次集中最多 longest concentrated course")] + \
            [f"{y} {one('学时 hours', lang)}" for y in years] + \
            [one(h, lang) for h in ("尚需学时 hours still needed", "尚需校本 school-based still needed",
                                    "未通过检查 failed checks")]
    header_row(ws, 0, heads, fmt, [8, 10, 21, 18, 11, 11, 13] + [9] * len(years) + [12, 12, 40])
    ws.freeze_panes(2, 2)
    ws.write_string(1, 0, one("要求 required", lang), fmt["required"])
    ws.write_string(1, 3, f"{profile.document} ({profile.id})", fmt["required"])
    required = [(4, rules["hours.cycle_total_min"]), (5, rules["hours.school_based_min"]),
                (6, rules["hours.concentrated_course_min"])] + \
               [(7 + i, rules["hours.annual_min"]) for i in range(len(years))]
    for col, rule in required:
        if rule is not None:
            ws.write_number(1, col, float(rule.value), fmt["required"])
            ws.write_comment(1, col, rule_note(rule, lang, "\n"))
    ledger = f"'{names[LEDGER]}'"

    def rng(col: str) -> str:
        return f"{ledger}!${col}$2:${col}${last}"

    counted = f"{rng(L_KEY)},$A{{r}},{rng(L_COUNTED)},1"
    school_based = form_word("school_based", lang)  # the ledger's form column holds the words
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
        ws.write_formula(i, 5, f"=SUMIFS({rng(L_HOURS)},{counted.format(r=r)},{rng(L_FORM)},\"{school_based}\")",
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
    if teachers:  # 合计: the hours of everyone, live sums with their stored values
        ws.write_string(end, 0, one("合计 all", lang), fmt["bold"])
        sums = {4: sum(_num(p.summary["total"]) for p in teachers),
                5: sum(_num(p.summary["school_based"]) for p in teachers)}
        for k, y in enumerate(years):
            sums[7 + k] = sum(_num(p.summary["years"][y]) for p in teachers)
        for col, value in sums.items():
            letter = xl_col_to_name(col)
            ws.write_formula(end, col, f"=SUM({letter}3:{letter}{end})", fmt["hours_bold"], value)
        for col in (still_col, still_col + 1):
            letter = xl_col_to_name(col)
            ws.write_formula(end, col, f"=SUM({letter}3:{letter}{end})", fmt["hours_bold"],
                             _still_total(teachers, profile, col - still_col))
    if end > 2 and rules["hours.annual_min"] is not None:
        for k, y in enumerate(years):
            if y in cycle.done:
                col = 7 + k
                ws.conditional_format(2, col, end - 1, col, {"type": "cell", "criteria": "<",
                                                             "value": f"${xl_col_to_name(col)}$2", "format": fmt["fail"]})
    if end > 2 and not cycle.running:
        for col in (4, 5):
            ws.conditional_format(2, col, end - 1, col, {"type": "cell", "criteria": "<",
                                                         "value": f"${xl_col_to_name(col)}$2", "format": fmt["fail"]})


def _still_total(teachers, profile, which: int) -> float:
    """The sum of the "still needed" column (0: hours, 1: school-based hours) as the rows store it."""
    total_rule, sb_rule = profile.get("hours.cycle_total_min"), profile.get("hours.school_based_min")
    out = 0.0
    for p in teachers:
        s = p.summary
        sb = max(0.0, float(sb_rule.value) - _num(s["school_based"])) if sb_rule is not None else 0.0
        if which == 1:
            out += sb
        elif total_rule is not None:
            out += max(0.0, float(total_rule.value) - _num(s["total"]), sb)
    return out


def _summary(ws, fmt, report, profile, cycle, last: int, n_teachers: int, lang: str, names: dict) -> None:
    """The first sheet: title, policy, as-of, cycle, the figures (live over the ledger and teachers
    sheets where they are sums or counts, each with its stored value) and the verdicts, coloured."""
    from ttcalc.output.render.report import figure_label, label

    f = report.figures
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2, 16)
    ws.set_column(3, 3, 16)
    ws.set_column(4, 4, 40)
    ws.write_string(0, 0, f"{one('hours title', lang)} — {profile.document}（{profile.id}）", fmt["title"])
    ws.write_string(1, 0, label("as_of", lang))
    ws.write_string(1, 2, report.as_of.isoformat())
    ws.write_string(2, 0, one("cycle", lang))
    ws.write_string(2, 2, f"{f.get('cycle_start')}–{f.get('cycle_end')}")
    header_row(ws, 3, [label("label", lang), label("key", lang), label("value", lang)], fmt)
    led, tea = f"'{names[LEDGER]}'", f"'{names[TEACHERS]}'"
    end = n_teachers + 2
    live = {"hours_total": f"=SUMIFS({led}!${L_HOURS}$2:${L_HOURS}${last},{led}!${L_COUNTED}$2:${L_COUNTED}${last},1)",
            "rows_counted": f"=COUNTIF({led}!${L_COUNTED}$2:${L_COUNTED}${last},1)",
            "teachers": f"=COUNTA({tea}!$A$3:$A${max(end, 3)})" if n_teachers else None}
    r = 4
    for key, value in f.items():
        if isinstance(value, bool) or key in ("cycle_start", "cycle_end"):
            continue
        ws.write_string(r, 0, figure_label(key, lang))
        ws.write_string(r, 1, key)
        number = _number(value)
        if live.get(key) and number is not None:
            ws.write_formula(r, 2, live[key], fmt["hours"], number)
        elif number is not None:
            ws.write_number(r, 2, number, fmt["hours"])
        else:
            text(ws, r, 2, value)
        r += 1
    if f.get("teachers"):
        ws.write_string(r, 0, figure_label("teachers_compliant", lang) + " / " + figure_label("teachers", lang))
        row_of = {k: 5 + i for i, k in enumerate(k for k, v in f.items()
                                                  if not isinstance(v, bool) and k not in ("cycle_start", "cycle_end"))}
        if "teachers" in row_of and "teachers_compliant" in row_of:
            ws.write_formula(r, 2, f"=IF(C{row_of['teachers']}=0,0,C{row_of['teachers_compliant']}/C{row_of['teachers']})",
                             fmt["pct"], f["teachers_compliant"] / f["teachers"])
        r += 1
    r += 1
    header_row(ws, r, [label("check", lang), label("status", lang), label("actual", lang), label("required", lang),
                       label("citation", lang)], fmt)
    for k, c in enumerate(report.checks, start=r + 1):
        ws.write_string(k, 0, c.id)
        style = fmt["fail"] if c.status == "fail" else fmt["pass"] if c.status == "pass" else fmt["muted"]
        ws.write_string(k, 1, label(c.status, lang), style)
        text(ws, k, 2, word(c.actual, lang) if c.status != "not_applicable" else None)
        text(ws, k, 3, word(c.required, lang))
        text(ws, k, 4, c.citation)
    ws.freeze_panes(4, 0)
    sign_lines(ws, r + len(report.checks) + 2, fmt, lang)
    print_setup(ws, 3)


def _number(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        return float(Decimal(str(value)))
    except Exception:  # noqa: BLE001 - text such as "2022-2026" stays text
        return None




def _units(wb, fmt, report, lang: str, names: dict) -> None:
    check = next((c for c in report.checks if c.id == "hours.school_concentrated_share"), None)
    if check is None or not check.details:
        return
    ws = wb.add_worksheet(names[UNITS])
    header_row(ws, 0, [one(h, lang) for h in ("单位 unit", "年度 year", "教师 teachers", "参加≥90学时集中培训 sent",
                                                "比例 share", "要求 required", "结果 status")], fmt,
               [24, 8, 10, 14, 10, 10, 10])
    for r, d in enumerate(check.details, start=1):
        text(ws, r, 0, d["unit"])
        ws.write_number(r, 1, d["year"])
        ws.write_number(r, 2, d["teachers"], fmt["int"])
        ws.write_number(r, 3, d["sent"], fmt["int"])
        ws.write_formula(r, 4, f"=IF(C{r + 1}=0,0,D{r + 1}/C{r + 1})", fmt["pct"],
                         d["sent"] / d["teachers"] if d["teachers"] else 0)  # exact, as the formula computes it
        text(ws, r, 5, check.required)
        ws.write_string(r, 6, label(d["status"], lang), fmt["fail"] if d["status"] == "fail" else fmt["pass"])
