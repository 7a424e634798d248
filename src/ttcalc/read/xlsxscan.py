"""What the stream's scan of a sheet's XML (read.xlsxstream.Scan) looks for besides the cells
the two readers render differently: rows and cells DuckDB places otherwise than calamine (a
row or cell not opened by its number, rows out of order, a cell right of the <dimension>), and
where calamine's range ends (the last row holding a value)."""

from __future__ import annotations

import re

from ttcalc.read.extent import col_letters, matches
from ttcalc.read.inflate import open_member

ROW = re.compile(rb'<row r="(\d+)"')
# a row or cell not opened as `<row r="N"` / `<c r="A1"` (no number, another attribute first,
# single quotes): DuckDB and calamine place it each their own way, and the rows are counted by
# `<row r="`; a CDATA section: DuckDB reads its text, calamine does not
UNNUMBERED = rb'<(?:row|c)(?:[^ A-Za-z0-9_:.\-]| [^r]| r[^=]| r=[^"])|<!\[CDATA\['


MAX_WIDTH = 256  # a sheet declared wider is read the general way (the regexes grow with it)
# what lies between a cell's start and the next cell's in the same row: no `<c `, `<row`, `</row`
_INNER = rb"(?:[^<]|<[^cr/]|<c[^ >/]|<r[^o]|</[^r]|</r[^o])*"


def backwards(width: int) -> bytes:
    """A regex of a cell followed in its row by one at or left of its column (calamine places
    each by its reference, DuckDB leaves the row's cells out)."""
    out = []
    for j in range(1, width + 1):
        s = col_letters(j)
        alts = [f"[A-Z]{{1,{len(s) - 1}}}"] if len(s) > 1 else []
        alts += [s[:i] + f"[A-{chr(ord(ch) - 1)}]" + "[A-Z]" * (len(s) - i - 1) for i, ch in enumerate(s) if ch != "A"]
        out.append(b'<c r="%s[0-9]+"%s<c r="(?:%s)[0-9]' % (s.encode(), _INNER, "|".join(alts + [s]).encode()))
    return b"|".join(out)


def right_of(width: int) -> bytes:
    """A regex of a cell reference right of column `width` (DuckDB's range leaves it out)."""
    letters = col_letters(width)
    wider = [b"[A-Z]{%d,}" % (len(letters) + 1)]
    for i, ch in enumerate(letters):
        if ch != "Z":
            wider.append(b"%s[%s-Z]%s" % (letters[:i].encode(), chr(ord(ch) + 1).encode(),
                                          b"[A-Z]" * (len(letters) - i - 1)))
    return rb'<c r="(?:%s)[0-9]' % b"|".join(wider)


def last_value(text: bytes) -> int:
    """Where the last cell holding a value (for calamine) lies in the text, or -1: a string
    (shared, inline, a formula's text) or a non-empty <v>; not a styled empty cell, a number's
    empty <v></v>, a formula without its value."""
    v = text.rfind(b"</v>")
    for _ in range(64):
        if v < 0 or text[v - 3:v] != b"<v>":
            break
        v = text.rfind(b"</v>", 0, v - 3)
    after = max(v, 0)  # a string cell after the last value (each looked for only past it)
    return max(v, text.rfind(b"<is>", after), text.rfind(b' t="s"', after), text.rfind(b' t="str"', after))


class RowNumbers:
    """Every `<row r="N">` of the sheet, chunk by chunk (a row tag cut by a chunk's end taken
    whole with the next): `add` is False once a row is not numbered above the one before (rows
    out of order, a number twice: DuckDB reads past its range and leaves cells out)."""

    def __init__(self) -> None:
        self.last, self.carry = 0, b""

    def add(self, chunk: bytes) -> bool:
        import numpy as np

        piece = self.carry + chunk
        found = ROW.findall(piece)
        lt = piece.rfind(b"<")
        self.carry = piece[lt:] if 0 <= lt and len(piece) - lt < 32 and not ROW.match(piece, lt) else b""
        if not found:
            return True
        rows = np.array([int(n) for n in found], dtype=np.int64)
        if rows[0] <= self.last or (np.diff(rows) <= 0).any():
            return False
        self.last = int(rows[-1])
        return True


def blank_from(parts: list, first: int, end: int) -> bool:
    """Whether rows first … end - 1 (0-based) of the tidied batches (lists of columns) hold no value."""
    at = 0
    for columns in parts:
        n = len(columns[0]) if columns else 0
        lo, hi = max(first, at), min(end, at + n)
        if lo < hi and any(c.slice(lo - at, hi - lo).null_count != hi - lo for c in columns):
            return False
        at += n
    return True


class Kinds:
    """Whether a sheet holds booleans or error cells, looked for on a thread of its own while
    fastexcel loads the sheet typed (read.xlsxfast.load_body): fastexcel turns a TRUE among a
    column of numbers into 1.0 — a TRUE among the amounts would be one yuan — where the
    general read takes it as the text it is and refuses it as an amount."""

    _PATTERN = rb"""\bt\s*=\s*["'][be]["']"""

    def __init__(self, zf, member: str) -> None:
        import threading

        self.zf, self.member, self.hit = zf, member, None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.hit = finds(self.zf, self.member, self._PATTERN, 64)
        except Exception:  # noqa: BLE001 — unreadable here: the general read judges the sheet
            self.hit = True

    def found(self) -> bool:
        self.thread.join()
        return bool(self.hit)


def finds(zf, member: str, pattern: bytes, overlap: int, chunk: int = 1 << 22) -> bool:
    """Whether `pattern` occurs in a zip member, read in chunks that overlap by `overlap` bytes
    (longer than anything the pattern matches)."""
    wanted, tail = pattern.decode("latin-1"), b""
    with open_member(zf, member) as fh:
        while block := fh.read(chunk):
            text = tail + block
            if matches(text, wanted):
                return True
            tail = text[-overlap:]  # (of the text: a chunk may be shorter than the overlap)
    return False
