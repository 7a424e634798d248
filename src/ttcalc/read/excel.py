"""Excel, WPS and LibreOffice workbooks (.xlsx .xlsm .xls .xlsb .ods) read through fastexcel
(Rust calamine) as grids of text, each sheet checked against the caps before it is loaded;
the reader's panics and errors become one line in a clerk's words."""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ttcalc.core.errors import InputError
from ttcalc.core.msg import Msg, msg
from ttcalc.read import limits
from ttcalc.read.grid import Grid
from ttcalc.read.sheetguard import SheetGuard


def excel_grids(path: Path, wanted: list[str] | None, data: bytes | None = None,
                typed: bool = False) -> Iterator[Grid]:
    """The sheets of a workbook, from its bytes (read once by limits.read_input, so the caps are
    checked on exactly what the reader parses, and a file name in any encoding is no
    obstacle)."""
    import fastexcel

    if data is None:
        data = limits.read_input(path, limits.current().unzipped)
    guard = SheetGuard(path, data)
    guard.before_open()  # an .ods is parsed whole when opened: its repeats are counted first
    source: bytes = data
    lazy = typed and guard.kind == "zip" and len(data) >= LAZY_READER_BYTES
    names = _part_names(guard) if lazy else []
    try:
        if names:  # a big workbook's sheets named by its workbook part: calamine opens it (and
            reader = _Reopen(source)  # reads its shared strings) only if a sheet is not streamed
        else:
            with _native_stderr_muted():
                reader = fastexcel.read_excel(source)
                names = list(reader.sheet_names)
    except BaseException as exc:  # a Rust panic derives from BaseException
        if not _reader_failure(exc):
            raise
        raise InputError(msg("read.error.file", file=str(path), reason=_unreadable(path, exc))) from None
    if wanted:
        missing = [w for w in wanted if w not in names]
        if missing:
            raise InputError(msg("read.book.no_sheet", file=str(path), sheet=missing[0], sheets=", ".join(names)))
        names = [n for n in names if n in wanted]
    lim = limits.current()
    if lim.sheets and len(names) > lim.sheets:
        raise InputError(msg("read.book.too_many_sheets", file=str(path), n=len(names), limit=lim.sheets))
    if lazy and not isinstance(reader, _Reopen):
        reader = _Reopen(source)  # a big workbook's bytes not held twice while DuckDB streams it
    # a big .xlsx still on disk as read: its big sheets are read from the file (DuckDB streams it
    # from there too), and the bytes in hand let go once every sheet is listed (see the end)
    disk = _on_disk(path, len(data)) if isinstance(reader, _Reopen) and typed else None
    guard.disk = disk[0] if disk is not None else None
    del data, source  # held by the guard (and the reader) alone from here on
    early = [True]  # only a workbook's first big sheet is parsed before it is asked for
    for name in names:
        cells = guard.check(name)  # the cell cap, before the reader allocates the sheet
        lazy = _typed_grid(path, guard, reader, name, cells, early) if typed else None
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
            raise InputError(msg("read.error.sheet", file=str(path), sheet=name, reason=_unreadable(path, exc))) from None
        if guard.kind == "ole":
            table = _without_nul(table)
        grid = Grid(path, name, table, hidden, cropped=True)
        member = (guard.parts or {}).get(name) if guard.kind == "zip" and not guard.misnamed() else None
        zf = guard.disk or guard.zip()  # the file itself where the bytes in hand are let go
        if member and member.endswith(".xml") and zf is not None and member in zf.NameToInfo:
            from ttcalc.read import xlsxfast

            grid.merges = xlsxfast.LazyMerges(zf, member)  # from the sheet's XML, not a second parse
        yield grid
        del table
    if disk is not None:  # every sheet listed: the general ones loaded, the big ones read from the file
        reader.detach(path, disk[1])
        guard.release()


LAZY_READER_BYTES = 8 * 2**20


def _part_names(guard) -> list[str]:
    """The sheet names of an .xlsx in workbook order, from its workbook part; [] when they
    cannot be taken from it (calamine names them)."""
    from ttcalc.read.sheetguard import sheet_parts

    zf = guard.zip()
    if zf is None or guard.path.suffix.lower() not in (".xlsx", ".xlsm") or guard.misnamed():
        return []
    if guard.parts is None:
        guard.parts = sheet_parts(guard.path, zf)
    parts = guard.parts  # only worksheets (a chart sheet is not among calamine's names)
    return list(parts) if parts and all("/worksheets/" in f"/{m}" and m in zf.NameToInfo for m in parts.values()) else []


class _Reopen:
    """fastexcel's reader holds a copy of the workbook's bytes: for a big workbook it is opened
    again only when a sheet is loaded by it (one not streamed by read.xlsxstream), and kept.
    Its bytes are let go once every sheet is listed (`detach`): a sheet not streamed then reads
    the file again, refused if it is not the file the checks were made on."""

    def __init__(self, source: bytes) -> None:
        self.source, self.reader = source, None
        self.path, self.seen = None, None

    def detach(self, path: Path, seen: tuple) -> None:
        self.source, self.path, self.seen = None, path, seen

    def load_sheet(self, *args, **kwargs):
        import fastexcel

        if self.reader is None:
            if self.source is None:
                data = limits.read_input(self.path, limits.current().unzipped)
                if (len(data), *_identity(self.path)[1:]) != self.seen:
                    raise InputError(msg("read.file.changed_while_read", file=str(self.path)))
                self.source = data
            self.reader = fastexcel.read_excel(self.source)
        return self.reader.load_sheet(*args, **kwargs)


def _identity(path: Path) -> tuple:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ino


def _on_disk(path: Path, size: int):
    """(a zip over the file itself, what identifies it) when it still holds `size` bytes — the
    bytes in hand — so they need not be kept; else None."""
    import zipfile

    try:
        seen = _identity(path)
        if seen[0] != size:
            return None
        return zipfile.ZipFile(path), seen
    except (OSError, ValueError, zipfile.BadZipFile):
        return None


def _typed_grid(path: Path, guard, reader, name: str, cells: int, early: list) -> Grid | None:
    """A big .xlsx sheet as a lazy Grid: its first rows as text now (streamed from the sheet's
    XML, for the header), then the rows below the header loaded once, typed (read.xlsxfast).
    None when the sheet goes the general way (small, not .xlsx, a part we do not follow)."""
    from ttcalc.read import xlsxfast

    if (guard.kind != "zip" or path.suffix.lower() not in (".xlsx", ".xlsm") or cells < xlsxfast.TYPED_MIN_CELLS
            or guard.misnamed()):
        return None
    zf = guard.disk or guard.zip()
    member = (guard.parts or {}).get(name)
    if zf is None or not member or member not in zf.NameToInfo or not member.endswith(".xml"):
        return None
    if guard.hidden is None:
        guard.hidden = xlsxfast.hidden_sheets(path, zf)
    from ttcalc.read import xlsxscan, xlsxstream


    size = len(guard.data)

    def start():
        return None if name in guard.hidden else xlsxstream.start(path, size, zf, member, name, cells)

    # the first big sheet: DuckDB parses it from now on, while its first rows are read and the
    # header found; the others when they are read (sheets are read in turn: one parse at a time)
    stream = start() if early[0] else None
    if stream is not None:
        early[0] = False
    try:
        head = xlsxfast.head_rows(zf, member)
    except Exception:  # noqa: BLE001 — a DTD, damaged XML: the general reader says why
        head = None
    if not head or not any(row and row[0] is not None for row in head):  # must start in column A
        if stream is not None:
            stream.cancel()
        return None
    import pyarrow as pa

    width = max(len(r) for r in head)
    table = pa.table([pa.array([r[i] if i < len(r) else None for r in head], pa.string()) for i in range(width)],
                     names=[f"c{i}" for i in range(width)])
    late = stream is None  # not started yet: started when the sheet is read
    if stream is not None and width > stream.width:  # the <dimension> is narrower than the first rows
        stream.cancel()
        stream = None

    def body(skip: int, strings: set[int], money: set[int], each=None):
        """The whole sheet, row i = sheet row i + 1: streamed as text by DuckDB when it reads
        the sheet as fastexcel would (read.xlsxstream); else the header rows empty, the rows
        below typed; a sheet whose amounts are not numbers or text: all text, the general way."""
        nonlocal stream, late
        if late:
            late, stream = False, start()
            if stream is not None and width > stream.width:
                stream.cancel()
                stream = None
        current, stream = stream, None  # a stream is read once
        streamed = current.result(skip, frozenset(strings), frozenset(money), each) if current is not None else None
        if streamed is None and each is not None:
            each.discard()  # the batches it saw are not the sheet read
        if streamed is not None:
            merges.found, merges.zf = current.scan.merges, None  # found by the stream's scan of the XML
            return streamed
        merges.prefetch()
        kinds = xlsxscan.Kinds(zf, member)  # booleans or errors: the typed load would misread them
        try:
            with limits.allocation(path, name, cells), _native_stderr_muted():
                loaded = xlsxfast.load_body(reader, name, skip, strings, money)
                if loaded is not None and kinds.found():
                    loaded = None
                if loaded is None:
                    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string",
                                              whitespace_as_null=True)
                    return _as_table(sheet.to_arrow())
        except BaseException as exc:
            if not _reader_failure(exc):
                raise
            raise InputError(msg("read.error.sheet", file=str(path), sheet=name, reason=_unreadable(path, exc))) from None
        cols = [pa.chunked_array([pa.nulls(skip, c.type)] + c.chunks, c.type) for c in loaded.columns]
        return pa.table(cols, names=loaded.column_names)

    merges = xlsxfast.LazyMerges(zf, member)
    grid = Grid(path, name, table, name in guard.hidden, body=body)
    if stream is not None:
        import weakref

        weakref.finalize(grid, stream.cancel)  # a sheet left unread (no header …) stops its stream
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


def _as_table(batch):
    import pyarrow as pa

    table = pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
    return table.rename_columns([f"c{i}" for i in range(table.num_columns)])


_DAMAGED = re.compile(r"past end of file|fill whole buffer|unexpected ?eof|end of file|invalid checksum|corrupt|"
                      r"invalid (?:stored )?block|invalid zip|zip error|not a zip|truncat|out of range|"
                      r"EndOfFile|UnexpectedEof|invalid distance|invalid code|Invalid OLE|sector|"
                      r"failed to read|invalid data|short read", re.IGNORECASE)


def _unreadable(path: Path, exc: BaseException) -> Msg:
    """Why the reader failed, in a clerk's words (one line)."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    if type(exc).__name__ == "PanicException":
        return msg("read.book.panic")
    if isinstance(exc, MemoryError):
        return msg("read.book.memory")
    m = re.search(r"Cell limit exceeded \((\d+) cells requested, max (\d+)\)", text)
    if m:
        return msg("read.book.cell_limit", cells=int(m.group(1)), limit=int(m.group(2)))
    if re.search(r"unrecognized entity|DOCTYPE|DTD", text, re.IGNORECASE):
        return msg("read.book.dtd")
    if "Cannot detect file format" in text:
        if path.suffix.lower() in (".xls", ".xlsx", ".xlsm", ".xlsb") and _ole_streams(path) & {"worddocument"}:
            return msg("read.foreign.word")
        return msg("read.book.unknown_format")
    if re.search(r"password|encrypt", text, re.IGNORECASE):
        return msg("read.book.password")
    if "Unrecognized sheet" in text or "macrosheet" in text or "dialogsheet" in text:
        return msg("read.book.macro_sheet")
    m = re.search(r"Codepage (\w+) not found", text)
    if m:
        return msg("read.book.codepage", page=m.group(1))
    if _DAMAGED.search(text):
        return msg("read.book.damaged")
    detail = re.sub(r"\s+", " ", first)[:160]
    return msg("read.book.unreadable", detail=detail)


def _ole_streams(path: Path) -> set[str]:
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            return {"/".join(e).lower() for e in ole.listdir()}
    except Exception:  # noqa: BLE001
        return set()

