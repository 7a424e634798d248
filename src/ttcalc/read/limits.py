"""Caps that keep a hostile or broken file from exhausting memory or time.

Every workbook is checked before any parser touches it: an .xlsx/.xlsm/.xlsb/.ods file from
its zip directory (sizes and compression ratios, nothing is unpacked), then each sheet for
the number of cells the reader would allocate.  A file over a cap is refused with a one-line
message naming the file, the size found and the limit, and the variable that raises it.

The defaults are generous for real payrolls (a 1,000,000-row × 20-column sheet passes with
room to spare).  Each can be changed with an environment variable:

    TTCALC_MAX_UNZIPPED_MB   2048         total unpacked size of an .xlsx/.xlsm/.xlsb/.ods
                                          (sum of the member sizes in the zip directory)
    TTCALC_MAX_ZIP_RATIO     200          unpacked ÷ packed size of any member bigger than
                                          50 MB unpacked (real sheets pack 5–30:1; a zip bomb
                                          packs about 1000:1)
    TTCALC_MAX_CELLS         50000000     rows × columns of one sheet (the extent the reader
                                          allocates, from A1 to the last cell): from the
                                          sheet's <dimension>, verified against the cells
                                          themselves; for .xls from its DIMENSIONS record
    TTCALC_MAX_CSV_MB        1024         size of a .csv/.tsv/.txt file (counted on the bytes read)
    TTCALC_MAX_STRINGS_MB    512          the shared-strings part of an .xlsx, unpacked (counted
                                          on the bytes unpacked; its count of strings is held to
                                          TTCALC_MAX_CELLS)
    TTCALC_MAX_SHEETS        1000         sheets in one workbook
    TTCALC_MAX_MEMORY_MB     (RAM size)   the run's memory ceiling (RLIMIT_DATA, set by the
                                          command line): past it a read fails with MemoryError,
                                          worded and exit 2, not the kernel's kill
    TTCALC_SCAN_MB           64           sheet XML up to this size (about 100,000 rows of 16
                                          columns) is scanned for cells outside its declared
                                          <dimension>, as a lying dimension is how an
                                          allocation bomb gets past the cell cap; the scan
                                          costs about 7 ms per MB.  Larger sheets are trusted
                                          to their <dimension> (Excel, WPS, LibreOffice and
                                          the Python writers always write a true one); raise
                                          it to scan every sheet, 0 turns the scan off.
                                          A sheet without a <dimension>, or whose dimension
                                          is over the cap, is always walked cell by cell.

Values are whole numbers; a bad value is refused (exit 2) rather than ignored.

Every file is read once into memory (`read_input`, after a check that it is a regular file)
and every cap is checked on those bytes.  The cell cap also applies to an .ods sheet (its
row and column repeats counted, `ods_extent`) and to a Parquet file (rows × columns kept,
from its metadata); it is a budget shared by every read in flight (`allocation`), so files
read in parallel cannot together exceed it.  What is not covered: an .xlsb sheet is checked
against its declared dimension only.
"""

from __future__ import annotations

import errno
import os
import re
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg

MB = 1 << 20


RATIO_FROM = 50 * MB  # the ratio cap applies to members that unpack to more than this


MAX_MEMBERS = 20_000  # entries in a workbook's zip directory


CHUNK = 4 * MB


DEFAULTS = {
    "TTCALC_MAX_UNZIPPED_MB": 2048,
    "TTCALC_MAX_ZIP_RATIO": 200,
    "TTCALC_MAX_CELLS": 50_000_000,
    "TTCALC_MAX_CSV_MB": 1024,
    "TTCALC_SCAN_MB": 64,
    "TTCALC_MAX_STRINGS_MB": 512,
    "TTCALC_MAX_SHEETS": 1000,
}


@dataclass(frozen=True)
class Limits:
    unzipped: int  # bytes
    ratio: int
    cells: int
    csv: int  # bytes
    scan: int  # bytes
    strings: int = 512 * MB  # bytes of the shared-strings part, unpacked
    sheets: int = 1000  # sheets in one workbook


_INPUTS: set[tuple[int, int]] = set()  # (device, inode) of every file read in this process


def note_input(st: os.stat_result) -> None:
    """Remember a file read as input: no output of this process may land on it."""
    _INPUTS.add((st.st_dev, st.st_ino))


def _looks_regular(path: Path) -> None:
    """Refuse a missing file, a folder, a device, a FIFO or a socket by its name's stat, before
    anything opens it."""
    import stat

    try:
        first = os.stat(path)
    except FileNotFoundError:
        raise InputError(msg("read.file.no_such_file", file=str(path))) from None
    except (OSError, ValueError) as exc:
        raise InputError(msg("read.file.cannot_read", file=str(path), why=os_why(exc))) from None
    if stat.S_ISDIR(first.st_mode):
        raise InputError(msg("read.limit.is_folder", file=str(path)))
    if not stat.S_ISREG(first.st_mode):
        raise InputError(msg("read.limit.not_regular", file=str(path)))


def regular_file(path: Path) -> os.stat_result:
    """The stat of an input that is a regular file, checked on an open handle (opened without
    blocking, so a FIFO cannot hang us): a device (/dev/zero), a FIFO or a socket is refused
    before a byte is read.  The file is remembered as an input (never written over)."""
    import stat

    _looks_regular(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(msg("read.file.cannot_read", file=str(path), why=os_why(exc))) from None
    try:
        st = os.fstat(fd)
    finally:
        os.close(fd)
    if not stat.S_ISREG(st.st_mode):  # swapped for a device or pipe after the first look
        raise InputError(msg("read.limit.not_regular", file=str(path)))
    note_input(st)
    return st


def read_input(path: Path, cap: int, text: bool = False) -> bytes:
    """The whole file, read once through one handle: refused when it is not a regular file
    (checked on that handle, so a FIFO or device swapped in cannot hang us) or when more than
    `cap` bytes come out of it (counted on the bytes read, not a size looked up before).
    Every later check and parser works on these bytes: a file changed meanwhile cannot slip
    past a cap."""
    import stat

    _looks_regular(path)  # then one open, checked on its handle below (no second open)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(msg("read.file.cannot_read", file=str(path), why=os_why(exc))) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(msg("read.limit.not_regular", file=str(path)))
        note_input(st)
        if cap and st.st_size > cap:
            raise _too_big(path, st.st_size, cap, text)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(st.st_size + 1)  # one more byte: a file that grew since is noticed
            if len(data) > st.st_size:
                data += fh.read((cap + 1 - len(data)) if cap else -1) if not cap or len(data) <= cap else b""
    except OSError as exc:
        raise InputError(msg("read.file.cannot_read", file=str(path), why=os_why(exc))) from None
    finally:
        os.close(fd)
    if cap and len(data) > cap:
        raise _too_big(path, len(data), cap, text)
    return data


def _too_big(path: Path, size: int, cap: int, text: bool) -> InputError:
    if text:
        return InputError(msg("read.limit.text_too_big", file=str(path), size=size_text(size), cap=size_text(cap)))
    return InputError(msg("read.limit.file_too_big", file=str(path), size=size_text(size), cap=size_text(cap)))


def is_input(path) -> bool:
    """True when `path` (any spelling: relative, symlinked, hard-linked) is a file read as input."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return False
    return (st.st_dev, st.st_ino) in _INPUTS


def _env(name: str) -> int:
    raw = os.environ.get(name, "").strip().replace("_", "").replace(",", "")
    if not raw:
        return DEFAULTS[name]
    try:
        value = int(raw)
    except ValueError:
        raise InputError(msg("read.limit.env_number", name=name, value=os.environ[name],
                             default=DEFAULTS[name])) from None
    if value < 0:
        raise InputError(msg("read.limit.env_number", name=name, value=os.environ[name], default=DEFAULTS[name]))
    return value


def current() -> Limits:
    """The limits in force (read from the environment on every call)."""
    return Limits(unzipped=_env("TTCALC_MAX_UNZIPPED_MB") * MB, ratio=_env("TTCALC_MAX_ZIP_RATIO"),
                  cells=_env("TTCALC_MAX_CELLS"), csv=_env("TTCALC_MAX_CSV_MB") * MB,
                  scan=_env("TTCALC_SCAN_MB") * MB, strings=_env("TTCALC_MAX_STRINGS_MB") * MB,
                  sheets=_env("TTCALC_MAX_SHEETS"))


def human(n: int) -> str:
    """1536 -> "1.5 KB"; binary units, as a file manager shows them."""
    for unit, size in (("GB", 1 << 30), ("MB", MB), ("KB", 1 << 10)):
        if n >= size:
            value = n / size
            return f"{value:.1f} {unit}".replace(".0 ", " ")
    return f"{n} bytes"


_OS_WHY = {errno.EACCES: "denied", errno.EPERM: "denied", errno.ENOENT: "missing", errno.EISDIR: "folder",
           errno.ELOOP: "loop", errno.EIO: "io", errno.EEXIST: "exists", errno.ENOTDIR: "notdir",
           errno.ENOSPC: "nospace", getattr(errno, "EDQUOT", errno.ENOSPC): "nospace", errno.EROFS: "readonly", errno.ENAMETOOLONG: "toolong"}


def os_why(exc: BaseException):
    """Why the system could not open or write a file, in the run's language (the system's own
    words are English: never put into a Chinese line)."""
    code = getattr(exc, "errno", None)
    key = _OS_WHY.get(code)
    if key:
        return msg(f"read.os.{key}")
    return msg("read.os.other", code=errno.errorcode.get(code, str(code)) if code is not None else type(exc).__name__)


def size_text(n: int):
    """A size for a message: "1.5 KB" (units alike in both languages), or a message for a
    count of bytes under 1 KB (worded in the run's language)."""
    return human(n) if n >= 1 << 10 else msg("read.limit.bytes", n=n)


def zip_entries(path: Path, data: bytes | None = None) -> int | None:
    """The entry count from the end-of-central-directory record (None when not found), read
    before zipfile builds its directory (a directory of millions of entries is itself a bomb)."""
    if data is not None:
        tail = data[-65_557:]
    else:
        try:
            size = path.stat().st_size
            with path.open("rb") as fh:
                fh.seek(max(0, size - 65_557))
                tail = fh.read()
        except OSError:
            return None
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    (total,) = struct.unpack("<H", tail[at + 10:at + 12])
    if total == 0xFFFF:  # zip64: the real count is in the zip64 record
        z64 = tail.rfind(b"PK\x06\x06")
        if z64 >= 0 and z64 + 40 <= len(tail):
            (total,) = struct.unpack("<Q", tail[z64 + 32:z64 + 40])
    return total


def check_members(path: Path, data: bytes | None = None) -> None:
    total = zip_entries(path, data)
    if total is not None and total > MAX_MEMBERS:
        raise InputError(msg("read.limit.too_many_parts", file=str(path), total=f"{total:,}",
                             limit=f"{MAX_MEMBERS:,}"))


def check_zip(path: Path, zf: zipfile.ZipFile, limits: Limits | None = None) -> None:
    """Refuse a zip container that would unpack too big, from its directory alone."""
    limits = limits or current()
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    if limits.unzipped and total > limits.unzipped:
        raise InputError(msg("read.limit.unzipped_too_big", file=str(path), size=size_text(total),
                             cap=size_text(limits.unzipped)))
    if limits.ratio:
        for i in infos:
            if i.file_size > RATIO_FROM and i.file_size > limits.ratio * max(i.compress_size, 1):
                ratio = i.file_size // max(i.compress_size, 1)
                raise InputError(msg("read.limit.part_ratio", file=str(path), part=i.filename,
                                     packed=size_text(i.compress_size), size=size_text(i.file_size),
                                     ratio=f"{ratio:,}", limit=limits.ratio))


_SHARED = re.compile(r"(?:^|/)sharedStrings[^/]*\.(?:xml|bin)$", re.IGNORECASE)


def check_shared_strings(path: Path, zf: zipfile.ZipFile, limits: Limits | None = None) -> None:
    """The shared-strings part is unpacked whole by the reader, before any sheet: its size and
    its count of strings are capped, counted on the bytes actually unpacked (a directory
    that under-states the size does not help).  A 13 MB workbook holding 2 GB of strings is
    refused in about a second instead of taking gigabytes of memory."""
    limits = limits or current()
    for info in zf.infolist():
        if not _SHARED.search(info.filename):
            continue
        cap = limits.strings
        if cap and info.file_size > cap:
            raise _strings_refused(path, info.filename, size_text(info.file_size), cap)
        import copy

        size, count, tail = 0, 0, b""
        real = copy.copy(info)  # read past what the directory claims: the bytes decide
        real.file_size = max(info.file_size, cap + 1) if cap else info.file_size
        try:
            del real.CRC  # the reading goes past the claimed end: no CRC check there
        except AttributeError:
            pass
        try:
            with zf.open(real) as fh:
                while chunk := fh.read(CHUNK):
                    size += len(chunk)
                    if cap and size > cap:
                        raise _strings_refused(path, info.filename, msg("read.limit.more_than", size=size_text(cap)), cap)
                    count += (tail + chunk).count(b"<si") - tail.count(b"<si")
                    tail = chunk[-8:]
        except (zipfile.BadZipFile, EOFError, zlib.error):
            pass  # shorter than claimed, or damaged: the reader says why
        if limits.cells and count > limits.cells:
            raise InputError(msg("read.limit.shared_strings", file=str(path), count=f"{count:,}",
                                 limit=f"{limits.cells:,}"))


def _strings_refused(path: Path, part: str, size, cap: int) -> InputError:
    return InputError(msg("read.limit.strings_too_big", file=str(path), part=part, size=size, cap=size_text(cap)))


def read_member(path: Path, zf: zipfile.ZipFile, name: str, cap: int = 16 * MB) -> bytes:
    """A small member (workbook.xml, a manifest), read no further than `cap` bytes, so a
    directory that under-states a size cannot make us unpack a bomb."""
    with zf.open(name) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise InputError(msg("read.limit.part_too_big", file=str(path), part=name, cap=size_text(cap)))
    return data


# how a sheet's size was counted (callers pass the English phrase; it is worded in the run's language)
_HOW = {"": "",
        "or more": msg("read.limit.how_or_more"),
        "listed or more": msg("read.limit.how_listed"),
        "(from its metadata)": msg("read.limit.how_metadata"),
        "(counting its repeats)": msg("read.limit.how_repeats")}


def check_cells(path: Path, sheet: str, rows: int, cols: int, limits: Limits | None = None, how: str = "") -> None:
    limits = limits or current()
    cells = rows * cols
    if limits.cells and cells > limits.cells:
        raise InputError(msg("read.limit.cells", file=str(path), sheet=sheet, rows=f"{rows:,}", cols=f"{cols:,}",
                             cells=f"{cells:,}", how=_HOW.get(how.strip(), how), limit=f"{limits.cells:,}"))


_ALLOC = threading.Condition()


_IN_FLIGHT = [0]  # cells being allocated by the readers right now, in every thread


def allocation(path: Path, sheet: str, cells: int):
    """A share of the cell cap for one sheet while the reader allocates it: the cap is one
    budget for every read in flight, so four files read in parallel, each just under the cap,
    are loaded one after another instead of together.  A sheet over the whole cap is refused."""
    from contextlib import contextmanager

    cap = current().cells

    @contextmanager
    def held():
        if cap and cells > cap:
            check_cells(path, sheet, cells, 1)
        with _ALLOC:
            while cap and _IN_FLIGHT[0] and _IN_FLIGHT[0] + cells > cap:
                _ALLOC.wait()
            _IN_FLIGHT[0] += cells
        try:
            yield
        finally:
            with _ALLOC:
                _IN_FLIGHT[0] -= cells
                _ALLOC.notify_all()

    return held()


def check_csv(path: Path, limits: Limits | None = None) -> None:
    limits = limits or current()
    size = path.stat().st_size
    if limits.csv and size > limits.csv:
        raise InputError(msg("read.limit.text_too_big", file=str(path), size=size_text(size), cap=size_text(limits.csv)))


def safe_openpyxl():
    """openpyxl, made to parse with defusedxml (no entity expansion, no external entities).

    openpyxl picks defusedxml when it is installed and OPENPYXL_DEFUSEDXML is not "False";
    with lxml it parses with resolve_entities=False.  Call this instead of importing openpyxl
    in any code that *reads* a workbook with it."""
    os.environ["OPENPYXL_DEFUSEDXML"] = "True"
    import openpyxl

    if not openpyxl.DEFUSEDXML and not openpyxl.LXML:
        raise RuntimeError("openpyxl would parse XML without defusedxml: install defusedxml")
    return openpyxl


def parse_xml(data: bytes):
    """An ElementTree root from bytes via defusedxml (entities and DTDs refused)."""
    from defusedxml.ElementTree import fromstring

    return fromstring(data, forbid_dtd=True)

