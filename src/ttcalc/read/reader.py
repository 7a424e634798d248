"""Read payroll, roster and hours workbooks into one data set.

For every sheet of every file: find the header, map columns to fields, and mark each row
used or skipped with a reason (blank, total, note, no name or ID).  Nothing here prints;
problems with the input raise `InputError`, doubts become warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ttcalc.core.arrays import arrow_of
from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.core.msg import Msg
from ttcalc.core.warn import Warn
from ttcalc.read import fields as fieldmap
from ttcalc.read import layout
from ttcalc.read.files import Grid, expand_all
from ttcalc.read.stream import Refused, Stream, load_all, vet_heads
from ttcalc.read.totals import repeats, skip_year_sheets
from ttcalc.read.header import Header, apply_map, dedupe, detect
from ttcalc.read.rowchecks import WARN_CAP, check_duplicates, check_ids, duplicates_across
from ttcalc.read.rows import as_text, classify, own_memory, skip_reason

__all__ = ["WARN_CAP", "DataSet", "SheetRead", "read", "guess_kind"]


@dataclass
class SheetRead:
    file: Path
    sheet: str
    header: Header | None = None
    data: object = None  # pyarrow.Table: _row, _skip, then one string column per mapped column
    status: str = "used"  # used | skipped
    reason: Msg | None = None  # why the sheet or file is skipped (read.sheet.* / read.skip.*)
    blank_rows: int = 0
    warnings: list[Warn] = field(default_factory=list)
    map_misses: list[str] = field(default_factory=list)
    unit: str | None = None  # the sheet's unit when no column holds it
    unit_source: str | None = None  # column | title | sheet | file
    month: str | None = None
    month_source: str | None = None  # column | sheet | file | title
    header_repeats: int = 0  # header rows repeated below the first (payslip layout)
    merged: list = field(default_factory=list)  # merge ranges filled down a data column
    title: list = field(default_factory=list)  # the title lines above the header
    kept: tuple | None = None  # (rows used, pyarrow.Table of the rows skipped) once `data` is dropped
    engine: object = None  # read.engine: the rows are in DuckDB (data is None)
    tally: tuple | None = None  # read.engine: (rows used, skipped rows listed)

    @property
    def used(self) -> bool:
        return self.status == "used"

    @property
    def reason_code(self) -> str | None:
        """The stable code of `reason` ("empty", "no_header", "lock_file", …) for scripts."""
        if self.reason is None:
            return None
        return self.reason.code.rsplit(".", 1)[-1] if isinstance(self.reason, Msg) else "other"

    def rows_used(self) -> int:
        if self.tally is not None:
            return self.tally[0]
        if self.data is None:
            return self.kept[0] if self.kept else 0
        import pyarrow.compute as pc

        return self.data.num_rows - pc.sum(pc.is_valid(self.data["_skip"])).as_py() if self.data.num_rows else 0

    def skipped(self) -> list[dict]:
        if self.tally is not None:
            return self.tally[1]
        if self.data is None and self.kept:
            rows = self.kept[1]
        elif self.data is None or self.data.num_rows == 0:
            return []
        else:
            import pyarrow.compute as pc

            rows = self.data.filter(pc.is_valid(self.data["_skip"])).select(["_row", "_skip"])
        return [{"row": r, "code": s, "reason": skip_reason(s)}
                for r, s in zip(rows["_row"].to_pylist(), rows["_skip"].to_pylist())]

    def column(self, name: str) -> str | None:
        """The data column holding a single-valued field, or None."""
        return name if self.data is not None and name in self.data.column_names else None

    def columns_of(self, name: str) -> list[str]:
        """Data columns of a many-valued field ("component:岗位工资", …)."""
        if self.data is None:
            return []
        return [c for c in self.data.column_names if c.startswith(name + ":")]

    def header_of(self, column: str) -> str:
        """The header as written in the sheet for a data column ("应发合计(元)")."""
        for c in self.header.columns if self.header else []:
            if _data_name(c) == column:
                return c.header
        return column

    def scale(self, column: str) -> int:
        for c in self.header.columns if self.header else []:
            if _data_name(c) == column:
                return c.scale
        return 1


@dataclass
class DataSet:
    kind: str
    sheets: list[SheetRead]
    digested: object = None  # a folder streamed: what the command's digest made of each sheet

    @property
    def used(self) -> list[SheetRead]:
        return [s for s in self.sheets if s.used]

    @property
    def warnings(self) -> list[Warn]:
        return [w for s in self.sheets for w in s.warnings]


def _data_name(col) -> str:
    sch_many = col.field in ("component", "deduction", "employer")
    return f"{col.field}:{col.header}" if sch_many else col.field


def read(paths: list[str], kind: str, maps: dict[str, str] | None = None,
         sheet_names: list[str] | None = None, progress=None, keep: set[str] | None = None,
         skip_bad: bool = False, allow_empty: bool = False, digest=None,
         engine: bool = True, vet=None) -> DataSet:
    """Read every file and sheet named into one DataSet of the given kind
    ("payroll", "roster" or "hours").  `keep`: the fields a command needs; other columns are
    dropped once rows are classified, so a city's folder of workbooks stays small in memory; a
    payroll with `keep` may then be read by DuckDB (read.engine) unless `engine` is False.
    `skip_bad`: a file that cannot be read is listed as skipped instead of stopping the run.
    `digest(sheet)`: what a command takes of each used sheet as soon as its file is read; the
    sheet's rows are dropped after it (read.stream) — unless a year-total file may still be
    dropped at the end, which needs every file's persons (then nothing is streamed, and
    DataSet.digested is None).  `vet(path, grids | None)`: the InputError of a file the command
    refuses whatever --skip-bad says (budget, hours: an activity log), or None (read.stream)."""
    files, skipped_files, from_folder = expand_all(paths)
    tick = progress or (lambda path: None)
    if not files and not skipped_files:
        raise InputError(msg("read.error.no_input"))
    maps = maps or {}
    out: list[SheetRead] = [_skipped_file(p, reason) for p, reason in skipped_files]
    files, twice = layout.once_each(files)
    for path, first, how in twice:
        s = _skipped_file(path, msg(f"read.skip.same_{how}", first=str(first)))
        s.warnings.append(Warn(f"same_{how}", str(path), None, None, None, {"first": str(first)}))
        out.append(s)
        tick(path)  # the progress bar counts the files found, each read once
    if not files:
        raise InputError(msg("read.error.file", file=str(skipped_files[0][0]), reason=skipped_files[0][1])
                         if skipped_files else msg("read.error.no_input"))
    sch = None if kind == "auto" else fieldmap.schema(kind)
    year_words = fieldmap.schema("payroll").year_sheets
    year_named = {f for f in files if any(w in f.stem for w in year_words)}
    if len(year_named) == len(files):  # every file is named 汇总/合计…: none is a total of the others
        year_named = set()
    if engine and kind == "payroll" and keep is not None and not sheet_names and (len(files) == 1 or not year_named):
        from ttcalc.read.engine import eligible, read_payroll  # province scale: DuckDB sums, or None

        if vet is not None and eligible(files):
            vet_heads(files, vet)  # DuckDB reads no grid to judge: each file from its head, first
        engine_read = read_payroll(files, sch, maps, SheetRead, progress)
        if engine_read is not None:
            return DataSet(kind, out + engine_read)
    year_files: list[list[SheetRead]] = []  # files named 汇总/合计/全年…: totals of the others, if their people are
    stream = Stream(digest, kind) if digest is not None and not year_named else None
    streamed = None  # where the sheets of the file read last begin in `out`
    for path, grids in load_all(files, sheet_names, vet):
        tick(path)
        if isinstance(grids, Refused):
            raise grids.error
        if streamed is not None:
            stream.file_read(out, streamed)  # the file before: its sheets are final
        streamed = len(out) if stream is not None else None
        try:
            if isinstance(grids, Exception):
                raise grids
            grids = list(grids)
        except InputError as exc:
            if skip_bad or (path in from_folder and path.suffix.lower() in (".txt", ".tsv", ".xml")):
                out.append(_skipped_file(path, msg("read.skip.unreadable", why=exc.message)))
                continue
            raise
        if layout.own_output(grids):
            out.append(_skipped_file(path, msg("read.skip.own_output")))
            continue
        if sch is None:  # "auto" (inspect): the kind whose headers the first file matches best
            kind = guess_kind(grids)
            sch = fieldmap.schema(kind)
        unknown = [f for f in maps if f not in sch.fields]
        if unknown:
            raise InputError(msg("read.error.map_field", field=unknown[0], kind=msg(f"duties.kind.{kind}"), fields=", ".join(sch.fields)))
        file_sheets = [_read_sheet(g, sch, maps, bool(sheet_names), keep) for g in grids]
        if not file_sheets:
            if skip_bad:
                out.append(_skipped_file(path, msg("read.skip.unreadable", why=msg("read.error.no_sheets_short"))))
                continue
            raise InputError(msg("read.error.no_sheets", file=str(path)))
        if not any(s.used for s in file_sheets):
            if len(files) > 1 and all(_not_persons(s) for s in file_sheets):
                out.append(_skipped_file(path, msg("read.skip.summary_file")))
                if len(file_sheets) > 1:  # a note file (说明.txt) is one sheet: not listed twice
                    out.extend(file_sheets)
                continue
            if skip_bad:
                out.append(_skipped_file(path, msg("read.skip.unreadable", why=_why_unusable(path, file_sheets, sch))))
                continue
            raise InputError(_why_unusable(path, file_sheets, sch))
        if not sheet_names:
            skip_year_sheets(file_sheets, sch)
        layout.name_units(file_sheets, sch.kind)
        if len(files) > 1 and not sheet_names and path in year_named:
            year_files.append(file_sheets)
        out.extend(file_sheets)
    if streamed is not None:
        stream.file_read(out, streamed)
    for file_sheets in year_files:  # a year-total file repeats the others' people: counting it doubles them
        others = [s for s in out if s.used and all(s is not t for t in file_sheets)]
        if repeats(file_sheets, others):
            at = next(i for i, s in enumerate(out) if s is file_sheets[0])
            out[at:at + len(file_sheets)] = [_skipped_file(file_sheets[0].file, msg("read.skip.year_file"))]
    if not allow_empty and not any(s.used for s in out):
        first = next((s for s in out if s.reason), None)
        given = str(paths[0]) if len(paths) == 1 else None  # the folder the clerk named, not its lock file
        raise InputError(msg("read.error.nothing_read", file=given or str(first.file if first else paths[0]),
                             command="ttcalc inspect"))
    if stream is not None:
        stream.finish(out)
    elif kind == "payroll":
        duplicates_across(out)
    for fname, wanted in maps.items():
        headed = [s for s in out if s.header is not None]
        if headed and all(fname in s.map_misses for s in headed):
            raise InputError(msg("read.error.map_header", field=fname, header=wanted, file=str(headed[0].file),
                                 sheet=headed[0].sheet, headers=", ".join(headed[0].header.headers)))
    return DataSet(kind, out, digested=digest if stream is not None else None)


def _skipped_file(path, reason) -> SheetRead:
    """A whole file left out, listed with its reason (sheet "")."""
    return SheetRead(Path(path), "", status="skipped", reason=reason)


def _not_persons(s: SheetRead) -> bool:
    """A sheet that holds no person rows by design: empty, no header, a per-unit summary."""
    return s.reason_code in ("empty", "no_header", "summary_table", "hidden")


KINDS = ("payroll", "roster", "hours", "activities", "institutions")


def guess_kind(grids: list[Grid]) -> str:
    """The kind of table whose headers these sheets match best (payroll when none does)."""
    best, best_score = "payroll", 0
    for grid in grids:
        rows = ([list(grid.names)] if grid.names is not None else []) + \
            [list(r.values()) for r in grid.table.slice(0, 40).to_pylist()]
        for kind in KINDS:
            header = detect(rows, fieldmap.schema(kind))
            score = len(header.mapped) if header else 0
            if score > best_score:
                best, best_score = kind, score
    return best


def _why_unusable(path: Path, reads: list[SheetRead], sch) -> Msg:
    if all(s.reason_code == "empty" for s in reads):
        return msg("read.error.empty", file=str(path), sheets=", ".join(repr(s.sheet) for s in reads))
    for s in reads:
        if s.reason_code == "missing_column":
            return msg("read.error.sheet", file=str(path), sheet=s.sheet, reason=s.reason)
    first = next((s for s in reads if s.reason_code != "empty"), reads[0])
    return msg("read.error.sheet", file=str(path), sheet=first.sheet, reason=first.reason)


def _read_sheet(grid: Grid, sch, maps: dict[str, str], named: bool, keep: set[str] | None = None) -> SheetRead:
    import pyarrow as pa
    import pyarrow.compute as pc

    read = SheetRead(grid.file, grid.sheet)
    table = grid.table
    if table.num_rows == 0 or table.num_columns == 0:
        read.status, read.reason = "skipped", msg("read.sheet.empty")
        return read
    if grid.hidden and not named:
        read.status, read.reason = "skipped", msg("read.sheet.hidden")
        return read
    offset = 1 if grid.names is not None else 0  # Parquet: the header is the column names
    head_rows = ([list(grid.names)] if offset else []) + \
        [list(r.values()) for r in table.slice(0, 40 - offset).to_pylist()]
    header = detect(head_rows, sch, maps)
    if header is None:
        from ttcalc.cells.privacy import mask_seen

        seen = mask_seen([str(v) for r in head_rows for v in r if v][:6])
        read.status = "skipped"
        read.reason = msg("read.sheet.no_header", expected=_examples(sch),
                          seen=msg("read.sheet.seen", text=", ".join(seen)) if seen else "")
        return read
    read.map_misses = apply_map(header, maps, sch)  # an error only if no sheet at all has it
    dedupe(header, sch)
    read.header = header
    mapped = header.mapped
    for group in sch.required:
        if not any(g in mapped for g in group):
            if group[0] in ("name", "id") and any(k in mapped for k in ("unit", "gross", "component")):
                read.status = "skipped"
                read.reason = msg("read.sheet.summary_table")
                return read
            near = fieldmap.closest(header.headers, group[0], sch)
            read.status = "skipped"
            what = _label(group[0])
            for g in group[1:]:
                what = msg("read.field.either", a=what, b=_label(g))
            read.reason = msg("read.sheet.missing_column", column=what, headers=", ".join(header.headers),
                              near=msg("read.sheet.near", header=repr(near)) if near else "")
            return read
    read.title = [str(v) for r in head_rows[:header.first_row - 1] for v in r if v]  # title cells
    ahead = None
    if grid.body is not None:  # a big .xlsx: the rows below the header now, typed (read.excel)
        from ttcalc.read.ahead import Ahead

        ahead = Ahead(sch, header.last_row, [(_data_name(c), c.index, sch.fields[c.field].type == "money")
                                             for c in header.columns if c.field])  # checks while it streams
        table = grid.body(header.last_row, {c.index for c in header.columns if c.field and (
            sch.fields[c.field].type != "money" or c.scale != 1)}, {c.index for c in header.columns if c.field
                                                                  and sch.fields[c.field].type == "money"}, ahead)
    if offset == 0:
        fill = {c.index for c in header.columns if c.field and sch.fields[c.field].type != "money"}
        table, read.merged = layout.expand_merges(grid, table, header.last_row, fill)
    body = table.slice(header.last_row - offset)
    names, arrays = [], []
    for col in header.columns:
        if col.field:
            names.append(_data_name(col))
            arrays.append(as_text(body.column(col.index), sch.fields[col.field].type == "money"))
    n = body.num_rows
    import numpy as np

    rows = arrow_of(np.arange(header.last_row + 1, header.last_row + 1 + n, dtype=np.int32))
    mapped_idx = {c.index for c in header.columns if c.field}
    scan = [as_text(body.column(i)) for i in range(body.num_columns) if i not in mapped_idx][:12]
    done = ahead.result(n) if ahead is not None and not read.merged else None
    ids = _start_id_check(names, arrays) if done is None else None  # on the other core meanwhile
    skip = classify(scan, dict(zip(names, arrays)), sch) if done is None else done.skip
    skip, read.header_repeats = layout.repeated_headers(skip, header, names, arrays)
    layout.degree_as_education(read, header, names, arrays, sch)
    problems = None
    if ids is not None or (done is not None and done.ids is not None):
        normalised, problems = ids.result() if ids is not None else done.ids
        arrays[names.index("id")] = normalised
    read.blank_rows = pc.sum(pc.equal(skip, "blank")).as_py() or 0
    columns = [rows, skip] + arrays + ([problems] if problems is not None else [])
    data = pa.table(columns, names=["_row", "_skip"] + names + (["_id_problem"] if problems is not None else []))
    if read.blank_rows:
        data = data.filter(pc.invert(pc.fill_null(pc.equal(skip, "blank"), False)))
    read.data = data
    layout.find_month(read, grid, sch.kind)
    check_ids(read)
    check_duplicates(read, grid, sch.kind)
    if keep is not None:
        read.data = own_memory(read.data.select([c for c in read.data.column_names
                                           if c.startswith("_") or c.split(":")[0] in keep]))
    return read


def _start_id_check(names: list[str], arrays: list):
    """validate_array of the ID column in a worker thread (Arrow and numpy release the GIL)."""
    if "id" not in names:
        return None
    from ttcalc.cells.idcard import validate_array

    column = arrays[names.index("id")]
    if len(column) < ID_THREAD_ROWS:  # a school's sheet: at once (a thread's hand-over and its GIL cost more)
        from concurrent.futures import Future

        done: Future = Future()
        done.set_result(validate_array(column))
        return done
    if not _ID_POOL:  # one thread for every sheet of a run (a folder: not one thread a file)
        from concurrent.futures import ThreadPoolExecutor

        _ID_POOL.append(ThreadPoolExecutor(1, thread_name_prefix="ttcalc-ids"))
    return _ID_POOL[0].submit(validate_array, column)


_ID_POOL: list = []
# from this many rows a sheet's IDs are checked on the other core while its rows are classified;
# below it, in line: on a folder's 5,000-row sheets the thread held the GIL while the main
# thread's classify waited ~1.9 ms a sheet for it
ID_THREAD_ROWS = 50_000


LABELLED = ("name", "id", "gross", "component", "hours", "days", "credits", "type", "date", "rating", "budget", "unit")


def _label(field: str):
    return msg(f"read.field.{field}") if field in LABELLED else field


def _examples(sch) -> str:
    keys = [k for k in ("name", "id", "gross", "title", "hours") if k in sch.fields]
    return ", ".join(sch.fields[k].aliases[0] for k in keys)
