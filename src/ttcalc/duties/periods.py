"""Semesters, school years and working days, as the profile defines them.

The documents say "每学期", "每学年", "每年" without defining them.  The profile states
ttcalc's choice as rules (duty.autumn_semester_start_month = 9, duty.spring_semester_start_month
= 2, duty.spring_semester_end_month = 7: autumn September–January, spring February–July,
August in no semester; the school year from the autumn start), overridable in a custom
profile.  A working day is Monday to Friday, less the holidays and plus the make-up working
days of a --calendar file when one is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg


@dataclass(frozen=True)
class Period:
    id: str  # "2024-autumn", "2025-spring", "2024-2025" (school year), "2024" (calendar year)
    start: date
    end: date

    def has(self, d: date) -> bool:
        return self.start <= d <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    autumn: int = 9
    spring: int = 2
    spring_end: int = 7
    holidays: frozenset = frozenset()
    workdays: frozenset = frozenset()  # make-up working days (调休上班), weekends that are worked

    @classmethod
    def of(cls, profile, calendar_file: str | None = None) -> "Calendar":
        def month(rid: str, default: int) -> int:
            rule = profile.get(rid)
            value = int(rule.value) if rule is not None else default
            if not 1 <= value <= 12:
                raise InputError(msg("duties.error.month", profile=profile.id, rule=rid, value=value))
            return value

        holidays, workdays = read_calendar(calendar_file) if calendar_file else (frozenset(), frozenset())
        cal = cls(month("duty.autumn_semester_start_month", 9), month("duty.spring_semester_start_month", 2),
                  month("duty.spring_semester_end_month", 7), holidays, workdays)
        if not cal.spring <= cal.spring_end < cal.autumn:
            raise InputError(msg("duties.error.semesters", profile=profile.id, spring=cal.spring,
                                 spring_end=cal.spring_end, autumn=cal.autumn))
        return cal

    def semester(self, d: date) -> Period | None:
        if d.month >= self.autumn:
            return self._autumn(d.year)
        if d.month < self.spring:
            return self._autumn(d.year - 1)
        if d.month <= self.spring_end:
            return Period(f"{d.year}-spring", date(d.year, self.spring, 1), _month_end(d.year, self.spring_end))
        return None  # the summer between the spring end and the autumn start

    def _autumn(self, year: int) -> Period:
        return Period(f"{year}-autumn", date(year, self.autumn, 1), date(year + 1, self.spring, 1) - timedelta(days=1))

    def current_semester(self, as_of: date) -> Period:
        """The semester holding as-of; in the summer, the spring semester just ended."""
        return self.semester(as_of) or self.semester(date(as_of.year, self.spring_end, 1))

    def school_year(self, d: date) -> Period:
        y = d.year if d.month >= self.autumn else d.year - 1
        return Period(f"{y}-{y + 1}", date(y, self.autumn, 1), date(y + 1, self.autumn, 1) - timedelta(days=1))

    @staticmethod
    def year(d: date) -> Period:
        return Period(str(d.year), date(d.year, 1, 1), date(d.year, 12, 31))

    def working(self, d: date) -> bool:
        if d in self.workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays


def read_calendar(path: str) -> tuple[frozenset, frozenset]:
    """A text file of dates, one a line: a holiday ("2024-10-01"), or a worked weekend day
    with a leading + ("+2024-10-12").  Blank lines and # comments are skipped."""
    from ttcalc.cells.dates import parse_date

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        from ttcalc.read.limits import os_why

        why = msg("duties.error.not_utf8") if isinstance(exc, UnicodeDecodeError) else os_why(exc)
        raise InputError(msg("duties.error.calendar_unreadable", file=str(path), why=why)) from None
    holidays, workdays = set(), set()
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        plus = line.startswith("+")
        try:
            d, note = parse_date(line.lstrip("+").strip())
        except ValueError:
            d, note = None, "bad"
        if d is None or note not in (None, "excel_serial"):
            raise InputError(msg("duties.error.calendar_line", file=str(path), line=n, value=repr(line[:30])))
        (workdays if plus else holidays).add(d)
    return frozenset(holidays), frozenset(workdays)
