"""The JSON writer (output.render.report.to_json): what json.dumps(indent=2) writes, except a
long list of objects, one object a line — the same data either way."""

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ttcalc.output.render.report import LONG_LIST, to_json

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                    st.floats(allow_nan=False), st.decimals(allow_nan=False, allow_infinity=False, places=2))
keys = st.one_of(st.text(max_size=6), st.integers(), st.booleans())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(keys, inner, max_size=4)), max_leaves=20)


def _plain(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


@settings(max_examples=300)
@given(st.dictionaries(st.text(max_size=6), values, max_size=5))
def test_short_lists_as_json_writes_them(data):
    assert to_json(data) == _plain(data)


@settings(max_examples=50)
@given(st.lists(st.dictionaries(st.text(max_size=4), scalars, max_size=3), min_size=LONG_LIST + 1, max_size=80))
def test_long_lists_one_object_a_line_same_data(items):
    data = {"warnings": items, "figures": {"a": Decimal("1.50")}}
    text = to_json(data)
    assert json.loads(text) == json.loads(_plain(data))
    lines = text.split("\n")[:-1]
    assert len(lines) == len(items) + 7  # {, "warnings": [, one per object, ], "figures": {, a, }, }
    assert all(line.startswith("    {") for line in lines[2:2 + len(items)])


def test_a_list_of_objects_at_the_limit_stays_indented():
    data = {"w": [{"k": n} for n in range(LONG_LIST)]}
    assert to_json(data) == _plain(data)
