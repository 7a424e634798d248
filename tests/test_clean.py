"""Cell cleaning: money, dates and 身份证号, with hypothesis over their shapes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ttcalc.cells.dates import parse_date, years_between
from ttcalc.cells.money import parse_decimal, to_fen
from builders import make_id
from ttcalc.cells.idcard import parse_id, validate_array
from ttcalc.cells.money import column_fen

FULL = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
amounts = st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


@given(amounts, st.sampled_from(["plain", "comma", "yen", "fullwidth", "spaces", "yuan"]))
def test_money_text_shapes_read_exactly(value, shape):
    text = {"plain": f"{value}", "comma": f"{value:,}", "yen": f"￥{value}", "fullwidth": f"{value}".translate(FULL),
            "spaces": f"  {value} ", "yuan": f"{value}元"}[shape]
    assert parse_decimal(text) == value
    fen, present, bad, _ = column_fen(pa.array([text]))
    assert not bad and present[0]
    assert int(fen[0]) == int(value * 100)


@given(st.lists(amounts, min_size=1, max_size=50))
def test_vectorised_sum_equals_decimal_sum(values):
    fen, _, _, _ = column_fen(pa.array([str(v) for v in values]))
    assert int(fen.sum()) == int(sum(values) * 100)


def test_money_edge_cases():
    assert parse_decimal("(12.50)") == Decimal("-12.50")
    assert parse_decimal("-") == 0
    assert parse_decimal("") is None
    with pytest.raises(ValueError):
        parse_decimal("待定")
    fen, present, bad, subfen = column_fen(pa.array(["3095.3300000000004", "0.125", "待定", None]))
    assert list(fen[:2]) == [309533, 13]
    assert bad == [(2, "待定")] and subfen == [1] and not present[3]


def test_half_fen_rounds_up():
    assert to_fen(Decimal("0.005")) == 1
    assert to_fen(Decimal("-0.005")) == -1
    assert to_fen(Decimal("0.0049")) == 0


dates = st.dates(min_value=date(1930, 1, 1), max_value=date(2090, 12, 31))


@given(dates, st.sampled_from(["iso", "slash", "dots", "cn", "compact", "serial", "datetime"]))
def test_date_shapes(d, shape):
    text = {"iso": d.isoformat(), "slash": f"{d.year}/{d.month}/{d.day}", "dots": f"{d.year}.{d.month}.{d.day}",
            "cn": f"{d.year}年{d.month}月{d.day}日", "compact": d.strftime("%Y%m%d"),
            "serial": str((d - date(1899, 12, 30)).days), "datetime": f"{d.isoformat()} 00:00:00"}[shape]
    assert parse_date(text)[0] == d


@given(dates)
def test_month_only_dates(d):
    for text in (f"{d.year}.{d.month:02d}", f"{d.year}年{d.month}月", d.strftime("%Y%m")):
        value, note = parse_date(text)
        assert value == date(d.year, d.month, 1) and note in ("month_only", "ambiguous_month")


def test_ambiguous_month_flagged():
    assert parse_date("1985.1") == (date(1985, 1, 1), "ambiguous_month")
    assert parse_date("") == (None, None)
    with pytest.raises(ValueError):
        parse_date("去年")


def test_age_in_whole_years():
    born = date(1979, 11, 21)
    assert years_between(born, date(2024, 11, 21)) == 45  # birthday on the as-of date counts
    assert years_between(born, date(2024, 11, 20)) == 44


def _make_id(birth: date, seq: int) -> str:
    return make_id(birth, seq, region="350521")


def test_worked_example_from_domain():
    info = parse_id("11010519491231002X")
    assert info.valid and info.birth == date(1949, 12, 31) and info.sex == "女"
    assert parse_id("11010519491231002x").valid
    assert parse_id("１１０１０５１９４９１２３１００２Ｘ").valid


@given(st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31)), st.integers(0, 999), st.integers(0, 16),
       st.integers(1, 9))
def test_any_single_digit_change_breaks_the_check(birth, seq, pos, delta):
    good = _make_id(birth, seq)
    info = parse_id(good)
    assert info.valid and info.birth == birth and info.sex == ("男" if seq % 2 else "女")
    bad = good[:pos] + str((int(good[pos]) + delta) % 10) + good[pos + 1:]
    assert not parse_id(bad).valid


@given(st.lists(st.one_of(st.none(), st.text(max_size=20),
                          st.builds(_make_id, st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 1, 1)),
                                    st.integers(0, 999))), max_size=30))
@settings(max_examples=200)
def test_vectorised_ids_agree_with_parse_id(values):
    normalised, problems = validate_array(pa.array(values, pa.string()))
    for raw, norm, problem in zip(values, normalised.to_pylist(), problems.to_pylist()):
        info = parse_id(raw)
        if info is None:
            assert problem is None
        elif info.valid:
            assert problem is None and norm == info.text
        else:
            assert problem == info.problem


def test_fifteen_digit_id_upgrades():
    info = parse_id("110105491231002")
    assert info.valid and info.text == "11010519491231002X" and info.birth == date(1949, 12, 31)


def test_id_stored_as_number_is_reported():
    good = _make_id(date(1985, 3, 1), 123)
    as_float = str(int(float(good)))
    assert parse_id(as_float).problem in ("numeric", "checksum")
    assert parse_id("3.50521E+17").problem == "numeric"


def test_commas_must_group_thousands_or_be_a_decimal_comma():
    assert parse_decimal("1,234,567.89") == Decimal("1234567.89")
    assert parse_decimal("1000,50") == Decimal("1000.50")
    assert parse_decimal("−30") == Decimal("-30")
    with pytest.raises(ValueError):
        parse_decimal("1,00,000")
