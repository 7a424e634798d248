"""`ttcalc hours`: each teacher's training hours (学时) against the cycle rules of a profile.

The ledger is every person row of every hours sheet read: hours exact (Decimal), days and
学分 converted only at the profile's own rates, the year from the year column, else the date,
else a year in the sheet or file name.  Every value compared comes from the profile; the
course-type spellings are data (data/training_types.toml).  Nothing here prints.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib.resources import files
from pathlib import Path

from . import reader
from .clean import parse_date, parse_decimal, squash, years_between
from .errors import InputError
from .policy import load_profile
from .report import Report, inputs_block, policy_block
from .rules import FAIL, NA, PASS, from_rule, meets, not_applicable, ratio_str

_UNIT_WORD = re.compile(r"(学时|课时|小时|天|学分|hours?|days?|credits?)$", re.IGNORECASE)  # "12学时" -> 12
STILL = {"total": "hours", "concentrated_max_course": "concentrated_course"}  # by_person still_needed keys
SHOWN = 12  # names spelled out in a remedy line; the rest are in `details` and `by_person`
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

DEFINITIONS = {
    "teachers": "distinct persons with at least one ledger row dated in the cycle: by valid 身份证号, else by "
                "name (and unit); a name-only row joins the one person with that name and an ID",
    "hours": "学时 summed exactly; 天数 × the profile's hours per day (hours.day_hours) and 学分 × its hours per "
             "credit (hours.credit_hours) only where the profile gives that rate, else the row is not counted",
    "year": "the 年度 column, else the 日期 column, else a year in the sheet name, else in the file name",
    "type": "the 培训类型 column read with data/training_types.toml; where it names no form, the course name",
    "concentrated_course": "one course = a teacher's concentrated-training rows with the same course name in the "
                           "same year (a row without a course name is a course of its own); separate courses "
                           "never add up to one",
    "excluded": "new-teacher probation (新任教师试用期) and new-principal qualification (任职资格) rows do not count "
                "toward the cycle where the profile says so (hours.new_teacher_excluded, hours.new_principal_excluded)",
    "running_cycle": "a cycle whose last day is after as-of is judged on its completed calendar years only; the "
                     "cycle-level shortfalls are shown as still needed, not as failures",
    "teachers_compliant": "teachers with no failing check other than advisory ones",
    "unit": "the 单位 column, else the roster's, else the file name (one school per file)",
    "school_share": "per unit and completed year: teachers with a concentrated course of at least "
                    "hours.concentrated_course_min hours that year ÷ the unit's teachers in the ledger",
    "roles": "from --roster: 职务 (校长/园长, 班主任, 新任), 荣誉称号 (骨干), 参加工作时间 or 教龄 "
             "(new teachers); role hours are counted within the cycle, probation and new-principal hours "
             "over the whole ledger; new principals are judged on the qualification training, not on the "
             "principals' in-service rule; new teachers are judged on the probation rules, not on the cycle "
             "rules, and nobody on a year before the year they started work (参加工作时间); a probation or new-principal period still open at as-of (or without a "
             "start date: 参加工作时间, 调入时间) is shown as still needed",
}


def hstr(value: Decimal | int | None) -> str | None:
    """Hours as a plain decimal string: Decimal("360.0") -> "360"."""
    if value is None:
        return None
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _dec(rule) -> Decimal:
    return Decimal(str(rule.value))


# ------------------------------------------------------------------ course types

@cache
def _types() -> dict:
    return tomllib.loads((files("ttcalc") / "data" / "training_types.toml").read_text(encoding="utf-8"))


@cache
def _words(which: str) -> tuple[tuple[str, str], ...]:
    """(word, type) pairs, longest word first, of "spellings" or "course_words"."""
    pairs = [(squash(w).lower(), name) for name, t in _types()["types"].items() for w in t[which]]
    return tuple(sorted(set(pairs), key=lambda p: -len(p[0])))


def _match(text: str | None, which: str) -> list[str]:
    """Types named in a text, longest match first; a matched stretch is used up."""
    text = squash(text).lower() if text else ""
    if not text:
        return []
    exact = [t for w, t in _words(which) if w == text]
    if exact:
        return exact[:1]
    found = []
    for word, name in _words(which):
        if word and word in text:
            text = text.replace(word, "\x00")
            if name not in found:
                found.append(name)
    return found


@cache
def _kinds() -> dict:
    return {name: t["kind"] for name, t in _types()["types"].items()}


def classify(type_text: str | None, course: str | None) -> tuple[str | None, set[str], bool]:
    """(form, topics, type_known) of a ledger row."""
    kinds = _kinds()
    by_type = _match(type_text, "spellings")
    by_course = _match(course, "course_words")
    forms = [t for t in by_type if kinds[t] == "form"] or [t for t in by_course if kinds[t] == "form"]
    topics = {t for t in by_type + by_course if kinds[t] == "topic"}
    return (forms[0] if forms else None), topics, bool(by_type)


def type_label(name: str | None, lang: str) -> str:
    if name is None:
        return "其他" if lang == "zh" else "other"
    t = _types()["types"][name]
    return t["label_zh"] if lang == "zh" else t["label_en"]


def _has(text: str | None, words: list[str]) -> bool:
    text = squash(text) if text else ""
    return bool(text) and any(squash(w) in text for w in words)


# ------------------------------------------------------------------ the ledger

@dataclass
class Row:
    file: str
    sheet: str
    row: int
    name: str | None = None
    id: str | None = None
    unit: str | None = None
    course: str | None = None
    type_text: str | None = None
    year: int | None = None
    raw: str | None = None  # the amount as written, with its unit ("12 天")
    hours: Decimal | None = None  # hours used (after conversion)
    practice: Decimal | None = None
    form: str | None = None
    topics: set = field(default_factory=set)
    key: str | None = None
    skipped: bool = False  # not a person row (the reader's reason is in `reason`)
    usable: bool = False  # hours and year read
    counted: bool = False
    excluded: str | None = None  # "probation" | "new_principal"
    reason: str | None = None  # why not counted toward the cycle


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
    on_ledger: bool = True
    in_cycle: bool = False  # a teacher of the cycle: some row dated in it that is not excluded
    summary: dict = field(default_factory=dict)
    failed: list = field(default_factory=list)
    still: dict = field(default_factory=dict)  # still needed in a running cycle, or short in a finished one
    years_short: dict = field(default_factory=dict)


@dataclass
class Cycle:
    start: int | None
    end: int | None
    as_of: date

    @property
    def years(self) -> list[int]:
        return list(range(self.start, self.end + 1)) if self.start is not None else []

    @property
    def done(self) -> list[int]:
        """Completed calendar years of the cycle at as-of."""
        return [y for y in self.years if date(y, 12, 31) <= self.as_of]

    @property
    def running(self) -> bool:
        return self.end is not None and self.as_of < date(self.end, 12, 31)

    def text(self) -> str:
        return f"{self.start}–{self.end}" if self.start is not None else "(all years)"

    def judged(self) -> str | None:
        """The completed years as "2022-2025" (or "2022"), None when there are none."""
        done = self.done
        return (f"{done[0]}-{done[-1]}" if len(done) > 1 else str(done[0])) if done else None

    def has(self, year: int | None) -> bool:
        return year is not None and (self.start is None or self.start <= year <= self.end)


def cycle_for(profile, as_of: date, text: str | None) -> Cycle:
    if text:
        m = re.fullmatch(r"\s*(\d{4})\s*[-–—~～至到/]\s*(\d{4})\s*", text)
        if not m or int(m.group(1)) > int(m.group(2)):
            raise InputError(f"--cycle {text}: expected START-END years, e.g. 2022-2026")
        return Cycle(int(m.group(1)), int(m.group(2)), as_of)
    rule = profile.get("hours.cycle_years")
    if rule is None:
        return Cycle(None, None, as_of)
    length, anchor = int(rule.value), profile.effective.year
    start = anchor + (as_of.year - anchor) // length * length
    return Cycle(start, start + length - 1, as_of)


class _Warn:
    """Row warnings, capped per code and sheet like the reader's."""

    def __init__(self):
        self.items: list[dict] = []
        self.counts: Counter = Counter()

    def add(self, code: str, row: Row | None, message: str, file=None, sheet=None) -> None:
        where = (row.file, row.sheet) if row else (file, sheet)
        self.counts[(code,) + where] += 1
        n = self.counts[(code,) + where]
        if n <= reader.WARN_CAP:
            self.items.append({"code": code, "file": where[0], "sheet": where[1], "row": row.row if row else None,
                               "message": message})

    def finish(self) -> list[dict]:
        extra = [{"code": k[0], "file": k[1], "sheet": k[2], "row": None,
                  "message": f"{n - reader.WARN_CAP} more rows with the same warning"}
                 for k, n in self.counts.items() if n > reader.WARN_CAP]
        return self.items + extra


def _year_in(text: str | None) -> tuple[int | None, bool]:
    """The first year written in a text, and whether another, different one is written too."""
    years = [int(y) for y in _YEAR.findall(squash(text) if text else "")]
    return (years[0], len(set(years)) > 1) if years else (None, False)


def _row_year(year_text, date_text, sheet: str, file: Path, warn: _Warn, row: Row) -> int | None:
    if year_text:
        y, more = _year_in(year_text)
        if y is not None:
            if more:
                warn.add("year_ambiguous", row, f"年度 {year_text!r} names more than one year: counted in {y}")
            return y
    if date_text:
        try:
            d, _note = parse_date(date_text)
        except ValueError:
            d = None
        if d is not None:
            return d.year
        y, _more = _year_in(date_text)
        if y is not None:
            return y
    for text in (sheet, file.stem):
        y, more = _year_in(text)
        if y is not None and not more:
            return y
    return None


def _amount(row: Row, values: dict, rates: dict, warn: _Warn) -> str | None:
    """Fill row.hours from hours, days or credits; return why it cannot be counted, or None."""
    for col, unit_zh in (("hours", "学时"), ("days", "天"), ("credits", "学分")):
        text = values.get(col)
        if text is None or not str(text).strip():
            continue
        try:
            value = parse_decimal(_UNIT_WORD.sub("", squash(text)))
        except ValueError:
            warn.add("hours_not_a_number", row, f"{unit_zh} {str(text)[:30]!r} is not a number: row not counted")
            return f"{unit_zh} is not a number"
        if value is None:
            continue
        row.raw = f"{hstr(value)} {unit_zh}"
        if value < 0:
            warn.add("hours_negative", row, f"negative {unit_zh} {hstr(value)}: row not counted")
            return f"negative {unit_zh}"
        if col == "hours":
            row.hours = value
            return None
        rule = rates.get(col)
        if rule is None:
            rid = "hours.day_hours" if col == "days" else "hours.credit_hours"
            warn.add(f"no_{col}_rate", row, f"logged in {unit_zh} but the profile has no {rid} rate: row not counted")
            return f"in {unit_zh}: the profile has no {rid}"
        row.hours = value * _dec(rule)
        return None
    warn.add("hours_missing", row, "no 学时, 天数 or 学分: row not counted")
    return "no hours"


def read_ledger(dataset, profile, cycle: Cycle, warn: _Warn) -> list[Row]:
    rates = {"days": profile.get("hours.day_hours"), "credits": profile.get("hours.credit_hours")}
    excluded = {"probation": profile.get("hours.new_teacher_excluded"),
                "new_principal": profile.get("hours.new_principal_excluded")}
    unknown: dict[tuple, str] = {}
    rows: list[Row] = []
    for s in dataset.used:
        data = s.data
        cols = {c: data[c].to_pylist() for c in data.column_names}
        n = data.num_rows
        for i in range(n):
            get = {c: v[i] for c, v in cols.items()}
            row = Row(str(s.file), s.sheet, int(get["_row"]))
            rows.append(row)
            row.name = (get.get("name") or "").strip() or None
            row.id = get.get("id") or None
            row.unit = (get.get("unit") or "").strip() or None
            row.course = (get.get("course") or "").strip() or None
            row.type_text = (get.get("type") or "").strip() or None
            if get["_skip"] is not None:
                row.reason, row.skipped = get["_skip"], True
                continue
            row.form, row.topics, known = classify(row.type_text, row.course)
            if row.type_text and not known and (s.sheet, row.type_text) not in unknown:
                unknown[(s.sheet, row.type_text)] = row.file
                warn.add("type_unknown", row, f"training type {row.type_text!r} is not one ttcalc knows; "
                                              f"read from the course name as {type_label(row.form, 'en')}")
            why = _amount(row, get, rates, warn)
            if get.get("practice"):
                try:
                    row.practice = parse_decimal(get["practice"])
                except ValueError:
                    warn.add("hours_not_a_number", row, f"实践学时 {get['practice']!r} is not a number: ignored")
            row.year = _row_year(get.get("year"), get.get("date"), s.sheet, Path(s.file), warn, row)
            if why:
                row.reason = why
            elif row.year is None:
                warn.add("year_missing", row, "no year (年度, date, or a year in the sheet or file name): "
                                              "row not counted")
                row.reason = "no year"
            else:
                row.usable = True
                for topic, rule in excluded.items():
                    if topic in row.topics and rule is not None and rule.value is True:
                        row.excluded = topic
                        row.reason = (f"{type_label(topic, 'en')}: not counted toward the cycle "
                                      f"({rule.citation()})")
                        break
                else:
                    if cycle.start is not None and not cycle.start <= row.year <= cycle.end:
                        row.reason = f"outside the cycle {cycle.text()}"
                    else:
                        row.counted = True
    return rows


def _valid_id(text: str | None) -> str | None:
    from .idcard import parse_id

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
        p.in_cycle = any(cycle.has(r.year) for r in p.rows if not r.excluded)
    return people


# ------------------------------------------------------------------ roster roles

def apply_roster(paths, people: dict[str, Person], profile, as_of: date, warn: _Warn) -> list:
    """Mark roles on the ledger's teachers; roster people in a role without ledger rows join
    the role checks with no hours.  Returns the roster DataSet."""
    roles = _types()["roles"]
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
            role, honour, category = get.get("role"), get.get("honour"), get.get("category")
            if _has(role, roles["principal"]):
                person.roles.add("principal")
                if _has(role, roles["new_principal"]):
                    person.roles.add("new_principal")
            if _has(role, roles["homeroom"]):
                person.roles.add("homeroom")
            if _has(honour, roles["backbone"]) or _has(role, roles["backbone"]):
                person.roles.add("backbone")
            person.work_start = person.work_start or _date(get.get("work_start"))
            person.join = person.join or _date(get.get("join"))
            if _is_new_teacher(person, get, profile, as_of, roles):
                person.roles.add("new_teacher")
            if _has(unit or person.unit, roles["vocational"]) or _has(category, roles["vocational"]):
                person.vocational = True
            if not found and person.roles:
                people.setdefault(person.key, person)
            elif not found:
                missing.append(name or vid)
    if missing:
        warn.add("roster_no_hours", None, f"{len(missing)} roster persons have no row in the hours ledger "
                                          f"(e.g. {', '.join(str(m) for m in missing[:5])}): not judged",
                 file=str(paths[0]), sheet=None)
    return data


def _date(text) -> date | None:
    try:
        return parse_date(text)[0] if text else None
    except ValueError:
        return None


def _is_new_teacher(person: Person, get: dict, profile, as_of: date, roles: dict) -> bool:
    if _has(get.get("role"), roles["new_teacher"]) or _has(get.get("category"), roles["new_teacher"]):
        return True
    rule = profile.get("hours.new_teacher_max_years")
    if rule is None:
        return False
    if person.work_start is not None:
        return person.work_start <= as_of and meets(Fraction(years_between(person.work_start, as_of)), rule)
    years = get.get("teaching_years")
    try:
        value = parse_decimal(years) if years else None
    except ValueError:
        value = None
    return value is not None and meets(Fraction(value), rule)


# ------------------------------------------------------------------ per-teacher figures

def _courses(rows: list[Row]) -> dict:
    """Concentrated courses: (year, course name or the row itself) -> hours."""
    out: dict = {}
    for r in rows:
        if r.form == "concentrated":
            key = (r.year, squash(r.course)) if r.course else (r.year, f"{r.file}|{r.sheet}|{r.row}")
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
        "courses_by_year": {y: max((h for (cy, _), h in courses.items() if cy == y), default=zero)
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


# ------------------------------------------------------------------ checks

@dataclass
class Ctx:
    profile: object
    cycle: Cycle
    lang: str
    teachers: list  # Person, sorted
    roster: bool


def _tr(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def _who(p: Person) -> str:
    return p.name or p.id or p.key


def _person_ref(p: Person) -> dict:
    return {"name": p.name, "id": p.id, "unit": p.unit}


def _remedy(lines: list[str], lang: str) -> str | None:
    if not lines:
        return None
    sep = "；" if lang == "zh" else "; "
    text = sep.join(lines[:SHOWN])
    if len(lines) > SHOWN:
        more = len(lines) - SHOWN
        text += (f"{sep}另有 {more} 人（见 details / by_person）" if lang == "zh"
                 else f"{sep}and {more} more (see details / by_person)")
    return text


def _count_text(short: int, total: int, lang: str, running: bool = False) -> str:
    if lang == "zh":
        return f"{total} 人中 {short} 人{'尚未完成' if running else '未达标'}"
    return f"{short} of {total} {'still to complete' if running else 'short'}"


def _no_rule(check_id: str, ctx: Ctx, rule_id: str) -> object:
    if not any(r.topic == "hours" for r in ctx.profile.rules.values()):
        return not_applicable(check_id, _tr(ctx.lang, f"{ctx.profile.document}（{ctx.profile.id}）未规定培训学时；"
                                                      "可用 --policy wenzhou-2012 或 shanxi-2023",
                                            f"policy {ctx.profile.id} ({ctx.profile.document}) sets no training-hour "
                                            "rules; try --policy wenzhou-2012 or shanxi-2023"), lang=ctx.lang)
    return not_applicable(check_id, _tr(ctx.lang, f"{ctx.profile.id} 无此项规定（{rule_id}）",
                                        f"policy {ctx.profile.id} sets no such rule ({rule_id})"), lang=ctx.lang)


def _cycle_check(check_id: str, rule_id: str, measure: str, ctx: Ctx, people: list | None = None,
                 what: str = "teachers") -> object:
    """A per-teacher requirement over the whole cycle: fails only once the cycle is over."""
    rule = ctx.profile.get(rule_id)
    if rule is None:
        return _no_rule(check_id, ctx, rule_id)
    people = ctx.teachers if people is None else people
    if ctx.cycle.start is None:
        return not_applicable(check_id, "no cycle: the profile sets no hours.cycle_years; give --cycle START-END",
                              rule, ctx.lang)
    if not people:
        return not_applicable(check_id, f"no {what} for the cycle {ctx.cycle.text()}", rule, ctx.lang)
    check = from_rule(check_id, rule, ctx.lang)
    bound = _dec(rule)
    short = [(p, p.summary[measure]) for p in people if not meets(Fraction(p.summary[measure]), rule)]
    running = ctx.cycle.running
    check.inputs = {"cycle": ctx.cycle.text(), "teachers": len(people), "short": len(short)}
    check.formula = f"per teacher: {measure} in the cycle {rule.bound_text('en')}"
    for p, value in short:
        need = bound - value if measure != "concentrated_max_course" else bound
        check.details.append({**_person_ref(p), "actual": hstr(value), "required": rule.bound_text("en"),
                              "still_needed" if running else "short": hstr(need)})
        p.still[STILL.get(measure, measure)] = hstr(need)
        if not running:
            p.failed.append(check_id)
    check.actual = _count_text(len(short), len(people), ctx.lang, running and bool(short))
    if not short:
        check.status = PASS
    elif running:
        check.status, check.reason = NA, _tr(
            ctx.lang, f"周期 {ctx.cycle.text()} 至 {ctx.cycle.end}-12-31 结束：{len(people)} 人中 {len(short)} 人尚需完成",
            f"cycle {ctx.cycle.text()} runs to {ctx.cycle.end}-12-31: {len(short)} of {len(people)} still to "
            "complete (details)")
    else:
        check.status = FAIL
        check.remedy = _remedy([_line(p, measure, v, bound, ctx) for p, v in short], ctx.lang)
    return check


def _line(p: Person, measure: str, value: Decimal, bound: Decimal, ctx: Ctx) -> str:
    zh = ctx.lang == "zh"
    if measure == "concentrated_max_course":
        return (f"{_who(p)} 需参加一次不少于 {hstr(bound)} 学时的集中培训（目前单次最多 {hstr(value)} 学时）" if zh
                else f"{_who(p)} needs one concentrated course of {hstr(bound)} hours (longest so far {hstr(value)})")
    need = bound - value
    if measure == "total":
        sb_rule = ctx.profile.get("hours.school_based_min")
        sb_need = _dec(sb_rule) - p.summary["school_based"] if sb_rule is not None else Decimal(0)
        need = max(need, sb_need)
        extra = (f"（校本 {hstr(sb_need)}）" if zh else f" ({hstr(sb_need)} school-based)") if sb_need > 0 else ""
        return f"{_who(p)} 还需 {hstr(need)} 学时{extra}" if zh else f"{_who(p)} needs {hstr(need)} more hours{extra}"
    label = {"school_based": ("校本", "school-based "), "concentrated": ("集中培训", "concentrated "),
             "management": ("学校管理类", "school-management "), "homeroom": ("班主任专题", "homeroom "),
             "probation": ("试用期", "probation "), "probation_practice": ("实践", "practice "),
             "new_principal": ("任职资格", "qualification "),
             "new_principal_concentrated": ("任职资格集中", "concentrated qualification ")}.get(measure, ("", ""))
    return (f"{_who(p)} 还需{label[0]} {hstr(need)} 学时" if zh
            else f"{_who(p)} needs {hstr(need)} more {label[1]}hours")


def _annual_check(check_id: str, rule_id: str, measure: str, ctx: Ctx, people: list) -> object:
    """Each completed year of the cycle, per teacher ("一般": advisory where the profile says so)."""
    rule = ctx.profile.get(rule_id)
    if rule is None:
        return _no_rule(check_id, ctx, rule_id)
    done = ctx.cycle.done
    if ctx.cycle.start is None:
        return not_applicable(check_id, "no cycle: the profile sets no hours.cycle_years; give --cycle START-END",
                              rule, ctx.lang)
    if not people:
        what = "vocational teachers (unit or roster naming 职业/中职/职专 …)" if "vocational" in check_id else "teachers"
        return not_applicable(check_id, f"no {what} in the ledger for the cycle {ctx.cycle.text()}", rule, ctx.lang)
    if not done:
        return not_applicable(check_id, f"no year of the cycle {ctx.cycle.text()} is complete at "
                                        f"{ctx.cycle.as_of.isoformat()}", rule, ctx.lang)
    check = from_rule(check_id, rule, ctx.lang)
    bound = _dec(rule)
    lines, short_people = [], 0
    for p in people:
        missed = []
        for y in done:
            if p.work_start is not None and y <= p.work_start.year:
                continue  # not yet working (or started during that year), by the roster
            value = p.summary[measure][y]
            if not meets(Fraction(value), rule):
                missed.append(y)
                check.details.append({**_person_ref(p), "year": y, "actual": hstr(value),
                                      "required": rule.bound_text("en"), "short": hstr(bound - value)})
                p.years_short.setdefault(str(y), {})["school_based" if measure == "school_years" else "hours"] = \
                    hstr(bound - value)
        if missed:
            short_people += 1
            p.failed.append(check_id)
            lines.append(_annual_line(p, measure, missed, bound, ctx.lang))
    years = ctx.cycle.judged()
    check.inputs = {"years_judged": years, "teachers": len(people), "short": short_people}
    check.formula = f"per teacher and completed year {years}: {measure.replace('years', 'hours')} {rule.bound_text('en')}"
    check.actual = _count_text(short_people, len(people), ctx.lang)
    check.status = FAIL if short_people else PASS
    check.remedy = _remedy(lines, ctx.lang)
    return check


def _annual_line(p: Person, measure: str, missed: list, bound: Decimal, lang: str) -> str:
    gaps = [(y, hstr(bound - p.summary[measure][y])) for y in missed]
    if lang == "zh":
        kind = "校本" if measure == "school_years" else ""
        return f"{_who(p)} " + "、".join(f"{y}年{kind}差 {g} 学时" for y, g in gaps)
    kind = " school-based" if measure == "school_years" else ""
    return f"{_who(p)} " + ", ".join(f"{y}: {g}{kind} hours short" for y, g in gaps)


def _share_check(ctx: Ctx) -> object:
    rule = ctx.profile.get("hours.school_concentrated_share_min")
    course = ctx.profile.get("hours.concentrated_course_min")
    if rule is None or course is None:
        return _no_rule("hours.school_concentrated_share", ctx, "hours.school_concentrated_share_min")
    if ctx.cycle.start is None or not ctx.cycle.done:
        return not_applicable("hours.school_concentrated_share", "no completed year in the cycle "
                              f"{ctx.cycle.text()} at {ctx.cycle.as_of.isoformat()}", rule, ctx.lang)
    check = from_rule("hours.school_concentrated_share", rule, ctx.lang)
    check.formula = (f"per unit and completed year: teachers with one concentrated course "
                     f"{course.bound_text('en')} hours ÷ the unit's teachers")
    lines, fails, worst = [], 0, None
    for unit in sorted({p.unit for p in ctx.teachers}, key=str):
        members = [p for p in ctx.teachers if p.unit == unit]
        for y in ctx.cycle.done:
            sent = sum(1 for p in members if meets(Fraction(p.summary["courses_by_year"][y]), course))
            share = Fraction(sent, len(members))
            ok = meets(share, rule)
            need = next(k for k in range(sent, len(members) + 1) if meets(Fraction(k, len(members)), rule)) - sent \
                if not ok else 0
            check.details.append({"unit": unit, "year": y, "teachers": len(members), "sent": sent,
                                  "share": ratio_str(share), "status": PASS if ok else FAIL,
                                  "more_needed": need})
            worst = share if worst is None or share < worst else worst
            if not ok:
                fails += 1
                lines.append(f"{unit} {y}年 还需安排 {need} 名教师（{sent}/{len(members)}）" if ctx.lang == "zh"
                             else f"{unit} {y}: {need} more teachers needed ({sent}/{len(members)})")
    check.actual = ratio_str(worst)
    check.inputs = {"unit_years": len(check.details), "failing": fails, "lowest_share": ratio_str(worst)}
    check.status = FAIL if fails else PASS
    check.remedy = _remedy(lines, ctx.lang)
    return check


ROLE_CHECKS = [  # check id, rule id, role, measure, period
    ("hours.backbone_concentrated", "hours.backbone_concentrated_min", "backbone", "concentrated", "cycle"),
    ("hours.homeroom", "hours.homeroom_min", "homeroom", "homeroom", "cycle"),
    ("hours.principal", "hours.principal_min", "principal", "management", "cycle"),
    ("hours.new_teacher", "hours.new_teacher_min", "new_teacher", "probation", "probation"),
    ("hours.new_teacher_practice", "hours.new_teacher_practice_min", "new_teacher", "probation_practice", "probation"),
    ("hours.new_principal", "hours.new_principal_min", "new_principal", "new_principal", "first_year"),
    ("hours.new_principal_concentrated", "hours.new_principal_concentrated_min", "new_principal",
     "new_principal_concentrated", "first_year"),
]
ROLE_WORDS = {"backbone": "backbone teachers (荣誉称号 骨干)", "homeroom": "homeroom teachers (职务 班主任)",
              "principal": "principals (职务 校长/园长)", "new_teacher": "new teachers (教龄 within the profile's limit)",
              "new_principal": "new principals (职务 新任校长)"}


def _role_check(check_id, rule_id, role, measure, period, ctx: Ctx):
    rule = ctx.profile.get(rule_id)
    if rule is None:
        return None
    if not ctx.roster:
        return not_applicable(check_id, _tr(ctx.lang, "未提供 --roster：岗位（新任教师、骨干、班主任、校长）取自花名册",
                                            f"no --roster given: {ROLE_WORDS[role]} come from the roster"),
                              rule, ctx.lang)
    people = [p for p in ctx.teachers if role in p.roles]
    if role == "principal":  # a new principal's first year is the qualification training instead
        people = [p for p in people if "new_principal" not in p.roles]
    if period == "cycle":
        return _cycle_check(check_id, rule_id, measure, ctx, people, ROLE_WORDS[role])
    if not people:
        return not_applicable(check_id, f"no {ROLE_WORDS[role]} on the roster", rule, ctx.lang)
    check = from_rule(check_id, rule, ctx.lang)
    bound = _dec(rule)
    window = ctx.profile.get("hours.new_teacher_max_years" if period == "probation"
                             else "hours.new_principal_within_years")
    short, lines = 0, []
    for p in people:
        value = p.summary[measure]
        if meets(Fraction(value), rule):
            continue
        start = p.work_start if period == "probation" else p.join
        due = _add_years(start, int(window.value)) if start and window is not None else None
        over = due is not None and due <= ctx.cycle.as_of
        check.details.append({**_person_ref(p), "actual": hstr(value), "required": rule.bound_text("en"),
                              ("short" if over else "still_needed"): hstr(bound - value),
                              "due": due.isoformat() if due else None})
        p.still[STILL.get(measure, measure)] = hstr(bound - value)
        if over:
            short += 1
            p.failed.append(check_id)
            lines.append(_line(p, measure, value, bound, ctx))
    pending = len(check.details) - short
    check.inputs = {"people": len(people), "short": short, "still_to_complete": pending}
    check.formula = f"per person: {measure} hours {rule.bound_text('en')}"
    check.actual = _count_text(short, len(people), ctx.lang)
    if short:
        check.status, check.remedy = FAIL, _remedy(lines, ctx.lang)
    elif pending:
        check.status = NA
        check.reason = (f"{pending} of {len(people)} still within their period (or without a start date on the "
                        "roster): shown as still needed")
    else:
        check.status = PASS
    return check


def _add_years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def all_checks(ctx: Ctx) -> list:
    voc_rule = ctx.profile.get("hours.annual_min_vocational")
    basic = [p for p in ctx.teachers if p.in_cycle and not (p.vocational and voc_rule is not None)]
    vocational = [p for p in ctx.teachers if p.in_cycle and p.vocational and voc_rule is not None]
    ledger = [p for p in ctx.teachers if p.in_cycle]
    full = Ctx(ctx.profile, ctx.cycle, ctx.lang, ledger, ctx.roster)
    veterans = [p for p in ledger if "new_teacher" not in p.roles]  # new teachers: probation rules instead
    out = [_cycle_check("hours.cycle_total", "hours.cycle_total_min", "total", full, veterans),
           _cycle_check("hours.school_based", "hours.school_based_min", "school_based", full, veterans),
           _cycle_check("hours.concentrated", "hours.concentrated_course_min", "concentrated_max_course", full,
                        veterans),
           _annual_check("hours.annual_min", "hours.annual_min", "years", full, basic)]
    if ctx.profile.get("hours.annual_school_based_min") is not None:
        out.append(_annual_check("hours.annual_school_based", "hours.annual_school_based_min", "school_years",
                                 full, ledger))
    if voc_rule is not None:
        out.append(_annual_check("hours.annual_min_vocational", "hours.annual_min_vocational", "years", full,
                                 vocational))
    if ctx.profile.get("hours.school_concentrated_share_min") is not None:
        out.append(_share_check(full))
    for spec in ROLE_CHECKS:
        check = _role_check(*spec, ctx)
        if check is not None:
            out.append(check)
    return out


# ------------------------------------------------------------------ the command

def run(files: list[str], policy: str = "wenzhou-2012", as_of: date | None = None, sheets=None, maps=None,
        cycle: str | None = None, roster=None, output: Path | None = None, overwrite: bool = False,
        lang: str = "en") -> Report:
    as_of = as_of or date.today()
    profile = load_profile(policy)
    cyc = cycle_for(profile, as_of, cycle)
    if output is not None:
        from .grid import expand
        from .safeio import refuse_inputs

        refuse_inputs(Path(output), expand(files) + (expand(list(roster)) if roster else []))
        if Path(output).exists() and not overwrite:
            raise InputError(f"{output}: already exists; add --overwrite to replace it")
    dataset = reader.read(files, "hours", maps, sheets)
    warn = _Warn()
    rows = read_ledger(dataset, profile, cyc, warn)
    people = people_of(rows, cyc)
    roster_data = apply_roster(roster, people, profile, as_of, warn) if roster else None
    vocational = _types()["roles"]["vocational"]
    for p in people.values():
        if p.unit is None:
            p.unit = Path(p.rows[0].file).stem if p.rows else None
        p.vocational = p.vocational or _has(p.unit, vocational)
        p.summary = summarise(p, cyc)
    listed = [p for p in people.values()
              if p.in_cycle or p.roles or any(r.excluded and cyc.has(r.year) for r in p.rows)]
    teachers = sorted(listed, key=lambda p: (str(p.unit), p.name or "", p.key))
    ctx = Ctx(profile, cyc, lang, teachers, roster is not None)

    report = Report("hours", as_of)
    report.policy, pol_warnings = policy_block(profile, as_of)
    report.inputs = inputs_block(dataset) + (inputs_block(roster_data) if roster_data else [])
    report.checks = all_checks(ctx)
    report.warnings = pol_warnings + [w.as_dict() for w in dataset.warnings] + \
        ([w.as_dict() for w in roster_data.warnings] if roster_data else []) + warn.finish()
    if cycle and profile.get("hours.cycle_years") is not None and \
            cyc.end - cyc.start + 1 != int(profile.get("hours.cycle_years").value):
        report.warnings.append({"code": "cycle_length", "file": None, "sheet": None, "row": None,
                                "message": f"--cycle {cyc.text()} is {cyc.end - cyc.start + 1} years; the profile's "
                                           f"cycle is {profile.get('hours.cycle_years').value} years"})
    report.definitions = dict(DEFINITIONS)
    advisory = {c.id for c in report.checks if c.advisory}
    ledger = [p for p in teachers if p.in_cycle]
    report.figures = {
        "teachers": len(ledger),
        "teachers_compliant": sum(1 for p in ledger if not [f for f in p.failed if f not in advisory]),
        "hours_total": hstr(sum((p.summary["total"] for p in ledger), Decimal(0))),
        "hours_excluded": hstr(sum((p.summary["excluded"] for p in ledger), Decimal(0))),
        "cycle_start": cyc.start, "cycle_end": cyc.end,
        "cycle_running": cyc.running,
        "years_judged": cyc.judged(),
        "rows_counted": sum(1 for r in rows if r.counted),
        "rows_not_counted": sum(1 for r in rows if not r.counted and r.key is not None),
    }
    for p in teachers:  # school-based hours count toward the total too: the larger need is what it takes
        if "school_based" in p.still:
            p.still["hours"] = hstr(max(Decimal(p.still.get("hours", "0")), Decimal(p.still["school_based"])))
    report.by_person = [_person_out(p) for p in teachers]
    report.tables = _tables(teachers, cyc, lang)
    report.notes = _notes(profile, cyc, lang)
    if output is not None:
        from .workbook.hours import write

        write(Path(output), report, rows, teachers, profile, cyc, lang, overwrite)
    return report


def _person_out(p: Person) -> dict:
    s = p.summary
    out = {"name": p.name, "id": p.id, "unit": p.unit, "cycle_total": hstr(s["total"]),
           "school_based": hstr(s["school_based"]), "concentrated_max_course": hstr(s["concentrated_max_course"]),
           "years": {str(y): hstr(v) for y, v in s["years"].items()}, "failed": list(dict.fromkeys(p.failed)),
           "still_needed": dict(p.still)}
    if p.years_short:
        out["years_short"] = p.years_short
    if s["excluded"]:
        out["excluded_hours"] = hstr(s["excluded"])
    if p.roles:
        out["roles"] = sorted(p.roles)
    if p.vocational:
        out["vocational"] = True
    if not p.on_ledger:
        out["on_ledger"] = False
    elif not p.in_cycle:
        out["in_cycle"] = False  # only probation or qualification hours: not judged on the cycle
    return out


def _tables(teachers: list[Person], cyc: Cycle, lang: str) -> dict:
    zh = lang == "zh"
    rows = []
    for p in teachers:
        if not p.failed and not p.still:
            continue
        s = p.summary
        years = "、".join(f"{y}" for y in p.years_short) if zh else ", ".join(p.years_short)
        still = _still_text(p.still, lang)
        rows.append([_who(p), p.unit or "", hstr(s["total"]), hstr(s["school_based"]),
                     hstr(s["concentrated_max_course"]), years, still, ", ".join(dict.fromkeys(p.failed))])
    title = (f"未达标或尚需完成的教师（周期 {cyc.text()}）" if zh
             else f"Teachers short or still to complete (cycle {cyc.text()})")
    headers = (["姓名", "单位", "周期学时", "校本", "单次集中最多", "未达年度要求的年份", "尚需", "未通过检查"] if zh
               else ["name", "unit", "cycle total", "school-based", "longest concentrated", "years short",
                     "still needed", "failed checks"])
    return {title: {"headers": headers, "rows": rows}}


def _still_text(still: dict, lang: str) -> str:
    zh = lang == "zh"
    parts = []
    for key, value in still.items():
        if key == "hours":
            sb = still.get("school_based")
            parts.append(f"{value} 学时" + (f"（校本 {sb}）" if sb else "") if zh
                         else f"{value} h" + (f" ({sb} school-based)" if sb else ""))
        elif key == "concentrated_course":
            parts.append(f"一次 ≥ {value} 学时集中培训" if zh else f"one concentrated course ≥ {value} h")
        elif key != "school_based" or "hours" not in still:
            parts.append(f"{type_label(key, lang) if key in _kinds() else key} {value}")
    return "；".join(parts) if zh else "; ".join(parts)


def _notes(profile, cyc: Cycle, lang: str) -> list[str]:
    if cyc.start is None:
        return []
    zh = lang == "zh"
    if cyc.running:
        judged = cyc.judged() or ("无" if zh else "none")
        return [f"周期 {cyc.text()} 尚未结束：按已完成年度（{judged}）判定，周期要求显示为尚需完成，不计为未达标" if zh
                else f"cycle {cyc.text()} is still running: judged on its completed years ({judged}); cycle "
                     "requirements are shown as still needed, not as failures"]
    return [f"周期 {cyc.text()} 已结束：按全部年度判定" if zh else f"cycle {cyc.text()} is over: judged in full"]
