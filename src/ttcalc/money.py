"""Money cells of a whole column at once, exactly, as integer fen.

Payrolls run to a million rows, so the common case — a plain number with at most two
decimals — is handled vectorised; anything else (more decimals, parentheses, text) goes
through `clean.parse_decimal` one cell at a time.  No float is ever summed: values become
integer fen first.
"""

from __future__ import annotations

from decimal import Decimal

from .clean import parse_decimal, to_fen

_PLAIN = r"^-?\d{1,13}(\.\d{1,2})?$"


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
    return fen, present, bad, subfen


def _numeric_fen(values):
    """Amounts stored as numbers (Parquet): integer fen without a detour through text.  A
    float that is not a whole number of fen (beyond float noise) is read exactly from its
    shortest decimal form and rounded half-up."""
    import numpy as np
    import pyarrow.compute as pc

    present = pc.is_valid(values).to_numpy(zero_copy_only=False)
    x = pc.fill_null(values, 0).to_numpy(zero_copy_only=False).astype(np.float64)
    scaled = x * 100
    fen = np.rint(scaled).astype(np.int64)
    subfen = []
    odd = np.flatnonzero(np.abs(scaled - fen) > np.maximum(1e-6, np.abs(scaled) * 1e-12))
    for i in odd:
        exact = Decimal(repr(float(x[i])))
        fen[i] = to_fen(exact)
        subfen.append(int(i))
    return fen, present, [], subfen


def refuse_bad(sheet, mask, bad: list[tuple[int, str]], column: str) -> None:
    """An unreadable amount on a row that counts stops the run: a total must not silently
    leave it out.  The message names file, sheet, row and column, never the person."""
    from .errors import InputError

    rows = sheet.data["_row"].to_numpy()
    for i, text in bad:
        if mask[i]:
            raise InputError(f"{sheet.file} [{sheet.sheet}] row {int(rows[i])}, column {sheet.header_of(column)}: "
                             f"expected an amount in yuan, got {text[:30]!r}")
