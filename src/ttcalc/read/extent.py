"""How far a sheet really reaches, measured before a reader allocates it: an .xlsx worksheet's
cells (declared dimension, else walked), an .xlsb sheet's BrtWsDim, a legacy .xls sheet's
DIMENSIONS record — each against the cell cap of `read.limits`."""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path
from functools import lru_cache
from weakref import WeakKeyDictionary

from ttcalc.read.inflate import open_member
from ttcalc.read.limits import CHUNK, MB, Limits, check_cells, current


def col_number(letters: bytes | str) -> int:
    """b"A" -> 1, b"Z" -> 26, b"AA" -> 27, b"XFD" -> 16384."""
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.decode("ascii").upper():
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s[^>]*?\bref\s*=\s*["\']\s*\$?([A-Za-z]{1,3})\$?(\d{1,9})'
                        rb'(?:\s*:\s*\$?([A-Za-z]{1,3})\$?(\d{1,9}))?')


# a row or cell tag, its attributes up to the `>` that closes it (one inside a quoted value does
# not: `<c s=">" r="XFD1048576">` is a cell at XFD1048576 for calamine)
_TOKEN = re.compile(rb"""<(?:[\w.-]+:)?(row|c)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")


_ATTR = re.compile(rb"""(?:^|\s)([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"\s*([A-Za-z]{0,3})(\d{0,12})\s*")


def _reference(attrs: bytes):
    """The (letters, digits) match of a tag's r attribute — the last one, as calamine takes it
    when a tag has two — or None."""
    value = None
    for m in _ATTR.finditer(attrs):
        if m.group(1) == b"r":
            value = m.group(2) if m.group(2) is not None else m.group(3)
    return _REF.fullmatch(value) if value is not None else None


_OVERLAP = 64


def declared_dimension(head: bytes) -> tuple[int, int] | None:
    """(last row, last column) of a sheet's <dimension ref="A1:P2004"/>, from its first bytes."""
    m = _DIMENSION.search(head)
    if not m:
        return None
    c1, r1, c2, r2 = m.groups()
    rows = max(int(r1), int(r2) if r2 else 0)
    cols = max(col_number(c1), col_number(c2) if c2 else 0)
    return rows, cols


def _chunks(fh, first: bytes):
    """The member's bytes as buffers of about 4 MB, with the cut point of each: a buffer's
    bytes from its cut on start the next buffer too, so a pattern of up to _OVERLAP bytes is
    never cut in two, and counting only matches that start before the cut counts each once."""
    block = first
    carry = b""
    while True:
        nxt = fh.read(CHUNK) if block else b""
        buf = carry + block
        last = not nxt
        cut = len(buf) if last else max(0, len(buf) - _OVERLAP)
        yield buf, cut
        if last:
            return
        carry = buf[cut:]
        block = nxt


_SECTIONS: WeakKeyDictionary = WeakKeyDictionary()  # zip -> {member: its <mergeCells>… bytes, b"": none}


def merge_section(zf: zipfile.ZipFile, member: str) -> bytes | None:
    """The <mergeCells> part of a worksheet found while its cells were checked (b"" when it has
    none), or None when the part was not scanned."""
    return _SECTIONS.get(zf, {}).get(member)


def xlsx_extent(path: Path, zf: zipfile.ZipFile, member: str, sheet: str, limits: Limits | None = None) -> tuple[int, int]:
    """Check that loading a worksheet part would not allocate more than the cell cap.

    calamine allocates rows × columns for a sheet, from its first to its last cell, whatever
    the <dimension> says.  Fast path: a declared dimension within the cap, and every cell with
    an r="A1" reference inside it (one RE2 look per 4 MB, no parse; the sheet's
    <mergeCells> kept on the way, `merge_section`).
    Otherwise the cells are walked (row and column of each, as calamine places them), stopping
    as soon as the cap is passed.  Returns (rows, columns) or raises InputError.
    """
    limits = limits or current()
    if not limits.cells:
        return 0, 0
    info = zf.getinfo(member)
    with open_member(zf, member) as fh:
        head = fh.read(64 * 1024)
        dim = declared_dimension(head)
        if dim and dim[0] * dim[1] <= limits.cells:
            if not limits.scan:
                return dim
            found: list[bytes] = []
            # a part said to be bigger than the scan's budget is scanned up to it all the same:
            # the size in the zip directory is the file's word, and a sheet that really ends
            # within the budget is judged whole; only one that really runs past it is trusted
            inside = _inside(fh, head, dim, limits.cells, found,
                             budget=limits.scan if info.file_size > limits.scan else None)
            if inside is None:
                return dim  # trusted: too big to scan within the time allowed
            if inside:
                _SECTIONS.setdefault(zf, {})[member] = found[0] if found else b""
                return dim
    # no dimension, a dimension over the cap (often inflated by the writer), or cells outside
    # it: the cells themselves decide
    with open_member(zf, member) as fh:
        rows, cols = _walk(path, fh, sheet, limits)
    check_cells(path, sheet, rows, cols, limits)
    return rows, cols


def _inside(fh, head: bytes, dim: tuple[int, int], cap: int, found: list | None = None,
            budget: int | None = None) -> bool | None:
    """True when every cell is a <c r="…"> whose reference lies within the declared dimension
    (no prefixed cells, no cell placed by position).  One RE2 look per 4 MB for any cell that
    is not (`outside`: in C, the GIL released, so a folder's look-ahead threads scan while the
    main thread works).  `found`: given a list, the <mergeCells> part of the sheet (from its
    opening tag on) is appended to it, so the merges need no second inflating of the part.
    `budget`: None once that many bytes are looked at and the part goes on (not judged)."""
    rows, cols = dim
    pattern = outside(rows, cols)
    prev = b""
    section: list[bytes] | None = None
    seen = 0
    for buf, cut in _chunks(fh, head):
        if budget is not None and seen > budget:
            return None
        seen += cut
        if matches(buf, pattern) or (cut == len(buf) and _CUT_SHORT.search(buf[-_OVERLAP:])):
            return False  # a cell outside, or one cut short at the very end: the walk judges it
        if found is not None:
            if section is not None:
                section.append(buf[:cut])
            else:
                at = _merges_at(buf, cut)
                if at >= 0:
                    text = prev + buf[:cut]
                    section = [text[max(0, text.rfind(b"<", 0, at + len(prev))):]]
            prev = buf[max(0, cut - _OVERLAP):cut]
    if found is not None and section:
        found.append(b"".join(section))
    return True


_CUT_SHORT = re.compile(rb"[<:]c(?:[ \t\n\r/][^>]*)?$")


def _merges_at(buf: bytes, cut: int) -> int:
    """Where the first "mergeCells" name opening a tag (`<mergeCells`, `<x:mergeCells`) whose
    "<" lies before `cut` starts, or -1."""
    at = buf.find(b"mergeCells")
    while 0 <= at <= cut:  # its "<" before the cut: "mergeCells" itself may begin at it
        if at and buf[at - 1] in b"<:":
            return at
        at = buf.find(b"mergeCells", at + 1)
    return -1


@lru_cache(maxsize=64)
def outside(rows: int, cols: int) -> str:
    """An RE2 pattern of any cell not written `<c r="A1"` with its reference (1–3 capital
    letters, then at most as many digits as `rows` has, then the closing quote) within the
    dimension `rows` x `cols`: a prefixed cell (`<x:c `), a cell without r="…" first (placed
    by position), a reference of another shape, right of the last column or below the last
    row.  It may find more than that (the walk then judges exactly); never less."""
    letters, digits = col_letters(cols), str(rows)
    wider = [f"[A-Z]{{{len(letters) + 1}}}"]  # more letters (a longer run matches too)
    wider += [letters[:i] + f"[{chr(ord(ch) + 1)}-Z]" + "[A-Z]" * (len(letters) - i - 1)
              for i, ch in enumerate(letters) if ch != "Z"]  # as many, and later in the alphabet
    larger = [digits[:i] + f"[{chr(ord(ch) + 1)}-9]" + "[0-9]" * (len(digits) - i - 1)
              for i, ch in enumerate(digits) if ch != "9"]  # as many digits, and a larger number
    d = len(digits)
    number = ["[^0-9A-Z]", f"[0-9]{{{d + 1}}}", *larger, f'[0-9]{{1,{d}}}[^0-9"]']
    # and a cell whose tag has a second r (calamine takes the last), a ">" inside a double-quoted
    # value, or a single quote: the walk, which reads the attributes as calamine does, judges it
    odd_tag = r'|<c r="[^"]*"[^>]*(?:\sr\s*=|=\s*"[^"]*>|\')'
    return (r':c[ \t\n\r>/]|<c(?:[\t\n\r>/]| [^r]| r[^=]| r=[^"])'
            f'|<c r="(?:[^A-Z]|[A-Z]{{4}}|{"|".join(wider)}|[A-Z]{{1,3}}(?:{"|".join(number)}))' + odd_tag)


def matches(text: bytes, pattern: str) -> bool:
    """Whether RE2 finds `pattern` in the bytes, read as Latin-1 (linear, in C, the GIL released;
    a character cut in two at a chunk's end is no obstacle)."""
    import struct

    import pyarrow as pa
    import pyarrow.compute as pc

    # the bytes themselves as the array's data (no copy of a 4 MB chunk, whose fresh pages the
    # system would fault in one by one)
    one = pa.Array.from_buffers(pa.binary(), 1, [None, pa.py_buffer(struct.pack("<ii", 0, len(text))),
                                                  pa.py_buffer(text)])
    return pc.any(pc.match_substring_regex(one, pattern)).as_py()


def _walk(path: Path, fh, sheet: str, limits: Limits) -> tuple[int, int]:
    """Rows and columns as calamine would place the cells (an r attribute, else next in line)."""
    max_row = max_col = 0
    row = 0
    col = 0
    seen = 0
    tail = b""
    while True:
        block = fh.read(CHUNK)
        buf = tail + block
        if not buf:
            break
        cut = buf.rfind(b"<") if block else len(buf)
        if cut <= 0 and block:
            cut = len(buf)
        for m in _TOKEN.finditer(buf, 0, cut):
            kind, attrs = m.group(1), m.group(2)
            r = _reference(attrs)
            if kind == b"row":
                row = int(r.group(2)) if r and r.group(2) else row + 1
                col = 0
                continue
            if r and r.group(1):
                col = col_number(r.group(1))
                row_here = int(r.group(2)) if r.group(2) else row
            else:
                col += 1
                row_here = row or 1
            if attrs.endswith(b"/"):
                continue  # <c … /> holds no value: the reader leaves it out of the sheet
            seen += 1
            if row_here > max_row:
                max_row = row_here
            if col > max_col:
                max_col = col
            if max_row * max_col > limits.cells or seen > limits.cells:  # stop at once: no need to read on
                check_cells(path, sheet, max_row, max_col, limits, " or more")
                check_cells(path, sheet, seen, 1, limits, " listed or more")
        tail = buf[cut:]
        if not block:
            break
    return max_row, max_col


def xlsb_extent(path: Path, zf: zipfile.ZipFile, member: str, sheet: str, limits: Limits | None = None) -> None:
    """An .xlsb sheet's declared dimension (BrtWsDim) against the cell cap."""
    limits = limits or current()
    with zf.open(member) as fh:
        data = fh.read(64 * 1024)
    pos = 0
    for _ in range(64):
        rtype, pos = _varint(data, pos, 2)
        size, pos = _varint(data, pos, 4)
        if rtype is None or size is None or pos + size > len(data):
            return
        if rtype == 0x94 and size >= 16:  # BrtWsDim: rwFirst, rwLast, colFirst, colLast
            r1, r2, c1, c2 = struct.unpack("<4I", data[pos:pos + 16])
            check_cells(path, sheet, r2 + 1, c2 + 1, limits)
            return
        pos += size


def _varint(data: bytes, pos: int, most: int) -> tuple[int | None, int]:
    value = shift = 0
    for _ in range(most):
        if pos >= len(data):
            return None, pos
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos
    return value, pos


def xls_dimensions(path: Path | bytes) -> dict[str, tuple[int, int]]:
    """{sheet name: (rows, columns)} from the DIMENSIONS record of each sheet of a BIFF5/8
    workbook: a cheap estimate (no cell is read).  Empty when the file cannot be walked (the
    reader then judges it)."""
    try:
        import olefile

        with olefile.OleFileIO(path if isinstance(path, bytes) else str(path)) as ole:
            stream = next((s for s in ("Workbook", "Book", "WORKBOOK", "BOOK") if ole.exists(s)), None)
            if stream is None:
                return {}
            if ole.get_size(stream) > 512 * MB:
                return {}
            data = ole.openstream(stream).read()
    except Exception:  # noqa: BLE001 — a damaged container: calamine says why
        return {}
    sheets: list[tuple[str, int]] = []
    pos, biff8 = 0, True
    while pos + 4 <= len(data):
        rtype, size = struct.unpack("<HH", data[pos:pos + 4])
        body = data[pos + 4:pos + 4 + size]
        pos += 4 + size
        if rtype == 0x0809 and len(body) >= 2:  # BOF
            biff8 = struct.unpack("<H", body[:2])[0] == 0x0600
        elif rtype == 0x0085 and len(body) >= 8:  # BOUNDSHEET
            (offset,) = struct.unpack("<I", body[:4])
            sheets.append((_xls_name(body[6:], biff8), offset))
        elif rtype == 0x000A:  # EOF of the globals
            break
    out: dict[str, tuple[int, int]] = {}
    for name, offset in sheets:
        pos = offset
        for _ in range(200):
            if pos + 4 > len(data):
                break
            rtype, size = struct.unpack("<HH", data[pos:pos + 4])
            body = data[pos + 4:pos + 4 + size]
            pos += 4 + size
            if rtype == 0x0200:  # DIMENSIONS: first row, last row + 1, first col, last col + 1
                if biff8 and len(body) >= 12:
                    _r1, r2, _c1, c2 = struct.unpack("<IIHH", body[:12])
                elif len(body) >= 8:
                    _r1, r2, _c1, c2 = struct.unpack("<HHHH", body[:8])
                else:
                    break
                out[name] = (r2, c2)
                break
            if rtype == 0x000A:
                break
    return out


def _xls_name(raw: bytes, biff8: bool) -> str:
    if not raw:
        return ""
    n = raw[0]
    if biff8 and len(raw) >= 2:
        flags = raw[1]
        text = raw[2:]
        return text[:2 * n].decode("utf-16-le", "replace") if flags & 1 else text[:n].decode("latin-1")
    return raw[1:1 + n].decode("latin-1")


def ods_extent(path: Path, zf: zipfile.ZipFile, limits: Limits | None = None) -> dict[str, tuple[int, int]]:
    """{sheet: (rows, columns)} of every table of an .ods, from content.xml streamed (defusedxml,
    no DTD): the extent up to the last cell holding something, with the row and column repeats
    counted — a 1 KB file repeating one cell over a million rows × 16,384 columns is refused
    before the reader expands it."""
    from defusedxml.ElementTree import iterparse

    limits = limits or current()
    out: dict[str, tuple[int, int]] = {}
    if "content.xml" not in zf.NameToInfo:
        return out
    name, row, max_row, max_col, col, has = "", 0, 0, 0, 0, False
    with zf.open("content.xml") as fh:
        for event, el in iterparse(fh, events=("start", "end"), forbid_dtd=True):
            tag = el.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "table":
                    name = next((v for k, v in el.attrib.items() if k.endswith("}name")), "")
                    row, max_row, max_col = 0, 0, 0
                elif tag == "table-row":
                    col, has = 0, False
                continue
            if tag in ("table-cell", "covered-table-cell"):
                reps = _repeat(el, "number-columns-repeated")
                col += reps
                if len(el) or any(k.endswith("}value-type") for k in el.attrib):
                    has, max_col = True, max(max_col, col)
                    if limits.cells and (row + 1) * max_col > limits.cells:  # stop early on a bomb
                        check_cells(path, name, row + 1, max_col, limits, " (counting its repeats)")
                el.clear()
            elif tag == "table-row":
                row += _repeat(el, "number-rows-repeated")
                if has:
                    max_row = row
                    check_cells(path, name, max_row, max_col, limits, " (counting its repeats)")
                el.clear()
            elif tag == "table":
                out[name] = (max_row, max_col)
                el.clear()
    return out


def _repeat(el, attr: str) -> int:
    for k, v in el.attrib.items():
        if k.endswith("}" + attr):
            try:
                return max(1, int(v))
            except ValueError:
                return 1
    return 1
