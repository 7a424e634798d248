"""Province-scale inputs: CSV past Excel's 1,048,576-row limit, and Parquet.

Both are read columnar by pyarrow, and only the columns ttcalc can use are kept (those whose
header matches a known field, plus the leading columns where totals and notes are written),
so memory grows with the columns used, not with the width of the sheet.  The result is a grid
like every other: string columns c0…, row i = line i + 1, the header rows included.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

BIG_CSV_BYTES = 32 * 2**20  # below this the csv module reads the whole file (ragged rows and all)
HEAD_LINES = 64
LEADING = 4  # leading columns always kept: "合计" and "注：" sit there


def useful(names: list[str]) -> list[int]:
    """Indexes of the columns worth reading: any known field of any kind, and the first few."""
    from ttcalc.read.fields import match, schema

    kinds = [schema(k) for k in ("payroll", "roster", "hours", "public_funds")]
    keep = []
    for i, name in enumerate(names):
        if i < LEADING or (name and any(match(str(name), k)[0] for k in kinds)):
            keep.append(i)
    return keep


def header_guess(rows: list[list[str]]) -> list[str]:
    """The widest row among the first lines, joined with the row below it: enough to tell which
    columns carry a known header (two-row headers included)."""
    width = max((len(r) for r in rows), default=0)
    best = max(range(len(rows)), key=lambda i: sum(1 for c in rows[i] if c), default=0)
    names = []
    for i in range(width):
        parts = [rows[j][i] for j in (best - 1, best, best + 1) if 0 <= j < len(rows) and i < len(rows[j])]
        names.append(" ".join(p for p in parts if p))
    return names


def csv_table(path: Path, encoding: str, dialect, data: bytes) -> object:
    """A big CSV (its bytes, read once): the first lines through the csv module (title lines,
    merged headers), the rest through pyarrow, only the useful columns, as strings."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    with io.TextIOWrapper(io.BytesIO(data[:HEAD_LINES * 65536]), encoding=encoding, newline="",
                          errors="replace") as fh:
        head_text = "".join(fh.readline() for _ in range(HEAD_LINES))
    head = list(csv.reader(io.StringIO(head_text, newline=""), dialect))
    width = max((len(r) for r in head), default=0)
    keep = useful(header_guess(head)) or list(range(width))
    names = [f"c{i}" for i in range(width)]
    ragged: list[str] = []  # lines with another number of fields: totals, notes (kept, see below)
    body = pacsv.read_csv(
        pa.BufferReader(data),
        read_options=pacsv.ReadOptions(skip_rows=len(head), column_names=names, encoding=encoding,
                                       block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=dialect.delimiter, quote_char=dialect.quotechar or '"',
                                         newlines_in_values=False,
                                         invalid_row_handler=lambda row: ragged.append(row.text) or "skip"),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             include_columns=[names[i] for i in keep],
                                             strings_can_be_null=True, null_values=[""]),
    )
    kept = [names[i] for i in keep]
    pieces = [_rows_table(head, keep, kept)]
    body = body.select(kept)
    if ragged:  # put each short line back where it stood, so row numbers stay true
        at = 0
        for line_no, text in _locate(data, encoding, ragged, len(head)):
            index = line_no - len(head) - 1 - (len(pieces) - 1) // 2  # body rows before it
            pieces.append(body.slice(at, index - at))
            pieces.append(_rows_table(list(csv.reader([text], dialect)), keep, kept))
            at = index
        pieces.append(body.slice(at))
    else:
        pieces.append(body)
    return _renumber(pa.concat_tables(pieces), keep)


def _rows_table(rows: list[list[str]], keep: list[int], kept: list[str]):
    import pyarrow as pa

    cols = [pa.array([(r[i] if i < len(r) and r[i] != "" else None) for r in rows], pa.string()) for i in keep]
    return pa.table(cols, names=kept)


def _locate(data: bytes, encoding: str, texts: list[str], head_lines: int) -> list[tuple[int, str]]:
    """The 1-based line numbers of the ragged lines pyarrow skipped (it does not number them
    when it reads in parallel), found in the file's bytes."""
    out = []
    offset, line = 0, 1
    for _ in range(head_lines):  # skip the head
        offset = data.find(b"\n", offset) + 1
        line += 1
    for text in texts:
        needle = text.encode(encoding)
        found = data.find(needle, offset)
        while found > 0 and data[found - 1] not in (10,):  # must start a line
            found = data.find(needle, found + 1)
        if found < 0:
            continue
        line += data.count(b"\n", offset, found)
        out.append((line, text))
        offset = found + len(needle)  # past it: the same text on the next line is another line
    return out


def _renumber(table, keep: list[int]):
    """Columns keep their sheet position in their names (c7 stays c7) — downstream only needs
    distinct names, so the kept columns are simply renamed c0… in order."""
    return table.rename_columns([f"c{j}" for j in range(len(keep))])


def parquet_table(path: Path, data: bytes | None = None):
    """A Parquet payroll: (header names, table).  Only useful columns are read, and they keep
    their types: amounts stored as numbers are summed without a detour through text.  The
    row count in the file's metadata is held to the cell cap before any column is read."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ttcalc.read import limits

    pf = pq.ParquetFile(pa.BufferReader(data) if data is not None else path)
    names = pf.schema_arrow.names
    keep = useful(names)
    rows = pf.metadata.num_rows
    limits.check_cells(path, path.stem, rows, max(len(keep), 1), how=" (from its metadata)")
    with limits.allocation(path, path.stem, rows * max(len(keep), 1)):
        table = pf.read(columns=[names[i] for i in keep])
    return [names[i] for i in keep], table.rename_columns([f"c{j}" for j in range(len(keep))])
