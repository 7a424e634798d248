"""A sheet as ttcalc reads it: a grid of text cells, and the file formats it comes from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXCEL = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


TEXT = {".csv", ".tsv", ".txt"}


COLUMNAR = {".parquet"}


SUPPORTED = EXCEL | TEXT | COLUMNAR


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


ZIP_MAGIC = b"PK\x03\x04"


ZIP_EMPTY_MAGIC = b"PK\x05\x06"


@dataclass
class Grid:
    file: Path
    sheet: str
    table: object  # pyarrow.Table of strings (Parquet: typed columns, see `names`)
    hidden: bool = False
    names: list | None = None  # a Parquet file's column names: its header row, not in `table`
    cropped: bool = False  # read by calamine: `table` starts at the sheet's first column with a
    # value (not column A), where merge ranges count from A (read.merges.ranges shifts them)
    body: object = None  # a big .xlsx (read.excel): `table` holds the first rows only, and
    # body(header_rows, text_columns, money_columns, each) gives the whole sheet, rows below the header
    # typed; a streamed sheet hands each batch to `each` (read.ahead) as it is parsed
