"""Teachers of the hours ledger: rows grouped by person, roles from the roster (--roster),
and each teacher's totals over the cycle."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from ttcalc.cells.dates import parse_date, years_between
from ttcalc.cells.money import parse_decimal
from ttcalc.cells.text import squash
from ttcalc.hours.courses import generic, has, type_table
from ttcalc.core.warn import Warnings
from ttcalc.hours.ledger import Cycle, Row, decide
from ttcalc.policy.rules import meets
from ttcalc.read import reader


@dataclass
class Person:
    key: str
    name: str | None
    id: str | None
    unit: str | None = None
    rows: list = field(default_factory=list)
    roles: set = field(default_factory=set)
    vocational: bool = False
    work_start: date | None = None
    join: date | None = None
    leave: date | None = None  # 调出时间, from the roster
    first_year_past: bool = False  # a new teacher's first year ended within the year before: still judged on it
    on_ledger: bool = True
    on_roster: bool = False
    in_cycle: bool = False  # a teacher of the cycle: some row dated in it that is not excluded
    summary: dict = field(default_factory=dict)
    failed: list = field(default_factory=list)
    still: dict = field(default_factory=dict)  # still needed in a running cycle, or short in a finished one
    years_short: dict = field(default_factory=dict)


def _valid_id(text: str | None) -> str | None:
    from ttcalc.cells.idcard import parse_id

    info = parse_id(text) if text else None
    return info.text if info is not None and info.valid else None


def people_of(rows: list[Row], cycle: Cycle) -> dict[str, Person]:
    """Group rows by person; a teacher of the cycle has a row dated in it that is not excluded."""
    people: dict[str, Person] = {}
    by_name: dict[str, set] = {}
    units: dict[str, set] = {}
    later = []
    for r in rows:
        if r.skipped:
            continue
        vid = _valid_id(r.id)
        if vid:
            r.key = vid
            p = people.setdefault(vid, Person(vid, r.name, vid))
            p.name = p.name or r.name
            if r.name:
                by_name.setdefault(r.name, set()).add(vid)
            if r.unit:
                units.setdefault(vid, set()).add(r.unit)
        elif r.name:
            later.append(r)
    for r in later:
        ids = [k for k in by_name.get(r.name, ()) if r.unit is None or r.unit in units.get(k, {r.unit})]
        r.key = ids[0] if len(ids) == 1 else f"{r.name}|{r.unit or ''}"
        people.setdefault(r.key, Person(r.key, r.name, None))
    for r in rows:
        if r.key:
            people[r.key].rows.append(r)
    for p in people.values():
        seen = Counter(r.unit for r in p.rows if r.unit)
        p.unit = seen.most_common(1)[0][0] if seen else None
    for p in people.values():
        mark_in_cycle(p, cycle)
    return people


def mark_in_cycle(p: Person, cycle: Cycle) -> None:
    p.in_cycle = any(cycle.has(r.year) for r in p.rows if not r.excluded and not r.future)


# ------------------------------------------------------------------ roster roles

def apply_roster(paths, people: dict[str, Person], profile, as_of: date, warn: Warnings,
                 cycle: Cycle | None = None) -> list:
    """Mark roles on the ledger's teachers; roster people in a role without ledger rows join
    the role checks with no hours.  Returns the roster DataSet.

    Whether a teacher is new is judged on the cycle's last day, or as-of if that is earlier."""
    on = min(as_of, date(cycle.end, 12, 31)) if cycle is not None and cycle.end is not None else as_of
    roles = type_table()["roles"]
    data = reader.read(list(paths), "roster")
    by_name: dict[str, list[Person]] = {}
    for p in people.values():
        if p.name:
            by_name.setdefault(p.name, []).append(p)
    missing = []
    for s in data.used:
        cols = {c: s.data[c].to_pylist() for c in s.data.column_names}
        for i in range(s.data.num_rows):
            get = {c: v[i] for c, v in cols.items()}
            if get["_skip"] is not None:
                continue
            vid = _valid_id(get.get("id"))
            name = (get.get("name") or "").strip() or None
            unit = (get.get("unit") or "").strip() or None
            person = people.get(vid) if vid else None
            if person is None and name:  # by name only where one side has no valid ID
                same = [p for p in by_name.get(name, [])
                        if (not unit or p.unit in (None, unit)) and (vid is None or p.id is None)]
                person = same[0] if len(same) == 1 else None
            found = person is not None
            if person is None:
                person = Person(vid or f"{name}|{unit or ''}", name, vid, unit, on_ledger=False)
            person.unit = person.unit or unit
            person.on_roster = True
            role, honour, category = get.get("role"), get.get("honour"), get.get("category")
            if has(role, roles["principal"]):
                person.roles.add("principal")
                if has(role, roles["new_principal"]):
                    person.roles.add("new_principal")
            if has(role, roles["homeroom"]):
                person.roles.add("homeroom")
            if has(honour, roles["backbone"]) or has(role, roles["backbone"]):
                person.roles.add("backbone")
            person.work_start = person.work_start or _date(get.get("work_start"))
            person.join = person.join or _date(get.get("join"))
            person.leave = person.leave or _date(get.get("leave"))
            if _is_new_teacher(person, get, profile, on, roles):
                person.roles.add("new_teacher")
            elif _past_new_teacher(person, profile, on):
                person.first_year_past = True
            if has(unit or person.unit, roles["vocational"]) or has(category, roles["vocational"]):
                person.vocational = True
            if not found and person.roles:
                people.setdefault(person.key, person)
            elif not found:
                missing.append(name or vid)
    if missing:
        warn.add("roster_no_hours", str(paths[0]), None, None, n=len(missing))
    return data



def roster_people(data) -> list[tuple[str | None, str | None]]:
    """(name, ID number) of every person row of the roster DataSet, for --redact to mask."""
    out = []
    for s in data.used:
        cols = s.data.column_names
        names = s.data["name"].to_pylist() if "name" in cols else [None] * s.data.num_rows
        ids = s.data["id"].to_pylist() if "id" in cols else [None] * s.data.num_rows
        out += [(n, i) for n, i, skip in zip(names, ids, s.data["_skip"].to_pylist()) if skip is None]
    return out


def _date(text) -> date | None:
    try:
        return parse_date(text)[0] if text else None
    except ValueError:
        return None


def _is_new_teacher(person: Person, get: dict, profile, as_of: date, roles: dict) -> bool:
    if has(get.get("role"), roles["new_teacher"]) or has(get.get("category"), roles["new_teacher"]):
        return True
    rule = profile.get("hours.new_teacher_max_years")
    if rule is None:
        return False
    if person.work_start is not None:
        if person.work_start > as_of:
            return False
        if rule.op in ("<=", "<") and Fraction(rule.value).denominator == 1:
            # 教龄在一年以内: exact dates, not whole years (1 year 364 days is not within one year)
            due = add_years(person.work_start, int(rule.value))
            return as_of <= due if rule.op == "<=" else as_of < due
        return meets(Fraction(years_between(person.work_start, as_of)), rule)
    years = get.get("teaching_years")
    try:
        value = parse_decimal(years) if years else None
    except ValueError:
        value = None
    return value is not None and meets(Fraction(value), rule)


def _past_new_teacher(person: Person, profile, on: date) -> bool:
    """The first-year period (hours.new_teacher_max_years from 参加工作时间) ended within the year
    before `on`: still judged on the first-year rules (the shortfall reported as past), and on the
    cycle rules too."""
    rule = profile.get("hours.new_teacher_max_years")
    if rule is None or person.work_start is None or Fraction(rule.value).denominator != 1:
        return False
    due = add_years(person.work_start, int(rule.value))
    return due < on <= add_years(due, 1)


def employed_in(p: Person, year: int) -> bool:
    """Employed at some time in the calendar year, by the roster's dates where it gives them
    (参加工作时间, 调入时间, 调出时间); a person without dates counts."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return not ((p.work_start is not None and p.work_start > last) or (p.join is not None and p.join > last)
                or (p.leave is not None and p.leave < first))


def add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def in_probation(row: Row, p: Person, profile) -> bool:
    """The row falls in the person's first year(s) of work (the roster's 参加工作时间)."""
    window = profile.get("hours.new_teacher_max_years")
    if p.work_start is None or window is None:
        return False
    due = add_years(p.work_start, int(Fraction(window.value)))
    if row.date is not None and row.date_note is None:
        return p.work_start <= row.date <= due
    return row.year is not None and p.work_start.year <= row.year <= due.year


def recount_probation(people: dict[str, Person], profile, cycle: Cycle, warn: Warnings) -> None:
    """With a roster, a course read as probation training is excluded only for a new teacher (or
    when it falls in the person's probation year); a veteran's 新教师… course counts, and is said."""
    for p in people.values():
        if not p.on_roster or "new_teacher" in p.roles:
            continue
        for r in p.rows:
            if r.excluded == "probation" and not in_probation(r, p, profile):
                decide(r, profile, cycle, keep_probation=True)
                r.topics = r.topics - {"probation"}
                warn.add("probation_counted", r.file, r.sheet, r.row, course=str(r.course or r.type_text)[:30])
        mark_in_cycle(p, cycle)


# ------------------------------------------------------------------ per-teacher figures

def _courses(rows: list[Row]) -> dict:
    """Concentrated courses: (year, course name, date) or the row itself -> hours.

    Rows are one course only with the same name and the same date (or no date on either); a
    name that is just a type word (集中培训) names no course: each such row is a course of its own."""
    out: dict = {}
    for r in rows:
        if r.form == "concentrated":
            named = r.course and not generic(r.course)
            key = (r.year, squash(r.course), r.date) if named else (r.year, f"{r.file}|{r.sheet}|{r.row}", None)
            out[key] = out.get(key, Decimal(0)) + r.hours
    return out


def summarise(p: Person, cycle: Cycle) -> dict:
    counted = [r for r in p.rows if r.counted]
    zero = Decimal(0)
    years = {y: sum((r.hours for r in counted if r.year == y), zero) for y in cycle.years} if cycle.years else {}
    school = {y: sum((r.hours for r in counted if r.year == y and r.form == "school_based"), zero)
              for y in cycle.years}
    courses = _courses(counted)
    probation = [r for r in p.rows if r.usable and "probation" in r.topics]
    principal_q = [r for r in p.rows if r.usable and "new_principal" in r.topics]
    return {
        "total": sum((r.hours for r in counted), zero),
        "school_based": sum((r.hours for r in counted if r.form == "school_based"), zero),
        "concentrated": sum((r.hours for r in counted if r.form == "concentrated"), zero),
        "concentrated_max_course": max(courses.values(), default=zero),
        "courses_by_year": {y: max((h for (cy, _, _d), h in courses.items() if cy == y), default=zero)
                            for y in cycle.years},
        "years": years,
        "school_years": school,
        "excluded": sum((r.hours for r in p.rows if r.excluded and cycle.has(r.year)), zero),
        "probation": sum((r.hours for r in probation), zero),
        "probation_practice": sum(((r.practice if r.practice is not None else
                                    (r.hours if r.form == "practice" else zero)) for r in probation), zero),
        "management": sum((r.hours for r in counted if "management" in r.topics
                           and r.form not in ("school_based", "online")), zero),
        "homeroom": sum((r.hours for r in counted if "homeroom" in r.topics), zero),
        "new_principal": sum((r.hours for r in principal_q), zero),
        "new_principal_concentrated": sum((r.hours for r in principal_q if r.form == "concentrated"), zero),
    }
