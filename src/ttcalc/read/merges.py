"""Merged cells of a sheet, as the sheet's author meant them.

The grid readers give a merged cell's value in its top-left cell only.  A value merged down
a data column (单位 merged over each school's block of rows) means "every row it covers":
`fill_down` copies it into them.  The merge ranges come from python-calamine for .xlsx/.xls
and from the ODS content (table:number-rows-spanned); HTML and SpreadsheetML grids carry
their own.  Ranges are (first_row, first_col, last_row, last_col), 0-based, inclusive.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ttcalc.read import limits

Range = tuple[int, int, int, int]


def ranges(grid) -> list[Range]:
    """The merge ranges of a grid's sheet in the grid's columns ([] when none are known or they
    cannot be read): a sheet whose table starts right of column A (calamine's range begins at
    the first column with a value) has its ranges shifted left with it."""
    found = _sheet_ranges(grid)
    left = first_column(grid) if found and getattr(grid, "cropped", False) else 0
    if not left:
        return found
    return [(r0, c0 - left, r1, c1 - left) for r0, c0, r1, c1 in found if c0 >= left]


def first_column(grid) -> int:
    """The sheet column (0-based) where calamine's range, and so the grid, starts; 0 when it
    cannot be told (then the ranges are taken as they are)."""
    path: Path = grid.file
    try:
        if not path.is_file():
            return 0
        import python_calamine

        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(grid.sheet)
        if not sheet.start or sheet.width != grid.table.num_columns:  # not the range the grid came from
            return 0
        return int(sheet.start[1])
    except Exception:  # noqa: BLE001 — as the ranges themselves: a refinement
        return 0


def _sheet_ranges(grid) -> list[Range]:
    own = getattr(grid, "merges", None)
    if own is not None:
        return list(own)
    path: Path = grid.file
    if grid.names is not None or not path.is_file():
        return []
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
        if head == b"PK\x03\x04":
            with zipfile.ZipFile(path) as zf:
                if "content.xml" in zf.namelist():
                    return _ods_ranges(path, zf, grid.sheet)
        elif not head.startswith(b"\xd0\xcf"):
            return []
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_path(str(path))
        found = book.get_sheet_by_name(grid.sheet).merged_cell_ranges or []
        return [(a[0], a[1], b[0], b[1]) for a, b in found]
    except Exception:  # noqa: BLE001 — merges are a refinement: the grid is read without them
        return []


def _ods_ranges(path: Path, zf: zipfile.ZipFile, sheet: str) -> list[Range]:
    ns_t = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    root = limits.parse_xml(limits.read_member(path, zf, "content.xml", cap=256 * 2**20))
    for table in root.iter(f"{{{ns_t}}}table"):
        if table.get(f"{{{ns_t}}}name") != sheet:
            continue
        out: list[Range] = []
        r = 0
        for row in table.iter(f"{{{ns_t}}}table-row"):
            rrep = int(row.get(f"{{{ns_t}}}number-rows-repeated", "1"))
            c = 0
            for cell in row:
                tag = cell.tag.rsplit("}", 1)[-1]
                if tag not in ("table-cell", "covered-table-cell"):
                    continue
                crep = int(cell.get(f"{{{ns_t}}}number-columns-repeated", "1"))
                down = int(cell.get(f"{{{ns_t}}}number-rows-spanned", "1"))
                across = int(cell.get(f"{{{ns_t}}}number-columns-spanned", "1"))
                if tag == "table-cell" and (down > 1 or across > 1):
                    out.append((r, c, r + down - 1, c + across - 1))
                c += crep
            r += min(rrep, 1_000_000)
        return out
    return []


def fill_down(table, merged: list[Range], first_row: int, columns: set[int]):
    """The table with each value merged down one of `columns` (grid column indexes), in a
    range starting at or below `first_row` (0-based grid row), copied into every row the range
    covers.  Returns (table, the ranges filled)."""
    import pyarrow as pa

    todo = [m for m in merged if m[2] > m[0] and m[0] >= first_row and m[1] in columns
            and m[1] < table.num_columns and m[0] < table.num_rows]
    if not todo:
        return table, []
    by_col: dict[int, list[Range]] = {}
    for m in todo:
        by_col.setdefault(m[1], []).append(m)
    cols = list(table.columns)
    for ci, ms in by_col.items():
        values = cols[ci].to_pylist()
        for r0, _c0, r1, _c1 in ms:
            for r in range(r0 + 1, min(r1, len(values) - 1) + 1):
                if values[r] is None:
                    values[r] = values[r0]
        cols[ci] = pa.array(values, cols[ci].type)
    return pa.table(cols, names=table.column_names), sorted(todo)
