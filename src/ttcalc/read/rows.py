"""Row classification of one sheet, column-wise: blank, note (注/说明/制表人…), total (合计/小计…)
or a person row; and the text form of a sheet's columns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

OWN_MAX_ROWS = 250_000


def own_memory(table):
    """Copy the columns kept into memory of their own: a column sliced from the reader's batch
    keeps the whole batch — every column of the sheet — alive.  Worth it for a folder of school
    workbooks; a single huge sheet is left as it is (the copy would cost more than it saves).
    Arrow's concatenation copies just the cells of its arrays, ten times faster than a take."""
    import pyarrow as pa

    if table.num_rows > OWN_MAX_ROWS:
        return table
    return pa.table([pa.concat_arrays(c.chunks) if c.num_chunks else pa.array([], c.type) for c in table.columns],
                    names=table.column_names)


def as_text(column, money: bool = False):
    """Grids are text; a typed (Parquet) column becomes text too, except amounts stored as
    numbers, which money.column_fen sums exactly as they are."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_string(column.type) or (money and (pa.types.is_floating(column.type)
                                                      or pa.types.is_integer(column.type))):
        return column
    return pc.cast(column, pa.string())


def skip_reason(code: str):
    """The words of a row's skip code (the `_skip` column holds codes: blank, note_row,
    total_row, no_person, header_repeat), worded by the output layer."""
    from ttcalc.core.msg import msg

    return msg(f"read.row.{code}")


def classify(scan: list, cols: dict, sch):
    """Per row: null when the row is a person row, else the code of why it is skipped
    (blank, note_row, total_row, no_person; see `skip_reason`).  `scan`: the
    leading unmapped columns, where notes ("注：…") and total labels ("合计") sit.

    The total and note patterns are tried only on the rows holding one of their needles (the
    literal texts every match holds, `needles_of`: found with str.find over a column's text
    laid end to end); every other row matches neither, so its reason follows from which cells
    are empty."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from ttcalc.core.arrays import arrow_of

    # enough columns to tell a blank row: the label columns, the leading unmapped ones and a
    # few more (a row with data only further right is "no name or ID", skipped all the same)
    key_cols = [cols[k] for k in ("seq", "unit", "name", "id") if k in cols]
    others = [c for k, c in cols.items() if k not in ("seq", "unit", "name", "id")][:3]
    columns = scan + key_cols + others
    n = len(columns[0])
    if n == 0:
        return pa.array([], pa.string())
    texts = [c for c in columns if pa.types.is_string(c.type)]
    numbers = [c for c in columns if not pa.types.is_string(c.type)]  # Parquet amounts
    # the first text of a row (the grid reads whitespace-only cells as empty): the first column
    # itself when it has no empty cell
    first = (texts[0] if texts and texts[0].null_count == 0 else pc.coalesce(*texts) if len(texts) > 1
             else texts[0] if texts else pa.nulls(n, pa.string()))
    blank = _none_valid(texts + numbers, n)
    person_cols = [cols[k] for k in sch.required[0] if k in cols]
    has_person = _any_valid(person_cols if len(person_cols) > 1 else [person_cols[0]], n)
    # "注：补发" in a person's 备注 column is a remark, not a note line: a note found outside the
    # name and ID columns does not count on a row naming a person with an amount (or an ID
    # where the table has no amounts); one in them ("注：以上…" written across the name
    # column) is a note whatever else the row holds
    amounts = [c for k, c in cols.items() if k.split(":")[0] in ("gross", "component", "hours", "days", "credits")]
    # totals and signature lines ("制表人：…", "审核：…") may stand in any label column
    strings = [c for c in scan if pa.types.is_string(c.type)]
    labels = [cols[k] for k in ("seq", "unit", "name") if k in cols and pa.types.is_string(cols[k].type)]
    named = [cols[k] for k in ("name", "id") if k in cols and pa.types.is_string(cols[k].type)]
    lead = _distinct([first] + strings[1:])
    needles, laid = needles_of(sch), {}  # each column's text laid out once for both patterns
    total = needles.total.test(_distinct(lead + labels), n, laid=laid)
    note = needles.note.test(lead + named, n, split=len(lead), laid=laid)
    if note[0].any():  # the rows with a person and an amount (or an ID) are looked at only now
        substance = _any_valid(amounts, n) if amounts else _any_valid([cols["id"]], n) if "id" in cols \
            else np.zeros(n, dtype=bool)
        note = (note[0] & ~(has_person & substance)) | note[1]
    else:
        note = note[1]
    code = np.where(has_person, 0, 4).astype(np.int8)  # then, each over the last: total, note, blank
    for flag, value in ((total, 3), (note, 2), (blank, 1)):
        if flag.any():
            code[flag] = value
    return pc.take(pa.array([None, "blank", "note_row", "total_row", "no_person"], pa.string()), arrow_of(code))


def _any_valid(columns: list, n: int):
    """Per row, whether any of the columns has a value (numpy bool)."""
    import numpy as np

    out = np.zeros(n, dtype=bool)
    for c in columns:
        if c.null_count == 0:
            return np.ones(n, dtype=bool)
        if c.null_count < n:
            out |= c.is_valid().to_numpy(zero_copy_only=False)
    return out


def _none_valid(columns: list, n: int):
    """Per row, whether every one of the columns is empty (numpy bool)."""
    return ~_any_valid(columns, n)


def _distinct(columns: list) -> list:
    """The columns, each object once (a column searched twice finds nothing more)."""
    seen, out = set(), []
    for c in columns:
        if id(c) not in seen:
            seen.add(id(c))
            out.append(c)
    return out


# any space a clerk's keyboard or a converter puts in a label: ASCII, the full-width U+3000, the
# no-break U+00A0/U+202F, the typographic U+2000–U+200A, zero-width U+200B and a stray BOM (RE2)
SPACE = r"[\s\p{Z}\x{200b}\x{feff}]"


def any_space(pattern: str) -> str:
    """A total/note regex of the profile with its `\\s` widened to every Unicode space."""
    return pattern.replace(r"\s", SPACE)


def _spaced(word: str) -> str:
    """A regex for a word whose characters may be spaced out by any space: 合计 -> 合␣*计."""
    chars = [re.escape(ch) for ch in word]
    if word.isascii():
        return (SPACE + "+").join(re.escape(w) for w in word.split()) if " " in word else re.escape(word)
    return (SPACE + "*").join(chars)


@dataclass(frozen=True)
class Skips:
    """One skip pattern: its alternatives (regex, index of its needle or -1 for none), the
    needles (text, compared in ASCII lower case) and the regex text around the alternation."""
    head: str
    tail: str
    alts: tuple
    needles: tuple

    def regex(self, found: frozenset | None = None) -> str:
        return _regex(self, found)

    def test(self, columns: list, n: int, split: int | None = None, laid: dict | None = None):
        """Per row, whether any of `columns` matches (numpy bool); with `split`, a pair: for the
        first `split` columns and for the rest.  `laid`: the columns' `laid_text`, by id."""
        return _test(self, columns, n, split, {} if laid is None else laid)


@lru_cache(maxsize=64)
def _regex(skips: Skips, found: frozenset | None) -> str:
    alts = [a for a, j in skips.alts if found is None or j in found]
    return skips.head + "|".join(alts) + skips.tail


def _test(skips: Skips, columns: list, n: int, split: int | None, laid: dict):
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from ttcalc.core.arrays import arrow_of

    parts = [columns] if split is None else [columns[:split], columns[split:]]
    if not columns:
        return np.zeros(n, dtype=bool) if split is None else (np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))
    rows, found = _candidates(skips, columns, n, laid)
    if rows is None:  # every row, with the whole pattern
        idx, pattern = None, skips.regex()
    elif not len(rows):
        idx, pattern = None, None
    else:
        idx, pattern = arrow_of(rows.astype(np.int64)), skips.regex(frozenset(found))
    out = []
    for part in parts:
        hit = np.zeros(n, dtype=bool)
        if pattern is not None and part:
            cells = pa.concat_arrays([_array(c if idx is None else pc.take(c, idx)) for c in part])
            m = pc.fill_null(pc.match_substring_regex(cells, pattern), False).to_numpy(zero_copy_only=False)
            m = m.reshape(len(part), -1).any(axis=0)
            if idx is None:
                hit = m
            else:
                hit[rows] = m
        out.append(hit)
    return out[0] if split is None else tuple(out)


def _array(column):
    return column.combine_chunks() if hasattr(column, "combine_chunks") else column


def _candidates(skips: Skips, columns: list, n: int, laid: dict):
    """(sorted rows holding a needle in any column, needles found) or (None, None): look at
    every row (an alternative without a needle, a cell past reading, too many hits)."""
    import numpy as np

    if any(j < 0 for _, j in skips.alts):
        return None, None
    rows, found, limit = [], set(), 64 + n // 16
    for column in _distinct(columns):
        hits = needle_rows(column, skips.needles, limit, laid)
        if hits is None:
            return None, None
        rows.append(hits[0])
        found |= hits[1]
    return np.unique(np.concatenate(rows)) if rows else np.zeros(0, np.int64), found


def needle_rows(column, needles, limit: int, laid: dict | None = None):
    """(rows of a string column whose cell holds one of `needles` — (text, compared in ASCII
    lower case) — as numpy int64, the needles' indices found) or None past `limit` hits.
    A superset only: a text across two cells names the first.  `laid`: a cache of the
    chunks' text (and of where their cells start, made only for a chunk where a needle is)."""
    import numpy as np

    rows, found, base = [], set(), 0
    laid = {} if laid is None else laid
    for k, chunk in enumerate(column.chunks if hasattr(column, "chunks") else [column]):
        key = (id(column), k)  # the column kept in the entry: its id stays its own
        if key not in laid:
            laid[key] = [column, _decoded(chunk), None]
        hits = _chunk_hits(laid[key], chunk, needles, limit)
        if hits is None:
            return None
        for j, at in hits.items():
            found.add(j)
            rows.append(np.searchsorted(laid[key][2], np.array(at), side="right") - 1 + base)
        base += len(chunk)
    return (np.unique(np.concatenate(rows)).astype(np.int64) if rows else np.zeros(0, np.int64)), found


def _chunk_hits(entry: list, chunk, needles, limit: int):
    """{needle index: [where]} in a chunk's laid-out text (entry: [column, text, starts]),
    the starts filled in where a needle is; None past `limit` or for bytes that are no UTF-8."""
    if entry[1] is not None:
        hits = _finds(entry[1], needles, limit)
        if not hits:
            return hits
        if entry[2] is None:
            entry[2] = _starts(chunk, entry[1])
        if entry[2] is not None:
            return hits
    clean = laid_text(chunk)  # bytes no UTF-8, or bytes under a null cell: without them
    if clean is None:
        return None
    entry[1], entry[2] = clean
    return _finds(clean[0], needles, limit)


def _finds(text: str, needles, limit: int):
    """{needle index: [where in `text`]} for the needles found, or None past `limit`."""
    out, lowered = {}, None
    for j, (needle, folded) in enumerate(needles):
        hay = text
        if folded:
            if needle[0] not in text and needle[0].upper() not in text:
                continue
            if lowered is None:
                lowered = text.encode("utf-8").lower().decode("utf-8")  # ASCII letters only: same length
            hay = lowered
        if needle not in hay:
            continue
        at, i = [], hay.find(needle)
        while i >= 0:
            at.append(i)
            if len(at) > limit:
                return None
            i = hay.find(needle, i + 1)
        out[j] = at
    return out


def laid_text(array, again: bool = False):
    """(the cells of a string Array laid end to end as one str, the start of each cell in it
    and the end: numpy, n + 1) or None when its bytes are no UTF-8.  A null cell is empty."""
    import pyarrow.compute as pc

    text = _decoded(array)
    starts = _starts(array, text) if text is not None else None
    if starts is not None:
        return text, starts
    if array.null_count and not again:  # bytes under a null cell, not its text: without them
        return laid_text(pc.fill_null(array, ""), again=True)
    return None


def _decoded(array) -> str | None:
    """The bytes of a string Array's cells (and whatever lies under its null cells) as text."""
    import numpy as np

    n = len(array)
    if n == 0:
        return ""
    off = np.frombuffer(array.buffers()[1], np.int32, n + 1, array.offset * 4)
    lo, hi = int(off[0]), int(off[-1])
    try:
        return str(memoryview(array.buffers()[2])[lo:hi], "utf-8") if hi > lo else ""
    except UnicodeDecodeError:
        return None


def _starts(array, text: str):
    """Where each cell of `array` starts in its `_decoded` text, and the end (numpy, n + 1);
    None when the text holds more than the cells do."""
    import numpy as np
    import pyarrow.compute as pc

    n = len(array)
    if n == 0:
        return np.zeros(1, np.int64)
    off = np.frombuffer(array.buffers()[1], np.int32, n + 1, array.offset * 4)
    if len(text) == off[-1] - off[0]:  # ASCII: a character a byte (a null's bytes are found in
        return off.astype(np.int64) - off[0]  # no row but the null's own)
    lengths = pc.fill_null(pc.utf8_length(array), 0).to_numpy(zero_copy_only=False)
    starts = np.concatenate(([0], np.cumsum(lengths, dtype=np.int64)))
    return starts if starts[-1] == len(text) else None


# A skip pattern (the totals', the notes') is an alternation; every match of an alternative
# holds a literal text of it (read.fields.needles_of_word / needles_of_pattern).  A cell holding
# none of the texts matches no alternative; a cell holding some is tried against the
# alternatives of the texts found, in one regex call for all such cells of the sheet.

@lru_cache(maxsize=8)
def _skips(total_words: tuple, note_words: tuple, total_patterns: tuple) -> tuple:
    from ttcalc.read.fields import choose_needles, needles_of_pattern, needles_of_word

    def skips(head: str, tail: str, alts: list) -> Skips:
        needles, chosen = choose_needles([c for _, c in alts])
        return Skips(head, tail, tuple((a, j) for (a, _), j in zip(alts, chosen)), needles)

    total = [(_spaced(w), needles_of_word(w)) for w in total_words] + \
            [(any_space(p), needles_of_pattern(any_space(p))) for p in total_patterns]
    note = [(_spaced(w), needles_of_word(w)) for w in note_words]
    return skips("(?i)", "", total), skips("(?i)(?:^|\x1f)" + SPACE + "*(?:", ")", note)


def needles_of(sch):
    """The total and note patterns of a schema with their needles (`Skips`), made once."""
    from types import SimpleNamespace

    total, note = _skips(sch.total_words, sch.note_words, sch.total_patterns)
    return SimpleNamespace(total=total, note=note)


