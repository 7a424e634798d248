"""The staffing annotated workbook: every roster row as read (title level, 学历 level, age and
where it came from, in post or not, flags with the clause), a summary whose figures are live
COUNTIFS formulas over that sheet, a chart of title levels, the checks and the definitions.

With `redact` (--redact), every name and ID number in it is masked (张* / 350521********123X):
the name column, and every name of the roster wherever else it appears — flags, comments,
the checks and the warnings.  The summary's formulas count by category, never by name."""

from __future__ import annotations

from xlsxwriter.utility import xl_col_to_name

from fractions import Fraction
from pathlib import Path

from ttcalc.cells import titles as T
from ttcalc.output.i18n import word
from ttcalc.output.workbook.common import (
    Shown,
    checks_sheet,
    rule_note,
    fitted_height,
    one,
    sheet,
    header_row,
    notes_sheet,
    open_workbook,
    text,
)
from ttcalc.staffing.people import TEACHER, whole_years

PERSONS, SUMMARY = "人员 Persons", "汇总 Summary"  # catalog keys ([output.sheet])
FULL, PART = "专职", "兼职"  # worded by the catalog ([output.term]); the summary's COUNTIFS match the words written
COLUMNS = [  # (header, width)
    ("file", 16), ("sheet", 12), ("row", 6), ("姓名 name", 10), ("单位 unit", 16), ("专职/兼职 employment", 10),
    ("岗位类别 (as read)", 12), ("岗位类别 category", 10), ("职称 (as read)", 14), ("职称等级 title level", 10),
    ("等级序 level rank", 8), ("等级来源 level from", 10), ("学历 (as read)", 12), ("学历等级 education", 10),
    ("学历序 education rank", 8), ("出生日期 birth", 11), ("年龄 age at as-of", 8), ("年龄来源 age from", 12),
    ("调入 joined", 11), ("调出 left", 11), ("在岗 in post", 8), ("状态 status", 22), ("调入条件 hire screening", 16),
    ("标记 flags (rule: clause)", 70),
]
COL = {key: i for i, key in enumerate(
    ["file", "sheet", "row", "name", "unit", "emp", "cat_raw", "cat", "title_raw", "level", "level_rank", "level_src",
     "edu_raw", "edu", "edu_rank", "birth", "age", "age_src", "join", "leave", "in_post", "status", "hire", "flags"])}




def write(target: Path, report, roster, profile, options) -> None:
    lang, overwrite, redact = options.lang, options.overwrite, options.redact
    names = {k: sheet(k, lang) for k in (PERSONS, SUMMARY)}
    yes = one("yes", lang)
    report = _worded(report, lang)
    shown = Shown(redact, ((p.name, None) for p in roster.persons))
    with open_workbook(target, overwrite) as (wb, fmt):
        fmt["date"] = wb.add_format({"num_format": "yyyy-mm-dd"})
        fmt["fail_date"] = wb.add_format({"num_format": "yyyy-mm-dd", "bg_color": "#FFC7CE", "font_color": "#9C0006"})
        fmt["warn"] = wb.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"})
        fmt["warn_date"] = wb.add_format({"num_format": "yyyy-mm-dd", "bg_color": "#FFEB9C", "font_color": "#9C5700"})
        fmt["exempt_date"] = wb.add_format({"num_format": "yyyy-mm-dd", "bg_color": "#DDEBF7", "font_color": "#1F4E78"})
        summary = wb.add_worksheet(names[SUMMARY])  # first tab
        last = _persons_sheet(wb, fmt, report, roster, shown, lang, names, yes)
        _summary_sheet(wb, summary, fmt, report, roster, profile, last, lang, names, yes)
        masked = shown.report(report)
        checks_sheet(wb, fmt, masked, lang)
        notes_sheet(wb, fmt, masked, lang=lang)


def _term(value: str, lang: str) -> str:
    """A value the sheet writes and its formulas count, in the chosen language; in English the
    source's own word stays beside it in brackets, for a clerk matching it to the roster
    ("full senior (正高)")."""
    from ttcalc.output.render.report import term

    shown = term(value, lang)
    if lang == "en" and isinstance(value, str) and shown != value and any("\u4e00" <= ch <= "\u9fff" for ch in value):
        return f"{shown} ({value})"
    return shown


def _source(code: str, lang: str) -> str:
    """Where a value came from (title, post grade, ID, column; a precision: month, year), worded."""
    from ttcalc.output.i18n import catalog

    return catalog(lang if lang in ("zh", "en") else "zh").get(f"output.source.{code}", code)


def _worded(report, lang: str):
    """A copy of the report with every message worded (the caller's report as it is)."""
    import copy

    from ttcalc.output.i18n import localize

    shown = copy.copy(report)
    shown.warnings, shown.definitions, shown.notes = (localize(x, lang) for x in
                                                     (report.warnings, report.definitions, report.notes))
    shown.checks = []
    for check in report.checks:
        c = copy.copy(check)
        for attr in ("label", "actual", "required", "remedy", "reason", "formula", "inputs", "details"):
            setattr(c, attr, localize(getattr(check, attr), lang))
        shown.checks.append(c)
    return shown


def _row_style(p) -> str | None:
    """fail: a hire failed its screening or a value was not understood; exempt: a hire exempt from
    the screening (blue, never red); warn: a person who blocks a failing ratio or whose screening
    could not be finished."""
    status = (p.hire or {}).get("status")
    if status == "fail" or any(rule is None for _text, rule, _c in p.flags):
        return "fail"
    if status == "exempt":
        return "exempt"
    if status not in (None, "pass") or any(rule and not rule.startswith("hire.") for _t, rule, _c in p.flags):
        return "warn"
    return None


def _persons_sheet(wb, fmt, report, roster, shown: Shown, lang: str, names: dict, yes: str) -> int:
    from ttcalc.core.msg import Msg

    ws = wb.add_worksheet(names[PERSONS])
    header_row(ws, 0, [one(h, lang) for h, _w in COLUMNS], fmt, [w for _h, w in COLUMNS])
    as_of = report.as_of
    r = 0
    for r, p in enumerate(roster.persons, start=1):
        style = _row_style(p)
        cell = fmt[style] if style else None
        day = fmt[f"{style}_date"] if style else fmt["date"]

        def put(key, value, number=False):
            col = COL[key]
            if value is None or value == "":
                ws.write_blank(r, col, None, cell)
            elif number:
                ws.write_number(r, col, value, cell)
            elif hasattr(value, "isoformat"):
                ws.write_datetime(r, col, value, day)
            else:
                text(ws, r, col, shown.name(value) if key == "name" else shown.text(value), cell)

        put("file", Path(p.file).name)
        put("sheet", p.sheet)
        put("row", p.row, True)
        put("name", p.name)
        put("unit", p.unit)
        put("emp", _term(PART if p.parttime else FULL, lang))
        put("cat_raw", p.category_raw)
        put("cat", _term(p.category, lang) if p.category else one("未知 unknown", lang))
        put("title_raw", p.title_raw)
        put("level", _term(p.level or T.NONE, lang))
        put("level_rank", T.level_rank(p.level), True)
        put("level_src", _source(p.level_source or p.level_status, lang))
        put("edu_raw", p.education_raw)
        put("edu", _term(p.education or T.NONE, lang))
        put("edu_rank", T.education_rank(p.education), True)
        put("birth", p.birth)
        ages = whole_years(p.birth, p.birth_precision, as_of)
        if ages and ages[0] == ages[1]:
            put("age", ages[0], True)
        else:
            put("age", f"{ages[0]}–{ages[1]}" if ages else None)
        put("age_src", (_source(p.birth_source, lang) + ("" if p.birth_precision == "day" else
                        f" ({one('only', lang)} {_source(p.birth_precision, lang)})")) if p.birth_source else None)
        put("join", p.join)
        put("leave", p.leave)
        put("in_post", yes if p.in_post else one("no", lang))
        put("status", word(p.status, lang))
        if p.hire:
            status = Msg("staffing.hire.status." + p.hire["status"])
            put("hire", word(Msg("staffing.table.hire_status_by", {"status": status, "by": p.hire["exempt_by"]})
                             if p.hire["exempt_by"] else status, lang))
        else:
            put("hire", None)
        flags = [(word(t, lang), rule, cite) for t, rule, cite in p.flags]
        put("flags", "; ".join(t + (f" [{rule}: {cite}]" if rule else "") for t, rule, cite in flags))
        if flags:
            note = "\n".join(f"{t}" + (f"\n  → {rule}: {cite}" if rule else "") for t, rule, cite in flags)
            ws.write_comment(r, COL["name"], shown.text(note)[:2000], {"x_scale": 2.5, "y_scale": 2})
    ws.autofilter(0, 0, max(r, 1), len(COLUMNS) - 1)
    for key in ("level_rank", "edu_rank", "age_src"):  # internal: the summary's COUNTIFS read them
        ws.set_column(COL[key], COL[key], COLUMNS[COL[key]][1], None, {"hidden": True})
    return max(r + 1, 2)  # last Excel row number of the data (at least row 2, so ranges stay valid)


def _summary_sheet(wb, ws, fmt, report, roster, profile, last: int, lang: str, names: dict, yes: str) -> None:
    from ttcalc.output.render.report import figure_label, label

    def _rng(key: str, last: int) -> str:
        c = xl_col_to_name(COL[key])
        return f"'{names[PERSONS]}'!${c}$2:${c}${last}"

    f = report.figures
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 3, 14)
    ws.set_column(4, 5, 18)
    ws.set_column(6, 6, 60)
    pol = report.policy or {}
    ws.write_string(0, 0, f"{one('staffing title', lang)} — {pol.get('document')}（{pol.get('id')}）", fmt["title"])
    ws.write_string(1, 0, label("as_of", lang))
    ws.write_datetime(1, 2, report.as_of, wb.add_format({"num_format": "yyyy-mm-dd", "bold": True}))
    ws.write_string(2, 0, one("五年窗口起点（不含）window start (exclusive)", lang))
    ws.write_formula(2, 2, "=EDATE(C2,-60)", wb.add_format({"num_format": "yyyy-mm-dd"}), _serial(_months_back(report.as_of, 60)))
    header_row(ws, 3, [one(h, lang) for h in ("figure", "key", "formula value", "ttcalc value", "required", "verdict",
                                               "rule / clause")], fmt)
    emp, inpost, cat = _rng("emp", last), _rng("in_post", last), _rng("cat", last)
    full, part = _term(FULL, lang), _term(PART, lang)
    teacher = _term(TEACHER, lang)
    ft = f'{emp},"{full}",{inpost},"{yes}",{cat},"{teacher}"'
    mid, senior = T.level_rank("中级"), T.level_rank("副高")
    grad, bach = T.education_rank("研究生"), T.education_rank("本科")
    join, leave = _rng("join", last), _rng("leave", last)
    ft_all = [p for p in roster.persons if p.ft_teacher]
    counts = {"title_mid_senior": sum(T.level_rank(p.level) >= mid for p in ft_all),
              "title_senior": sum(T.level_rank(p.level) >= senior for p in ft_all),
              "graduates": sum(T.education_rank(p.education) >= grad for p in ft_all),
              "bachelor_plus": sum(T.education_rank(p.education) >= bach for p in ft_all)}
    lines = [  # key, label, formula (with {key} for the cell of another line), is ratio
        ("staff_total", "在职教职工 staff in post", f'=COUNTIFS({emp},"{full}",{inpost},"{yes}")', False),
        ("fulltime_teachers", "专任教师 full-time teachers", f"=COUNTIFS({ft})", False),
        ("parttime_teachers", "兼职教师 part-time teachers", f'=COUNTIFS({emp},"{part}",{inpost},"{yes}",{cat},"{teacher}")',
         False),
        ("title_mid_senior", "中级及以上 mid-level or senior", f'=COUNTIFS({ft},{_rng("level_rank", last)},">={mid}")', False),
        ("title_senior", "副高及以上 senior", f'=COUNTIFS({ft},{_rng("level_rank", last)},">={senior}")', False),
        ("graduates", "研究生学历 graduate", f'=COUNTIFS({ft},{_rng("edu_rank", last)},">={grad}")', False),
        ("bachelor_plus", "本科及以上 bachelor or above", f'=COUNTIFS({ft},{_rng("edu_rank", last)},">={bach}")', False),
        ("hires_5y", "五年内调入 hires in five years", f'=COUNTIFS({ft},{join},">"&$C$3,{join},"<="&$C$2)', False),
        ("leavers_5y", "五年内调出 leavers in five years",
         f'=COUNTIFS({emp},"{full}",{cat},"{teacher}",{leave},">"&$C$3,{leave},"<="&$C$2)', False),
        ("fulltime_teacher_share", "专任教师占比", "{fulltime_teachers}/{staff_total}", True),
        ("title_mid_senior_share", "中高级职称比例", "{title_mid_senior}/{fulltime_teachers}", True),
        ("title_senior_share", "高级职称比例", "{title_senior}/{fulltime_teachers}", True),
        ("parttime_ratio", "兼职:专任", "{parttime_teachers}/{fulltime_teachers}", True),
        ("graduate_share", "研究生学历比例", "{graduates}/{fulltime_teachers}", True),
        ("bachelor_plus_share", "本科及以上比例", "{bachelor_plus}/{fulltime_teachers}", True),
        ("renewal_5y", "五年更新率", "{hires_5y}/{fulltime_teachers}", True),
    ]
    rules = {"fulltime_teacher_share": "staff.fulltime_share_min", "title_mid_senior_share": "title.mid_senior_share_min",
             "title_senior_share": "title.senior_share_min", "parttime_ratio": "staff.parttime_ratio_min",
             "renewal_5y": "staff.renewal_5y", "graduates": "staff.graduate_count_min"}
    cells = {key: f"$C${5 + i}" for i, (key, *_rest) in enumerate(lines)}
    vals = {key: f.get(key, counts.get(key)) for key, *_rest in lines}
    for i, (key, own, formula, ratio) in enumerate(lines):
        r = 4 + i
        ws.write_string(r, 0, figure_label(key, lang) if figure_label(key, lang) != key else one(own, lang))
        if key in f:  # a figure's JSON key; the counts behind a ratio have none
            ws.write_string(r, 1, key)
        value = f.get(key, counts.get(key))
        if ratio:
            num, den = (cells[k.strip("{}")] for k in formula.split("/"))
            ws.write_formula(r, 2, f'=IF({den}=0,"",ROUND({num}/{den},4))', fmt["pct"],
                             float(value) if value is not None else "")
        else:
            ws.write_formula(r, 2, formula, fmt["int"], value if value is not None else 0)
        if isinstance(value, int):
            ws.write_number(r, 3, value, fmt["int"])
        elif value not in (None, ""):  # ttcalc's exact ratio as a number (never as text), as a percentage
            ws.write_number(r, 3, float(Fraction(str(value))), fmt["pct"])
        else:
            ws.write_blank(r, 3, None)
        rule = profile.get(rules[key]) if key in rules else None
        if rule is not None:
            ws.write_string(r, 4, rule.bound_text(lang))
            keys = [k.strip("{}") for k in formula.split("/")] if ratio else None
            verdict = _verdict(rule, *(cells[k] for k in keys)) if ratio else _verdict(rule, cells[key], "1")
            nums = (vals.get(keys[0]), vals.get(keys[1])) if ratio else (vals.get(key), 1)
            stored = _verdict_value(rule, *nums)
            ws.write_formula(r, 5, verdict, fmt["fail"] if stored == "✘" else fmt["pass"] if stored == "✔" else None,
                             stored)
            note = rule_note(rule, lang)
            text(ws, r, 6, note, fmt["wrap"])
            ws.set_row(r, fitted_height(note, 60))
    _levels_chart(wb, ws, fmt, report, ft, _rng("level", last), 5 + len(lines), lang, names)


def _months_back(day, months: int):
    import calendar
    from datetime import date

    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def _serial(day) -> int:
    from datetime import date

    return (day - date(1899, 12, 30)).days


def _verdict_value(rule, num, den) -> str:
    """The verdict the formula of `_verdict` computes, stored beside it (exact, Fraction)."""
    if not isinstance(num, int) or not isinstance(den, int) or den == 0:
        return "–"
    x = Fraction(num, den)
    if rule.op == "about":
        ok = Fraction(rule.value) - Fraction(rule.tolerance) <= x <= Fraction(rule.value) + Fraction(rule.tolerance)
    else:
        b = Fraction(rule.value)
        ok = {">=": x >= b, "<=": x <= b, ">": x > b, "<": x < b, "==": x == b}[rule.op]
    return "✔" if ok else "✘"


def _verdict(rule, num: str, den: str) -> str:
    """✔/✘ by exact integer comparison: num·q against p·den for a bound p/q (no float ties)."""
    def test(op, bound):
        b = Fraction(bound)
        return f"{num}*{b.denominator}{op}{b.numerator}*{den}"

    if rule.op == "about":
        lo, hi = Fraction(rule.value) - Fraction(rule.tolerance), Fraction(rule.value) + Fraction(rule.tolerance)
        cond = f"AND({test('>=', lo)},{test('<=', hi)})"
    else:
        cond = test(rule.op if rule.op != "==" else "=", Fraction(rule.value))
    return f'=IF({den}=0,"–",IF({cond},"✔","✘"))'


def _levels_chart(wb, ws, fmt, report, ft: str, levels_rng: str, start: int, lang: str, names: dict) -> None:
    from ttcalc.output.render.report import term

    header_row(ws, start, [one("职称等级 title level (专任教师)", lang), "", one("count", lang), one("ttcalc value", lang)],
               fmt)
    levels = list(report.figures["title_levels"].items())
    for i, (level, n) in enumerate(levels, start=start + 1):
        ws.write_string(i, 0, term(level, lang))
        ws.write_string(i, 1, _term(level, lang), fmt["muted"])  # the value the formula counts
        ws.write_formula(i, 2, f'=COUNTIFS({ft},{levels_rng},B{i + 1})', fmt["int"], n)
        ws.write_number(i, 3, n, fmt["int"])
    ws.freeze_panes(4, 0)  # under the figures' header, not the levels table's
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": one("专任教师 full-time teachers", lang),
                      "categories": [names[SUMMARY], start + 1, 0, start + len(levels), 0],
                      "values": [names[SUMMARY], start + 1, 2, start + len(levels), 2], "data_labels": {"value": True}})
    chart.set_title({"name": one("职称等级 Title levels", lang)})
    chart.set_legend({"none": True})
    ws.insert_chart(start + len(levels) + 2, 0, chart)
