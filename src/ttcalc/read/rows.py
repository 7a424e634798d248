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
    workbooks; a single huge sheet is left as it is (the copy would cost more than it saves)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from ttcalc.read.stream import arrow_of

    if table.num_rows > OWN_MAX_ROWS:
        return table
    index = arrow_of(np.arange(table.num_rows, dtype=np.int32))
    return pa.table([pc.take(table.column(i), index) for i in range(table.num_columns)], names=table.column_names)


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

    The total and note patterns are tried only on the rows holding one of their literal
    characters (`Needles`: found with str.find over a column's text laid end to end); every
    other row matches neither, so its reason follows from which cells are empty."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from ttcalc.read.stream import arrow_of

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
    substance = _any_valid(amounts, n) if amounts else _any_valid([cols["id"]], n) if "id" in cols \
        else np.zeros(n, dtype=bool)
    # totals and signature lines ("制表人：…", "审核：…") may stand in any label column
    strings = [c for c in scan if pa.types.is_string(c.type)]
    labels = [cols[k] for k in ("seq", "unit", "name") if k in cols and pa.types.is_string(cols[k].type)]
    named = [cols[k] for k in ("name", "id") if k in cols and pa.types.is_string(cols[k].type)]
    lead = _distinct([first] + strings[1:])
    needles, laid = needles_of(sch), {}  # each column's text laid out once for both patterns
    total = needles.total.test(_distinct(lead + labels), n, laid=laid)
    note = needles.note.test(lead + named, n, split=len(lead), laid=laid)
    note = (note[0] & ~(has_person & substance)) | note[1]
    code = np.where(blank, 1, np.where(note, 2, np.where(total, 3, np.where(has_person, 0, 4)))).astype(np.int8)
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
    import re

    chars = [re.escape(ch) for ch in word]
    if word.isascii():
        return (SPACE + "+").join(re.escape(w) for w in word.split()) if " " in word else re.escape(word)
    return (SPACE + "*").join(chars)



# A skip pattern (the totals', the notes') is an alternation; every match of an alternative
# holds a literal text of it — a character of a Chinese word (any character of 合␣*计; CJK
# letters have no case, so (?i) matches only themselves), a run of an English word's letters
# compared in ASCII lower case (of their cases only k and s have others: K U+212A, ſ U+017F, so
# such a run holds neither), or a character a total pattern requires.  A cell holding none of
# the texts matches no alternative; a cell holding some is tried against the alternatives of
# the texts found, in one regex call for all such cells of the sheet.

_FOLD_SAFE = frozenset(chr(c) for c in range(33, 127)) - set("kKsS")


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

    from ttcalc.read.stream import arrow_of

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
    A superset only: a text across two cells names the first.  `laid`: a cache of laid_text."""
    import numpy as np

    rows, found, base = [], set(), 0
    laid = {} if laid is None else laid
    for k, chunk in enumerate(column.chunks if hasattr(column, "chunks") else [column]):
        if (id(column), k) not in laid:  # the column kept with it: its id stays its own
            laid[id(column), k] = (column, laid_text(chunk))
        text_of = laid[id(column), k][1]
        if text_of is None:
            return None
        text, starts, lowered = text_of[0], text_of[1], None
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
            found.add(j)
            rows.append(np.searchsorted(starts, np.array(at), side="right") - 1 + base)
        base += len(chunk)
    return (np.unique(np.concatenate(rows)).astype(np.int64) if rows else np.zeros(0, np.int64)), found


def laid_text(array, again: bool = False):
    """(the cells of a string Array laid end to end as one str, the start of each cell in it
    and the end: numpy, n + 1) or None when its bytes are no UTF-8.  A null cell is empty."""
    import numpy as np
    import pyarrow.compute as pc

    n = len(array)
    if n == 0:
        return "", np.zeros(1, np.int64)
    off = np.frombuffer(array.buffers()[1], np.int32, n + 1, array.offset * 4)
    lo, hi = int(off[0]), int(off[-1])
    try:
        text = str(memoryview(array.buffers()[2])[lo:hi], "utf-8") if hi > lo else ""
    except UnicodeDecodeError:
        text = None
    if text is not None and len(text) == hi - lo:  # ASCII: a character a byte (a null's bytes
        return text, off.astype(np.int64) - lo  # are found in no row but the null's own)
    if text is not None:
        lengths = pc.fill_null(pc.utf8_length(array), 0).to_numpy(zero_copy_only=False)
        starts = np.concatenate(([0], np.cumsum(lengths, dtype=np.int64)))
        if starts[-1] == len(text):
            return text, starts
    if array.null_count and not again:  # bytes under a null cell, not its text: without them
        return laid_text(pc.fill_null(array, ""), again=True)
    return None


@lru_cache(maxsize=8)
def _skips(total_words: tuple, note_words: tuple, total_patterns: tuple) -> tuple:
    total = [(_spaced(w), _word_choices(w)) for w in total_words] + \
            [(any_space(p), _pattern_choices(any_space(p))) for p in total_patterns]
    note = [(_spaced(w), _word_choices(w)) for w in note_words]
    return (_skips_of("(?i)", "", total),
            _skips_of("(?i)(?:^|\x1f)" + SPACE + "*(?:", ")", note))


def _skips_of(head: str, tail: str, alts: list) -> Skips:
    """Needles for the alternatives, few: the text most alternatives hold first (合计, 小计, 总计
    share 计), an English run held in another (total in subtotal) instead of it."""
    left = [i for i, (_, choices) in enumerate(alts) if choices]
    chosen: dict[int, tuple] = {}
    order: list[tuple] = []
    for _, choices in alts:
        order += [c for c in choices or () if c not in order]
    while left:
        best = max(order, key=lambda c: sum(1 for i in left if c in alts[i][1]))
        for i in [i for i in left if best in alts[i][1]]:
            chosen[i] = best
        left = [i for i in left if i not in chosen]
    for i, (text, folded) in list(chosen.items()):
        inner = [c for c in chosen.values() if c[1] and folded and c[0] != text and c[0] in text]
        if inner:
            chosen[i] = min(inner, key=lambda c: (len(c[0]), c[0]))
    needles = tuple(dict.fromkeys(chosen[i] for i in sorted(chosen)))
    return Skips(head, tail, tuple((a, needles.index(chosen[i]) if i in chosen else -1)
                                   for i, (a, _) in enumerate(alts)), needles)


def needles_of(sch):
    """The total and note patterns of a schema with their needles (`Skips`), made once."""
    from types import SimpleNamespace

    total, note = _skips(sch.total_words, sch.note_words, sch.total_patterns)
    return SimpleNamespace(total=total, note=note)


def caseless(ch: str) -> bool:
    """A letter that (?i) matches only as itself: no case (CJK and other 'Lo' letters)."""
    import unicodedata

    return unicodedata.category(ch) == "Lo" and ch.lower() == ch == ch.upper() == ch.casefold()


def _word_choices(word: str) -> tuple:
    """The needles any of which every match of `_spaced(word)` holds."""
    if word.isascii():
        runs, run = [], ""
        for ch in word + " ":  # runs of the letters whose case is ASCII only
            if ch in _FOLD_SAFE:
                run += ch
            else:
                runs.append(run)
                run = ""
        best = max(runs, key=len)
        return ((best.lower(), True),) if best else ()
    return tuple((ch, False) for ch in dict.fromkeys(word) if caseless(ch))


def _pattern_choices(pattern: str) -> tuple:
    """The caseless letters an RE2 pattern requires: literal at its top level, not made
    optional by a quantifier; none when it has a top-level | or a quoting \\Q."""
    out, depth, i = [], 0, 0
    try:
        while i < len(pattern):
            ch = pattern[i]
            if ch == "\\":
                nxt = pattern[i + 1]
                if nxt == "Q":
                    return ()
                if nxt in "xpP" and pattern[i + 2] == "{":
                    i = pattern.index("}", i) + 1
                else:
                    i += 4 if nxt == "x" else 3 if nxt in "pP" else 2
                continue
            if ch == "[":
                i = _class_end(pattern, i)
                continue
            if ch in "()":
                depth += 1 if ch == "(" else -1
            elif ch == "|" and depth == 0:
                return ()
            elif depth == 0 and caseless(ch) and not re.match(r"[*?]|\{\s*[0,]", pattern[i + 1:i + 3]):
                out.append((ch, False))
            i += 1
    except (IndexError, ValueError):
        return ()
    return tuple(dict.fromkeys(out)) if depth == 0 else ()


def _class_end(pattern: str, i: int) -> int:
    """The index just past the character class opening at `i`."""
    j = i + 1
    if pattern[j] == "^":
        j += 1
    if pattern[j] == "]":
        j += 1
    while pattern[j] != "]":
        if pattern[j] == "\\":
            j += 2
        elif pattern.startswith("[:", j):
            j = pattern.index(":]", j + 2) + 2
        else:
            j += 1
    return j + 1
