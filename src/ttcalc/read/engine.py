"""Province scale on DuckDB (embedded): big payrolls in CSV and Parquet, one file or many.

A data set of CSV/Parquet files that together pass `min_bytes()` is read by DuckDB instead of
being loaded into Python: each file's header is found from its first lines exactly as the
columnar reader finds it (read.bigfiles), then one SQL pass per file classifies every row
(blank, note, total, no person — the patterns of read.rows), normalises and checks the ID
(GB 11643 weights over the 17 digits, in integers), and turns the amounts into integer fen
(DECIMAL, never float).  The rows stay in a DuckDB table; what Python gets back is small:
counts, the first rows of each list (skipped rows, ID warnings, duplicates), and the sums the
command asks for (`Engine.query`).

Whatever SQL cannot reproduce exactly falls back to the columnar reader for the whole data
set, never to a different figure: text that is not UTF-8 (GBK/GB18030, UTF-16: DuckDB reads
UTF-8 only), empty lines, quoted line breaks, an amount that is not a plain number (a
currency sign, a decimal comma, finer than a fen, too big), a person row without its 应发, IDs
still not ASCII after full-width digits are folded, rows repeating the header (payslips),
Parquet columns that are neither text, integers nor decimals, a missing ID column.

The caps on a CSV's size and a Parquet's cells (read.limits) guard the readers that load a
file into memory; DuckDB streams it within its own memory limit (spilling to a temporary
folder, removed after), so the engine does not apply them — a fallback still does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ttcalc.core.warn import Warn
from ttcalc.read.engine_lists import duplicates, id_warnings, person_ids, skipped_rows
from ttcalc.read.engine_plan import FILES, Fallback, Plan, path_lit, plan_csv, plan_parquet, select_sql

ENV_MIN = "TTCALC_ENGINE_MIN_BYTES"  # the data set size from which DuckDB reads (tests set 0)


def min_bytes() -> int:
    from ttcalc.read.bigfiles import BIG_CSV_BYTES

    value = os.environ.get(ENV_MIN)
    return int(value) if value not in (None, "") else BIG_CSV_BYTES


def connect(temp_dir: str):
    """An in-memory DuckDB that never goes to the network (no extension is installed or
    loaded on its own), spills to `temp_dir` past its memory limit, and shows no progress bar."""
    import duckdb

    threads = max(1, min(os.cpu_count() or 1, 8))
    con = duckdb.connect(":memory:", config={
        "autoinstall_known_extensions": False, "autoload_known_extensions": False,
        "threads": threads, "memory_limit": _memory_limit(),
        "temp_directory": temp_dir, "preserve_insertion_order": True})
    con.execute("SET enable_progress_bar = false")
    return con


def _memory_limit() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "2GB"
    return f"{max(256, min(total // 4, 2 * 2**30) // 2**20)}MB"  # past it DuckDB spills to temp_dir


def eligible(files: list[Path]) -> bool:
    """Only CSV and Parquet files, together at least min_bytes()."""
    if not files or any(f.suffix.lower() not in (".csv", ".parquet") for f in files):
        return False
    try:
        return sum(f.stat().st_size for f in files) >= min_bytes()
    except OSError:
        return False


@dataclass
class Engine:
    """The rows of a data set in DuckDB (table `rows`), for the command's sums."""
    con: object
    temp_dir: str
    files: list = field(default_factory=list)
    offsets: list = field(default_factory=list)  # per file: rowid of its first data row
    pos: str = "coalesce(r, rowid)"  # SQL of a row's position in its file (+ offset): rowid alone without r
    month: str = "month"  # SQL of a row's month: a constant per file when no file has a month column

    def query(self, sql: str, params=None):
        return self.con.execute(sql, params or []).fetchall()

    def close(self) -> None:
        import shutil

        try:
            if self.con is not None:
                self.con.close()
        finally:
            shutil.rmtree(self.temp_dir, ignore_errors=True)


def load(files: list[Path], sch, maps: dict):
    """(Engine holding table `rows`, [Plan…]); raises Fallback.  A file the planning cannot
    read (a corrupt Parquet footer, a file gone) falls back too: the usual reader words why."""
    import tempfile

    plans = []
    engine = Engine(None, tempfile.mkdtemp(prefix="ttcalc-duckdb-"))
    try:
        engine.con = connect(engine.temp_dir)
        for path in files:
            try:
                plans.append(plan_parquet(path, sch, maps, engine.con) if path.suffix.lower() == ".parquet"
                             else plan_csv(path, sch, maps))
            except Fallback:
                raise
            except Exception as exc:  # noqa: BLE001 — whatever the planning meets: the usual reader words it
                raise Fallback(f"{type(exc).__name__}: {str(exc)[:200]}") from None
        _fill(engine, plans, sch)
    except BaseException:
        engine.close()
        raise
    return engine, plans


def _fill(engine: Engine, plans: list, sch) -> None:
    import duckdb

    from ttcalc.read import layout, origin
    from ttcalc.read.engine_sql import lit

    blank = _LineChecks(plans)
    has_r, has_month = any(p.row_sql for p in plans), any("month" in p.header.mapped for p in plans)
    extra = ("r, " if has_r else "") + ("month, " if has_month else "")
    engine.pos = "coalesce(r, rowid)" if has_r else "rowid"
    try:
        for n, plan in enumerate(plans):
            probe = _Probe(plan)
            layout.name_units([probe], "payroll")
            plan.unit, plan.unit_source, plan.unit_warnings = probe.unit, probe.unit_source, probe.warnings
            plan.month, plan.month_source = None, None
            if "month" in plan.header.mapped:
                plan.month_source = "column"
            else:
                for source, text in (("sheet", plan.path.stem), ("file", plan.path.stem), ("title", " ".join(plan.title))):
                    found = origin.month_in(text) if text else None
                    if found:
                        plan.month, plan.month_source = found, source
                        break
        created = False
        for group in _groups(plans, sch, extra):
            units = [plans[n].unit or origin.unit_of_file(plans[n].path) for n in group]
            months = [plans[n].month for n in group]
            if len(group) == 1:
                files = path_lit(plans[group[0]].path)
                each = (str(group[0]), lit(units[0]), lit(months[0]) if months[0] else "NULL")
            else:  # one scan of the files: each row's file by its index in the list
                files = _list([path_lit(plans[n].path) for n in group])
                at = "[s.file_index::INTEGER + 1]"
                each = (_list(map(str, group)) + at, _list(map(lit, units)) + at,
                        _list([lit(m) if m else "NULL" for m in months]) + at)
            sql = select_sql(plans[group[0]], sch, files, each, extra)
            try:
                engine.con.execute(("INSERT INTO rows " if created else "CREATE TABLE rows AS ") + sql)
            except duckdb.Error as exc:
                raise Fallback(f"DuckDB: {str(exc).splitlines()[0][:200]}") from None
            created = True
    finally:
        found = blank.result()
    if not has_month:
        months = [f"WHEN {n} THEN {lit(p.month)}" for n, p in enumerate(plans) if p.month]
        engine.month = f"(CASE f {' '.join(months)} END)" if months else "NULL::VARCHAR"
    if found:
        raise Fallback(found)
    engine.files = [p.path for p in plans]
    engine.offsets = [0] * len(plans)  # a file's rows lie together, in its order: the first one's rowid
    if not all(p.row_sql for p in plans):
        for f, first in engine.query("SELECT f, min(rowid) FROM rows GROUP BY f"):
            engine.offsets[f] = first
    bad = engine.query("SELECT count(*) FILTER (WHERE k = 0 AND x & 1 = 1), "
                       "count(*) FILTER (WHERE k = 0 AND x & 2 = 2), count(*) FILTER (WHERE x & 4 = 4) FROM rows")[0]
    if any(bad):
        raise Fallback(f"amounts {bad[0]}, IDs not ASCII {bad[1]}, header repeats {bad[2]}")
    # the units by a 64-bit hash (integers group fast): exact only when no two units share one
    engine.con.execute("CREATE TEMP TABLE units AS SELECT DISTINCT hash(unit) AS h, unit FROM rows WHERE k = 0")
    if engine.query("SELECT count(*) - count(DISTINCT h) FROM units")[0][0]:
        raise Fallback("two units of the same hash")


GROUP_FILES = 500  # files read by one scan at most (the SQL names each)


def _groups(plans: list, sch, extra: str) -> list[list[int]]:
    """The files read by one scan: those whose SQL is the same but for the path, the file
    number, and the unit and month their file name or title gives (and, for Parquet, of the
    same column types) — one scan reads many small files in parallel, where a scan of each
    would read it on one thread."""
    groups: dict = {}
    for n, plan in enumerate(plans):
        key = (select_sql(plan, sch, FILES, ("f", "u", "m"), extra), plan.types)
        if any(str(d[0]).lower() == "file_index" for d in plan.types):
            key = n  # a Parquet column of that name hides the scan's file_index: a scan of its own
        found = groups.setdefault(key, [[]])
        if len(found[-1]) == GROUP_FILES:
            found.append([])
        found[-1].append(n)
    return [g for found in groups.values() for g in found]


def _list(items) -> str:
    return "[" + ", ".join(items) + "]"


class _Probe:
    """Enough of a SheetRead for layout.name_units."""
    def __init__(self, plan: Plan):
        self.file, self.sheet, self.header, self.title = plan.path, plan.path.stem, plan.header, plan.title
        self.used, self.unit, self.unit_source, self.warnings = True, None, None, []


def _dialect_differs(part: bytes, marks, above: int, plan) -> bool:
    """Whether a data line of `part` (whole lines, from a line end) holding one of `marks` (a
    delimiter and a space, doubled quotes) is read otherwise by the columnar reader
    (engine_plan.reads_otherwise); `above`: lines at the start of part that are no data (the
    title and header)."""
    import re

    from ttcalc.read.engine_plan import reads_otherwise

    start, done = 0, -1
    if above:
        ends = [m.end() for m in re.finditer(rb"\r\n|\r|\n", part[:(above + 1) * 65536])][:above + 1]
        start = ends[-1] if ends else len(part)
    for m in marks.finditer(part, start):
        if m.start() <= done:
            continue
        first = max(part.rfind(b"\n", 0, m.start()), part.rfind(b"\r", 0, m.start())) + 1
        ends = [e for e in (part.find(b"\n", m.end()), part.find(b"\r", m.end())) if e >= 0]
        done = min(ends) if ends else len(part)
        if reads_otherwise(part[first:done].decode("utf-8", "replace"), plan):
            return True
    return False


class _LineChecks:
    """Whether any CSV holds what DuckDB reads otherwise than the columnar reader: an empty line
    (DuckDB skips them, and the rows below would be misnumbered) or a quote not where a quoted
    field opens or closes (engine_plan.bad_quotes) — looked for in a thread while DuckDB reads.
    The reason, or "" when there is none."""
    def __init__(self, plans: list):
        from concurrent.futures import ThreadPoolExecutor

        csvs = [p for p in plans if p.path.suffix.lower() == ".csv"]
        self.pool = ThreadPoolExecutor(1) if csvs else None
        self.future = self.pool.submit(self._look, csvs) if csvs else None

    @staticmethod
    def _look(plans) -> str:
        import re

        from ttcalc.read.engine_plan import bad_quotes

        # whatever the head's line ends: a CRLF file may hold a bare "\n\n", an LF one "\r\n\r\n",
        # a CR one "\r\r"; and "\r\r\n" (CRLF written through a text mode again) is two line ends
        # to the columnar reader, one to DuckDB
        for plan in plans:  # in chunks (memory stays flat), each overlapping the last by a line end
            chunk = 8 * 2**20
            quotes = bad_quotes(plan.delim or ",", plan.quote or '"')
            marks = [re.escape(plan.delim.encode() + b" ")] if plan.sniffed and plan.sniffed[0] else []
            edge = b"[\\r\\n" + re.escape(plan.delim.encode()) + b"]"  # doubled quotes but an empty field's
            twice = re.escape(plan.quote.encode() * 2)
            marks += [b"(?<!" + edge + b")" + twice + b"|" + twice + b"(?!" + edge + b")"] \
                if plan.sniffed and not plan.sniffed[1] else []
            space, above = (re.compile(b"|".join(marks)) if marks else None,
                            plan.first_row - 1)  # above: the title and header lines, read alike
            with plan.path.open("rb") as fh:
                block = fh.read(chunk)
                if block.startswith((b"\n", b"\r")):
                    return "empty lines"
                tail, lines = b"", b"\n"  # lines: the whole lines not yet looked at for quotes
                block = block[3:] if block.startswith(b"\xef\xbb\xbf") else block
                while block:
                    text = tail + block
                    if text.find(b"\n\n") >= 0 or text.find(b"\n\r\n") >= 0 or text.find(b"\r\r") >= 0:
                        return "empty lines"
                    tail = block[-2:]
                    lines += block
                    cut = max(lines.rfind(b"\n"), lines.rfind(b"\r"))
                    if cut > 0:
                        if quotes(lines[:cut + 1]):
                            return "quotes"
                        if space and _dialect_differs(lines[:cut + 1], space, above, plan):
                            return "a dialect DuckDB does not read"
                        lines, above = lines[cut:], 0
                    block = fh.read(chunk)
                if quotes(lines + b"\n"):
                    return "quotes"
                if space and _dialect_differs(lines + b"\n", space, above, plan):
                    return "a dialect DuckDB does not read"
        return ""

    def result(self) -> str:
        if self.future is None:
            return ""
        try:
            return self.future.result()
        finally:
            self.pool.shutdown()




class Listed(list):
    """The first rows of a list, and how long the whole list is (len)."""

    def __init__(self, items, total: int) -> None:
        super().__init__(items)
        self.total = total

    def __len__(self) -> int:
        return self.total


def read_payroll(files: list[Path], sch, maps: dict, make, progress=None):
    """The SheetReads (made by `make`, reader.SheetRead) of a payroll data set read by DuckDB,
    each holding the Engine (`engine`) for the command's sums; None when the data set is read
    the usual way (not eligible, or a Fallback)."""
    from ttcalc.core.msg import msg
    from ttcalc.read.files import shown
    from ttcalc.read.rowchecks import WARN_CAP

    if not eligible(files) or any(shown(f) != f for f in files) or len(files) > 60_000:
        return None
    try:
        engine, plans = load(files, sch, maps)
    except Fallback:
        return None
    try:
        skipped = skipped_rows(engine, plans)
        ids = id_warnings(engine, plans, WARN_CAP)
        person_ids(engine)
        within, across = duplicates(engine, plans, WARN_CAP)
        used = dict(engine.query("SELECT f, count(*) FROM rows WHERE k = 0 GROUP BY f"))
    except BaseException:
        engine.close()
        raise
    out = []
    for f, plan in enumerate(plans):
        s = make(plan.path, plan.path.stem, header=plan.header, title=plan.title)
        s.unit, s.unit_source, s.month, s.month_source = plan.unit, plan.unit_source, plan.month, plan.month_source
        blank, firsts, total = skipped[f]
        s.blank_rows = blank
        s.engine = engine
        s.tally = (used.get(f, 0), Listed([{"row": r, "code": c, "reason": msg(f"read.row.{c}")} for r, c in firsts],
                                          total))
        s.warnings = list(ids[f])
        rows, n = within[f]
        if rows:
            what = msg("read.field.id")
            if plan.month_source:
                what = msg("read.field.plus", a=what, b=msg("read.field.month"))
            detail = msg("read.duplicate.month", by=what)
            where = (str(plan.path), plan.path.stem)
            s.warnings += [Warn("duplicate_person", *where, r, None, {"detail": detail}) for r in rows]
            if n > WARN_CAP:
                s.warnings.append(Warn("more", *where, None, None, {"code": "duplicate_person", "n": n - WARN_CAP}))
        s.warnings += plan.unit_warnings
        out.append(s)
        if progress:
            progress(plan.path)
    for f, row, ff, frow in across:
        s, first = out[f], out[ff]
        s.warnings.append(Warn("duplicate_person", str(s.file), s.sheet, row, None,
                               {"detail": msg("read.duplicate.across", first_file=str(first.file),
                                              first_sheet=first.sheet, first_row=frow)}))
    return out
