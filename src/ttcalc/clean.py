"""Cleaning of single cell values: text, money, numbers, dates.

Pure functions; the vectorised money path used for large payrolls is in `payroll.py`.
Every parser returns a value or raises `ValueError` with a short reason.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
_EXCEL_EPOCH = date(1899, 12, 30)
_SPACES = re.compile(r"\s+")
_CURRENCY = re.compile(r"^(?:[¥￥]|RMB|CNY)|元$", re.IGNORECASE)
_GROUPED = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"-?\d+,\d{1,2}")
_TIME = re.compile(r"[T ]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_DASHES = {"-", "—", "－", "–", "/", "无"}


def norm(text: object) -> str:
    """NFKC (full-width to half-width) and strip; None becomes ""."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def squash(text: object) -> str:
    """norm() and remove every whitespace character: "姓  名" -> "姓名"."""
    return _SPACES.sub("", norm(text))


def parse_decimal(raw: object) -> Decimal | None:
    """"5,123.45", "￥5123.45", "５１２３．４５", " 5123.45 元", "(12.00)" -> Decimal.

    Returns None for an empty cell; "-" / "—" (an accountant's zero) gives 0.
    """
    text = squash(raw)
    if text == "" or text.lower() in ("nan", "none", "null"):
        return None
    if text in _DASHES:
        return Decimal(0)
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
    text = _CURRENCY.sub("", text).replace("−", "-")  # U+2212, the typographic minus
    text = _CURRENCY.sub("", text)
    if "," in text:
        if _GROUPED.fullmatch(text):  # 1,234,567.89: thousands separators
            text = text.replace(",", "")
        elif _DECIMAL_COMMA.fullmatch(text):  # 1000,50 from a ';' CSV: a decimal comma
            text = text.replace(",", ".")
        else:
            raise ValueError(f"not a number: {str(raw)[:40]!r} (commas that are neither thousands nor decimals)")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {str(raw)[:40]!r}") from None
    if not value.is_finite():
        raise ValueError(f"not a number: {str(raw)[:40]!r}")
    return -value if negative else value


def to_fen(value: Decimal) -> int:
    """Round half-up (四舍五入) to the fen and return integer fen."""
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def round_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def fen_str(fen: int) -> str:
    """Integer fen -> "12345.67" (exactly two places)."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole}.{part:02d}"


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
    if text == "" or text.lower() in ("nan", "none", "null", "nat") or text in _DASHES:
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
