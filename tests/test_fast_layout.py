"""The fast look for header rows repeated below the header (read.layout.repeated_headers: the
lead column normalised only on the rows that may repeat it) finds exactly what the original
finds: the original is kept here as the reference, and both run on generated columns of header
words in spaced, full-width, compatibility-character (Kangxi radicals, CJK compatibility
ideographs) and decomposed spellings, with nulls, empty strings, chunks and random Unicode."""

from __future__ import annotations

import random
import re
import unicodedata
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ttcalc.read import layout
from ttcalc.read.header import Column, Header

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def repeated_headers_ref(skip, header, names, arrays):
    """read.layout.repeated_headers as it was: NFKC over the whole lead column."""
    cols = [(c, a) for c, a in zip([c for c in header.columns if c.field], arrays)
            if pa.types.is_string(a.type) and c.header]
    if len(cols) < 2 or len(arrays[0]) == 0:
        return skip, 0
    labels_of = {}
    for col, _ in cols:
        labels = {col.header.replace(" / ", ""), *col.header.split(" / ")}
        labels_of[col.index] = sorted(labels | {re.sub(r"[(（][^)）]*[)）]$", "", x) for x in labels})

    def same(col, arr):
        text = pc.replace_substring_regex(pc.utf8_normalize(arr, "NFKC"), r"\s+", "")
        return pc.fill_null(pc.is_in(text, value_set=pa.array(labels_of[col.index])), False)

    lead = next(((c, a) for c, a in cols if c.field in ("name", "id")), cols[0])
    candidates = np.flatnonzero(same(*lead).to_numpy(zero_copy_only=False))
    if not len(candidates):
        return skip, 0
    take = pa.array(candidates)
    hits, k = np.zeros(len(candidates), dtype=np.int32), 0
    for col, arr in cols:
        hits += same(col, pc.take(arr, take)).to_numpy(zero_copy_only=False)
        k += 1
    found = candidates[hits >= max(2, (k + 1) // 2)]
    n = len(found)
    if not n:
        return skip, 0
    repeat = np.zeros(len(arrays[0]), dtype=bool)
    repeat[found] = True
    skip = pc.if_else(pa.array(repeat), pa.scalar(layout.REPEAT_REASON), skip)
    return (skip.combine_chunks() if hasattr(skip, "combine_chunks") else skip), n


@cache
def preimages() -> dict[str, list[str]]:
    """Characters whose NFKC form is a single other character: 人 <- ⼈ (Kangxi), 金 <- 金 …"""
    out: dict[str, list[str]] = {}
    for c in range(0x110000):
        if 0xD800 <= c < 0xE000:
            continue
        ch = chr(c)
        nf = unicodedata.normalize("NFKC", ch)
        if nf != ch and len(nf) == 1:
            out.setdefault(nf, []).append(ch)
    return out


HEADERS = [("seq", "序号"), ("name", "姓名"), ("id", "身份证号"), ("gross", "应发合计（元）"), ("name", "Name"),
           ("id", "ID No."), ("component:a", "工资 / 岗位工资"), ("unit", "单位名称"), ("net", "实发(元)"),
           ("name", "職工姓名"), ("id", "公民身份号码")]
SPACES = [" ", "\u3000", "\u00a0", "\t", "\u2003", "\u200b", "\n"]
OTHER = ["张伟", "王芳", "阿依古丽·买买提", "350000196001010006", "4000", "合计", "姓", "名姓", "", "\u0301", "ｓ"]


def spelling(label: str, rnd: random.Random) -> str:
    how = rnd.randrange(6)
    if how == 0:
        return label
    if how == 1:
        return rnd.choice(SPACES).join(label)
    if how == 2:
        return "".join(chr(ord(c) + 0xFEE0) if 0x21 <= ord(c) < 0x7F else c for c in label)
    if how == 3:
        return "".join(rnd.choice(preimages().get(c, [c]) + [c]) for c in label)
    if how == 4:
        return unicodedata.normalize("NFD", label) + rnd.choice(["", " ", "　"])
    return label[: rnd.randrange(len(label) + 1)] + rnd.choice(["", "x", "名", "\u0301"])


@st.composite
def sheets(draw):
    rnd = random.Random(draw(st.integers(0, 2 ** 32)))
    chosen = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=5, unique_by=lambda h: h[0]))
    n = draw(st.integers(0, 25))
    columns, names, arrays = [], [], []
    for i, (field, text) in enumerate(chosen):
        columns.append(Column(i, text, field))
        names.append(field)
        labels = [text, *text.split(" / "), re.sub(r"[(（][^)）]*[)）]$", "", text)]
        values = []
        for _ in range(n):
            kind = rnd.randrange(6)
            values.append(None if kind == 0 else spelling(rnd.choice(labels), rnd) if kind < 3 else
                          rnd.choice(OTHER) if kind < 5 else draw(st.text(max_size=5)))
        array = pa.array(values, pa.string())
        if n > 1 and rnd.random() < 0.3:
            cut = rnd.randrange(1, n)
            array = pa.chunked_array([array.slice(0, cut), array.slice(cut)])
        arrays.append(array)
    if rnd.random() < 0.2:
        columns.append(Column(len(columns), "", None))
    rows = rnd.sample(range(n), k=min(n, rnd.randrange(4)))
    for r in rows:  # whole header rows
        for i, (_, text) in enumerate(chosen):
            if isinstance(arrays[i], pa.ChunkedArray):
                arrays[i] = arrays[i].combine_chunks()
            values = arrays[i].to_pylist()
            values[r] = spelling(text.replace(" / ", ""), rnd)
            arrays[i] = pa.array(values, pa.string())
    skip = pa.array([rnd.choice([None, "blank", "total_row"]) for _ in range(n)], pa.string())
    return skip, Header(1, 1, columns), names, arrays


@SETTINGS
@given(sheets())
def test_repeated_headers_is_the_straightforward_one(sheet):
    skip, header, names, arrays = sheet
    got, n = layout.repeated_headers(skip, header, names, arrays)
    want, m = repeated_headers_ref(skip, header, names, arrays)
    assert n == m
    assert got.to_pylist() == want.to_pylist()


def test_plain_cells_are_their_own_nfkc_form():
    """What _may_repeat rests on: ASCII and U+4E00–U+9FFF are NFKC-stable in Arrow."""
    chars = [chr(c) for c in range(0x80)] + [chr(c) for c in range(0x4E00, 0xA000)]
    array = pa.array(["".join(chars[i:i + 7]) for i in range(0, len(chars), 7)])
    assert pc.utf8_normalize(array, "NFKC").equals(array)


def test_not_plain_finds_every_other_character():
    cells = ["张伟", "a·b", "\u4dff", "\u4e00", "\u9fff", "\ua000", "ｓ", None, "", "\U00020bb7", "\u00e9", "x"]
    array = pa.array(["x"] + cells, pa.string()).slice(1)
    got = set(layout._not_plain(array).tolist())
    want = {i for i, c in enumerate(cells) if c and any(not (ord(ch) < 0x80 or 0x4E00 <= ord(ch) <= 0x9FFF)
                                                        for ch in c)}
    assert want <= got and got - want <= {i for i, c in enumerate(cells) if c is None}


def test_a_payslip_of_compatibility_characters():
    """A payslip whose repeated 姓名 is typed with a CJK compatibility character and spaces."""
    n = 300
    names = [f"教师{i}" for i in range(n)]
    ids = [str(350000196001010006 + i) for i in range(n)]
    for r in range(0, n, 7):
        names[r] = "姓\u3000" + (preimages().get("名", ["名"])[0])
        ids[r] = "\u2f9d份证号"  # ⾝ (Kangxi radical) for 身
    header = Header(1, 1, [Column(0, "姓名", "name"), Column(1, "身份证号", "id")])
    arrays = [pa.array(names), pa.array(ids)]
    skip = pa.nulls(n, pa.string())
    got = layout.repeated_headers(skip, header, ["name", "id"], arrays)
    want = repeated_headers_ref(skip, header, ["name", "id"], arrays)
    assert got[1] == want[1] == len(range(0, n, 7))
    assert got[0].equals(want[0])
