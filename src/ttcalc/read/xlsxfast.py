"""Big .xlsx payrolls read once, typed (issue 17).

The general grid (read.excel.excel_grids) turns every cell into text, which costs a big sheet more
than parsing it.  Here the first rows come from the sheet's XML, streamed (no full parse), so
the header is known before the sheet is loaded; then the sheet is loaded once by fastexcel
with the data rows only: label columns (name, ID, unit …) as text, every other column with the
type of *all* its cells (schema_sample_rows=None: a text amount far down a column of numbers
makes the column text, never a silent null), so amounts stay numbers and become integer fen
exactly (money.column_fen).

Only used for .xlsx/.xlsm sheets of at least TYPED_MIN_CELLS cells (env TTCALC_TYPED_MIN_CELLS),
and only when the first rows could be read and start in column A; anything else goes the
general way, as does a sheet whose amount columns come back in a type other than text or
number.  The typed load reads the same bytes the caps were checked on (read_excel(bytes)).
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

from ttcalc.read.inflate import open_member

HEAD_ROWS = 40
TYPED_MIN_CELLS = int(os.environ.get("TTCALC_TYPED_MIN_CELLS", "400000"))
_CELL = re.compile(r"([A-Z]+)(\d+)")
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _number(text: str) -> str:
    """A numeric cell as calamine writes it: 1 not 1.0, no exponent."""
    try:
        x = float(text)
    except ValueError:
        return text
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    return repr(x) if "e" not in repr(x) else format(x, "f").rstrip("0")


def _stream(zf: zipfile.ZipFile, member: str):
    """(event, element) pairs of an XML part, parsed incrementally; a part declaring a DTD or
    entities ends the stream with ValueError (the general reader refuses it in its own words)."""
    from xml.etree.ElementTree import XMLPullParser

    parser = XMLPullParser(("start", "end"))
    first = True
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(64 * 1024)
            if not chunk:
                break
            if first and (b"<!DOCTYPE" in chunk or b"<!ENTITY" in chunk):
                raise ValueError("DTD")
            first = False
            for at in range(0, len(chunk), _FEED):  # fed in slices: a caller that stops early
                parser.feed(chunk[at:at + _FEED])  # (the first rows) leaves the rest unparsed
                yield from parser.read_events()
    parser.close()


_FEED = 4096


def head_rows(zf: zipfile.ZipFile, member: str, rows: int = HEAD_ROWS) -> list[list] | None:
    """The first `rows` rows of a worksheet part as text (None for an empty cell), in sheet
    positions: row i is sheet row i + 1, column j is column j + 1.  None when the part uses
    something this reader does not follow."""
    cells: dict[tuple[int, int], tuple[str, str]] = {}  # (row, col) -> (type, raw)
    row_no, col_no = 0, -1
    kind, value, inline, in_is, in_rph = "n", None, [], False, False
    for event, el in _stream(zf, member):
        tag = el.tag.rsplit("}", 1)[-1]
        if event == "start":
            if tag == "row":
                r = el.get("r")
                row_no = int(r) if r else row_no + 1
                col_no = -1
                if row_no > rows:
                    break
            elif tag == "c":
                ref = el.get("r")
                m = _CELL.fullmatch(ref) if ref else None
                col_no = _col(m.group(1)) if m else col_no + 1
                kind, value, inline = el.get("t", "n"), None, []
            elif tag == "is":
                in_is = True
            elif tag == "rPh":
                in_rph = True
            continue
        if tag == "v":
            value = el.text or ""
        elif tag == "t" and in_is and not in_rph:
            inline.append(el.text or "")
        elif tag == "rPh":
            in_rph = False
        elif tag == "is":
            in_is = False
        elif tag == "c":
            raw = "".join(inline) if kind == "inlineStr" else value
            if raw is not None:
                cells[(row_no, col_no)] = (kind, raw)
        elif tag == "sheetData":
            break
        if tag in ("row", "c"):
            el.clear()
    shared_needed = {int(raw) for (k, raw) in cells.values() if k == "s" and raw.isdigit()}
    strings = _shared(zf, max(shared_needed)) if shared_needed else []
    if shared_needed and len(strings) <= max(shared_needed):
        return None
    width = max((c for _, c in cells), default=-1) + 1
    height = max((r for r, _ in cells), default=0)
    grid: list[list] = [[None] * width for _ in range(height)]
    for (r, c), (k, raw) in cells.items():
        if k == "s":
            text = strings[int(raw)]
        elif k in ("str", "inlineStr"):
            text = raw
        elif k == "b":
            text = "true" if raw == "1" else "false"
        elif k == "e":
            text = raw
        else:
            text = _number(raw)
        grid[r - 1][c] = text if text is not None and text.strip() != "" else None
    return grid


def _shared(zf: zipfile.ZipFile, upto: int) -> list[str]:
    """Shared strings 0…upto (phonetic runs left out, as calamine does)."""
    part = next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    if part is None:
        return []
    out: list[str] = []
    parts: list[str] = []
    depth_rph = 0
    for event, el in _stream(zf, part):
        tag = el.tag.rsplit("}", 1)[-1]
        if event == "start":
            if tag == "si":
                parts = []
            elif tag == "rPh":
                depth_rph += 1
            continue
        if tag == "rPh":
            depth_rph -= 1
        elif tag == "t" and not depth_rph:
            parts.append(el.text or "")
        elif tag == "si":
            out.append("".join(parts))
            el.clear()
            if len(out) > upto:
                break
    return out


def hidden_sheets(path: Path, zf: zipfile.ZipFile) -> set[str]:
    """Names of the hidden sheets, from the workbook part (read under the caps)."""
    from ttcalc.read import limits

    try:
        root = limits.parse_xml(limits.read_member(path, zf, "xl/workbook.xml"))
    except Exception:  # noqa: BLE001 — the general reader judges the workbook
        return set()
    return {el.get("name") for el in root.iter() if el.tag.endswith("sheet") and el.get("state") in
            ("hidden", "veryHidden")}


_OK = ("is_string", "is_floating", "is_integer", "is_null")


def load_body(reader, name, skip: int, strings: set[int], money: set[int]):
    """The sheet from row skip + 1 on, in one pass: columns in `strings` as text, the others
    typed from *all* their cells (schema_sample_rows=None: a text amount far down a column of
    numbers makes the column text, never a silent null).  Returns a table of columns c0…, or
    None when an amount column came back in a type the money code does not take (dates,
    booleans): then the general way."""
    import pyarrow as pa

    sheet = reader.load_sheet(name, header_row=None, skip_rows=skip, schema_sample_rows=None,
                              dtypes={i: "string" for i in sorted(strings)} or None, whitespace_as_null=True)
    table = sheet.to_arrow()
    del sheet
    table = pa.Table.from_batches([table]) if isinstance(table, pa.RecordBatch) else table
    table = table.rename_columns([f"c{i}" for i in range(table.num_columns)])
    for i in money:
        if i < table.num_columns and not any(getattr(pa.types, f)(table.schema.types[i]) for f in _OK):
            return None
    return table


# a <mergeCell ref=…> however XML lets it be written (single quotes, spaces around "=") and as
# readers take it (lower-case or $-anchored references: openpyxl reads them all as merges)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*(["\'])\s*\$?([A-Za-z]+)\$?(\d+)'
                    rb'(?:\s*:\s*\$?([A-Za-z]+)\$?(\d+))?\s*\1')


class LazyMerges:
    """The merge ranges of a worksheet part, found only when asked for (read.merges.ranges
    iterates `grid.merges`): the <mergeCells> list sits after the rows, so finding it means
    inflating the part once (a fraction of a parse), never a second full parse of the sheet."""

    def __init__(self, zf: zipfile.ZipFile, member: str) -> None:
        self.zf, self.member, self.found, self.thread = zf, member, None, None

    def prefetch(self) -> None:
        """Look for them on the other core while the sheet is loaded (the Rust reader and zlib
        release the GIL)."""
        import threading

        if self.thread is None and self.found is None:
            self.thread = threading.Thread(target=self._find, daemon=True)
            self.thread.start()

    def _find(self) -> None:
        from ttcalc.read.extent import merge_section

        try:
            section = merge_section(self.zf, self.member)  # kept by the cell cap's scan of the part
            found = parse_merges(section) if section is not None else merge_ranges(self.zf, self.member)
        except Exception:  # noqa: BLE001 — merges are a refinement, as in read.merges
            found = []
        self.found = found

    def __iter__(self):
        if self.thread is not None:
            self.thread.join()
        if self.found is None:
            self._find()
        return iter(self.found)


def merge_ranges(zf: zipfile.ZipFile, member: str) -> list[tuple[int, int, int, int]]:
    """(first_row, first_col, last_row, last_col), 0-based, of every <mergeCell> of the part."""
    tail = b""
    found = False
    with open_member(zf, member) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            if not found:
                at = (tail + chunk).find(b"<mergeCells")
                if at < 0:
                    at = (tail + chunk).find(b":mergeCells")
                if at < 0:
                    tail = (tail + chunk)[-32:]
                    continue
                found = True
                chunk = (tail + chunk)[at:]
                tail = b""
            tail += chunk
    return parse_merges(tail)


def parse_merges(tail: bytes) -> list[tuple[int, int, int, int]]:
    """The ranges of the <mergeCell> elements in a piece of a worksheet part."""
    out = []
    for m in _MERGE.finditer(tail):
        c0, r0 = _col(m.group(2).decode().upper()), int(m.group(3)) - 1
        c1, r1 = (_col(m.group(4).decode().upper()), int(m.group(5)) - 1) if m.group(4) else (c0, r0)
        out.append((r0, c0, r1, c1))
    return out
