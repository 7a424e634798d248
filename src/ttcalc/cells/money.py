"""Money, exactly: one cell's amount (parse_decimal), whole columns as integer fen
(column_fen, vectorised for million-row payrolls), derived money rounded once half-up
(derive), and the two-place decimal string of a fen amount (fen_str).

No float is ever summed: values become integer fen first.  Pure functions; nothing here
prints or reads files.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from ttcalc.cells.text import DASHES, squash

FEN = Decimal("0.01")


# No cell holds a billion yuan: not a salary, not a school's budget.  Beyond it an amount is an
# ID number or a float's overflow in the wrong column, refused as not an amount; and under the
# cell cap (50 million cells) every int64 sum of such amounts stays exact (5e18 < 2**63).
MAX_FEN = 10**11
_MAX_YUAN = Decimal(MAX_FEN) / 100


_CURRENCY = re.compile(r"^(?:[¥￥]|RMB|CNY)|元$", re.IGNORECASE)


_GROUPED = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")


_DECIMAL_COMMA = re.compile(r"-?\d+,\d{1,2}")


def parse_decimal(raw: object) -> Decimal | None:
    """"5,123.45", "￥5123.45", "５１２３．４５", " 5123.45 元", "(12.00)" -> Decimal.

    Returns None for an empty cell; "-" / "—" (an accountant's zero) gives 0.
    """
    text = squash(raw)
    if text == "" or text.lower() in ("nan", "none", "null"):
        return None
    if text in DASHES:
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
    if value.is_zero():
        return Decimal(0)
    if abs(value.as_tuple().exponent) > 40 or abs(value) >= _MAX_YUAN:  # 1e308, 1E-999999999
        raise ValueError("not an amount: out of range")
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



_PLAIN = r"^-?\d{1,13}(\.\d{1,2})?$"
_GROUPED_PLAIN = r"^-?\d{1,3}(,\d{3}){1,3}(\.\d{1,2})?$"  # at most 12 digits: exact through a float


def column_fen(values, scale: int = 1):
    """values: a pyarrow string array.  Returns (fen, present, bad, subfen):
    fen — numpy int64 (0 where empty or bad); present — bool mask of non-empty cells;
    bad — list of (index, text) that are not amounts; subfen — indexes of amounts finer than
    a fen that were rounded half-up (float noise such as 3095.3300000000004 is not listed)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if scale == 1 and (pa.types.is_floating(values.type) or pa.types.is_integer(values.type)):
        return _numeric_fen(values)
    text = values  # plain numbers (what the reader gets from numeric cells) are handled in bulk
    present = pc.is_valid(text).to_numpy(zero_copy_only=False)
    plain = pc.fill_null(pc.match_substring_regex(text, _PLAIN), False)
    # "5,123.45" (thousands grouped, as a clerk types an amount) is parse_decimal's plain number
    # without its commas: taken in bulk too, not cell by cell
    grouped = pc.fill_null(pc.match_substring_regex(text, _GROUPED_PLAIN), False)
    if pc.any(grouped).as_py():
        text = pc.if_else(grouped, pc.replace_substring(text, ",", ""), text)
        plain = pc.or_(plain, grouped)
    if scale != 1:  # "万元": every cell goes the exact way, scaled before it is rounded
        plain = pc.and_(plain, False)
    plain_np = plain.to_numpy(zero_copy_only=False)
    floats = pc.cast(pc.if_else(plain, text, "0"), pa.float64()).to_numpy(zero_copy_only=False)
    fen = np.rint(floats * 100).astype(np.int64)
    bad: list[tuple[int, str]] = []
    subfen: list[int] = []
    others = np.flatnonzero(present & ~plain_np)
    if len(others):
        raw = values.take(pa.array(others)).to_pylist()
        for i, cell in zip(others, raw):
            try:
                value = parse_decimal(cell)
            except ValueError:
                bad.append((int(i), str(cell)))
                fen[i] = 0
                continue
            if value is None:
                present[i] = False
                fen[i] = 0
                continue
            value *= scale
            exact = value * 100
            fen[i] = to_fen(value)
            if abs(exact - fen[i]) > Decimal("0.0001"):
                subfen.append(int(i))
    _refuse_huge(values, fen, present, bad)
    return fen, present, bad, subfen


def _refuse_huge(values, fen, present, bad: list, huge=None) -> None:
    """Amounts of a billion yuan or more (after a 万元 scale) are not amounts: listed as bad."""
    import numpy as np
    import pyarrow as pa

    over = np.flatnonzero(present & ((np.abs(fen) >= MAX_FEN) if huge is None else huge))
    if len(over):
        known = {i for i, _ in bad}
        texts = values.take(pa.array(over)).cast(pa.string()).to_pylist()
        bad.extend((int(i), str(t)) for i, t in zip(over, texts) if int(i) not in known)
        bad.sort()
        fen[over] = 0


def _numeric_fen(values):
    """Amounts stored as numbers (Parquet): integer fen without a detour through text.  A
    float that is not a whole number of fen (beyond float noise) is read exactly from its
    shortest decimal form and rounded half-up."""
    import numpy as np
    import pyarrow.compute as pc

    present = pc.is_valid(values).to_numpy(zero_copy_only=False)
    x = pc.fill_null(values, 0).to_numpy(zero_copy_only=False).astype(np.float64)
    huge = np.isinf(x) | (np.abs(x) >= MAX_FEN / 100)
    x = np.where(huge, 0.0, x)
    scaled = x * 100
    fen = np.rint(scaled).astype(np.int64)
    subfen = []
    odd = np.flatnonzero(np.abs(scaled - fen) > np.maximum(1e-6, np.abs(scaled) * 1e-12))
    for i in odd:
        exact = Decimal(repr(float(x[i])))
        fen[i] = to_fen(exact)
        subfen.append(int(i))
    bad: list = []
    _refuse_huge(values, fen, present, bad, huge)
    return fen, present, bad, subfen



def fraction_fen(value: Fraction) -> int:
    """Round a Fraction of fen half-up (away from zero) to integer fen."""
    sign = -1 if value < 0 else 1
    q, r = divmod(abs(value.numerator), value.denominator)
    return sign * (q + (1 if 2 * r >= value.denominator else 0))


def money_of(fen: int) -> str:
    return fen_str(fen)


def derive(total_fen: int, *factors) -> int:
    """total × factors, exactly, rounded once half-up to the fen."""
    value = Fraction(total_fen)
    for f in factors:
        value *= Fraction(Decimal(str(f)))
    return fraction_fen(value)



_AMOUNT_UNITS = (("万元", 10_000), ("万", 10_000), ("元", 1))


def parse_amount(text: str) -> Decimal:
    """An amount typed by a person, in yuan: "30000", "30,000.50", "3万", "3.5万元", "¥1,200元".
    Exact (Decimal); raises ValueError for anything else (the caller names the option)."""
    s = str(text).strip().replace("，", ",").replace("¥", "").replace("￥", "").replace(" ", "")
    scale = 1
    for suffix, factor in _AMOUNT_UNITS:
        if s.endswith(suffix):
            s, scale = s[: -len(suffix)], factor
            break
    if not s or not all(ch.isdigit() or ch in ",.-" for ch in s) or s.count(".") > 1:
        raise ValueError(text)
    if "," in s:
        whole = s.split(".")[0].lstrip("-")
        groups = whole.split(",")
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
            raise ValueError(text)
        s = s.replace(",", "")
    try:
        value = Decimal(s) * scale
    except Exception as exc:  # noqa: BLE001 — decimal's InvalidOperation and friends
        raise ValueError(text) from exc
    if abs(value) >= _MAX_YUAN:  # a billion yuan or more is not a budget line (nor 400 nines)
        raise ValueError(text)
    return value
