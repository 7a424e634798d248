"""The activity log as rows: who, which calendar days, what type, how many class periods.

Dates are read in every shape a clerk writes them: one date ("2024-03-05", "2024年3月5日",
"2024.3.5", an Excel serial), a range ("3.5-3.9", "2024.3.5—3.9", "3月5日至9日",
"2024-03-05~2024-03-09"), or a date column plus an end-date column.  A date without a year
takes the year of the sheet's or file's name, else the latest year that does not put it after
--as-of (warned).  "2天" on a one-date row means that many consecutive days from it.  The
activity types and their classes are data (activity_types.toml).  Nothing here prints.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files

from ttcalc.cells.dates import parse_date
from ttcalc.cells.privacy import mask_params
from ttcalc.cells.text import alias_match, squash
from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg

_SEP = r"\s*(?:-|－|—|–|~|～|至|到)\s*"
_MD = r"(?:(\d{4})\s*[年./-]\s*)?(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?"
_RANGE = re.compile(rf"^{_MD}(?:{_SEP}(?:{_MD}|(\d{{1,2}})\s*日?))?$")
_YEAR_IN_NAME = re.compile(r"(20\d{2})")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)")


@cache
def types() -> dict:
    return tomllib.loads((files("ttcalc.duties") / "activity_types.toml").read_text(encoding="utf-8"))


def activity_type(cell: str) -> str | None:
    return alias_match(cell, {k: v["aliases"] for k, v in types()["types"].items()})


def classes_of(kind: str) -> set[str]:
    return set(types()["types"][kind]["classes"])


def role_of(cell: str | None) -> str | None:
    return alias_match(cell or "", types()["roles"])


@dataclass
class Activity:
    file: str
    sheet: str
    row: int
    key: str  # the person: ID number, else name
    name: str | None
    id: str | None
    kind: str
    days: list[date]
    periods: Decimal = Decimal(0)
    count: int = 1
    role: str | None = None
    school: str | None = None
    classes: set = field(default_factory=set)


def _year_hint(file: str, sheet: str) -> int | None:
    for text in (sheet, file.rsplit("/", 1)[-1]):
        m = _YEAR_IN_NAME.search(text or "")
        if m:
            return int(m.group(1))
    return None


def _with_year(year: int | None, month: int, day: int, hint: int | None, as_of: date, assumed: list) -> date:
    if year is None:
        year = hint
        if year is None:
            year = as_of.year
            if (month, day) > (as_of.month, as_of.day):
                year -= 1
            assumed.append(year)
    return date(year, month, day)


def parse_span(text: str, hint: int | None, as_of: date, assumed: list) -> tuple[date, date]:
    """(first, last) of a date cell; raises ValueError when unreadable."""
    raw = squash(text)
    try:
        d, note = parse_date(str(text).strip())
        if d is not None and note in (None, "excel_serial"):
            return d, d
    except ValueError:
        pass
    m = _RANGE.match(raw)
    if not m:
        raise ValueError(raw)
    y1, m1, d1, y2, m2, d2, day_only = m.groups()
    first = _with_year(int(y1) if y1 else None, int(m1), int(d1), hint, as_of, assumed)
    if m2 is None and day_only is None:
        return first, first
    if day_only is not None:
        last = date(first.year, first.month, int(day_only))
    else:
        year = int(y2) if y2 else first.year
        last = date(year, int(m2), int(d2))
        if last < first and not y2:
            last = date(year + 1, int(m2), int(d2))  # "12.30-1.2"
    if last < first:
        raise ValueError(raw)
    return first, last


def number(text: str | None, units: list[str]) -> Decimal | None:
    """"2天" -> 2, "4节" -> 4, "半天" -> 0.5; None when blank; ValueError when unreadable."""
    raw = squash(text or "").lower()
    if not raw:
        return None
    if raw in types()["periods"]["half_day"]:
        return Decimal("0.5")
    for u in sorted(units, key=len, reverse=True):
        if raw.endswith(u):
            raw = raw[: -len(u)]
            break
    m = _NUMBER.match(raw)
    if not m or m.group(1) != raw:
        raise ValueError(text)
    try:
        return Decimal(m.group(1))
    except InvalidOperation:
        raise ValueError(text) from None


def read_log(dataset, as_of: date, warn) -> list[Activity]:
    """Every counted row of the log as an Activity; an unreadable date, type or number on a
    row that counts stops the run (file, sheet, row, column — never the person)."""
    out: list[Activity] = []
    units = types()["periods"]
    for s in dataset.used:
        hint = _year_hint(str(s.file), s.sheet)
        assumed: list[int] = []
        for r in s.data.to_pylist():
            if r.get("_skip") is not None:
                continue
            def bad(col: str, what: str, value, s=s, r=r) -> InputError:
                return InputError(msg("read.cell.bad", file=str(s.file), sheet=s.sheet, row=int(r["_row"]),
                                      column=s.header_of(col), what=msg(f"duties.expected.{what}"),
                                      **mask_params({"value": repr(str(value)[:30])})))

            kind = activity_type(r.get("type") or "")
            if kind is None:
                if not (r.get("type") or "").strip():
                    warn.add("duties_no_type", s.file, s.sheet, r["_row"], s.header_of("type"))
                    continue
                raise bad("type", "type", r.get("type"))
            if not (r.get("date") or "").strip():
                warn.add("duties_no_date", s.file, s.sheet, r["_row"], s.header_of("date"))
                continue
            try:
                first, last = parse_span(r["date"], hint, as_of, assumed)
                if r.get("end") and r["end"].strip():
                    end_first, last = parse_span(r["end"], first.year, as_of, [])
                    if last < first:
                        last = date(last.year + 1, last.month, last.day)
            except ValueError:
                raise bad("date", "date", r["date"]) from None
            try:
                days = number(r.get("days"), units["day_units"])
            except ValueError:
                raise bad("days", "days", r.get("days")) from None
            try:
                periods = number(r.get("periods"), units["period_units"])
            except ValueError:
                raise bad("periods", "periods", r.get("periods")) from None
            try:
                count = number(r.get("count"), ["次"])
            except ValueError:
                raise bad("count", "count", r.get("count")) from None
            span = [first + timedelta(n) for n in range((last - first).days + 1)]
            if days is not None and days > 1 and first == last:
                span = [first + timedelta(n) for n in range(int(days.to_integral_value(rounding="ROUND_CEILING")))]
            elif days is not None and len(span) > 1 and days < len(span):
                weekdays = [d for d in span if d.weekday() < 5]
                span = weekdays if len(weekdays) == days else span[: int(days.to_integral_value(rounding="ROUND_CEILING"))]
                warn.add("duties_days_short", s.file, s.sheet, r["_row"], s.header_of("days"),
                         days=str(days), span=len(span))
            classes = classes_of(kind)
            if "observation" in classes and periods is None:
                warn.add("duties_no_periods", s.file, s.sheet, r["_row"], s.header_of("type"))
            key = r.get("id") or r.get("name")
            out.append(Activity(str(s.file), s.sheet, r["_row"], key, r.get("name"), r.get("id"), kind, span,
                                periods or Decimal(0), int(count) if count else 1, role_of(r.get("role")),
                                r.get("school"), classes))
        if assumed:
            warn.add("duties_year_assumed", s.file, s.sheet, None, s.header_of("date"), years=", ".join(
                str(y) for y in sorted(set(assumed))))
    return out
