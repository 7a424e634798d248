"""The cheaper row checks and header matching give exactly what the straightforward ones give:
the duplicate check by a dictionary of the key text (as by cells.idcard.id_codes on a sheet
past OWN_MAX_ROWS), squash at once for plain ASCII, and the alias matcher that skips the
contained-alias scan of ASCII keys and of keys holding no alias."""

from __future__ import annotations

import random

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ttcalc.cells.text import squash
from ttcalc.read import fields, rowchecks, rows

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
IDS = ["11010519491231002X", "11010519491231002x", "110105194912310029", "110105491231002", "abc", "１１０", "",
       "350521198503011234", "350521198503011234 ", "3505211985030112345", None]


class _Read:
    def __init__(self, data):
        self.data, self.file, self.sheet, self.warnings = data, "f.xlsx", "s", []


def _warnings(data, kind, monkeypatch, big: bool):
    with monkeypatch.context() as m:
        if big:  # as on a sheet past OWN_MAX_ROWS: the IDs by their number (the code before)
            m.setattr(rowchecks, "OWN_MAX_ROWS", -1)
        read = _Read(data)
        rowchecks.check_duplicates(read, None, kind)
        return [(w.code, w.row, dict(w.params)) for w in read.warnings]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(IDS), st.sampled_from([None, "2024-01", "2024-02", ""]),
                          st.sampled_from([None, None, "total_row"]), st.sampled_from(["张三", "李四", None])),
                max_size=40),
       st.sampled_from([("id", "month"), ("id",), ("name",), ("name", "month")]), st.sampled_from(["payroll", "roster"]))
def test_duplicates_by_dictionary_are_the_duplicates_by_id_number(monkeypatch, people, columns, kind):
    data = {"_row": pa.array(range(2, 2 + len(people)), pa.int32()),
            "_skip": pa.array([p[2] for p in people], pa.string())}
    for name in columns:
        data[name] = pa.array([p[{"id": 0, "month": 1, "name": 3}[name]] for p in people], pa.string())
    table = pa.table(data)
    assert _warnings(table, kind, monkeypatch, False) == _warnings(table, kind, monkeypatch, True)


@SETTINGS
@given(st.one_of(st.text(max_size=12), st.text(st.characters(max_codepoint=127), max_size=12),
                 st.sampled_from(["1600.03", "No.", "ID#", "a\x1fb", "a\x0bb", "a b", " x", "x\t", "\x7f", "ｘ"]),
                 st.none(), st.integers()))
def test_plain_squash_is_squash(text):
    assert fields.plain_squash(text) == squash(text)


def _match_key_ref(key: str, kind: str):
    """fields._match_key as it was: the contained scan on every key."""
    m = fields._matcher(kind)
    if m.dominant is not None:
        hit = m.dominant.search(key)
        if hit:
            return m.dominant_field[hit.group()], 3
    if key in m.exact:
        return m.exact[key], 3
    best = ""
    if m.contained is not None:
        for i in range(len(key)):
            hit = m.contained.match(key, i)
            if hit and len(hit.group()) > len(best):
                best = hit.group()
    return (m.contained_field[best], 2) if best else (None, 0)


def _aliases(kind: str) -> list[str]:
    return [a for f in fields.schema(kind).fields.values() for a in f.aliases]


@SETTINGS
@given(st.sampled_from(["payroll", "roster", "hours"]), st.integers(0, 2 ** 32), st.text(max_size=4),
       st.text(max_size=4))
def test_match_key_is_the_straightforward_matcher(kind, seed, before, after):
    alias = random.Random(seed).choice(_aliases(kind))
    for key in (alias, before + alias + after, before + after, (before + alias).lower(), alias[1:] + after):
        assert fields._match_key.__wrapped__(key, kind) == _match_key_ref(key, kind)


def test_own_memory_keeps_the_table():
    table = pa.table({"a": pa.array(["x", None, "合计"] * 5), "b": pa.chunked_array([pa.array([1, 2]), pa.array(range(13))])})
    copy = rows.own_memory(table.slice(1, 10))
    assert copy.equals(table.slice(1, 10))
    assert rows.own_memory(table.slice(0, 0)).num_rows == 0


def test_duplicates_on_a_big_mixed_sheet(monkeypatch):
    rnd = random.Random(5)
    n = 800
    data = {"_row": pa.array(range(2, 2 + n), pa.int32()),
            "_skip": pa.array([rnd.choice([None] * 5 + ["total_row"]) for _ in range(n)], pa.string()),
            "id": pa.array([rnd.choice(IDS) if rnd.random() < 0.5 else str(10 ** 17 + rnd.randrange(300))
                            for _ in range(n)], pa.string()),
            "month": pa.array([rnd.choice([None, "2024-01", "2024-02", ""]) for _ in range(n)], pa.string())}
    for columns in (["_row", "_skip", "id"], ["_row", "_skip", "id", "month"]):
        table = pa.table(data).select(columns)
        assert _warnings(table, "payroll", monkeypatch, False) == _warnings(table, "payroll", monkeypatch, True)


@SETTINGS
@given(st.lists(st.one_of(st.integers(0, 10 ** 6), st.none()), max_size=450), st.sampled_from(["a.xlsx", None]),
       st.dictionaries(st.sampled_from(["detail", "id"]), st.text(max_size=3), max_size=2))
def test_warn_caps_as_the_collector(rows_, file, params):
    from ttcalc.core.warn import Warnings

    read = _Read(None)
    read.file = file
    rowchecks.warn(read, "id_checksum", list(rows_), **params)
    out = Warnings(rowchecks.WARN_CAP)
    for r in rows_:
        out.add("id_checksum", str(file), read.sheet, r, **params)
    assert read.warnings == out.items()


def test_own_memory_holds_just_its_cells():
    big = pa.table({"a": pa.array(["x" * 10] * 1000 + [None]), "b": pa.array(range(1001)),
                    "c": pa.chunked_array([pa.array([True, None] * 300), pa.array([False] * 401)])})
    part = big.slice(10, 600)
    copy = rows.own_memory(part)
    assert copy.equals(part) and copy.schema == part.schema
    assert copy.get_total_buffer_size() < big.get_total_buffer_size() / 1.5
    empty = pa.table({"a": pa.chunked_array([], pa.string())})
    assert rows.own_memory(empty).equals(empty)
