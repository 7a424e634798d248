"""The roster read into persons: 专职/兼职, post category, title and 学历 levels, birth date
(from the column or the 身份证号), join and leave dates, in post at as-of or not — each
doubt a warning and a flag on the person's row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from ttcalc.cells import titles as T
from ttcalc.cells.dates import parse_date, years_between
from ttcalc.cells.idcard import parse_id

TEACHER = "专任教师"
WARN_CAP = 200


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

    persons, full_sheets, named, groups = [], [], [], []
    for s in dataset.used:
        group = T.sheet_group(s.sheet, s.file)
        cols = set(s.data.column_names)
        if group.source and (group.parttime or "category" not in cols):
            named.append(f"{s.file} [{s.sheet}] → {group.describe()} ({group.source})")
        groups.append((s, group))
        if not group.parttime:
            full_sheets.append(cols | ({"category_named"} if group.category and "category" not in cols else set()))
            if "category" not in cols and not group.category:
                warnings.append({"code": "no_category", "file": str(s.file), "sheet": s.sheet, "row": None,
                                 "message": "no 岗位类别 column: every full-time row is counted as 专任教师"})
        for rec in s.data.to_pylist():
            if rec["_skip"] is not None:
                continue
            persons.append(_person(s, rec, group, cols, as_of, warn))
    if named:  # once: which sheets their (or their file's) name put in which group
        rest = [f"{s.file} [{s.sheet}] → {g.describe()}" for s, g in groups if not g.source]
        warnings.append({"code": "sheet_groups", "file": None, "sheet": None, "row": None,
                         "message": "sheets read as a group by their name (where no 专职/兼职 or 岗位类别 cell says "
                                    "otherwise): " + "; ".join(named + rest)})
    for code, n in counts.items():
        if n > WARN_CAP:
            warnings.append({"code": code, "file": None, "sheet": None, "row": None,
                             "message": f"{n - WARN_CAP} more rows with the warning {code}"})
    # a field no full-time sheet has cannot be counted; a sheet without 岗位类别 distorts the share;
    # sheets named 专任教师 with no sheet of other staff and no 岗位类别 column cannot tell the share either
    missing = {f for f in ("join", "leave", "title", "education") if not any(f in c for c in full_sheets)}
    named_only = not any("category" in c for c in full_sheets) and \
        all(g.category in (None, TEACHER) for _, g in groups if not g.parttime)
    if any("category" not in c and "category_named" not in c for c in full_sheets) or named_only:
        missing.add("category")
    return Roster(persons, warnings, missing)


def _person(s, rec: dict, group: T.SheetGroup, cols: set, as_of: date, sheet_warn) -> Person:
    where = {"file": str(s.file), "sheet": s.sheet, "row": rec["_row"]}
    p = Person(str(s.file), s.sheet, rec["_row"], rec.get("name"), rec.get("unit"))

    def warn(code, where, message):  # a row's warning is also its flag in the annotated workbook
        sheet_warn(code, where, message)
        p.flags.append((message, None, None))

    # 专职 / 兼职: the row's employment column, else a 兼职 word in its category, else the sheet's
    # (or its file's) name
    pt_sheet = group.parttime
    emp = T.employment_of(rec.get("employment"))
    if emp.level is None and emp.status != "blank":
        warn("unknown_employment", where, f"专职/兼职 {emp.text!r} not recognised: "
             f"taken as {f'part-time ({group.source})' if pt_sheet else 'full-time'}")
    if emp.level is None:
        emp = T.employment_of(rec.get("category"))
    p.parttime = emp.level == "兼职" if emp.level else pt_sheet
    # 岗位类别
    p.category_raw = rec.get("category")
    cat = T.category_of(p.category_raw)
    if cat.level:
        p.category = cat.level
    elif "category" not in cols:
        p.category = TEACHER if p.parttime else group.category or TEACHER
    elif p.parttime and cat.status == "blank":
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
