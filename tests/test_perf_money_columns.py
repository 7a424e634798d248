"""column_fen takes thousands-grouped text amounts ("5,123.45") in bulk (issue 17): the same
fen, bad cells and sub-fen rows as parse_decimal cell by cell, whatever the mix."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from ttcalc.cells.money import column_fen, parse_decimal, to_fen


def _one_by_one(cells):
    fen, bad, subfen = [], [], []
    for i, c in enumerate(cells):
        try:
            v = parse_decimal(c) if c is not None else None
        except ValueError:
            bad.append(i)
            fen.append(0)
            continue
        if v is not None and abs(to_fen(v)) >= 10**11:
            bad.append(i)
            fen.append(0)
            continue
        fen.append(to_fen(v) if v is not None else 0)
        if v is not None and abs(v * 100 - to_fen(v)) > 0:
            subfen.append(i)
    return fen, bad, subfen


amount = st.integers(-10**12, 10**12).map(lambda f: f"{'-' if f < 0 else ''}{abs(f) // 100:,}.{abs(f) % 100:02d}")
cell = st.one_of(amount, amount.map(lambda s: s.replace(".00", "")), amount.map(lambda s: s.replace(",", "")),
                 st.sampled_from(["1,23.00", "12,345,678,901,234.00", "1,234.5", "1,234.567", ",123", "1,234,", None,
                                  "", "-", "￥1,234.00", " 1,234.00 ", "１,２３４.００", "1,000,000,000.00"]))


@given(st.lists(cell, min_size=1, max_size=40))
def test_grouped_text_amounts_in_bulk_match_parse_decimal(cells):
    fen, present, bad, subfen = column_fen(pa.array(cells, pa.string()))
    want_fen, want_bad, want_subfen = _one_by_one(cells)
    assert [int(x) for x in fen] == want_fen
    assert [i for i, _ in bad] == want_bad
    assert subfen == want_subfen
