"""Big .xlsx sheets streamed by DuckDB's Excel reader (issue 17).

fastexcel (calamine) holds every cell of a sheet in memory before it hands a column over: a
million-row payroll costs over a gigabyte.  DuckDB's `read_xlsx` streams the sheet's XML and
hands out the cells as text column by column, in a tenth of that memory.  The parse starts on
another thread as soon as the sheet is opened, so it runs while the header is found.

The two readers must give the same text, so the stream is used only where they are known to:
a second thread inflates the sheet's XML alongside DuckDB and looks for what the two readers
render differently — date-formatted numbers (DuckDB gives the serial number), booleans, error
and ISO-date cells, numbers not written as calamine writes them (DuckDB passes a value's text
on as it stands: 16 digits, an exponent; 0.50, .5 or a long decimal where it could mean
otherwise, see numbers_agree), `_xHHHH_` escapes, phonetic runs, a cell beyond the <dimension> the range
was taken from, rows without numbers — and numbers DuckDB writes with an exponent are looked
for in its output.  Any of them, a workbook DuckDB cannot open, a file changed since its bytes
were checked under the caps, or duckdb not installed: None, and read.excel loads the sheet with
fastexcel as before.  Whitespace-only cells become empty (fastexcel's whitespace_as_null), and
empty rows past the last cell go, as calamine's range ends there.

Only for .xlsx/.xlsm sheets of at least STREAM_MIN_CELLS cells (env TTCALC_STREAM_MIN_CELLS).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
import threading
import zipfile
from pathlib import Path

from ttcalc.read.extent import col_letters
from ttcalc.read.inflate import open_member

STREAM_MIN_CELLS = int(os.environ.get("TTCALC_STREAM_MIN_CELLS", "400000"))
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
_ROW = re.compile(rb'<row r="(\d+)"')
# a cell value DuckDB hands over as written but calamine reads as a float and writes anew: 16
# digits before any dot (an ID stored as a number), an exponent, spaces (a formula's text result
# too).  Other rewritings (9469.879999999999, 5.0, .5, +5, 05) are judged per column: see
# `numbers_agree`
_ODD_VALUE = re.compile(rb"<v>(?:[-+]?\d{16}|[-+]?[\d.]*[eE]|\s|[^<]*\s</v>)")
_LONG_DECIMAL = r"^-?\d*\.\d{3,}$"
_REWRITTEN = r"^(?:[-+]?\d*\.\d{3,}|-?\d*\.\d*0|-?\d+\.|-?\.\d+|\+[\d.]+|-?0\d[\d.]*)$"
_DATE_IDS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_CHUNK = 1 << 22
_TAIL = 4096  # bytes each chunk of the scan repeats from the last (an open <v> whole)
_SPACE = rb"[\t\n\x0b\f\r ]"  # what Python's \s is in bytes (RE2's has no \v)


def extension() -> str | None:
    """The path of DuckDB's Excel extension from the duckdb-extension-excel package (loaded
    from disk: never a download), or None when it or duckdb is missing."""
    try:
        import duckdb  # noqa: F401
        import duckdb_extension_excel as pkg
    except ImportError:
        return None
    root = Path(pkg.__file__).resolve().parent / "extensions"
    found = sorted(root.glob("*/excel.duckdb_extension"))
    return str(found[-1]) if found else None


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def dimension(zf: zipfile.ZipFile, member: str) -> tuple[int, int] | None:
    """(last row, last column), 1-based, of the sheet's <dimension>, from the part's first bytes."""
    with zf.open(member) as fh:
        head = fh.read(1 << 16)
    m = _DIMENSION.search(head)
    if not m:
        return None
    if m.group(3):
        return int(m.group(4)), _col(m.group(3))
    return int(m.group(2)), _col(m.group(1))


def date_styles(zf: zipfile.ZipFile) -> set[int] | None:
    """Indexes of the cell formats (cellXfs) that show a number as a date or a time; None when
    the styles part cannot be read."""
    from ttcalc.read import limits

    part = next((n for n in zf.namelist() if n.lower() == "xl/styles.xml"), None)
    if part is None:
        return set()
    try:
        root = limits.parse_xml(zf.read(part))
    except Exception:  # noqa: BLE001 — then the stream is not used
        return None
    def local(el) -> str:
        return el.tag.rsplit("}", 1)[-1]

    custom_dates = set()
    for el in root.iter():
        if local(el) == "numFmt":
            code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", el.get("formatCode") or "").lower()
            if re.search(r"[ydhs]|m", code) and not re.fullmatch(r"[#0.,%\s;_\-()@*?e+]*", code):
                custom_dates.add(int(el.get("numFmtId", "-1")))
    xfs = next((el for el in root.iter() if local(el) == "cellXfs"), None)
    out = set()
    for i, xf in enumerate([el for el in xfs if local(el) == "xf"] if xfs is not None else []):
        fid = int(xf.get("numFmtId", "0"))
        if fid in _DATE_IDS or fid in custom_dates:
            out.add(i)
    return out


class Scan:
    """The sheet's XML inflated once on a thread of its own: the last row number, whether every
    row is numbered, whether a cell lies right of column `width`, whether a cell is of a kind
    the two readers render differently (see the module's docstring)."""

    def __init__(self, zf: zipfile.ZipFile, member: str, width: int, dates: set[int], strings: str | None = None) -> None:
        self.zf, self.member, self.width, self.dates, self.strings = zf, member, width, dates, strings
        self.safe: bool | None = None
        self.last_row = 0
        self.valued_row = 0  # the last row holding a value: calamine's range ends there
        self.merges: list = []  # the sheet's merge ranges (read.xlsxfast.merge_ranges)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.safe = not (self.strings and _strings_odd(self.zf, self.strings)) and self._scan()
        except Exception:  # noqa: BLE001 — the general reader judges the part
            self.safe = False

    def _scan(self) -> bool:
        from ttcalc.read import xlsxscan as xs

        # one RE2 pass a chunk (linear, in C, the GIL released) for every kind of cell the two
        # readers render differently; RE2 reads the bytes as Latin-1, so a chunk may cut a
        # character in two.  The chunks overlap by _TAIL bytes: a cell cut in two is seen whole
        odd = [rb't=["\'][bed]["\']', rb"<rPh", _ESCAPE.pattern, _ODD_VALUE.pattern.replace(rb"\s", _SPACE),
               xs.UNNUMBERED, xs.right_of(self.width), xs.backwards(self.width)]
        if self.dates:
            odd.append(_SPACE + rb's=["\'](?:%s)["\']' % b"|".join(b"%d" % i for i in sorted(self.dates)))
        pattern = b"|".join(odd).decode("latin-1")
        tail = b""
        numbers = xs.RowNumbers()
        merges: list[bytes] = []
        with open_member(self.zf, self.member) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                text = tail + chunk
                if merges:  # the merge list follows the rows
                    merges.append(chunk)
                elif text.find(b"mergeCells") >= 0:
                    merges.append(text)
                if xs.matches(text, pattern):
                    return False
                at = xs.last_value(text)  # the row of the last value: calamine's range ends there
                if at >= 0:
                    start = text.rfind(b'<row r="', 0, at)
                    m = _ROW.match(text, start) if start >= 0 else None
                    self.valued_row = int(m.group(1)) if m else self.last_row  # (a row begun before)
                if not numbers.add(chunk):  # rows out of order: DuckDB leaves cells out
                    return False
                self.last_row = numbers.last
                cut = text.rfind(b"<v>")  # a value still open at the end comes whole into the next
                tail = text[min(cut, max(0, len(text) - _TAIL)) if cut >= 0 and text.find(b"</v>", cut) < 0 else -_TAIL:]
        if merges:
            from ttcalc.read import xlsxfast

            self.merges = xlsxfast.parse_merges(b"".join(merges))
        # rows without numbers, a prefixed namespace: calamine counts them its own way
        return self.last_row > 0

    def result(self) -> bool:
        self.thread.join()
        return bool(self.safe)


class Stream:
    """The sheet (rows 1 … last, columns A … width) read by DuckDB on a thread of its own, in
    batches handed over as they are parsed: the reader tidies each (see `tidy`) while DuckDB
    parses the next."""

    BATCH_ROWS = 64 * 1024
    AHEAD = 8  # batches parsed ahead of the reader at most

    def __init__(self, path: Path, size: int, sheet: str, rows: int, width: int, scan: Scan, ext: str) -> None:
        import queue

        self.path, self.size, self.sheet, self.rows, self.width, self.scan = path, size, sheet, rows, width, scan
        self.ext, self.error, self.stop = ext, None, False
        self.con, self.lock = None, threading.Lock()  # the connection, while the parse runs
        self.batches: queue.Queue = queue.Queue(self.AHEAD)
        self.thread = threading.Thread(target=self._run, daemon=True)
        _LIVE.add(self)
        self.thread.start()

    def _run(self) -> None:
        try:
            self._read()
        except BaseException as exc:  # noqa: BLE001 — then fastexcel reads the sheet
            self.error = exc
        finally:
            self._hand_over(None)
            _LIVE.discard(self)

    def _read(self) -> None:
        import duckdb

        con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False,
                                     "threads": 1})
        with self.lock:
            self.con = con
        try:
            if self.stop:
                return
            con.execute(f"LOAD '{self.ext}'")
            cells = f"A1:{col_letters(self.width + 1)}{self.rows}"  # one column more: it must be empty
            reader = con.execute("SELECT * FROM read_xlsx(?, sheet = ?, header = false, all_varchar = true, "
                                 "range = ?)", [str(self.path), self.sheet, cells]).to_arrow_reader(self.BATCH_ROWS)
            for batch in reader:
                if not self._hand_over(batch):
                    return
        finally:
            with self.lock:
                self.con = None
                con.close()

    def _hand_over(self, batch) -> bool:
        import queue

        while not self.stop:
            try:
                self.batches.put(batch, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def cancel(self) -> None:
        """No one will read the sheet: the parse is interrupted (or stops at its next batch)."""
        self.stop = True
        with self.lock:
            if self.con is not None:
                with contextlib.suppress(Exception):  # it stops at its next batch all the same
                    self.con.interrupt()


    def result(self, skip: int = 0, strings: frozenset = frozenset(), money: frozenset = frozenset(), each=None):
        """The sheet as a table of text columns c0…, row i = sheet row i + 1; None when the
        stream cannot be trusted for it (then fastexcel reads it).  Each batch is tidied and its
        numbers judged (`numbers_agree`, below the `skip` header rows) and handed to `each`
        (read.ahead) as it comes, while DuckDB parses the next."""
        parts: list = []
        first = 0  # the sheet row (0-based) of the batch's first row
        while True:
            batch = self.batches.get()
            if batch is None:
                break
            columns = tidy(batch, self.width)
            if columns is None or not numbers_agree(columns, max(0, skip - first), strings, money):
                self.cancel()
                return None
            if each is not None:  # the row checks of this batch (read.ahead), while DuckDB parses on
                each(columns, first)
            first += batch.num_rows
            parts.append(columns)
        self.thread.join()
        if self.error is not None or not self.scan.result() or not 0 < self.scan.last_row <= self.rows:
            return None
        try:
            if os.stat(self.path).st_size != self.size:  # not the bytes the caps were checked on
                return None
        except OSError:
            return None
        from ttcalc.read.xlsxscan import blank_from

        last = self.scan.valued_row  # empty rows below it (styled cells, a formula never computed) go
        if not blank_from(parts, last, self.scan.last_row):  # a value there the scan did not see
            return None
        return assemble(parts, last, self.width)


_LIVE: set = set()  # the streams whose parse still runs


def _stop_all() -> None:
    """At exit (an error ended the run while a sheet was parsed): a DuckDB parse still running on
    its thread would abort the process as it ends — each is interrupted and waited for."""
    for stream in list(_LIVE):
        stream.cancel()
    for stream in list(_LIVE):
        stream.thread.join(timeout=10)


atexit.register(_stop_all)


def tidy(batch, width: int):
    """A batch of DuckDB's rows as fastexcel gives them: whitespace-only cells empty.  None
    when a number came out with an exponent or a cell lies right of the <dimension> (the
    column read past it is not empty)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if batch.num_columns != width + 1 or batch.column(width).null_count != batch.num_rows:
        return None
    columns = []
    for i in range(width):
        col = batch.column(i)
        if col.type != pa.string():
            col = col.cast(pa.string())
        if (pc.any(pc.match_substring(col, "e+")).as_py() or pc.any(pc.match_substring(col, "e-")).as_py()) \
                and pc.any(pc.match_substring_regex(col, r"^[+-]?[0-9.]+e[+-][0-9]+$")).as_py():
            return None  # 1e+21, 3.5e+17: calamine writes every digit
        blank = pc.or_(pc.utf8_is_space(col), pc.equal(col, ""))
        if pc.any(blank).as_py():
            col = pc.if_else(blank, pa.scalar(None, pa.string()), col)
        columns.append(col)
    return columns


def numbers_agree(columns: list, skip: int, strings: set[int], money: set[int]) -> bool:
    """Whether the numbers DuckDB passed on as written (9469.879999999999, 5.0, .5) mean below
    the header what calamine's rewriting of the same float means: never in a column read as
    text (ID, unit, month, a 万元 amount); in an amount, the same fen unless a long decimal sits
    on a half fen, where float noise decides the rounding."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    for i in sorted(strings | money):
        if i >= len(columns):
            continue
        col = columns[i].slice(skip)
        # the regexes only where they can match: a dot with 3 characters after it (a long
        # decimal), or any dot, a leading + or 0 (the other rewritten forms) — cheap passes
        dot = pc.fill_null(pc.find_substring(col, "."), -1)
        if i in strings:
            maybe = pc.or_(pc.greater_equal(dot, 0), pc.fill_null(pc.or_(
                pc.or_(pc.starts_with(col, "+"), pc.starts_with(col, "0")), pc.starts_with(col, "-0")), False))
            if pc.any(maybe).as_py() and pc.any(pc.fill_null(
                    pc.match_substring_regex(pc.filter(col, maybe), _REWRITTEN), False)).as_py():
                return False
            continue
        maybe = pc.and_(pc.greater_equal(dot, 0),
                        pc.greater_equal(pc.subtract(pc.fill_null(pc.binary_length(col), 0), dot), 4))
        if not pc.any(maybe).as_py():
            continue
        col = pc.filter(col, maybe)
        hit = pc.fill_null(pc.match_substring_regex(col, _LONG_DECIMAL), False)
        if not pc.any(hit).as_py():
            continue
        scaled = pc.cast(pc.filter(col, hit), pa.float64()).to_numpy(zero_copy_only=False) * 100
        off_half = np.abs(scaled - np.floor(scaled) - 0.5)
        if (off_half <= np.maximum(1e-6, np.abs(scaled) * 1e-12)).any():
            return False
    return True


def assemble(parts: list, last_row: int, width: int):
    """The tidied batches as one table of columns c0…, rows past the last one the sheet numbers
    gone (calamine's range ends there)."""
    import pyarrow as pa

    columns = [pa.chunked_array([p[i] for p in parts], pa.string()) for i in range(width)]
    return pa.table(columns, names=[f"c{i}" for i in range(width)]).slice(0, last_row)


def start(path: Path, size: int, zf: zipfile.ZipFile, member: str, sheet: str, cells: int) -> Stream | None:
    """The sheet's stream, already running, or None when it is not for this sheet."""
    if cells < STREAM_MIN_CELLS:
        return None
    from ttcalc.read import xlsxscan

    ext = extension()
    if ext is None or "'" in ext:
        return None
    try:
        dims = dimension(zf, member)
        dates = date_styles(zf)
        strings = next((n for n in zf.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    except Exception:  # noqa: BLE001
        return None
    if dims is None or dates is None or dims[0] < 1 or not 1 <= dims[1] <= xlsxscan.MAX_WIDTH:
        return None
    rows, width = dims
    scan = Scan(zf, member, width, dates, strings)
    return Stream(path, size, sheet, rows, width, scan, ext)


def _strings_odd(zf: zipfile.ZipFile, member: str) -> bool:
    """Shared strings DuckDB renders otherwise than calamine: `_xHHHH_` escapes, phonetic runs."""
    from ttcalc.read.xlsxscan import finds

    return finds(zf, member, rb"<rPh|" + _ESCAPE.pattern, 16, _CHUNK)
