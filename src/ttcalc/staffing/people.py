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
from ttcalc.core.msg import Msg, msg
from ttcalc.core.warn import Warnings

TEACHER = "专任教师"


@dataclass
class Person:
    file: str
    sheet: str
    row: int
    name: str | None = None
    unit: str | None = None  # the row's 单位 cell, else its sheet's unit (title line, sheet name, file name)
    unit_written: str | None = None  # the row's own 单位 cell: what tells namesakes apart
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
    subject: str | None = None  # 任教学科, as written
    id_key: str | None = None  # the valid 身份证号, normalised
    in_post: bool = True
    status: Msg | None = None
    duplicate_of: tuple | None = None
    columns: frozenset | None = None  # the fields its sheet has (None: not read from a sheet)  # (file, sheet, row) of the row this person is counted from
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
    persons: list[Person]  # every row read, merged duplicates included (duplicate_of set, not in post)
    warnings: Warnings
    missing: set  # fields some full-time sheet lacks: category, join, leave …


def _precision(note: str | None) -> str:
    return {"month_only": "month", "ambiguous_month": "month", "year_only": "year"}.get(note, "day")


def _date(raw, what: str, where: dict, warn) -> tuple[date | None, str | None]:
    try:
        value, note = parse_date(raw)
    except ValueError:
        warn("bad_date", where, {"column": what, "value": repr(str(raw)[:30])})
        return None, None
    if note == "ambiguous_month":
        warn("ambiguous_date", where, {"column": what, "value": repr(raw)})
    return value, (_precision(note) if value else None)


def _years_number(raw) -> Fraction | None:
    if raw is None:
        return None
    m = re.search(r"\d+(?:\.\d+)?", T.normalise(raw))
    return Fraction(m.group()) if m else None


def read_roster(dataset, as_of: date, warnings: Warnings | None = None) -> Roster:
    warnings = warnings if warnings is not None else Warnings()

    def warn(code, where, params=None, **kw):
        warnings.add(code, where.get("file"), where.get("sheet"), where.get("row"), **(params or {}), **kw)

    persons, full_sheets, named, groups = [], [], [], []
    for s in dataset.used:
        group = T.sheet_group(s.sheet, s.file)
        cols = frozenset(s.data.column_names)
        if group.source and (group.parttime or "category" not in cols):
            named.append(msg("staffing.group.named", sheet=f"{s.file} [{s.sheet}]", group=_group_msg(group),
                             source=msg(f"staffing.group.source.{_source_key(group.source)}")))
        groups.append((s, group))
        if not group.parttime:
            full_sheets.append(cols | ({"category_named"} if group.category and "category" not in cols else set()))
            if "category" not in cols and not group.category:
                warnings.add("no_category", str(s.file), s.sheet, None)
        for rec in s.data.to_pylist():
            if rec["_skip"] is not None:
                continue
            persons.append(_person(s, rec, group, cols, as_of, warn))
    if named:  # once: which sheets their (or their file's) name put in which group
        rest = [msg("staffing.group.plain", sheet=f"{s.file} [{s.sheet}]", group=_group_msg(g))
                for s, g in groups if not g.source]
        warnings.add("sheet_groups", None, None, None, groups=named + rest)
    merge_duplicates(persons, warnings)
    # a field no full-time sheet has cannot be counted; a sheet without 岗位类别 distorts the share;
    # sheets named 专任教师 with no sheet of other staff and no 岗位类别 column cannot tell the share either
    missing = {f for f in ("join", "leave", "title", "education", "honour") if not any(f in c for c in full_sheets)}
    named_only = not any("category" in c for c in full_sheets) and \
        all(g.category in (None, TEACHER) for _, g in groups if not g.parttime)
    if any("category" not in c and "category_named" not in c for c in full_sheets) or named_only:
        missing.add("category")
    return Roster(persons, warnings, missing)


def _source_key(source: str) -> str:
    return "file" if "file" in str(source) else "sheet"


def _group_msg(group: T.SheetGroup) -> Msg:
    """A sheet group in words: part-time teachers, or full-time staff of a category."""
    if group.parttime:
        return msg("staffing.group.parttime")
    if group.category == TEACHER:
        return msg("staffing.group.teachers", category=TEACHER)
    if group.category:
        return msg("staffing.group.category", category=group.category, teacher=TEACHER)
    return msg("staffing.group.fulltime")


def _rank(p: Person) -> tuple:
    """Which of a person's rows counts: in post first, full-time before part-time, a teacher
    before other staff, then the first row read."""
    return (not p.in_post, p.parttime, p.category != TEACHER)


def merge_duplicates(persons: list[Person], warnings: Warnings) -> None:
    """One person, one count: rows with the same valid 身份证号, else the same name and unit
    (when no two of them carry different valid IDs), are one person.  The row that counts is
    the first by `_rank`; the others are kept for the annotated workbook but are no longer in
    post, and a warning names the rows merged."""
    parent = list(range(len(persons)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_id: dict[str, int] = {}
    by_name: dict[tuple, list[int]] = {}
    for i, p in enumerate(persons):
        if p.id_key:
            if p.id_key in by_id:
                parent[find(i)] = find(by_id[p.id_key])
            else:
                by_id[p.id_key] = i
        if p.name:
            by_name.setdefault((T.normalise(p.name), T.normalise(p.unit_written) if p.unit_written else None), []).append(i)
    for rows in by_name.values():
        if len(rows) < 2:
            continue
        ids = {persons[i].id_key for i in rows if persons[i].id_key}
        if len(ids) > 1:  # namesakes with different IDs: different people; ID-less rows stay apart too
            continue
        for i in rows[1:]:
            parent[find(i)] = find(rows[0])
    groups: dict[int, list[int]] = {}
    for i in range(len(persons)):
        groups.setdefault(find(i), []).append(i)
    for members in groups.values():
        if len(members) < 2:
            continue
        keep = min(members, key=lambda i: (_rank(persons[i]), i))
        k = persons[keep]
        by = "id" if k.id_key and all(persons[i].id_key == k.id_key for i in members) else "name"
        where = [f"{persons[i].file} [{persons[i].sheet}] {persons[i].row}" for i in members]
        warnings.add("duplicate_merged", k.file, k.sheet, k.row, rows=", ".join(where), n=len(members),
                     by=msg(f"staffing.duplicate.by_{by}"))
        for i in members:
            if i == keep:
                continue
            p = persons[i]
            p.duplicate_of = (k.file, k.sheet, k.row)
            p.in_post, p.hire5y, p.leaver5y = False, False, False
            p.status = msg("staffing.status.duplicate", row=f"{k.file} [{k.sheet}] {k.row}")
            p.flags.append((p.status, None, None))


def _person(s, rec: dict, group: T.SheetGroup, cols: set, as_of: date, sheet_warn) -> Person:
    where = {"file": str(s.file), "sheet": s.sheet, "row": rec["_row"]}
    written = (rec.get("unit") or "").strip() or None
    # where no column gives it, the unit the read layer found for the sheet (as budget's): a title
    # line, the sheet name when sheets are named by school, else the file name
    p = Person(str(s.file), s.sheet, rec["_row"], rec.get("name"), written or s.unit, rec.get("unit"))
    p.columns = cols

    def warn(code, where, params=None, **kw):  # a row's warning is also its flag in the annotated workbook
        params = {**(params or {}), **kw}
        sheet_warn(code, where, params)
        p.flags.append((Msg("warning." + code, params), None, None))

    # 专职 / 兼职: the row's employment column, else a 兼职 word in its category, else the sheet's
    # (or its file's) name
    pt_sheet = group.parttime
    emp = T.employment_of(rec.get("employment"))
    if emp.level is None and emp.status != "blank":
        warn("unknown_employment", where, value=repr(emp.text),
             taken=msg(f"staffing.taken.{'parttime' if pt_sheet else 'fulltime'}",
                       source=msg(f"staffing.group.source.{_source_key(group.source)}")))
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
        warn("unknown_category", where, value=repr(cat.text),
             why=msg(f"staffing.category.{'blank' if cat.status == 'blank' else 'unknown'}"),
             counted=msg(f"staffing.category.counted_{'parttime' if p.parttime else 'staff'}"))
    _title(p, rec, where, warn)
    _education(p, rec, where, warn)
    _birth(p, rec, where, warn)
    p.work_start, p.work_start_precision = _date(rec.get("work_start"), "参加工作时间", where, warn)
    p.join, _ = _date(rec.get("join"), "调入本校时间", where, warn)
    p.leave, _ = _date(rec.get("leave"), "调出时间", where, warn)
    p.teaching_years = _years_number(rec.get("teaching_years"))
    p.honour = rec.get("honour")
    p.subject = rec.get("subject")
    if "join" in cols and p.join is None and not p.parttime and p.category == TEACHER and rec.get("join") is None:
        warn("no_join_date", where)
    if p.leave and p.leave <= as_of:
        p.in_post, p.status = False, msg("staffing.status.left", date=p.leave.isoformat())
    elif p.join and p.join > as_of:
        p.in_post, p.status = False, msg("staffing.status.joins", date=p.join.isoformat())
    else:
        p.status = msg("staffing.status.in_post")
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
            warn("unknown_post_grade", where, value=repr(rec["post_grade"]))
    fallback = msg("staffing.title.fallback_grade" if p.level_source == "post grade" else "staffing.title.fallback_none")
    if m.status == "several":
        warn("several_titles", where, value=repr(m.text), level=m.level)
    elif m.status in ("unknown", "ambiguous"):
        why = msg("staffing.title.ambiguous", matched=str(m.matched)) if m.status == "ambiguous" else ""
        warn(f"{m.status}_title", where, value=repr(m.text), why=why, fallback=fallback)
    elif m.status == "honour" and not p.level:
        warn("title_is_honour", where, honours="、".join(m.honours), fallback=fallback)


def _education(p: Person, rec: dict, where: dict, warn) -> None:
    p.education_raw = rec.get("education")
    m = T.education_level(p.education_raw)
    p.education, p.education_status = m.level, m.status
    if m.level is None and m.status not in ("blank",):
        why = msg("staffing.education.degree" if m.status == "degree" else "staffing.education.unknown")
        warn("unknown_education", where, value=repr(m.text), why=why)


def _birth(p: Person, rec: dict, where: dict, warn) -> None:
    col, prec = _date(rec.get("birth"), "出生年月", where, warn)
    info = parse_id(rec.get("id")) if rec.get("id") else None
    if info is not None and info.valid:
        p.id_key = info.text
    from_id = info.birth if info is not None and info.valid else None
    if col and from_id and (col.year != from_id.year or prec != "year" and col.month != from_id.month
                            or prec == "day" and col != from_id):
        warn("birth_mismatch", where, {"column": col.isoformat(), "from_id": from_id.isoformat()})
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
