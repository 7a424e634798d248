"""`ttcalc staffing`: title, credential and staffing ratios, five-year renewal and new-hire
screening from a roster, each failing ratio with the smallest change in people that meets it.

Definitions are those of shared/domain.md §6 and are stated in every report (DEFINITIONS).
Every bound comes from the policy profile; ratios are compared as exact Fractions.
Nothing here prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from math import ceil, floor
from pathlib import Path

from . import reader
from . import titles as T
from .clean import parse_date, years_between
from .errors import InputError
from .idcard import parse_id
from .policy import load_profile
from .report import Report, inputs_block, policy_block
from .rules import FAIL, NA, PASS, from_rule, judge, meets, not_applicable, ratio_str

TEACHER = "专任教师"
WARN_CAP = 200
HIRE_RULES = ("hire.education_min", "hire.age_max", "hire.title_min", "hire.teaching_years_min")
RATIO_CHECKS = (  # check id, rule id, numerator, denominator
    ("staff.fulltime_share", "staff.fulltime_share_min", "fulltime_teachers", "staff_total"),
    ("title.mid_senior_share", "title.mid_senior_share_min", "title_mid_senior", "fulltime_teachers"),
    ("title.senior_share", "title.senior_share_min", "title_senior", "fulltime_teachers"),
    ("staff.parttime_ratio", "staff.parttime_ratio_min", "parttime_teachers", "fulltime_teachers"),
    ("staff.renewal_5y", "staff.renewal_5y", "hires_5y", "fulltime_teachers"),
)

DEFINITIONS = {
    "staff_total": "在职教职工: full-time staff in post at the as-of date, every post category; not part-time, "
                   "not those with a leave date (调出时间) on or before as-of, not those who join after as-of",
    "fulltime_teachers": "专任教师: staff_total rows whose post category (岗位类别) is 专任教师",
    "parttime_teachers": "兼职教师: part-time teachers in post at as-of — every row of a sheet named like "
                         "兼职教师名单, or a row whose 专职/兼职 column says 兼职/外聘 (a part-time row counts as a "
                         "teacher unless its 岗位类别 says otherwise)",
    "fulltime_teacher_share": "fulltime_teachers ÷ staff_total",
    "title_mid_senior_share": "full-time teachers whose title level is 中级 or above ÷ fulltime_teachers",
    "title_senior_share": "full-time teachers whose title level is 副高 or above (高级) ÷ fulltime_teachers",
    "parttime_ratio": "parttime_teachers ÷ fulltime_teachers (a 1:1 rule means ≥ 1)",
    "graduate_share": "full-time teachers whose 学历 is 研究生 ÷ fulltime_teachers (学位 is not 学历)",
    "bachelor_plus_share": "full-time teachers whose 学历 is 本科 or above ÷ fulltime_teachers",
    "hires_5y": "full-time teachers in post at as-of whose join date (调入本校时间) lies in the five years up to "
                "as-of: as-of minus 5 years < join date ≤ as-of (29 February minus 5 years is 28 February)",
    "leavers_5y": "full-time teachers (专任教师) whose leave date lies in the same five-year window",
    "renewal_5y": "hires_5y ÷ fulltime_teachers; \"about 20%\" is the profile's target with its stated tolerance",
    "title_levels": "full-time teachers by title level (正高, 副高, 中级, 初级, 员级, none); old 小学 names sit one "
                    "level lower than they sound (小学高级教师 = 中级); honours (特级教师 …) are not levels",
    "education_levels": "full-time teachers by 学历 level (研究生 > 本科 > 专科 > 中专 > 高中 > 初中及以下, none)",
    "title_level": "from the 职称 column, else the 专业技术岗位等级 (1–4 正高, 5–7 副高, 8–10 中级, 11–12 初级, 13 员级); "
                   "blank, 未评 or 见习 is none; an unknown or ambiguous string is none with a warning naming the row",
    "age": "周岁 (whole years completed) at the date that matters; birth date from the 出生年月 column, else from "
           "a valid 身份证号; a birth date given to the month only is read as a range, and an age that the range "
           "leaves undecided is \"unknown\"",
    "dates": "a join or leave date given to the month only counts as the first of that month",
    "hire.eligibility": "every full-time teacher whose join date is on or after --hired-since (default: the "
                        "profile's effective date) and on or before as-of, including those who have since left; "
                        "title level is the one held now (the roster keeps no title history); front-line teaching "
                        "years are the 教学年限/教龄 column where there is one, else whole years from 参加工作时间 to "
                        "the join date; missing data makes that condition \"unknown\" (listed, not a pass); a "
                        "holder of an exemption of the profile is reported \"exempt by …\" and does not fail the check",
    "remedy": "the smallest whole number of people that makes the ratio meet its rule, exactly: promote (the "
              "denominator stays), or fewer of the others, or new hires who count in both",
}


@dataclass
class Person:
    file: str
    sheet: str
    row: int
    name: str | None = None
    unit: str | None = None
    parttime: bool = False
    category: str | None = None
    category_raw: str | None = None
    title_raw: str | None = None
    level: str | None = None
    level_status: str = "blank"
    level_source: str | None = None
    education_raw: str | None = None
    education: str | None = None
    education_status: str = "blank"
    birth: date | None = None
    birth_precision: str | None = None  # day | month | year
    birth_source: str | None = None  # column | ID
    work_start: date | None = None
    work_start_precision: str | None = None
    join: date | None = None
    leave: date | None = None
    teaching_years: Fraction | None = None
    honour: str | None = None
    in_post: bool = True
    status: str = ""
    hire5y: bool = False
    leaver5y: bool = False
    hire: dict | None = None
    flags: list = field(default_factory=list)  # (text, rule id, citation)

    @property
    def ft_teacher(self) -> bool:
        return not self.parttime and self.in_post and self.category == TEACHER

    @property
    def pt_teacher(self) -> bool:
        return self.parttime and self.in_post and self.category == TEACHER


@dataclass
class Roster:
    persons: list[Person]
    warnings: list[dict]
    missing: set  # fields some full-time sheet lacks: category, join, leave …


# ============================================================================ reading

def _precision(note: str | None) -> str:
    return {"month_only": "month", "ambiguous_month": "month", "year_only": "year"}.get(note, "day")


def _date(raw, what: str, where: dict, warn) -> tuple[date | None, str | None]:
    try:
        value, note = parse_date(raw)
    except ValueError:
        warn("bad_date", where, f"{what}: cannot read {str(raw)[:30]!r} as a date: left out")
        return None, None
    if note == "ambiguous_month":
        warn("ambiguous_date", where, f"{what}: {raw!r} may have lost the 0 of October: read as January")
    return value, (_precision(note) if value else None)


def _years_number(raw) -> Fraction | None:
    if raw is None:
        return None
    m = re.search(r"\d+(?:\.\d+)?", T.normalise(raw))
    return Fraction(m.group()) if m else None


def read_roster(dataset, as_of: date) -> Roster:
    warnings: list[dict] = []
    counts: dict[str, int] = {}

    def warn(code, where, message):
        counts[code] = counts.get(code, 0) + 1
        if counts[code] <= WARN_CAP:
            warnings.append({"code": code, **where, "message": message})

    persons, full_sheets = [], []
    for s in dataset.used:
        pt_sheet = T.is_parttime_sheet(s.sheet)
        cols = set(s.data.column_names)
        if not pt_sheet:
            full_sheets.append(cols)
            if "category" not in cols:
                warnings.append({"code": "no_category", "file": str(s.file), "sheet": s.sheet, "row": None,
                                 "message": "no 岗位类别 column: every full-time row is counted as 专任教师"})
        for rec in s.data.to_pylist():
            if rec["_skip"] is not None:
                continue
            persons.append(_person(s, rec, pt_sheet, cols, as_of, warn))
    for code, n in counts.items():
        if n > WARN_CAP:
            warnings.append({"code": code, "file": None, "sheet": None, "row": None,
                             "message": f"{n - WARN_CAP} more rows with the warning {code}"})
    # a field no full-time sheet has cannot be counted; a sheet without 岗位类别 distorts the share
    missing = {f for f in ("join", "leave", "title", "education") if not any(f in c for c in full_sheets)}
    missing |= {"category"} if any("category" not in c for c in full_sheets) else set()
    return Roster(persons, warnings, missing)


def _person(s, rec: dict, pt_sheet: bool, cols: set, as_of: date, sheet_warn) -> Person:
    where = {"file": str(s.file), "sheet": s.sheet, "row": rec["_row"]}
    p = Person(str(s.file), s.sheet, rec["_row"], rec.get("name"), rec.get("unit"))

    def warn(code, where, message):  # a row's warning is also its flag in the annotated workbook
        sheet_warn(code, where, message)
        p.flags.append((message, None, None))

    # 专职 / 兼职: the row's employment column, else a 兼职 word in its category, else the sheet
    emp = T.employment_of(rec.get("employment"))
    if emp.level is None and emp.status != "blank":
        warn("unknown_employment", where, f"专职/兼职 {emp.text!r} not recognised: "
             f"taken as {'part-time (sheet name)' if pt_sheet else 'full-time'}")
    if emp.level is None:
        emp = T.employment_of(rec.get("category"))
    p.parttime = emp.level == "兼职" if emp.level else pt_sheet
    # 岗位类别
    p.category_raw = rec.get("category")
    cat = T.category_of(p.category_raw)
    if cat.level:
        p.category = cat.level
    elif "category" not in cols or p.parttime and cat.status == "blank":
        p.category = TEACHER
    else:
        p.category = TEACHER if p.parttime else None
        warn("unknown_category", where, f"岗位类别 {cat.text!r} " + ("is blank" if cat.status == "blank" else
             "not recognised") + (": counted as a part-time teacher" if p.parttime else
                                  ": counted in staff_total but not as 专任教师"))
    _title(p, rec, where, warn)
    _education(p, rec, where, warn)
    _birth(p, rec, where, warn)
    p.work_start, p.work_start_precision = _date(rec.get("work_start"), "参加工作时间", where, warn)
    p.join, _ = _date(rec.get("join"), "调入本校时间", where, warn)
    p.leave, _ = _date(rec.get("leave"), "调出时间", where, warn)
    p.teaching_years = _years_number(rec.get("teaching_years"))
    p.honour = rec.get("honour")
    if "join" in cols and p.join is None and not p.parttime and p.category == TEACHER and rec.get("join") is None:
        warn("no_join_date", where, "调入本校时间 is blank: not counted as a hire (hires_5y, hire.eligibility)")
    if p.leave and p.leave <= as_of:
        p.in_post, p.status = False, f"left {p.leave.isoformat()}"
    elif p.join and p.join > as_of:
        p.in_post, p.status = False, f"joins {p.join.isoformat()} (after as-of)"
    else:
        p.status = "in post"
    return p


def _title(p: Person, rec: dict, where: dict, warn) -> None:
    """Title level from the 职称 cell, else from the 专业技术岗位等级 cell; unknown strings warn."""
    p.title_raw = rec.get("title")
    m = T.title_level(p.title_raw)
    p.level, p.level_status, p.level_source = m.level, m.status, "title" if m.level else None
    if m.level is None and rec.get("post_grade"):
        g = T.post_grade_level(rec["post_grade"], column=True) or T.title_level(rec["post_grade"])
        if g.level:
            p.level, p.level_status, p.level_source = g.level, "ok", "post grade"
        elif g.status not in ("none", "not_title", "blank"):
            warn("unknown_post_grade", where, f"岗位等级 {rec['post_grade']!r} not recognised")
    fallback = "the 岗位等级 is used" if p.level_source == "post grade" else \
        "counted as no title level (none), never as senior"
    if m.status == "several":
        warn("several_titles", where, f"职称 {m.text!r} names several levels: the highest ({m.level}) is used")
    elif m.status in ("unknown", "ambiguous"):
        why = f" (ambiguous: {m.matched})" if m.status == "ambiguous" else ""
        warn(f"{m.status}_title", where, f"title {m.text!r} not recognised{why}: {fallback}")
    elif m.status == "honour" and not p.level:
        warn("title_is_honour", where, f"title column holds an honour ({'、'.join(m.honours)}), not a title level: "
             f"give the 职称 in its column; {fallback}")


def _education(p: Person, rec: dict, where: dict, warn) -> None:
    p.education_raw = rec.get("education")
    m = T.education_level(p.education_raw)
    p.education, p.education_status = m.level, m.status
    if m.level is None and m.status not in ("blank",):
        why = "a degree (学位), not a 学历" if m.status == "degree" else "not recognised"
        warn("unknown_education", where, f"学历 {m.text!r}: {why}; counted as no 学历 level (none)")


def _birth(p: Person, rec: dict, where: dict, warn) -> None:
    col, prec = _date(rec.get("birth"), "出生年月", where, warn)
    info = parse_id(rec.get("id")) if rec.get("id") else None
    from_id = info.birth if info is not None and info.valid else None
    if col and from_id and (col.year != from_id.year or prec != "year" and col.month != from_id.month
                            or prec == "day" and col != from_id):
        warn("birth_mismatch", where, f"出生年月 {col.isoformat()} differs from the 身份证号 ({from_id.isoformat()}): "
             "the column is used")
        p.birth, p.birth_precision, p.birth_source = col, prec, "column"
    elif col and prec == "day":
        p.birth, p.birth_precision, p.birth_source = col, "day", "column"
    elif from_id:
        p.birth, p.birth_precision, p.birth_source = from_id, "day", "ID"
    elif col:
        p.birth, p.birth_precision, p.birth_source = col, prec, "column"


def whole_years(start: date | None, precision: str | None, end: date) -> tuple[int, int] | None:
    """周岁 from a start date known to the day, month or year: (fewest, most) whole years."""
    if start is None:
        return None
    if precision == "day":
        n = years_between(start, end)
        return n, n
    last = date(start.year, 12, 31) if precision == "year" else \
        (date(start.year + (start.month == 12), start.month % 12 + 1, 1) - timedelta(days=1))
    return years_between(last, end), years_between(start, end)


def minus_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year - n)
    except ValueError:  # 29 February
        return d.replace(year=d.year - n, day=28)


# ============================================================================ figures

def compute(roster: Roster, as_of: date) -> dict:
    ps = roster.persons
    start = minus_years(as_of, 5)
    for p in ps:
        p.hire5y = p.ft_teacher and p.join is not None and start < p.join <= as_of
        p.leaver5y = (not p.parttime and p.category == TEACHER and p.leave is not None and start < p.leave <= as_of)
    staff = [p for p in ps if not p.parttime and p.in_post]
    ft = [p for p in staff if p.category == TEACHER]
    pt = [p for p in ps if p.pt_teacher]
    n = len(ft)
    mid = sum(T.level_rank(p.level) >= T.level_rank("中级") for p in ft)
    senior = sum(T.level_rank(p.level) >= T.level_rank("副高") for p in ft)
    grad = sum(p.education == "研究生" for p in ft)
    bach = sum(T.education_rank(p.education) >= T.education_rank("本科") for p in ft)
    has_join = "join" not in roster.missing
    hires = sum(p.hire5y for p in ft) if has_join else None
    leavers = sum(p.leaver5y for p in ps) if "leave" not in roster.missing else None

    def share(a, b):
        return ratio_str(Fraction(a, b)) if a is not None and b else None

    levels = {lv: sum(p.level == lv for p in ft) for lv in T.title_levels()}
    levels[T.NONE] = sum(p.level is None for p in ft)
    edus = {lv: sum(p.education == lv for p in ft) for lv in T.education_levels()}
    edus[T.NONE] = sum(p.education is None for p in ft)
    figures = {
        "staff_total": len(staff), "fulltime_teachers": n, "parttime_teachers": len(pt),
        "fulltime_teacher_share": share(n, len(staff)) if "category" not in roster.missing else None,
        "title_mid_senior_share": share(mid, n), "title_senior_share": share(senior, n),
        "parttime_ratio": share(len(pt), n), "graduate_share": share(grad, n), "bachelor_plus_share": share(bach, n),
        "hires_5y": hires, "leavers_5y": leavers, "renewal_5y": share(hires, n),
        "title_levels": levels, "education_levels": edus,
    }
    counts = {"staff_total": len(staff), "fulltime_teachers": n, "parttime_teachers": len(pt),
              "title_mid_senior": mid, "title_senior": senior, "graduates": grad, "hires_5y": hires,
              "join_missing": sum(p.join is None for p in ft), "window_start": start, "as_of": as_of}
    return {"figures": figures, "counts": counts}


# ============================================================================ remedies

def _smallest(ok, estimate: int, limit: int) -> int | None:
    """The least n in [0, limit] with ok(n), ok monotone; `estimate` is the closed form."""
    n = min(max(0, estimate), limit)
    while n <= limit and not ok(n):
        n += 1
    if n > limit:
        return None
    while n > 0 and ok(n - 1):
        n -= 1
    return n


def added_to_both(num: int, den: int, ok, bound: Fraction) -> int | None:
    """Least k with ok((num + k) / (den + k)): people who count in the numerator and the denominator."""
    estimate = ceil((bound * den - num) / (1 - bound)) if bound < 1 else 0
    return _smallest(lambda k: ok(Fraction(num + k, den + k)), estimate, 10 * den + 10_000)


def share_remedy(a: int, b: int, rule) -> dict:
    """For a share a/b below its rule: promote (a+z)/b, fewer others a/(b−y), hire (a+x)/(b+x)."""
    t = Fraction(rule.value)

    def ok(value: Fraction) -> bool:
        return meets(value, rule)

    promote = _smallest(lambda z: ok(Fraction(a + z, b)), ceil(t * b - a), b - a)
    remove = _smallest(lambda y: b - y > 0 and ok(Fraction(a, b - y)), ceil(b - a / t) if t else 0, b - a) \
        if a > 0 else None
    hire = added_to_both(a, b, ok, t) if t < 1 else None
    return {"promote": promote, "remove": remove, "hire": hire}


def count_remedy(have: int, rule, denominator: int | None = None) -> int | None:
    """More people in the numerator only: part-time teachers for a fixed denominator, or a headcount."""
    t = Fraction(rule.value)
    if denominator is not None:
        return _smallest(lambda x: meets(Fraction(have + x, denominator), rule), ceil(t * denominator - have),
                         ceil(t * denominator) + 10_000)
    return _smallest(lambda x: meets(Fraction(have + x), rule), ceil(t - have), ceil(t) + 10_000)


def renewal_remedy(num: int, den: int, rule, lang: str) -> tuple[str, dict]:
    """Below the band: hires needed (each new hire counts in both); above it: how many too many."""
    zh = lang == "zh"
    target = Fraction(rule.value)
    tol = Fraction(rule.tolerance) if rule.op == "about" else Fraction(0)
    if Fraction(num, den) < target:
        x = added_to_both(num, den, lambda v: meets(v, rule), target - tol)
        to_target = added_to_both(num, den, lambda v: v >= target, target)
        if zh:
            return (f"需在五年内再调入 {x} 名专任教师（达到目标 {rule.value} 需 {to_target} 名）",
                    {"hire": x, "hire_to_target": to_target})
        return (f"{x} more full-time teacher{'s' * (x != 1)} hired within the five years needed ({to_target} to reach "
                f"the {rule.value} target)", {"hire": x, "hire_to_target": to_target})
    most = floor((target + tol) * den)
    while most > 0 and not meets(Fraction(most, den), rule):
        most -= 1
    k = num - most
    if zh:
        return (f"更新率高于上限：五年内调入 {num} 人，按 {den} 名专任教师最多 {most} 人（多 {k} 人）；再调入只会更高，"
                "随五年窗口后移而下降", {"excess_hires": k})
    return (f"renewal above the band: {num} hires in five years, at most {most} for {den} full-time teachers "
            f"({k} too many); more hires raise it further — it falls as the five-year window moves on",
            {"excess_hires": k})


_WORDS = {  # (zh, en) for the three ways to meet a share; {n} is the number, {s} the English plural
    "staff.fulltime_share": {
        "hire": ("需新增 {n} 名专任教师", "{n} more full-time teacher{s} needed"),
        "remove": ("减少 {n} 名非专任教师岗位人员", "{n} fewer staff outside the teaching category"),
        "promote": ("将 {n} 名其他岗位人员转为专任教师", "{n} staff moved into teaching posts")},
    "title.mid_senior_share": {
        "promote": ("需再有 {n} 名专任教师取得中级及以上职称",
                    "{n} more full-time teacher{s} with a mid-level or senior title needed by promotion"),
        "remove": ("减少 {n} 名中级以下", "{n} fewer below mid-level"),
        "hire": ("新聘 {n} 名中级及以上职称专任教师", "{n} new hire{s} with a mid-level or senior title")},
    "title.senior_share": {
        "promote": ("需再有 {n} 名高级职称专任教师", "{n} more senior-titled full-time teacher{s} needed by promotion"),
        "remove": ("减少 {n} 名非高级", "{n} fewer non-senior"),
        "hire": ("新聘 {n} 名高级职称专任教师", "{n} senior-titled new hire{s}")},
}


def _remedy_text(check_id: str, r: dict, lang: str) -> str | None:
    i = 0 if lang == "zh" else 1
    words = _WORDS[check_id]
    parts = [w[i].format(n=r[key], s="" if r[key] == 1 else "s") for key, w in words.items() if r.get(key) is not None]
    if not parts:
        return None
    head, rest = parts[0], parts[1:]
    if not rest:
        return head
    return f"{head}（或{'，或'.join(rest)}）" if lang == "zh" else f"{head} (or {'; or '.join(rest)})"


# ============================================================================ checks

def ratio_checks(profile, calc: dict, roster: Roster, lang: str, remedies: dict) -> list:
    c = calc["counts"]
    out = []
    for check_id, rule_id, num_key, den_key in RATIO_CHECKS:
        rule = profile.get(rule_id)
        if rule is None:
            out.append(not_applicable(check_id, f"the profile sets no rule {rule_id}", lang=lang))
            continue
        num, den = c[num_key], c[den_key]
        if check_id == "staff.fulltime_share" and "category" in roster.missing:
            out.append(not_applicable(check_id, "the roster has no 岗位类别 (post category) column", rule, lang))
            continue
        if check_id == "staff.renewal_5y" and num is None:
            out.append(not_applicable(check_id, "the roster has no 调入本校时间 (join date) column", rule, lang))
            continue
        if not den:
            out.append(not_applicable(check_id, f"{den_key} is 0: no ratio", rule, lang))
            continue
        check = judge(from_rule(check_id, rule, lang), Fraction(num, den), rule)
        check.formula = f"{num_key} ÷ {den_key}"
        check.inputs = {num_key: num, den_key: den}
        if check_id == "staff.renewal_5y":
            check.inputs.update({"window": f"{c['window_start'].isoformat()} < join ≤ {c['as_of'].isoformat()}",
                                 "join_date_missing": c["join_missing"]})
        if check.status == FAIL:
            check.remedy, remedies[check_id] = _remedy(check_id, num, den, rule, lang)
        out.append(check)
    return out


def _remedy(check_id: str, num: int, den: int, rule, lang: str) -> tuple[str | None, dict]:
    if check_id == "staff.parttime_ratio":
        x = count_remedy(num, rule, den)
        return (f"需再聘 {x} 名兼职教师" if lang == "zh" else f"{x} more part-time teacher{'s' * (x != 1)} needed"), \
            {"hire_parttime": x}
    if check_id == "staff.renewal_5y":
        return renewal_remedy(num, den, rule, lang)
    r = share_remedy(num, den, rule)
    return _remedy_text(check_id, r, lang), r


def graduate_check(profile, calc: dict, lang: str, remedies: dict):
    rule = profile.get("staff.graduate_count_min")
    if rule is None:
        return None
    n = calc["counts"]["graduates"]
    check = judge(from_rule("staff.graduate_count", rule, lang), Fraction(n), rule, shown=str(n))
    check.formula = "full-time teachers in post whose 学历 is 研究生"
    check.inputs = {"graduates": n, "fulltime_teachers": calc["counts"]["fulltime_teachers"]}
    if check.status == FAIL:
        x = count_remedy(n, rule)
        remedies["staff.graduate_count"] = {"promote": x}
        check.remedy = (f"需再有 {x} 名研究生学历专任教师" if lang == "zh"
                        else f"{x} more full-time teacher{'s' * (x != 1)} with a graduate (研究生) education needed")
    return check


# ============================================================================ new hires

def _ordinal(op: str, a: int, b: int) -> bool:
    return {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b, "==": a == b}[op]


def _range(rng: tuple[int, int] | None, rule) -> tuple[str, str | None]:
    if rng is None:
        return "unknown", None
    lo, hi = rng
    shown = str(lo) if lo == hi else f"{lo}–{hi}"
    ok = [meets(Fraction(v), rule) for v in (lo, hi)]
    return ("pass" if all(ok) else "fail" if not any(ok) else "unknown"), shown


def _condition(p: Person, rule_id: str, rule) -> tuple[str, str | None]:
    if rule_id == "hire.education_min":
        if p.education is None:
            return "unknown", p.education_raw
        ok = _ordinal(rule.op, T.education_rank(p.education), T.education_rank(rule.value))
        return ("pass" if ok else "fail"), p.education
    if rule_id == "hire.age_max":
        return _range(whole_years(p.birth, p.birth_precision, p.join), rule)
    if rule_id == "hire.title_min":
        if p.level is None and p.level_status not in ("none", "not_title"):
            return "unknown", p.title_raw
        ok = _ordinal(rule.op, T.level_rank(p.level), T.level_rank(rule.value))
        return ("pass" if ok else "fail"), p.level or T.NONE
    if p.teaching_years is not None:
        return ("pass" if meets(p.teaching_years, rule) else "fail"), str(p.teaching_years)
    return _range(whole_years(p.work_start, p.work_start_precision, p.join), rule)


_CONDITION = {"hire.education_min": "education", "hire.age_max": "age", "hire.title_min": "title",
              "hire.teaching_years_min": "teaching_years"}
_CONDITION_ZH = {"education": "学历", "age": "年龄", "title": "职称", "teaching_years": "教学年限"}


def screen(p: Person, rules: list, exemptions, lang: str) -> dict:
    conds = []
    for rule_id, rule in rules:
        status, value = _condition(p, rule_id, rule)
        if status == "fail" and rule.advisory:
            status = "advisory"
        conds.append({"condition": _CONDITION[rule_id], "rule": rule_id, "status": status, "value": value,
                      "required": rule.bound_text(lang), "citation": rule.citation()})
    exempt_by = None
    for term in (exemptions.value if exemptions is not None else ()):
        exempt_by = T.exemption_hit(term, [p.honour, p.title_raw], p.education)
        if exempt_by:
            break
    states = {c["status"] for c in conds}
    if states & {"fail", "unknown"}:
        status = "exempt" if exempt_by else "fail" if "fail" in states else "unknown"
    else:
        status = "advisory" if "advisory" in states else "pass"
    return {"file": p.file, "sheet": p.sheet, "row": p.row, "name": p.name,
            "join": p.join.isoformat() if p.join else None, "status": status, "exempt_by": exempt_by,
            "in_post": p.in_post, "conditions": [c for c in conds if c["status"] != "pass"]}


def hire_check(profile, roster: Roster, since: date | None, as_of: date, lang: str):
    present = [(rid, profile.get(rid)) for rid in HIRE_RULES if profile.get(rid) is not None]
    rules = [(rid, r) for rid, r in present if r.computable]
    label = ("新调入教师条件", "New full-time hires: conditions")[lang != "zh"]
    if not rules:
        check = not_applicable("hire.eligibility", "the profile sets no new-hire conditions", lang=lang)
        check.label = label
        return check
    since = since or profile.effective
    check = from_rule("hire.eligibility", rules[0][1], lang)
    check.label, check.advisory = label, False
    names = {rid: _CONDITION_ZH[_CONDITION[rid]] if lang == "zh" else _CONDITION[rid] for rid, _ in rules}
    check.required = "; ".join(f"{names[rid]} {r.bound_text(lang)}" + (("（仅提示）" if lang == "zh" else " (advisory)")
                                                                     if r.advisory else "") for rid, r in rules)
    check.citation = "; ".join(dict.fromkeys(r.citation() for _, r in rules))
    check.qualifier = "; ".join(dict.fromkeys(r.qualifier for _, r in rules if r.qualifier)) or None
    check.formula = (f"every full-time teacher who joined on or after {since.isoformat()} and by as-of: "
                     + ", ".join(_CONDITION[rid] for rid, _ in rules) + "; age in 周岁 at the join date")
    if "join" in roster.missing:
        check.status, check.reason = NA, "the roster has no 调入本校时间 (join date) column"
        return check
    exemptions = profile.get("hire.exemptions")
    hires = [p for p in roster.persons if not p.parttime and p.category == TEACHER and p.join
             and since <= p.join <= as_of]
    results = []
    for p in hires:
        p.hire = screen(p, rules, exemptions, lang)
        results.append(p.hire)
        for cond in p.hire["conditions"]:
            p.flags.append((f"hire {cond['condition']} {cond['status']}: {cond['value'] or '?'} "
                            f"(required {cond['required']})", cond["rule"], cond["citation"]))
    tally = {k: sum(r["status"] == k for r in results) for k in ("pass", "fail", "unknown", "exempt", "advisory")}
    check.inputs = {"hired_since": since.isoformat(), "hires": len(results), **tally,
                    "join_date_missing": sum(1 for p in roster.persons if not p.parttime and p.category == TEACHER
                                             and p.join is None),
                    "exemptions": list(exemptions.value) if exemptions is not None else []}
    not_checked = [rid for rid, r in present if not r.computable] + \
        [rid for rid in profile.rules if rid.startswith("hire.") and rid not in HIRE_RULES + ("hire.exemptions",)]
    if not_checked:
        check.inputs["not_checked"] = not_checked  # e.g. hire.honour_min: a roster has no honour levels
    check.details = [r for r in results if r["status"] != "pass"]
    bad = tally["fail"] + tally["unknown"]
    check.status = FAIL if bad else PASS
    check.actual = (f"调入 {len(results)} 人：不符合 {tally['fail']}，缺数据 {tally['unknown']}，放宽 {tally['exempt']}"
                    if lang == "zh" else f"{len(results)} hires: {tally['fail']} fail, {tally['unknown']} unknown, "
                    f"{tally['exempt']} exempt")
    if bad:
        check.remedy = (f"{tally['fail']} 名调入人员不符合条件，{tally['unknown']} 名缺少数据（见明细：补全数据或说明理由）"
                        if lang == "zh" else f"{tally['fail']} hires fail a condition and {tally['unknown']} lack the "
                        "data to tell (see details: complete the roster or record the reason)")
    return check


# ============================================================================ run

def _flag_blockers(roster: Roster, checks: list) -> None:
    failed = {c.id: c for c in checks if c.status == FAIL}
    lines = (("title.senior_share", "副高", "title below 副高"), ("title.mid_senior_share", "中级", "title below 中级"))
    for check_id, level, text in lines:
        if check_id in failed:
            c = failed[check_id]
            for p in roster.persons:
                if p.ft_teacher and T.level_rank(p.level) < T.level_rank(level):
                    p.flags.append((text, c.rule, c.citation))
    if "staff.fulltime_share" in failed:
        c = failed["staff.fulltime_share"]
        for p in roster.persons:
            if not p.parttime and p.in_post and p.category != TEACHER:
                p.flags.append(("not 专任教师", c.rule, c.citation))


def _tables(report: Report, lang: str) -> dict:
    zh = lang == "zh"
    f = report.figures
    out = {("职称等级（专任教师）" if zh else "title levels (full-time teachers)"):
           {"headers": list(f["title_levels"]), "rows": [list(f["title_levels"].values())]},
           ("学历（专任教师）" if zh else "education (full-time teachers)"):
           {"headers": list(f["education_levels"]), "rows": [list(f["education_levels"].values())]}}
    hire = next((c for c in report.checks if c.id == "hire.eligibility"), None)
    if hire is not None and hire.details:
        rows = [[d["row"], d["name"] or "", d["join"] or "", d["status"] + (f" by {d['exempt_by']}" if d["exempt_by"]
                 else ""), "; ".join(f"{c['condition']} {c['status']} ({c['value'] or '?'}; {c['required']})"
                                     for c in d["conditions"])] for d in hire.details]
        out["hire.eligibility"] = {"headers": ["row", "name", "join", "status", "conditions"], "rows": rows}
    return out


def run(files: list[str], policy: str = "quangang-2022", as_of: date | None = None, sheets=None, maps=None,
        hired_since: date | None = None, output: Path | None = None, overwrite: bool = False,
        lang: str = "en") -> Report:
    as_of = as_of or date.today()
    profile = load_profile(policy)
    if output is not None:
        from .grid import expand
        from .safeio import refuse_inputs

        refuse_inputs(Path(output), expand(files))
        if Path(output).exists() and not overwrite:
            raise InputError(f"{output}: already exists; add --overwrite to replace it")
    if hired_since is not None and hired_since > as_of:
        raise InputError(f"--hired-since {hired_since.isoformat()} is after --as-of {as_of.isoformat()}")
    dataset = reader.read(files, "roster", maps, sheets)
    roster = read_roster(dataset, as_of)
    calc = compute(roster, as_of)
    report = Report("staffing", as_of)
    report.policy, pol_warnings = policy_block(profile, as_of)
    report.inputs = inputs_block(dataset)
    report.warnings = pol_warnings + [w.as_dict() for w in dataset.warnings] + roster.warnings
    report.definitions = dict(DEFINITIONS)
    report.figures = calc["figures"]
    remedies: dict = {}
    checks = ratio_checks(profile, calc, roster, lang, remedies)
    checks.append(hire_check(profile, roster, hired_since, as_of, lang))
    graduate = graduate_check(profile, calc, lang, remedies)
    if graduate is not None:
        checks.append(graduate)
    report.checks = checks
    report.extra["remedies"] = remedies
    _flag_blockers(roster, checks)
    report.tables = _tables(report, lang)
    if output is not None:
        from .workbook.staffing import write

        write(Path(output), report, roster, profile, lang, overwrite)
    return report
