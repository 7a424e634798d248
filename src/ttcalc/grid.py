"""Open a spreadsheet file and hand out its sheets as grids of text.

A grid is a `pyarrow.Table` of string columns c0, c1, …; row i of the table is the sheet's
row i + 1 (leading blank rows are kept so row numbers match what the clerk sees).  Excel,
WPS and LibreOffice formats go through fastexcel (Rust calamine); CSV through the csv module
after the encoding is detected.  Files are only ever opened for reading.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

EXCEL = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT = {".csv", ".tsv", ".txt"}
SUPPORTED = EXCEL | TEXT
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_FOREIGN = {
    ".et": "WPS .et files: save as .xlsx first (WPS: 文件 → 另存为 → Excel 工作簿)",
    ".ett": "WPS template: save as .xlsx first",
    ".numbers": "Apple Numbers file: export it as .xlsx first",
    ".fods": "flat ODS (.fods) is not supported: save it as .ods or .xlsx",
    ".xml": "Excel 2003 XML is not supported: save it as .xlsx",
    ".doc": "a Word document, not a spreadsheet",
    ".docx": "a Word document, not a spreadsheet",
    ".pdf": "a PDF, not a spreadsheet: ask for the Excel file",
}


@dataclass
class Grid:
    file: Path
    sheet: str
    table: object  # pyarrow.Table of strings
    hidden: bool = False

    @property
    def height(self) -> int:
        return self.table.num_rows


def expand(paths: list[str]) -> list[Path]:
    """Files named on the command line; a folder stands for the spreadsheets in it."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(q for q in p.rglob("*")
                           if q.is_file() and q.suffix.lower() in SUPPORTED and not q.name.startswith(("~$", ".~")))
            if not found:
                raise InputError(f"{p}: folder holds no spreadsheet (.xlsx, .xls, .ods, .csv)")
            out.extend(found)
        elif any(ch in raw for ch in "*?[") and not p.exists():
            found = sorted(Path().glob(raw)) if not p.is_absolute() else sorted(Path("/").glob(raw.lstrip("/")))
            if not found:
                raise InputError(f"{raw}: no file matches this pattern")
            out.extend(q for q in found if q.is_file())
        else:
            out.append(p)
    return out


def sniff(path: Path) -> str:
    """Decide how to read a file: 'excel', 'csv', or raise InputError naming the reason."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder")
    name, ext = path.name, path.suffix.lower()
    if name.startswith("~$") or name.startswith(".~lock."):
        raise InputError(f"{path}: not a spreadsheet: this is an Office lock file (~$…) left by an open workbook")
    if ext in _FOREIGN:
        raise InputError(f"{path}: {_FOREIGN[ext]}")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if not head:
        raise InputError(f"{path}: empty file (0 bytes)")
    if head.startswith(_OLE):
        if _encrypted_ole(path):
            raise InputError(f"{path}: 受密码保护的工作簿，请先在 Excel 中取消密码 (password-protected workbook: remove the password in Excel first)")
        return "excel"
    if head.startswith(_ZIP):
        _check_zip(path)
        return "excel"
    if ext in EXCEL:
        raise InputError(f"{path}: not a spreadsheet: the content is not an Excel or ODS workbook")
    if ext in TEXT or ext == "":
        return "csv"
    raise InputError(f"{path}: not a spreadsheet (expected .xlsx, .xlsm, .xls, .ods or .csv)")


def _encrypted_ole(path: Path) -> bool:
    try:
        import msoffcrypto

        with path.open("rb") as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:  # not an Office file msoffcrypto knows: let the reader judge it
        return False


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "META-INF/manifest.xml" in names and b"encryption-data" in zf.read("META-INF/manifest.xml"):
                raise InputError(f"{path}: 受密码保护的工作簿，请先取消密码 (password-protected ODS: remove the password first)")
            if "EncryptedPackage" in names:
                raise InputError(f"{path}: 受密码保护的工作簿，请先在 Excel 中取消密码 (password-protected workbook)")
            if not any(n.startswith(("xl/", "content.xml")) or n == "content.xml" for n in names):
                if "word/document.xml" in names:
                    raise InputError(f"{path}: a Word document, not a spreadsheet")
                raise InputError(f"{path}: not a spreadsheet: a zip archive without a workbook inside")
    except zipfile.BadZipFile:
        raise InputError(f"{path}: truncated or damaged file (the zip structure is broken); save it again from Excel") from None


def sheets(path: Path, wanted: list[str] | None = None) -> Iterator[Grid]:
    """Every sheet of a file as a Grid (a CSV file has one sheet, named after the file)."""
    how = sniff(path)
    if how == "csv":
        yield Grid(path, path.stem, _csv_table(path))
        return
    yield from _excel_grids(path, wanted)


def _excel_grids(path: Path, wanted: list[str] | None) -> Iterator[Grid]:
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
    except Exception as exc:  # calamine says why in its own words
        raise InputError(f"{path}: cannot be read as a workbook ({_reason(exc)})") from None
    if wanted:
        missing = [w for w in wanted if w not in names]
        if missing:
            raise InputError(f"{path}: no sheet named {missing[0]!r}; sheets are: {', '.join(names)}")
        names = [n for n in names if n in wanted]
    for name in names:
        try:
            sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string",
                                       whitespace_as_null=True)
            table = _as_table(sheet.to_arrow())
            hidden = sheet.visible != "visible"
            del sheet  # free calamine's cell range before the grid is processed
        except Exception as exc:
            raise InputError(f"{path} [{name}]: cannot be read ({_reason(exc)})") from None
        yield Grid(path, name, table, hidden)
        del table


def _as_table(batch):
    import pyarrow as pa

    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    return table.rename_columns([f"c{i}" for i in range(table.num_columns)])


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "Cannot detect file format" in text:
        return "the format is not recognised; it may be damaged, encrypted or not a spreadsheet"
    return text[:160]


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is None:
        raise ValueError("unknown text encoding")
    return data.decode(best.encoding, errors="replace"), best.encoding


def _csv_table(path: Path):
    import pyarrow as pa

    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: not a spreadsheet: binary content in a text file")
    try:
        text, _encoding = decode(data)
    except ValueError:
        raise InputError(f"{path}: not a readable CSV (unknown text encoding; save it as UTF-8)") from None
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV ({exc})") from None
    width = max((len(r) for r in rows), default=0)
    columns = [[(r[i] if i < len(r) and r[i] != "" else None) for r in rows] for i in range(width)]
    return pa.table({f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(columns)})
