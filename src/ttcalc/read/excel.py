"""Excel, WPS and LibreOffice workbooks (.xlsx .xlsm .xls .xlsb .ods) read through fastexcel
(Rust calamine) as grids of text, each sheet checked against the caps before it is loaded;
the reader's panics and errors become one line in a clerk's words."""

from __future__ import annotations

import os
import re
import sys
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ttcalc.core.errors import InputError
from ttcalc.read import extent, limits
from ttcalc.read.grid import EXCEL, OLE_MAGIC, ZIP_MAGIC, Grid


def excel_grids(path: Path, wanted: list[str] | None, data: bytes | None = None,
                typed: bool = False) -> Iterator[Grid]:
    """The sheets of a workbook, from its bytes (read once by limits.read_input, so the caps are
    checked on exactly what the reader parses, and a file name in any encoding is no
    obstacle)."""
    import fastexcel

    if data is None:
        data = limits.read_input(path, limits.current().unzipped)
    guard = _SheetGuard(path, data)
    guard.before_open()  # an .ods is parsed whole when opened: its repeats are counted first
    source: bytes = data
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
    lim = limits.current()
    if lim.sheets and len(names) > lim.sheets:
        raise InputError(f"{path}: refused: the workbook has {len(names):,} sheets (limit {lim.sheets:,}); "
                         "raise TTCALC_MAX_SHEETS if it is genuine, or name the sheets to read with --sheet")
    for name in names:
        cells = guard.check(name)  # the cell cap, before the reader allocates the sheet
        lazy = _typed_grid(path, guard, reader, name, cells) if typed else None
        if lazy is not None:
            yield lazy
            continue
        try:
            with limits.allocation(path, name, cells), _native_stderr_muted():
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
        grid = Grid(path, name, table, hidden)
        member = (guard.parts or {}).get(name) if guard.kind == "zip" and not guard.misnamed() else None
        if member and member.endswith(".xml") and guard.zip() is not None and member in guard.zip().NameToInfo:
            from ttcalc.read import xlsxfast

            grid.merges = xlsxfast.LazyMerges(guard.zip(), member)  # from the sheet's XML, not a second parse
        yield grid
        del table


def _typed_grid(path: Path, guard, reader, name: str, cells: int) -> Grid | None:
    """A big .xlsx sheet as a lazy Grid: its first rows as text now (streamed from the sheet's
    XML, for the header), then the rows below the header loaded once, typed (read.xlsxfast).
    None when the sheet goes the general way (small, not .xlsx, a part we do not follow)."""
    from ttcalc.read import xlsxfast

    if (guard.kind != "zip" or path.suffix.lower() not in (".xlsx", ".xlsm") or cells < xlsxfast.TYPED_MIN_CELLS
            or guard.misnamed()):
        return None
    zf = guard.zip()
    member = (guard.parts or {}).get(name)
    if zf is None or not member or member not in zf.NameToInfo or not member.endswith(".xml"):
        return None
    try:
        head = xlsxfast.head_rows(zf, member)
    except Exception:  # noqa: BLE001 — a DTD, damaged XML: the general reader says why
        return None
    if not head or not any(row and row[0] is not None for row in head):  # must start in column A
        return None
    import pyarrow as pa

    width = max(len(r) for r in head)
    table = pa.table([pa.array([r[i] if i < len(r) else None for r in head], pa.string()) for i in range(width)],
                     names=[f"c{i}" for i in range(width)])
    if guard.hidden is None:
        guard.hidden = xlsxfast.hidden_sheets(path, zf)

    def body(skip: int, strings: set[int], money: set[int]):
        """The whole sheet, row i = sheet row i + 1: the header rows empty, the rows below typed;
        a sheet whose amounts are not numbers or text: all text, the general way."""
        merges.prefetch()
        try:
            with limits.allocation(path, name, cells), _native_stderr_muted():
                loaded = xlsxfast.load_body(reader, name, skip, strings, money)
                if loaded is None:
                    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string",
                                              whitespace_as_null=True)
                    return _as_table(sheet.to_arrow())
        except BaseException as exc:
            if not _reader_failure(exc):
                raise
            raise InputError(f"{path} [{name}]: {_unreadable(path, exc)}") from None
        cols = [pa.chunked_array([pa.nulls(skip, c.type)] + c.chunks, c.type) for c in loaded.columns]
        return pa.table(cols, names=loaded.column_names)

    merges = xlsxfast.LazyMerges(zf, member)
    grid = Grid(path, name, table, name in guard.hidden, body=body)
    grid.merges = merges  # read.merges.ranges takes a grid's own merges
    return grid


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
            _abort_reported()
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


_REAL_STDERR: list = []


def _abort_reported() -> None:
    """An abort inside the Rust reader (an allocation that fails) ends the process at once, with
    stderr muted: faulthandler, writing to a copy of the real stderr, still says what happened."""
    if _REAL_STDERR:
        return
    try:
        import faulthandler

        copy = os.fdopen(os.dup(2), "w", closefd=True)
        _REAL_STDERR.append(copy)
        if not faulthandler.is_enabled():
            faulthandler.enable(file=copy, all_threads=False)
    except (OSError, ValueError, AttributeError, RuntimeError):
        _REAL_STDERR.append(None)


def _reader_failure(exc: BaseException) -> bool:
    """An error of the Rust reader on a file's content (a panic included), as opposed to
    Ctrl-C or an exit."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


class _SheetGuard:
    """Checks each sheet against the cell cap before fastexcel allocates it."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.data = data
        self.kind = None
        self.parts: dict[str, str] | None = None
        self.checked: set[str] = set()
        self.xls: dict[str, tuple[int, int]] | None = None
        self.ods: dict[str, tuple[int, int]] | None = None
        self._zf: zipfile.ZipFile | None = None
        self.hidden: set[str] | None = None  # hidden sheets, for the typed path (read.xlsxfast)
        head = data[:8]
        self.kind = "ole" if head.startswith(OLE_MAGIC) else "zip" if head.startswith(ZIP_MAGIC) else None

    def zip(self) -> zipfile.ZipFile | None:
        """The workbook's zip directory, parsed once (not once per sheet: 5,000 sheets stay linear)."""
        if self._zf is None:
            import io

            try:
                self._zf = zipfile.ZipFile(io.BytesIO(self.data))
            except (zipfile.BadZipFile, OSError, ValueError):
                return None
        return self._zf

    def misnamed(self) -> bool:
        """True when the name says one Excel format and the content is another."""
        ext = self.path.suffix.lower()
        if ext in (".et", ".ett"):  # WPS: a BIFF workbook inside, which the reader knows by content
            return self.kind == "ole"
        if ext not in EXCEL or self.kind is None:
            return False
        if self.kind == "ole":
            return ext != ".xls"
        zf = self.zip()
        if zf is None:
            return False
        names = set(zf.NameToInfo)
        family = ({".ods"} if "content.xml" in names else
                  {".xlsb"} if any(n.endswith("workbook.bin") for n in names) else {".xlsx", ".xlsm"})
        return ext not in family

    def before_open(self) -> None:
        zf = self.zip() if self.kind == "zip" else None
        if zf is not None and "content.xml" in zf.NameToInfo:
            self.check("")

    def check(self, sheet: str) -> int:
        """Refuse the sheet when it would span more cells than the cap; return its cells (an
        estimate, 0 when unknown) for the shared budget of reads in flight."""
        lim = limits.current()
        if not lim.cells:
            return 0
        if self.kind == "ole":
            if self.xls is None:
                self.xls = extent.xls_dimensions(self.data)
            if sheet in self.xls:
                rows, cols = self.xls[sheet]
                limits.check_cells(self.path, sheet, rows, cols, lim)
                return rows * cols
            return 0
        if self.kind != "zip":
            return 0
        zf = self.zip()
        if zf is None:
            return 0  # sniff has judged the container; the reader says the rest
        if "content.xml" in zf.NameToInfo:  # an .ods: its repeats counted
            if self.ods is None:
                try:
                    self.ods = extent.ods_extent(self.path, zf, lim)
                except InputError:
                    raise
                except Exception:  # noqa: BLE001 — damaged XML: the reader says why
                    self.ods = {}
            rows, cols = self.ods.get(sheet, (0, 0))
            return rows * cols
        if self.parts is None:
            self.parts = _sheet_parts(self.path, zf)
        member = self.parts.get(sheet)
        members = [member] if member else [m for m in _worksheet_members(zf) if m not in self.parts.values()]
        cells = 0
        for m in members:
            if m in self.checked or m not in zf.NameToInfo:
                continue
            self.checked.add(m)
            label = sheet if member else f"{sheet} ({m})"
            try:
                if m.endswith(".bin"):
                    extent.xlsb_extent(self.path, zf, m, label, lim)
                elif m.endswith(".xml"):
                    rows, cols = extent.xlsx_extent(self.path, zf, m, label, lim)
                    cells = max(cells, rows * cols)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
                    KeyError, TypeError):
                continue  # a damaged part: the reader reports it in its own words
        return cells


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

