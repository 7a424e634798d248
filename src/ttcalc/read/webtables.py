"""Payroll-system exports that are not binary workbooks: an HTML table or Excel 2003 XML
(SpreadsheetML) saved under an .xls/.xml name.  Read like any workbook, into Grids.

The encoding comes from the file (a BOM, the meta charset of a web page, the XML
declaration), else is detected (UTF-8, then GB18030, which covers GB2312 and GBK).  HTML is
parsed with lxml's HTML parser (no network, no entities); XML with defusedxml (DTDs refused).
The caps of `limits` apply: the file's size as for a text file, and the cell count of every
table.  Merged cells (rowspan/colspan, ss:MergeDown/MergeAcross) keep their value in the
top-left cell, as the binary readers give it, and the ranges travel with the grid.
"""

from __future__ import annotations

import re
from pathlib import Path

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.read import limits
from ttcalc.read.grid import Grid

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_XMLDECL = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_\-]+)""")


def decode(data: bytes) -> str:
    """The text of an exported file: BOM, declared charset, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    m = _XMLDECL.match(data.lstrip()[:200]) or _META.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii").lower()
        name = "gb18030" if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936") else name
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("gb18030", errors="replace")


def _grid(path: Path, name: str, rows: list[list], merged: list) -> Grid:
    import pyarrow as pa

    width = max((len(r) for r in rows), default=0)
    limits.check_cells(path, name, len(rows), width)
    cols = [pa.array([(r[i] if i < len(r) else None) for r in rows], pa.string()) for i in range(width)]
    grid = Grid(path, name, pa.table(cols, names=[f"c{i}" for i in range(width)]))
    grid.merges = merged
    return grid


def _place(rows: list[list], r: int, c: int, value) -> None:
    while len(rows) <= r:
        rows.append([])
    row = rows[r]
    while len(row) <= c:
        row.append(None)
    row[c] = value


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.replace("\xa0", " ").strip()
    return text or None


def html_grids(path: Path, data: bytes | None = None):
    """Every <table> of a web page as a sheet (named after the file; Table2, … after it)."""
    limits.check_csv(path)
    from lxml import etree, html

    text = decode(data if data is not None else path.read_bytes())
    try:
        parser = html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=True, huge_tree=False)
        root = html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(msg("read.web.html_unreadable", file=str(path), why=str(exc)[:80])) from None
    tables = [t for t in root.iter("table") if not any(a.tag == "table" for a in t.iterancestors())]
    if not tables:
        raise InputError(msg("read.web.html_no_table", file=str(path)))
    for n, table in enumerate(tables):
        rows: list[list] = []
        taken: set[tuple[int, int]] = set()
        merged = []
        r = 0
        for tr in table.iter("tr"):
            c = 0
            for cell in tr:
                if cell.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    c += 1
                down = _span(cell.get("rowspan"))
                across = _span(cell.get("colspan"))
                _place(rows, r, c, _clean(cell.text_content()))
                for dr in range(down):
                    for dc in range(across):
                        taken.add((r + dr, c + dc))
                if down > 1 or across > 1:
                    merged.append((r, c, r + down - 1, c + across - 1))
                c += across
            if not rows or len(rows) <= r:
                _place(rows, r, 0, None)
            r += 1
        # the sheet is named for what the file is: an error about it then says so
        yield _grid(path, "web page (HTML)" if n == 0 else f"web page (HTML) table {n + 1}", rows, merged)


def _span(value) -> int:
    try:
        return max(1, min(int(str(value).strip()), 10_000))
    except (TypeError, ValueError):
        return 1


_SS = "urn:schemas-microsoft-com:office:spreadsheet"


def xml2003_grids(path: Path, data: bytes | None = None):
    """Every <Worksheet> of an Excel 2003 XML file as a sheet."""
    limits.check_csv(path)
    from defusedxml import DefusedXmlException

    try:
        root = limits.parse_xml(data if data is not None else path.read_bytes())
    except DefusedXmlException:
        raise InputError(msg("read.web.xml_dtd", file=str(path))) from None
    except Exception as exc:  # noqa: BLE001 — a parse error of a damaged export
        raise InputError(msg("read.web.xml2003_unreadable", file=str(path), why=str(exc)[:80])) from None
    q = lambda tag: f"{{{_SS}}}{tag}"  # noqa: E731
    sheets = list(root.iter(q("Worksheet")))
    if not sheets:
        raise InputError(msg("read.web.xml2003_no_sheet", file=str(path)))
    for ws in sheets:
        name = ws.get(q("Name")) or f"Sheet{len(sheets)}"
        rows: list[list] = []
        merged = []
        r = -1
        for table in ws.iter(q("Table")):
            for row in table.iter(q("Row")):
                r = int(row.get(q("Index"))) - 1 if row.get(q("Index")) else r + 1
                c = -1
                for cell in row.iter(q("Cell")):
                    c = int(cell.get(q("Index"))) - 1 if cell.get(q("Index")) else c + 1
                    data = cell.find(q("Data"))
                    value = "".join(data.itertext()) if data is not None else None
                    _place(rows, r, c, _clean(value))
                    down, across = int(cell.get(q("MergeDown"), 0)), int(cell.get(q("MergeAcross"), 0))
                    if down or across:
                        merged.append((r, c, r + down, c + across))
                    c += across
            break  # one Table per Worksheet
        hidden = any(o.tag == "{urn:schemas-microsoft-com:office:excel}Visible" and (o.text or "").strip()
                     in ("SheetHidden", "SheetVeryHidden") for o in ws.iter())
        grid = _grid(path, name, rows, merged)
        grid.hidden = hidden
        yield grid
