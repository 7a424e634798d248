"""Open a spreadsheet file and hand out its sheets as grids of text.

A grid is a `pyarrow.Table` of string columns c0, c1, …; row i of the table is the sheet's
row i + 1 (leading blank rows are kept so row numbers match what the clerk sees).  Excel,
WPS and LibreOffice formats go through fastexcel (Rust calamine); CSV through the csv module
after the encoding is detected.  Files are only ever opened for reading.

Before a parser sees a file it is checked against the caps of `limits` (zip bombs, allocation
bombs, oversized text files); whatever a file's content, the outcome is a Grid or an
InputError naming the file and the reason in a clerk's words — never a crash, even when the
Rust reader panics.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import sys
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import limits
from .errors import InputError

EXCEL = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
TEXT = {".csv", ".tsv", ".txt"}
COLUMNAR = {".parquet"}
SUPPORTED = EXCEL | TEXT | COLUMNAR
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_ZIP_EMPTY = b"PK\x05\x06"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

# calamine reports through Python logging ("ods row repeat count capped …"): nothing below the
# CLI prints, so its records stop here instead of reaching stderr through logging's last resort.
for _name in ("calamine", "fastexcel"):
    logging.getLogger(_name).addHandler(logging.NullHandler())
_FOREIGN = {
    ".et": "WPS .et files: save as .xlsx first (WPS: 文件 → 另存为 → Excel 工作簿)",
    ".ett": "WPS template: save as .xlsx first",
    ".numbers": "Apple Numbers file: export it as .xlsx first",
    ".fods": "flat ODS (.fods) is not supported: save it as .ods or .xlsx",
    ".xml": "Excel 2003 XML is not supported: save it as .xlsx",
    ".htm": "a web page (HTML), not a spreadsheet: open it in Excel or WPS and save it as .xlsx",
    ".html": "a web page (HTML), not a spreadsheet: open it in Excel or WPS and save it as .xlsx",
    ".mht": "a web archive (MHT), not a spreadsheet: open it in Excel or WPS and save it as .xlsx",
    ".slk": "SYLK (.slk) files are not supported: open it in Excel and save it as .xlsx",
    ".dif": "DIF (.dif) files are not supported: open it in Excel and save it as .xlsx",
    ".wk1": "a Lotus 1-2-3 file: open it in Excel and save it as .xlsx",
    ".wks": "a Works/Lotus file: open it in Excel and save it as .xlsx",
    ".doc": "a Word document, not a spreadsheet",
    ".docx": "a Word document, not a spreadsheet",
    ".pdf": "a PDF, not a spreadsheet: ask for the Excel file",
}


@dataclass
class Grid:
    file: Path
    sheet: str
    table: object  # pyarrow.Table of strings (Parquet: typed columns, see `names`)
    hidden: bool = False
    names: list | None = None  # a Parquet file's column names: its header row, not in `table`

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
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if not head:
        raise InputError(f"{path}: empty file (0 bytes)")
    if head.startswith(_OLE):
        if _encrypted_ole(path):
            raise InputError(f"{path}: 受密码保护的工作簿，请先在 Excel 中取消密码 (password-protected workbook: remove the password in Excel first)")
        return "excel"
    if head.startswith(_ZIP) or head.startswith(_ZIP_EMPTY):
        _check_zip(path)
        return "excel"
    if ext in EXCEL:
        return _text_in_excel_name(path, head)
    if ext in TEXT or ext == "":
        return "csv"
    raise InputError(f"{path}: not a spreadsheet (expected .xlsx, .xlsm, .xls, .ods or .csv)")


def _text_in_excel_name(path: Path, head: bytes) -> str:
    """A file named .xls/.xlsx that is not a workbook inside: other systems often export a web
    page, an Excel 2003 XML file or tab-separated text under an .xls name."""
    text = _head_text(head)
    if text is None:
        if head.startswith(b"\x00\x00\x02\x00") or (head[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")
                                                     and 4 <= int.from_bytes(head[2:4], "little") <= 20):
            raise InputError(f"{path}: a very old Excel file (Excel 4 or earlier, or Lotus): open it in Excel and "
                             "save it as .xlsx")
        raise InputError(f"{path}: not a spreadsheet: the content is not an Excel or ODS workbook "
                         "(damaged, or another kind of file renamed)")
    low = text.lstrip().lower()
    if low.startswith(("<html", "<!doctype html", "<table", "<head", "<meta", "<body")) or "<html" in low[:1000]:
        raise InputError(f"{path}: not a real Excel file: a web page (HTML) saved with an Excel name by another "
                         "system; open it in Excel or WPS and save it as .xlsx")
    if "urn:schemas-microsoft-com:office:spreadsheet" in low or low.startswith("<?xml"):
        raise InputError(f"{path}: not a real Excel file: Excel 2003 XML saved with an Excel name; open it in Excel "
                         "or WPS and save it as .xlsx")
    if low.startswith(("mime-version", "content-type")):
        raise InputError(f"{path}: not a real Excel file: a web archive (MHT) saved with an Excel name; open it in "
                         "Excel or WPS and save it as .xlsx")
    if low.startswith(("id;p", "table\r\n0,1", "table\n0,1")):
        raise InputError(f"{path}: not a real Excel file: SYLK or DIF text saved with an Excel name; open it in "
                         "Excel and save it as .xlsx")
    lines = text.splitlines()
    first = lines[0] if lines else ""
    if path.suffix.lower() == ".xls" and len(lines) > 1 and ("\t" in first or first.count(",") >= 2):
        return "csv"  # tab- or comma-separated text that a payroll system exported as ".xls": read it as such
    raise InputError(f"{path}: not a spreadsheet: plain text, not an Excel workbook")


def _head_text(head: bytes) -> str | None:
    """The first bytes as text, or None when they are binary."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
        except UnicodeError:
            return None
    if b"\x00" in head:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:  # cut in the middle of a character
                return head[:exc.start].decode(encoding, errors="replace")
    return None


def _encrypted_ole(path: Path) -> bool:
    try:
        import msoffcrypto

        with path.open("rb") as fh:
            return bool(msoffcrypto.OfficeFile(fh).is_encrypted())
    except Exception:  # not an Office file msoffcrypto knows: let the reader judge it
        return False


def _check_zip(path: Path) -> None:
    limits.check_members(path)
    try:
        with zipfile.ZipFile(path) as zf:
            limits.check_zip(path, zf)  # from the directory alone, before anything is unpacked
            names = set(zf.namelist())
            if "META-INF/manifest.xml" in names and \
                    b"encryption-data" in limits.read_member(path, zf, "META-INF/manifest.xml"):
                raise InputError(f"{path}: 受密码保护的工作簿，请先取消密码 (password-protected ODS: remove the password first)")
            if "EncryptedPackage" in names:
                raise InputError(f"{path}: 受密码保护的工作簿，请先在 Excel 中取消密码 (password-protected workbook)")
            if "word/document.xml" in names:
                raise InputError(f"{path}: a Word document, not a spreadsheet")
            if not any(n.startswith("xl/") or n in ("content.xml", "[Content_Types].xml") for n in names):
                if "word/document.xml" in names:
                    raise InputError(f"{path}: a Word document, not a spreadsheet")
                if "ppt/presentation.xml" in names:
                    raise InputError(f"{path}: a PowerPoint file, not a spreadsheet")
                if "Index/Document.iwa" in names or any(n.startswith("Index/") for n in names):
                    raise InputError(f"{path}: Apple Numbers file: export it as .xlsx first")
                raise InputError(f"{path}: not a spreadsheet: a zip archive without a workbook inside")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, NotImplementedError,
            OSError) as exc:
        if isinstance(exc, NotImplementedError):
            raise InputError(f"{path}: cannot be read: packed with a method ttcalc does not know; save it again "
                             "from Excel or WPS") from None
        raise InputError(f"{path}: truncated or damaged file (the zip structure is broken); save it again from Excel") from None


def sheets(path: Path, wanted: list[str] | None = None) -> Iterator[Grid]:
    """Every sheet of a file as a Grid (a CSV file has one sheet, named after the file)."""
    if path.suffix.lower() in COLUMNAR and path.is_file():
        names, table = _parquet_table(path)
        yield Grid(path, path.stem, table, names=names)
        return
    how = sniff(path)
    if how == "csv":
        yield Grid(path, path.stem, _csv_table(path))
        return
    yield from _excel_grids(path, wanted)


def _excel_grids(path: Path, wanted: list[str] | None) -> Iterator[Grid]:
    import fastexcel

    guard = _SheetGuard(path)
    source: str | bytes = str(path)
    if guard.misnamed():  # an .xlsx renamed .xls (or the reverse): the reader trusts the name
        source = path.read_bytes()
    try:
        with _native_stderr_muted():
            reader = fastexcel.read_excel(source)
            names = list(reader.sheet_names)
    except BaseException as exc:  # a Rust panic derives from BaseException
        if not _reader_failure(exc):
            raise
        raise InputError(f"{path}: {_unreadable(path, exc)}") from None
    if wanted:
        missing = [w for w in wanted if w not in names]
        if missing:
            raise InputError(f"{path}: no sheet named {missing[0]!r}; sheets are: {', '.join(names)}")
        names = [n for n in names if n in wanted]
    for name in names:
        guard.check(name)  # the cell cap, before the reader allocates the sheet
        try:
            with _native_stderr_muted():
                sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string",
                                           whitespace_as_null=True)
                table = _as_table(sheet.to_arrow())
                hidden = sheet.visible != "visible"
            del sheet  # free calamine's cell range before the grid is processed
        except BaseException as exc:
            if not _reader_failure(exc):
                raise
            raise InputError(f"{path} [{name}]: {_unreadable(path, exc)}") from None
        if guard.kind == "ole":
            table = _without_nul(table)
        yield Grid(path, name, table, hidden)
        del table


def _without_nul(table):
    """Legacy .xls strings that some writers store in a form the reader leaves with a NUL after
    every letter ("N\x00o\x00r…"): the NULs go, the text reads again."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns, changed = [], False
    for col in table.columns:
        if pa.types.is_string(col.type) and pc.any(pc.match_substring(col, "\x00")).as_py():
            col = pc.replace_substring(col, "\x00", "")
            changed = True
        columns.append(col)
    return pa.table(columns, names=table.column_names) if changed else table


_MUTE = threading.Lock()
_muted = [0, None]  # readers inside the block, the saved descriptor 2


@contextmanager
def _native_stderr_muted():
    """Silence what the Rust reader writes straight to file descriptor 2 (a panic's message and
    backtrace): the panic itself becomes an InputError with one clerk's line.  Safe when
    several threads read workbooks at once: the first one in mutes, the last one out restores."""
    with _MUTE:
        if _muted[0] == 0:
            try:
                sys.stderr.flush()
                saved = os.dup(2)
                try:
                    null = os.open(os.devnull, os.O_WRONLY)
                    os.dup2(null, 2)
                    os.close(null)
                    _muted[1] = saved
                except OSError:
                    os.close(saved)
                    _muted[1] = None
            except (OSError, ValueError, AttributeError):
                _muted[1] = None
        _muted[0] += 1
    try:
        yield
    finally:
        with _MUTE:
            _muted[0] -= 1
            if _muted[0] == 0 and _muted[1] is not None:
                os.dup2(_muted[1], 2)
                os.close(_muted[1])
                _muted[1] = None


def _reader_failure(exc: BaseException) -> bool:
    """An error of the Rust reader on a file's content (a panic included), as opposed to
    Ctrl-C or an exit."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


class _SheetGuard:
    """Checks each sheet against the cell cap before fastexcel allocates it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.kind = None
        self.parts: dict[str, str] | None = None
        self.checked: set[str] = set()
        self.xls: dict[str, tuple[int, int]] | None = None
        try:
            with path.open("rb") as fh:
                head = fh.read(8)
        except OSError:
            return
        self.kind = "ole" if head.startswith(_OLE) else "zip" if head.startswith(_ZIP) else None

    def misnamed(self) -> bool:
        """True when the name says one Excel format and the content is another."""
        ext = self.path.suffix.lower()
        if ext not in EXCEL or self.kind is None:
            return False
        if self.kind == "ole":
            return ext != ".xls"
        try:
            with zipfile.ZipFile(self.path) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        family = ({".ods"} if "content.xml" in names else
                  {".xlsb"} if any(n.endswith("workbook.bin") for n in names) else {".xlsx", ".xlsm"})
        return ext not in family

    def check(self, sheet: str) -> None:
        lim = limits.current()
        if not lim.cells:
            return
        if self.kind == "ole":
            if self.xls is None:
                self.xls = limits.xls_dimensions(self.path)
            if sheet in self.xls:
                rows, cols = self.xls[sheet]
                limits.check_cells(self.path, sheet, rows, cols, lim)
            return
        if self.kind != "zip":
            return
        try:
            zf = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError):
            return  # sniff has judged the container; the reader says the rest
        with zf:
            if self.parts is None:
                self.parts = _sheet_parts(self.path, zf)
            member = self.parts.get(sheet)
            members = [member] if member else [m for m in _worksheet_members(zf) if m not in self.parts.values()]
            for m in members:
                if m in self.checked or m not in zf.NameToInfo:
                    continue
                self.checked.add(m)
                label = sheet if member else f"{sheet} ({m})"
                try:
                    if m.endswith(".bin"):
                        limits.xlsb_extent(self.path, zf, m, label, lim)
                    elif m.endswith(".xml"):
                        limits.xlsx_extent(self.path, zf, m, label, lim)
                except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
                        KeyError):
                    continue  # a damaged part: the reader reports it in its own words


def _worksheet_members(zf: zipfile.ZipFile) -> list[str]:
    return [n for n in zf.namelist() if re.search(r"(?:^|/)(?:worksheets|macrosheets|dialogsheets)/[^/]+\.(?:xml|bin)$", n)]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(path: Path, zf: zipfile.ZipFile) -> dict[str, str]:
    """{sheet name: zip member} from the workbook part and its relationships, parsed with
    defusedxml.  A declared DTD or entity in these parts is refused; anything else that cannot
    be parsed gives {} (every worksheet part is then checked)."""
    from defusedxml import DefusedXmlException

    names = set(zf.namelist())
    try:
        wb_part = "xl/workbook.xml"
        if "_rels/.rels" in names:
            root = limits.parse_xml(limits.read_member(path, zf, "_rels/.rels"))
            for rel in root.iter():
                if _local(rel.tag) == "Relationship" and rel.get("Type", "").endswith("/officeDocument"):
                    wb_part = _resolve("", rel.get("Target", ""))
                    break
        if wb_part not in names or not wb_part.endswith(".xml"):
            return {}
        base = wb_part.rsplit("/", 1)[0] if "/" in wb_part else ""
        rels_part = f"{base}/_rels/{wb_part.rsplit('/', 1)[-1]}.rels" if base else f"_rels/{wb_part}.rels"
        targets = {}
        if rels_part in names:
            for rel in limits.parse_xml(limits.read_member(path, zf, rels_part)).iter():
                if _local(rel.tag) == "Relationship":
                    targets[rel.get("Id")] = _resolve(base, rel.get("Target", ""))
        out = {}
        for el in limits.parse_xml(limits.read_member(path, zf, wb_part)).iter():
            if _local(el.tag) == "sheet":
                rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
                if el.get("name") is not None and rid in targets:
                    out[el.get("name")] = targets[rid]
        return out
    except DefusedXmlException:
        raise InputError(f"{path}: refused: the workbook's XML declares entities (a DTD), which Excel never "
                         "writes: a hostile or damaged file") from None
    except InputError:
        raise
    except Exception:  # noqa: BLE001 — malformed XML: let calamine judge the workbook
        return {}


def _resolve(base: str, target: str) -> str:
    import posixpath

    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target)) if base else posixpath.normpath(target)


def _as_table(batch):
    import pyarrow as pa

    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    return table.rename_columns([f"c{i}" for i in range(table.num_columns)])


_DAMAGED = re.compile(r"past end of file|fill whole buffer|unexpected ?eof|end of file|invalid checksum|corrupt|"
                      r"invalid (?:stored )?block|invalid zip|zip error|not a zip|truncat|out of range|"
                      r"EndOfFile|UnexpectedEof|invalid distance|invalid code|Invalid OLE|sector|"
                      r"failed to read|invalid data|short read", re.IGNORECASE)


def _unreadable(path: Path, exc: BaseException) -> str:
    """Why the reader failed, in a clerk's words (one line)."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    if type(exc).__name__ == "PanicException":
        return ("cannot be read: the workbook is damaged or written in a way the reader cannot follow; "
                "open it in Excel or WPS and save it again as .xlsx")
    if isinstance(exc, MemoryError):
        return "too big to read in the memory available: split it, or read it on a larger machine"
    m = re.search(r"Cell limit exceeded \((\d+) cells requested, max (\d+)\)", text)
    if m:
        return (f"refused: a sheet would span {int(m.group(1)):,} cells (the reader's limit is "
                f"{int(m.group(2)):,}): an allocation bomb or a damaged file")
    if re.search(r"unrecognized entity|DOCTYPE|DTD", text, re.IGNORECASE):
        return ("refused: the workbook's XML uses entities (a DTD), which Excel never writes: a hostile or "
                "damaged file; ttcalc does not expand them")
    if "Cannot detect file format" in text:
        if path.suffix.lower() in (".xls", ".xlsx", ".xlsm", ".xlsb") and _ole_streams(path) & {"worddocument"}:
            return "a Word document, not a spreadsheet"
        return "the format is not recognised; it may be damaged, encrypted or not a spreadsheet"
    if re.search(r"password|encrypt", text, re.IGNORECASE):
        return "受密码保护的工作簿，请先在 Excel 中取消密码 (password-protected workbook: remove the password in Excel first)"
    if "Unrecognized sheet" in text or "macrosheet" in text or "dialogsheet" in text:
        return ("it holds an Excel 4 macro or dialog sheet that ttcalc cannot read; copy the data sheets into a "
                "new workbook and save it as .xlsx")
    m = re.search(r"Codepage (\w+) not found", text)
    if m:
        return (f"written in a character set (code page {m.group(1)}) the reader does not know, by an old or "
                "non-Excel program; open it in Excel or WPS and save it as .xlsx")
    if _DAMAGED.search(text):
        return "truncated or damaged file: save it again from Excel or WPS (or ask for a fresh copy)"
    detail = re.sub(r"\s+", " ", first)[:160]
    return f"cannot be read as a workbook ({detail})"


def _ole_streams(path: Path) -> set[str]:
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            return {"/".join(e).lower() for e in ole.listdir()}
    except Exception:  # noqa: BLE001
        return set()


def decode(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-16 with a BOM (Excel's "Unicode text"), UTF-8 (with or without
    BOM), else GB18030 (a superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
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


_SNIFF_CHARS = 8192  # csv.Sniffer is quadratic in places: a bounded sample keeps it fast
_MAX_COLUMNS = 16_384  # as many as an .xlsx sheet holds


def _parquet_table(path: Path):
    from .bigfiles import parquet_table

    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
        if magic != b"PAR1":
            raise InputError(f"{path}: not a Parquet file (it does not start with PAR1)")
        return parquet_table(path)
    except InputError:
        raise
    except Exception as exc:  # pyarrow says why: truncated footer, unknown codec …
        raise InputError(f"{path}: cannot be read as Parquet ({str(exc).splitlines()[0][:160]})") from None


def _big_csv(path: Path):
    """A CSV too big for the csv module: encoding and dialect from its first 256 KB, the rest
    read columnar (bigfiles)."""
    from .bigfiles import csv_table

    with path.open("rb") as fh:
        head = fh.read(256 * 1024)
    for cut in range(4):  # a multi-byte character may straddle the cut
        try:
            text, encoding = decode(head[: len(head) - cut])
            break
        except (ValueError, LookupError):
            continue
    else:
        raise InputError(f"{path}: not a readable CSV (unknown text encoding; save it as UTF-8)")
    encoding = "utf-8" if encoding == "utf-8-sig" and not head.startswith(b"\xef\xbb\xbf") else encoding
    try:
        dialect = csv.Sniffer().sniff(text[:_SNIFF_CHARS], delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    try:
        return csv_table(path, encoding, dialect)
    except Exception as exc:  # pyarrow's parse errors name the line
        raise InputError(f"{path}: not a readable CSV ({str(exc).splitlines()[0][:160]})") from None


def _csv_table(path: Path):
    import pyarrow as pa

    from .bigfiles import BIG_CSV_BYTES

    limits.check_csv(path)
    if path.stat().st_size > BIG_CSV_BYTES:
        return _big_csv(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from None
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in data[:4096]:
        raise InputError(f"{path}: not a spreadsheet: binary content in a text file")
    try:
        text, _encoding = decode(data)
    except (ValueError, LookupError):
        raise InputError(f"{path}: not a readable CSV (unknown text encoding; save it as UTF-8)") from None
    del data
    if "\x00" in text:
        text = text.replace("\x00", "")
    sample = text[:_SNIFF_CHARS]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV ({str(exc).splitlines()[0][:120]})") from None
    del text
    width = max((len(r) for r in rows), default=0)
    if width > _MAX_COLUMNS:
        raise InputError(f"{path}: refused: a line has {width:,} fields (an .xlsx sheet holds {_MAX_COLUMNS:,} "
                         "columns): not a table, or the wrong separator")
    limits.check_cells(path, path.stem, len(rows), width)
    columns = [[(r[i] if i < len(r) and r[i] != "" else None) for r in rows] for i in range(width)]
    return pa.table({f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(columns)})
