"""The fast row classification (read.rows.classify: the total and note patterns tried only on
the rows holding one of their literal characters) gives exactly what the straightforward one
gives: the original code is kept here as the reference and both run on generated columns of
real label words, spaced out by odd Unicode spaces, in full-width and other case or NFKC
spellings, with nulls, empty strings, bytes under null cells, chunks and random Unicode."""

from __future__ import annotations

import random
import unicodedata
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ttcalc.read import fields, rows
from ttcalc.read.rows import SPACE, _spaced, any_space

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SCH = fields.schema("payroll")


def classify_ref(scan: list, cols: dict, sch):
    """read.rows.classify as it was before the needles: every pattern over every column."""
    key_cols = [cols[k] for k in ("seq", "unit", "name", "id") if k in cols]
    others = [c for k, c in cols.items() if k not in ("seq", "unit", "name", "id")][:3]
    columns = scan + key_cols + others
    if len(columns[0]) == 0:
        return pa.array([], pa.string())
    texts = [c for c in columns if pa.types.is_string(c.type)]
    numbers = [c for c in columns if not pa.types.is_string(c.type)]
    first = pc.coalesce(*texts) if len(texts) > 1 else texts[0] if texts else pa.nulls(len(columns[0]), pa.string())
    blank = pc.is_null(first)
    for c in numbers:
        blank = pc.and_(blank, pc.is_null(c))
    total_re = "(?i)" + "|".join([_spaced(w) for w in sch.total_words] + [any_space(p) for p in sch.total_patterns])
    note_re = "(?i)(?:^|\x1f)" + SPACE + "*(?:" + "|".join(_spaced(w) for w in sch.note_words) + ")"
    strings = [c for c in scan if pa.types.is_string(c.type)]
    total = pc.fill_null(pc.match_substring_regex(first, total_re), False)
    note = pc.fill_null(pc.match_substring_regex(first, note_re), False)
    for c in strings[1:] + [cols[k] for k in ("seq", "unit", "name") if k in cols and pa.types.is_string(cols[k].type)]:
        total = pc.or_(total, pc.fill_null(pc.match_substring_regex(c, total_re), False))
    for c in strings[1:]:
        note = pc.or_(note, pc.fill_null(pc.match_substring_regex(c, note_re), False))
    person_cols = [cols[k] for k in sch.required[0] if k in cols]
    has_person = pc.is_valid(pc.coalesce(*person_cols)) if len(person_cols) > 1 else pc.is_valid(person_cols[0])
    amounts = [c for k, c in cols.items() if k.split(":")[0] in ("gross", "component", "hours", "days", "credits")]
    substance = pc.is_valid(pc.coalesce(*amounts)) if len(amounts) > 1 else pc.is_valid(amounts[0]) if amounts \
        else pc.is_valid(cols["id"]) if "id" in cols else pa.repeat(False, len(first))
    note = pc.and_(note, pc.invert(pc.and_(has_person, substance)))
    for c in [cols[k] for k in ("name", "id") if k in cols and pa.types.is_string(cols[k].type)]:
        note = pc.or_(note, pc.fill_null(pc.match_substring_regex(c, note_re), False))
    none = pa.scalar(None, pa.string())
    reason = pc.if_else(blank, "blank",
             pc.if_else(note, "note_row",
             pc.if_else(total, "total_row",
             pc.if_else(pc.invert(has_person), "no_person", none))))
    return reason.combine_chunks() if hasattr(reason, "combine_chunks") else reason


# ---- generated cells --------------------------------------------------------------------------

SPACES = [" ", "\u3000", "\u00a0", "\u202f", "\u2002", "\u2009", "\u200b", "\ufeff", "\t", "\n", "\u2028", "\x1f"]
FULL = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}  # ASCII -> full-width forms
# characters NFKC turns into label characters, or that look like them: Kangxi radicals, CJK
# compatibility ideographs, ligatures, the Kelvin sign and long s, dotless/dotted i, circled
WEIRD = ["\u2f08", "\u2f42", "\u2ed8", "\uf900", "\uf92c", "\ufa10", "\ufb01", "\ufb06", "\u212a", "\u017f", "\u0131",
         "\u0130", "\u24e3", "\u2160", "\u3251", "\u00b7", "\u2027", "\ufe55", "\uff1a", "\u02d0", "\u0301", "\ud7a3",
         "\U00020bb7", "\U0002f800", "\u4dc0", "\u3400", "\u9fff", "\u4e00", "\u1100"]
WORDS = list(SCH.total_words) + list(SCH.note_words) + ["共 12 人", "共12人", "总数", "总 数", "总\u3000数",
                                                        "合计：", "注：以上", "制表人：张三", "Grand Total", "NOTES:"]
NAMES = ["张伟", "王芳", "欧阳明", "阿依古丽·买买提", "计小明", "单丽", "总", "共", "人", "表", "姓名", "身份证号"]


def spelling(word: str, rnd: random.Random) -> str:
    """One way a clerk or a converter writes `word`."""
    how = rnd.randrange(7)
    if how == 0:
        return word
    if how == 1:  # spaced out
        return rnd.choice(SPACES).join(word) if rnd.random() < 0.5 else \
            "".join(ch + rnd.choice(SPACES) * rnd.randrange(3) for ch in word)
    if how == 2:  # full-width
        return "".join(FULL.get(ch, ch) for ch in word)
    if how == 3:  # case, with the Kelvin sign and the long s
        return "".join(rnd.choice([ch.upper(), ch.lower(), {"k": "\u212a", "s": "\u017f"}.get(ch.lower(), ch)])
                       for ch in word)
    if how == 4:  # a character swapped for one NFKC would turn into something
        i = rnd.randrange(len(word)) if word else 0
        return word[:i] + rnd.choice(WEIRD) + word[i + 1:]
    if how == 5:  # inside a sentence
        return rnd.choice(["", "　", "2024年", "x\x1f", "以上"]) + word + rnd.choice(["", "：", "数", "张三", "\x1f合"])
    return unicodedata.normalize("NFKD", word)


@st.composite
def cell(draw, rnd):
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return None
    if kind == 1:
        return ""
    if kind == 2:
        return spelling(draw(st.sampled_from(WORDS)), rnd)
    if kind == 3:
        return draw(st.sampled_from(NAMES))
    if kind == 4:
        return str(draw(st.integers(0, 10 ** 18)))
    if kind == 5:
        return draw(st.text(st.sampled_from(SPACES + WEIRD + list("计总共人注表说审填负单合小数额TOTALnote:ks")),
                            max_size=6))
    if kind == 6:
        return draw(st.text(max_size=8))
    if kind == 7:
        return "".join(spelling(draw(st.sampled_from(WORDS)), rnd) for _ in range(draw(st.integers(2, 4))))
    return draw(st.sampled_from(["4000.08", "1,600.00", "350000196001010006", "张三", "合", "计"]))


def string_column(values: list, rnd: random.Random):
    """A string column of `values`, sometimes chunked, sometimes sliced from a bigger array, and
    sometimes with bytes under its null cells."""
    how = rnd.randrange(4)
    if how == 1 and len(values) > 1:
        cut = rnd.randrange(1, len(values))
        return pa.chunked_array([pa.array(values[:cut], pa.string()), pa.array(values[cut:], pa.string())])
    if how == 2:
        return pa.array(["前", "x"] + values + ["后"], pa.string()).slice(2, len(values))
    if how == 3 and any(v is None for v in values):  # a null cell over bytes (Arrow allows it)
        filled = [v if v is not None else rnd.choice(["合计", "注：", "x", "total", "计"]) for v in values]
        dense = pa.array(filled, pa.string())
        bitmap = pa.py_buffer(np.packbits(np.array([v is not None for v in values]), bitorder="little").tobytes())
        return pa.Array.from_buffers(pa.string(), len(values), [bitmap, dense.buffers()[1], dense.buffers()[2]],
                                     null_count=sum(v is None for v in values))
    return pa.array(values, pa.string())


@st.composite
def sheets(draw):
    rnd = random.Random(draw(st.integers(0, 2 ** 32)))
    n = draw(st.integers(0, 30))
    keys = draw(st.lists(st.sampled_from(["seq", "unit", "name", "id", "gross", "component:x", "net", "hours"]),
                         unique=True, min_size=1, max_size=6))
    if not any(k in keys for k in SCH.required[0]):
        keys.append(rnd.choice(list(SCH.required[0])))
    cols, typed = {}, rnd.random() < 0.3  # Parquet amounts (all: the reference's coalesce takes one type)
    for k in [k for k in keys if not (typed and k == "hours")]:  # no table has both
        if k in ("gross", "component:x") and typed:
            cols[k] = pa.array([draw(st.one_of(st.none(), st.integers(0, 10 ** 6))) for _ in range(n)], pa.int64())
        else:
            cols[k] = string_column([draw(cell(rnd)) for _ in range(n)], rnd)
    scan = [string_column([draw(cell(rnd)) for _ in range(n)], rnd) for _ in range(draw(st.integers(0, 3)))]
    if scan and rnd.random() < 0.2:
        scan.insert(rnd.randrange(len(scan) + 1), pa.array([None] * n, pa.int64()))
    return scan, cols


def same(a, b) -> bool:
    return a.type == b.type and a.to_pylist() == b.to_pylist()


@SETTINGS
@given(sheets())
def test_classify_is_the_straightforward_classify(sheet):
    scan, cols = sheet
    assert same(rows.classify(scan, cols, SCH), classify_ref(scan, cols, SCH))


def test_classify_on_real_shapes():
    rnd = random.Random(7)
    n = 400
    names = [rnd.choice(NAMES) for _ in range(n)]
    seq = [str(i) for i in range(n)]
    for i in rnd.sample(range(n), 40):
        seq[i] = spelling(rnd.choice(WORDS), rnd)
    for i in rnd.sample(range(n), 30):
        names[i] = None if rnd.random() < 0.5 else spelling(rnd.choice(WORDS), rnd)
    cols = {"seq": pa.array(seq), "name": pa.chunked_array([pa.array(names[:100]), pa.array(names[100:])]),
            "id": pa.array([str(10 ** 17 + i) if i % 9 else None for i in range(n)]),
            "gross": pa.array([None if i % 11 == 0 else "4000" for i in range(n)])}
    scan = [pa.array([None if i % 3 else spelling(rnd.choice(WORDS), rnd) for i in range(n)])]
    assert same(rows.classify(scan, cols, SCH), classify_ref(scan, cols, SCH))
    assert same(rows.classify([], cols, SCH), classify_ref([], cols, SCH))


def test_many_hits_take_the_whole_pattern():
    """A column where the needles are everywhere (a unit named 审计局 on every row): past the
    limit the pattern is tried on every row — the same result."""
    n = 3000
    cols = {"unit": pa.array(["泉港区审计局"] * n), "name": pa.array(["计" + str(i) for i in range(n)]),
            "id": pa.array(["total"] * (n - 1) + ["注：x"])}
    assert same(rows.classify([], cols, SCH), classify_ref([], cols, SCH))


OTHER_PATTERNS = [r"共\s*\d+\s*人", r"(?:^|\x1f)\s*总\s*数\s*(?:$|\x1f)", "合|计", "(?:合)计", "[计总]额", "\\Q人\\E数",
                  "计*额", "计{0,2}额", "计?额", "计+额", "计{1}额", "\\x{8ba1}额", "\\p{Han}额", "[^计]人", "[[:alpha:]]人",
                  "(?i)员", "员(?i:X)", "a|b", "", "^$", "\\b人", "(数|人)", "人\\d", "[\\]人]额"]


@SETTINGS
@given(st.lists(st.sampled_from(OTHER_PATTERNS), max_size=3), sheets())
def test_classify_with_other_patterns(patterns, sheet):
    """Policy is data: whatever patterns the profile gives, the needles stay a superset."""
    scan, cols = sheet
    sch = SimpleNamespace(total_words=SCH.total_words + ("员额",), note_words=SCH.note_words + ("Sko",),
                          total_patterns=tuple(patterns), required=SCH.required)
    for c in list(cols.values())[:1]:
        if pa.types.is_string(c.type) and len(c):
            cols["name"] = pa.array(["员额", "人数", "共 3 人", "计额", "计计额", None, "总 数", "x人", "SKO", "额", "\u017f\u212ao", "数"] * 3)[:len(c)]
    assert same(rows.classify(scan, cols, sch), classify_ref(scan, cols, sch))


@pytest.mark.parametrize("pattern, chars", [
    (r"共\s*\d+\s*人", "共人"), (r"(?:^|\x1f)\s*总\s*数\s*(?:$|\x1f)", "总数"), ("合|计", ""), ("计*额", "额"),
    ("计{0,2}额", "额"), ("计{1}额", "计额"), ("\\Q人\\E数", ""), ("[计总]额", "额"), ("(合)计", "计"),
    ("[[:alpha:]]人", "人"), ("[\\]人]额", "额"), ("(?i)员", "员"), ("计?额", "额")])
def test_required_characters_of_a_pattern(pattern, chars):
    assert "".join(c for c, _ in fields.needles_of_pattern(any_space(pattern))) == chars


def _all_characters():
    return pa.array([chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000], pa.string())


def test_needle_characters_match_only_themselves_under_ignore_case():
    """RE2's (?i) matches a needle character as itself only (CJK letters have no case), and the
    letters of an English needle as their two ASCII cases only."""
    chars = _all_characters()
    used = set()
    for kind in ("payroll", "roster", "hours"):
        sch = fields.schema(kind)
        for skips in rows._skips(sch.total_words, sch.note_words, sch.total_patterns):
            used |= {ch for text, _ in skips.needles for ch in text}
    for ch in sorted(used):
        hit = pc.match_substring_regex(chars, "(?i)" + f"\\x{{{ord(ch):x}}}")
        assert set(chars.filter(hit).to_pylist()) == {ch, ch.upper(), ch.lower()}, ch
    for ch in sorted(fields.FOLD_SAFE):
        hit = pc.match_substring_regex(chars, "(?i)" + f"\\x{{{ord(ch):x}}}")
        assert set(chars.filter(hit).to_pylist()) == {ch, ch.upper(), ch.lower()}, ch


def test_laid_text_maps_every_cell():
    values = ["计", None, "", "a合计b", "\U00020bb7x", None, "total"]
    for array in (pa.array(values), pa.array(["x"] + values).slice(1)):
        text, starts = rows.laid_text(array)
        got = [text[starts[i]:starts[i + 1]] for i in range(len(values))]
        assert got == [v or "" for v in values]


def test_bytes_under_null_cells_whatever_they_are():
    """Arrow lets a null cell cover any bytes, even bytes that are no UTF-8: they are no text."""
    cells = ["合计", None, "张三", None, "total", "注：x"]
    under = [b"\xe5\x90\x88\xe8\xae\xa1", b"\xff\xfe\xe8\xae\xa1", "张三".encode(), "注：".encode(), b"total",
             "注：x".encode()]
    offsets = np.cumsum([0] + [len(b) for b in under]).astype(np.int32)
    bitmap = np.packbits(np.array([c is not None for c in cells]), bitorder="little").tobytes()
    array = pa.Array.from_buffers(pa.string(), len(cells), [pa.py_buffer(bitmap), pa.py_buffer(offsets.tobytes()),
                                                             pa.py_buffer(b"".join(under))], null_count=2)
    assert array.to_pylist() == cells
    cols = {"name": array, "seq": pa.array(["1", "注：", None, "4", "5", "6"])}
    assert same(rows.classify([], cols, SCH), classify_ref([], cols, SCH))
    needles = rows.needles_of(SCH).total.needles
    found, _ = rows.needle_rows(array, needles, 100)
    assert {0, 4} <= set(found.tolist()) <= {0, 1, 3, 4}
