"""The hours ledger: every person row of every hours sheet read — hours exact (Decimal), days
and 学分 converted only at the profile's own rates, the year from the year column, else the
date, else a year in the sheet or file name — and the cycle it is judged in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from ttcalc.cells.dates import parse_date
from ttcalc.cells.money import parse_decimal
from ttcalc.cells.text import squash
from ttcalc.core.errors import InputError
from ttcalc.core.msg import Msg, msg
from ttcalc.core.warn import Warnings
from ttcalc.hours.courses import classify, type_label
from ttcalc.read.rows import skip_reason

_UNIT_WORD = re.compile(r"(学时|课时|小时|天|日|学分|hours?|days?|credits?)$", re.IGNORECASE)  # "12学时" -> 12
# the unit written in a cell decides how it is read, whatever the column: "12天" in 学时 is 12 days
_UNIT_KIND = {"学时": "hours", "课时": "hours", "小时": "hours", "hour": "hours", "hours": "hours",
              "天": "days", "日": "days", "day": "days", "days": "days",
              "学分": "credits", "credit": "credits", "credits": "credits"}
_KIND_ZH = {"hours": "学时", "days": "天", "credits": "学分"}  # units as written (data, not words)
_COLUMN_ZH = {"hours": "学时", "days": "天数", "credits": "学分", "practice": "实践学时"}  # the column, as headed
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def hstr(value: Decimal | int | None) -> str | None:
    """Hours as a plain decimal string: Decimal("360.0") -> "360"."""
    if value is None:
        return None
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def dec(rule) -> Decimal:
    return Decimal(str(rule.value))


@dataclass
class Row:
    file: str
    sheet: str
    row: int
    name: str | None = None
    id: str | None = None
    unit: str | None = None  # the row's own 单位 cell (people are told apart by it)
    sheet_unit: str | None = None  # the sheet's unit where no column gives one: title line, sheet or file name
    course: str | None = None
    type_text: str | None = None
    year: int | None = None
    date: date | None = None  # the training date, where the ledger gives one
    date_note: str | None = None  # parse_date's note: "year_only" / "month_only" when the day was not given
    future: bool = False  # dated after as-of: not counted
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
    reason: Msg | str | None = None  # why not counted toward the cycle (the reader's skip reason is a code)


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
            raise InputError(msg("option.error.cycle", value=text, example="2022-2026"))
        return Cycle(int(m.group(1)), int(m.group(2)), as_of)
    rule = profile.get("hours.cycle_years")
    if rule is None:
        return Cycle(None, None, as_of)
    length, anchor = int(rule.value), cycle_anchor(profile)
    start = anchor + (as_of.year - anchor) // length * length
    return Cycle(start, start + length - 1, as_of)


def cycle_anchor(profile) -> int:
    """The first year of a cycle: the profile's hours.cycle_start_year where it sets one
    (wenzhou-2012: 2011, 十二五), else the year the profile took effect — ttcalc's choice; later
    cycles follow every hours.cycle_years years."""
    start = profile.get("hours.cycle_start_year")
    return int(start.value) if start is not None else profile.effective.year


def is_future(row: "Row", as_of: date) -> bool:
    """Dated after as-of: by the date where the ledger gives a day, else its month, else its year."""
    if row.date is not None and row.date_note == "year_only" or row.date is None and row.year is not None:
        year = row.date.year if row.date is not None else row.year
        return year > as_of.year
    if row.date is None:
        return False
    if row.date_note == "month_only":
        return (row.date.year, row.date.month) > (as_of.year, as_of.month)
    return row.date > as_of


def decide(row: "Row", profile, cycle: "Cycle", keep_probation: bool = False) -> None:
    """Whether a usable row counts toward the cycle: excluded topics, the cycle's years."""
    row.counted, row.excluded, row.reason = False, None, None
    for topic, rid in (("probation", "hours.new_teacher_excluded"), ("new_principal", "hours.new_principal_excluded")):
        rule = profile.get(rid)
        if topic == "probation" and keep_probation:
            continue
        if topic in row.topics and rule is not None and rule.value is True:
            row.excluded = topic
            row.reason = msg("hours.row.excluded", type=type_label(topic), citation=rule.citation())
            return
    if cycle.start is not None and not cycle.start <= row.year <= cycle.end:
        row.reason = msg("hours.row.outside_cycle", cycle=cycle.text())
    else:
        row.counted = True


def _warn(warn: Warnings, code: str, row: Row, **params) -> None:
    warn.add(code, row.file, row.sheet, row.row, **params)


def _year_in(text: str | None) -> tuple[int | None, bool]:
    """The first year written in a text, and whether another, different one is written too."""
    years = [int(y) for y in _YEAR.findall(squash(text) if text else "")]
    return (years[0], len(set(years)) > 1) if years else (None, False)


def _row_year(year_text, date_text, sheet: str, file: Path, warn: Warnings, row: Row) -> int | None:
    if date_text:
        try:
            row.date, row.date_note = parse_date(date_text)
        except ValueError:
            row.date = None
    if year_text:
        y, more = _year_in(year_text)
        if y is not None:
            if more:
                _warn(warn, "year_ambiguous", row, value=str(year_text)[:30], year=y)
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


def _amount(row: Row, values: dict, rates: dict, warn: Warnings) -> str | None:
    """Fill row.hours from hours, days or credits; return why it cannot be counted, or None.

    A unit written in the cell ("12天", "96学时") decides how it is read, whatever its column."""
    for column in ("hours", "days", "credits"):
        column_zh = _COLUMN_ZH[column]
        text = values.get(column)
        if text is None or not str(text).strip():
            continue
        cell = squash(text)
        unit = _UNIT_WORD.search(cell)
        col = _UNIT_KIND[unit.group(1).lower()] if unit else column
        unit_zh = _KIND_ZH[col]
        try:
            value = parse_decimal(cell[:unit.start()] if unit else cell)
        except ValueError:
            _warn(warn, "hours_not_a_number", row, heading=column_zh, value=str(text)[:30],
                  outcome=msg("hours.row.not_counted"))
            return msg("hours.row.not_a_number", column=column_zh, value=str(text)[:30])
        if value is None:
            continue
        if col != column:
            _warn(warn, "unit_in_cell", row, heading=column_zh, value=str(text)[:30], unit=unit.group(1),
                  amount=value, read_as=unit_zh)
        row.raw = f"{hstr(value)} {unit_zh}"
        if value < 0:
            _warn(warn, "hours_negative", row, unit=unit_zh, amount=value)
            return msg("hours.row.negative", unit=unit_zh)
        if col == "hours":
            row.hours = value
            return None
        rule = rates.get(col)
        if rule is None:
            rid = "hours.day_hours" if col == "days" else "hours.credit_hours"
            _warn(warn, f"no_{col}_rate", row, unit=unit_zh, rule=rid)
            return msg("hours.row.no_rate", unit=unit_zh, rule=rid)
        row.hours = value * dec(rule)
        return None
    _warn(warn, "hours_missing", row)
    return msg("hours.row.no_hours")


def read_ledger(dataset, profile, cycle: Cycle, warn: Warnings) -> list[Row]:
    rates = {"days": profile.get("hours.day_hours"), "credits": profile.get("hours.credit_hours")}
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
            row.sheet_unit = s.unit  # the read layer's: a title line, the sheet name, else the file name
            row.course = (get.get("course") or "").strip() or None
            row.type_text = (get.get("type") or "").strip() or None
            if get["_skip"] is not None:
                row.reason, row.skipped = skip_reason(get["_skip"]), True
                continue
            row.form, row.topics, known = classify(row.type_text, row.course)
            if row.type_text and not known and (s.sheet, row.type_text) not in unknown:
                unknown[(s.sheet, row.type_text)] = row.file
                _warn(warn, "type_unknown", row, value=row.type_text[:30], type=type_label(row.form))
            why = _amount(row, get, rates, warn)
            if get.get("practice"):
                try:
                    row.practice = parse_decimal(get["practice"])
                except ValueError:
                    _warn(warn, "hours_not_a_number", row, heading=_COLUMN_ZH["practice"],
                          value=str(get["practice"])[:30], outcome=msg("hours.row.ignored"))
            row.year = _row_year(get.get("year"), get.get("date"), s.sheet, Path(s.file), warn, row)
            if why:
                row.reason = why
            elif row.year is None:
                _warn(warn, "year_missing", row)
                row.reason = msg("hours.row.no_year")
            elif is_future(row, cycle.as_of):
                row.future = True
                when = row.date.isoformat() if row.date is not None and row.date_note is None else str(row.year)
                row.reason = msg("hours.row.after_as_of", when=when, as_of=cycle.as_of.isoformat())
                _warn(warn, "after_as_of", row, when=when, as_of=cycle.as_of.isoformat())
            else:
                row.usable = True
                decide(row, profile, cycle)
    return rows
