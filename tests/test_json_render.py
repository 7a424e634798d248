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


def test_a_message_words_only_what_its_template_shows():
    """i18n.word formats only the parameters a template reads: every template of both catalogs
    gives the same words as with every parameter given."""
    from ttcalc.core.msg import Msg
    from ttcalc.output.i18n import fields_used, catalog, word

    class Unworded:  # a parameter no template reads must never be looked at
        def __format__(self, spec):
            raise AssertionError("formatted a parameter the template does not read")

    for lang in ("zh", "en"):
        for code, template in catalog(lang).items():
            params = {f: 7 for f in fields_used(template)}
            want = template.format(**{**params, **{f"{k}_s": "s" for k in params}})
            assert word(Msg(code, {**params, "zz_unused": Unworded()}), lang) == want, code
    assert fields_used("{a.b} {c[0]} {d:>{w}}") == {"a", "c", "d", "w"}


def test_the_json_in_pieces_is_the_json_whole():
    """The command line writes the JSON piece by piece (json_pieces): joined, the pieces are what
    render gives, whatever the piece size."""
    from conftest import SAMPLES

    from ttcalc import api
    from ttcalc.output.render.report import json_pieces, render

    report = api.budget([str(SAMPLES / "payroll.xlsx")], as_of="2025-06-30", lang="en")
    whole = render(report, "json", "en")
    for size in (1, 64, 1 << 20):
        pieces = list(json_pieces(report, "en", size))
        assert "".join(pieces) == whole
        assert len(pieces) > 1 if size == 1 else True
    assert json.loads(whole)["figures"]
