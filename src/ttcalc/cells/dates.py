"""Dates of one cell in every shape of spec §3 (Excel serials, "1985.03", "1985年3月",
"19850301" …), with how precise the cell was, and whole years between dates (周岁).  Pure
functions: a parser returns a value or raises ValueError with a short reason."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from ttcalc.cells.text import DASHES, norm, squash

_EXCEL_EPOCH = date(1899, 12, 30)


_TIME = re.compile(r"[T ]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


_DATE_PATTERNS = [
    # 1985-03-01, 1985/3/1, 1985.3.1, 1985年3月1日 (with an optional time after)
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T ].*)?$"), "ymd"),
    # 1985-03, 1985.03, 1985年3月, 1985/3
    (re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"), "ym"),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), "ymd"),  # 19850301
    (re.compile(r"^(\d{4})(\d{2})$"), "ym"),  # 198503
    (re.compile(r"^(\d{4})年?$"), "y"),  # 1985
]


def parse_date(raw: object) -> tuple[date | None, str | None]:
    """Read a date cell in any of the shapes of spec §3.

    Returns (date, note): note is "month_only" / "year_only" when the day was not given
    (the first of the month / year is used), "ambiguous_month" for "1985.1" (a number
    that may have lost the 0 of October), or None.  Raises ValueError when unreadable.
    """
    if raw is None:
        return None, None
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    text = _TIME.sub("", norm(raw))
    text = squash(text)
    if text == "" or text.lower() in ("nan", "none", "null", "nat") or text in DASHES:
        return None, None
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text) and 10000 <= float(text) < 80000:
        return _EXCEL_EPOCH + timedelta(days=int(float(text))), "excel_serial"
    for pattern, shape in _DATE_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        year = int(m.group(1))
        month = int(m.group(2)) if shape != "y" else 1
        day = int(m.group(3)) if shape == "ymd" else 1
        try:
            value = date(year, month, day)
        except ValueError:
            raise ValueError(f"not a date: {str(raw)[:40]!r}") from None
        if not 1900 <= year <= 2100:
            raise ValueError(f"year out of range: {str(raw)[:40]!r}")
        if shape == "ym":
            note = "ambiguous_month" if re.fullmatch(r"\d{4}\.1", text) else "month_only"
            return value, note
        return value, ("year_only" if shape == "y" else None)
    raise ValueError(f"not a date: {str(raw)[:40]!r}")


def years_between(start: date, end: date) -> int:
    """Whole years completed (周岁) from start to end."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years

