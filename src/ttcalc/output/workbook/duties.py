"""The duties annotated workbook: every activity row as read (its days, type, class periods),
one row per person and day (a day counts once), and a persons sheet whose figures are live
COUNTIFS/SUMIFS formulas over those two sheets, with the values ttcalc computed stored in
them; then the checks and the definitions.  Persons are keyed P001, P002 … in the formulas,
never by name; with --redact names and ID numbers are masked."""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

import copy
from datetime import date
from pathlib import Path

from ttcalc.output.i18n import localize, word
from ttcalc.output.render.report import term
from ttcalc.output.workbook.common import Shown, checks_sheet, header_row, notes_sheet, one, open_workbook, sheet, text

ACTS, DAYS, PERSONS = "活动 Activities", "日 Days", "人员 Persons"
ACT_COLS = [("person", 8), ("file", 16), ("sheet", 12), ("row", 6), ("姓名 name", 10), ("类型 type", 12),
            ("first", 11), ("last", 11), ("天数 days", 8), ("节数 periods", 8), ("次数 count", 8),
            ("听课 observation", 8), ("教研 research", 8), ("示范课 demo", 8), ("学校 school", 16)]
DAY_COLS = [("person", 8), ("date", 11), ("在校 in school", 8), ("工作日 working day", 8)]


def worded(report, lang: str):
    """A copy of the report whose messages are words (the sheets write text)."""
    shown = copy.copy(report)
    shown.checks = []
    for check in report.checks:
        c = copy.copy(check)
        for attr in ("actual", "remedy", "reason"):
            setattr(c, attr, word(getattr(c, attr), lang))
        c.details = localize(c.details, lang)
        shown.checks.append(c)
    shown.definitions = localize(report.definitions, lang)
    shown.warnings = localize(report.warnings, lang)
    return shown




def _said(code: str, lang: str, fallback):
    """A code's words from the catalogs ([output.duty.*], [duties.role]); the code where none."""
    from ttcalc.output.i18n import catalog

    return catalog(lang if lang in ("zh", "en") else "zh").get(code, fallback)


def _date(ws, r, c, d: date | None, fmt) -> None:
    if d is None:
        ws.write_blank(r, c, None)
    else:
        from datetime import datetime

        ws.write_datetime(r, c, datetime(d.year, d.month, d.day), fmt)


def write(target: Path, report, book, profile, options) -> None:
    shown = Shown(options.redact, ((p.name, p.id) for p in book.persons))
    tag = {p.key: f"P{n:03d}" for n, p in enumerate(book.persons, start=1)}
    with open_workbook(target, options.overwrite) as (wb, fmt):
        fmt["date"] = wb.add_format({"num_format": "yyyy-mm-dd"})
        lang = options.lang
        names = {k: sheet(k, lang) for k in (PERSONS, ACTS, DAYS)}
        persons = wb.add_worksheet(names[PERSONS])  # first tab
        n_acts = _activities(wb, fmt, book, tag, shown, lang, names)
        n_days = _days(wb, fmt, book, tag, lang, names)
        _persons(persons, fmt, report, book, profile, tag, shown, n_acts, n_days, lang, names)
        masked = shown.report(worded(report, options.lang))
        checks_sheet(wb, fmt, masked, options.lang)
        notes_sheet(wb, fmt, masked, lang=options.lang)


def _activities(wb, fmt, book, tag, shown, lang: str, names: dict) -> int:
    ws = wb.add_worksheet(names[ACTS])
    header_row(ws, 0, [one(h, lang) for h, _w in ACT_COLS], fmt, [w for _h, w in ACT_COLS])
    key_of = {}
    for p in book.persons:
        for a in p.rows:
            key_of[id(a)] = tag[p.key]
    r = 0
    for r, a in enumerate(book.rows, start=1):
        ws.write_string(r, 0, key_of.get(id(a), ""))
        text(ws, r, 1, a.file)
        text(ws, r, 2, a.sheet)
        ws.write_number(r, 3, a.row)
        text(ws, r, 4, shown.name(a.name))
        ws.write_string(r, 5, _said(f"output.duty.kind.{a.kind}", lang, a.kind))
        _date(ws, r, 6, a.days[0] if a.days else None, fmt["date"])
        _date(ws, r, 7, a.days[-1] if a.days else None, fmt["date"])
        ws.write_number(r, 8, len(a.days))
        ws.write_number(r, 9, float(a.periods))
        ws.write_number(r, 10, a.count)
        for c, cls in ((11, "observation"), (12, "research"), (13, "demo")):
            ws.write_number(r, c, 1 if cls in a.classes else 0)
        text(ws, r, 14, shown.text(a.school))
    return r


def _days(wb, fmt, book, tag, lang: str, names: dict) -> int:
    ws = wb.add_worksheet(names[DAYS])
    header_row(ws, 0, [one(h, lang) for h, _w in DAY_COLS], fmt, [w for _h, w in DAY_COLS])
    r = 0
    for p in book.persons:
        school = p.dates("school")
        for d in sorted(school):
            r += 1
            ws.write_string(r, 0, tag[p.key])
            _date(ws, r, 1, d, fmt["date"])
            ws.write_number(r, 2, 1)
            ws.write_number(r, 3, 1 if book.cal.working(d) else 0)
    return r


def _persons(ws, fmt, report, book, profile, tag, shown, n_acts: int, n_days: int, lang: str, names: dict) -> None:
    as_of = report.as_of
    sem, sy, yr = book.semester, book.school_year, book.year
    cols = [("person", 8, ""), ("姓名 name", 10, ""), ("职务 role", 8, ""),
            ("在校天数 school days", 12, sem.id), ("还需 still (days)", 10, ""),
            ("听课节数 periods", 12, sy.id), ("还需 still (periods)", 10, ""),
            ("工作日 working days", 12, yr.id), ("教研活动 research", 12, yr.id),
            ("示范课 demo lessons", 12, sem.id), ("未达到 failed", 40, "")]
    header_row(ws, 0, [(one(h, lang) + (f" {term(tag_, lang)}" if tag_ else "")) for h, _w, tag_ in cols], fmt,
               [w for _h, w, _t in cols])
    ad, dd = f"'{names[ACTS]}'!", f"'{names[DAYS]}'!"
    rng = lambda sheet, c, n: f"{sheet}${xl_col_to_name(c)}$2:${xl_col_to_name(c)}${max(n, 1) + 1}"  # noqa: E731
    end_sem, end_sy, end_yr = (min(p.end, as_of) for p in (sem, sy, yr))

    def dt(d: date) -> str:
        return f"DATE({d.year},{d.month},{d.day})"

    def rule(rid):
        r = profile.get(rid)
        return int(r.value) if r is not None else None

    days_rule, obs_rule = rule("staff.school_days_per_semester_min"), rule("staff.observation_hours_min")
    for r, p in enumerate(book.persons, start=1):
        key = tag[p.key]
        ws.write_string(r, 0, key)
        text(ws, r, 1, shown.name(p.name))
        text(ws, r, 2, _said(f"duties.role.{p.role}", lang, p.role) if p.role else None)
        k = f"$A{r + 1}"
        school = sum(1 for d in p.dates("school") if sem.has(d) and d <= as_of)
        ws.write_formula(r, 3, f"=COUNTIFS({rng(dd, 0, n_days)},{k},{rng(dd, 1, n_days)},\">=\"&{dt(sem.start)},"
                               f"{rng(dd, 1, n_days)},\"<=\"&{dt(end_sem)})", None, school)
        if days_rule is not None:
            ws.write_formula(r, 4, f"=MAX(0,{days_rule}-D{r + 1})", None, max(0, days_rule - school))
        periods = sum((a.periods for a in p.rows if "observation" in a.classes and a.days and sy.has(a.days[0])
                       and a.days[0] <= as_of))
        ws.write_formula(r, 5, f"=SUMIFS({rng(ad, 9, n_acts)},{rng(ad, 0, n_acts)},{k},{rng(ad, 11, n_acts)},1,"
                               f"{rng(ad, 6, n_acts)},\">=\"&{dt(sy.start)},{rng(ad, 6, n_acts)},\"<=\"&{dt(end_sy)})",
                         None, float(periods))
        if obs_rule is not None:
            ws.write_formula(r, 6, f"=MAX(0,{obs_rule}-F{r + 1})", None, float(max(0, obs_rule - periods)))
        working = sum(1 for d in p.dates("school") if yr.has(d) and d <= as_of and book.cal.working(d))
        ws.write_formula(r, 7, f"=COUNTIFS({rng(dd, 0, n_days)},{k},{rng(dd, 3, n_days)},1,{rng(dd, 1, n_days)},"
                               f"\">=\"&{dt(yr.start)},{rng(dd, 1, n_days)},\"<=\"&{dt(end_yr)})", None, working)
        for c, cls, per in ((8, 12, yr), (9, 13, sem)):
            value = sum(a.count for a in p.rows if (("research" if cls == 12 else "demo") in a.classes) and a.days
                        and per.has(a.days[0]) and a.days[0] <= as_of)
            ws.write_formula(r, c, f"=SUMIFS({rng(ad, 10, n_acts)},{rng(ad, 0, n_acts)},{k},{rng(ad, cls, n_acts)},1,"
                                   f"{rng(ad, 6, n_acts)},\">=\"&{dt(per.start)},{rng(ad, 6, n_acts)},"
                                   f"\"<=\"&{dt(min(per.end, as_of))})", None, value)
        failed = [_said(f"output.duty.rule.{k2.split('.')[1]}", lang, k2) for k2, v in p.status.items() if v == "fail"]
        text(ws, r, 10, ("；" if lang == "zh" else "; ").join(failed), fmt["fail"] if failed else None)
