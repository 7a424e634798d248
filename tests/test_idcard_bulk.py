"""validate_array (whole columns) gives exactly parse_id's answer, cell by cell, on IDs as
payrolls hold them — and stays vectorised whatever the share of failing ones."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from ttcalc.cells.idcard import UNUSABLE, check_char, parse_id, validate_array

_FULL = str.maketrans("0123456789Xx ", "０１２３４５６７８９Ｘｘ\u3000")

region = st.sampled_from(["350521", "110105", "000000", "999999"])
year = st.integers(1850, 2030).map(lambda y: f"{y:04d}")
month = st.integers(0, 13).map(lambda m: f"{m:02d}")
day = st.integers(0, 32).map(lambda d: f"{d:02d}")
seq = st.integers(0, 999).map(lambda s: f"{s:03d}")
body17 = st.builds(lambda r, y, m, d, s: r + y + m + d + s, region, year, month, day, seq)
valid = body17.map(lambda b: b + check_char(b))
wrong_check = st.builds(lambda b, k: b + "10X98765432"[("10X98765432".index(check_char(b)) + k) % 11],
                        body17, st.integers(1, 10))
fifteen = st.builds(lambda r, y, m, d, s: r + y[2:] + m + d + s, region, year, month, day, seq)
as_float = valid.map(lambda t: str(int(float(t))) if t[-1] != "X" else t)  # went through a float
e_plus = valid.map(lambda t: f"{float(t[:17]):.5E}")
wrong_length = st.builds(lambda t, k: t[:k], valid, st.integers(0, 20)) | \
    st.builds(lambda t, x: t + x, valid, st.text("0123456789X", min_size=1, max_size=3))
characters = st.builds(lambda t, k, c: t[:k] + c + t[k + 1:], valid, st.integers(0, 17),
                       st.sampled_from(list("AZ-_/.+O*")))


def dressed(ids):
    """The ways clerks' files spell IDs: lowercase x, full-width, spaces, ".0", tabs."""
    return st.one_of(
        ids,
        ids.map(lambda t: t.replace("X", "x")),
        ids.map(lambda t: t.translate(_FULL)),
        st.builds(lambda t, k: t[:k] + " " + t[k:], ids, st.integers(0, 18)),
        ids.map(lambda t: f" {t}\t"),
        ids.map(lambda t: t + ".0"),
        ids.map(lambda t: "\u3000" + t),
    )


cells = st.one_of(st.none(), st.sampled_from(["", " ", "nan", "NAN", "None", "none", ".0", "x", "0.0"]),
                  dressed(valid), dressed(wrong_check), dressed(fifteen), dressed(as_float), dressed(e_plus),
                  dressed(wrong_length), dressed(characters), st.text(max_size=20))


def _agree(values):
    normalised, problems = validate_array(pa.array(values, pa.string()))
    assert len(normalised) == len(values) and len(problems) == len(values)
    for raw, text, problem in zip(values, normalised.to_pylist(), problems.to_pylist()):
        info = parse_id(raw)
        # an ID that went through a number is flagged and handed back empty: never a person key
        want = (None, None) if info is None else (None if info.problem in UNUSABLE else info.text, info.problem)
        assert (text, problem) == want, raw


@given(st.lists(cells, max_size=40))
@settings(max_examples=400)
def test_validate_array_is_parse_id_cell_by_cell(values):
    _agree(values)


def test_edge_cells():
    _agree([None, "", "NAN", "NONE", "11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２Ｘ",
            "110105491231002", "110105490231002", "110105000229002", "110105040229002", "3.50521E+17",
            "350521198503011234.0", "350521198502301234", " 350521 198503011234 ", "\x1c11010519491231002X",
            "11010519491231002X\x85", "٣٥٠٥٢١١٩٨٥٠٣٠١١٢٣٤", "abc", "12345678901234567X1"])


def test_sliced_and_chunked_columns():
    ids = ["11010519491231002X", "110105491231002", "bad", None, "350521198503011235"] * 3
    col = pa.chunked_array([pa.array(ids[:7]), pa.array(ids[7:])])
    normalised, problems = validate_array(col)
    assert normalised.to_pylist() == [parse_id(v).text if parse_id(v) else None for v in ids]
    sliced = pa.array(ids).slice(3, 9)
    normalised, problems = validate_array(sliced)
    assert problems.to_pylist() == [parse_id(v).problem if parse_id(v) else None for v in ids[3:12]]


def test_a_million_failing_ids_take_no_python_loop(monkeypatch):
    import ttcalc.cells.idcard as idcard

    calls = []
    monkeypatch.setattr(idcard, "parse_id", lambda raw: calls.append(raw))
    body = "35052119850301123"
    wrong = body + ("0" if check_char(body) != "0" else "1")
    values = pa.array([wrong, "110105491231002", "3.5E+17", "123", "11010519491331002X"] * 200_000)
    normalised, problems = validate_array(values)
    assert calls == []
    assert problems.value_counts().to_pylist() and problems.null_count == 200_000


@given(st.lists(cells, max_size=40), st.integers(1, 5))
@settings(max_examples=200)
def test_blocks_of_any_size_give_the_same_answer(values, block):
    """The 18-character IDs are checked (and gathered from the Arrow buffer) in blocks: a
    block boundary anywhere — inside a run of same-length IDs or not — changes nothing."""
    import ttcalc.cells.idcard as idcard

    whole = [a.to_pylist() for a in validate_array(pa.array(values, pa.string()))]
    saved = idcard._GATHER
    idcard._GATHER = block
    try:
        assert [a.to_pylist() for a in validate_array(pa.array(values, pa.string()))] == whole
        _agree(values)
    finally:
        idcard._GATHER = saved


def test_id_codes_order_and_odd_ones():
    from ttcalc.cells.idcard import id_codes

    ids = ["11010519491231002X", None, "110105194912310029", "abc", "110105194912310029", "１１０"]
    code, odd = id_codes(pa.array(ids))
    assert code[1] == -1 and code[3] == code[5] == -2 and odd.to_pylist() == ["abc", "１１０"]
    assert code[0] > code[2] == code[4] >= 0  # X (10) after 9: the order of the text


@given(st.lists(st.tuples(st.sampled_from(["11010519491231002X", "110105194912310029", "abc", "１１０", "12",
                                           "350521198503011234"]),
                          st.sampled_from([None, "2024-01", "2024-02", ""])), max_size=30),
       st.booleans())
@settings(max_examples=200)
def test_person_keys_are_equal_exactly_where_the_keys_are(rows, with_month):
    """The duplicate check's keys (ID numbers, odd IDs by dictionary, a month paired): two
    rows share a key code exactly when their ID — and month, an empty month as no month — agree."""
    from ttcalc.read.rowchecks import _person_keys

    table = pa.table({"id": pa.array([r[0] for r in rows], pa.string()),
                      "month": pa.array([r[1] for r in rows], pa.string())})
    cols = ["id", "month"] if with_month else ["id"]
    codes = _person_keys(table, cols).tolist()
    keys = [(r[0], r[1] or "") if with_month else r[0] for r in rows]
    for i in range(len(rows)):
        for j in range(len(rows)):
            assert (codes[i] == codes[j]) == (keys[i] == keys[j])
