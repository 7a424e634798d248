"""Read payroll, roster and hours workbooks into one data set.

For every sheet of every file: find the header, map columns to fields, and mark each row
used or skipped with a reason (blank, total, note, no name or ID).  Nothing here prints;
problems with the input raise `InputError`, doubts become warnings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ttcalc.core.errors import InputError
from ttcalc.read import fields as fieldmap
from ttcalc.read.files import Grid, expand, sheets
from ttcalc.read.header import Header, apply_map, dedupe, detect
from ttcalc.read.rows import as_text, classify, own_memory

WARN_CAP = 200  # warnings listed per code and sheet; the rest are counted


_ID_MESSAGES = {
    "checksum": "ID check digit does not match (GB 11643)",
    "numeric": "ID stored as a number: its last digits are lost; store the column as text",
    "length": "ID has the wrong length (18 or 15 characters expected)",
    "characters": "ID has characters other than digits and a final X",
    "birth_date": "ID holds an impossible birth date",
}


@dataclass
class Warning_:
    code: str
    file: str
    sheet: str
    row: int | None
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "file": self.file, "sheet": self.sheet, "row": self.row,
                "message": self.message}


@dataclass
class SheetRead:
    file: Path
    sheet: str
    header: Header | None = None
    data: object = None  # pyarrow.Table: _row, _skip, then one string column per mapped column
    status: str = "used"  # used | skipped
    reason: str | None = None
    blank_rows: int = 0
    warnings: list[Warning_] = field(default_factory=list)
    map_misses: list[str] = field(default_factory=list)

    @property
    def used(self) -> bool:
        return self.status == "used"

    def rows_used(self) -> int:
        if self.data is None:
            return 0
        import pyarrow.compute as pc

        return self.data.num_rows - pc.sum(pc.is_valid(self.data["_skip"])).as_py() if self.data.num_rows else 0

    def skipped(self) -> list[dict]:
        if self.data is None or self.data.num_rows == 0:
            return []
        import pyarrow.compute as pc

        rows = self.data.filter(pc.is_valid(self.data["_skip"])).select(["_row", "_skip"])
        return [{"row": r, "reason": s} for r, s in zip(rows["_row"].to_pylist(), rows["_skip"].to_pylist())]

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

    @property
    def used(self) -> list[SheetRead]:
        return [s for s in self.sheets if s.used]

    @property
    def warnings(self) -> list[Warning_]:
        return [w for s in self.sheets for w in s.warnings]


def _data_name(col) -> str:
    sch_many = col.field in ("component", "deduction", "employer")
    return f"{col.field}:{col.header}" if sch_many else col.field


def read(paths: list[str], kind: str, maps: dict[str, str] | None = None,
         sheet_names: list[str] | None = None, progress=None, keep: set[str] | None = None) -> DataSet:
    """Read every file and sheet named into one DataSet of the given kind
    ("payroll", "roster" or "hours").  `keep`: the fields a command needs; other columns are
    dropped once rows are classified, so a city's folder of workbooks stays small in memory."""
    files = expand(paths)
    if not files:
        raise InputError("no input file given")
    maps = maps or {}
    out: list[SheetRead] = []
    sch = None if kind == "auto" else fieldmap.schema(kind)
    for path, grids in _load_all(files, sheet_names):
        if sch is None:  # "auto" (inspect): the kind whose headers the first file matches best
            grids = list(grids)
            kind = guess_kind(grids)
            sch = fieldmap.schema(kind)
        unknown = [f for f in maps if f not in sch.fields]
        if unknown:
            raise InputError(f"--map {unknown[0]}=…: no such {kind} field; fields are: {', '.join(sch.fields)}")
        file_sheets = [_read_sheet(g, sch, maps, bool(sheet_names), keep) for g in grids]
        if not file_sheets:
            raise InputError(f"{path}: the workbook has no sheets")
        if not any(s.used for s in file_sheets):
            raise InputError(_why_unusable(path, file_sheets, sch))
        if not sheet_names:
            _skip_year_sheets(file_sheets, sch)
        out.extend(file_sheets)
        if progress:
            progress(path)
    if kind == "payroll":
        _duplicates_across(out)
    for fname, wanted in maps.items():
        headed = [s for s in out if s.header is not None]
        if headed and all(fname in s.map_misses for s in headed):
            raise InputError(f"--map {fname}={wanted}: no sheet has a column with that header; headers of "
                             f"{headed[0].file} [{headed[0].sheet}] are: {', '.join(headed[0].header.headers)}")
    return DataSet(kind, out)


def _duplicates_across(reads: list) -> None:
    """The same 身份证号 paid for the same month in two sheets or files (a school's file sent
    twice, a month copied into another): warned, with where the first one is."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    parts, origin = [], []
    for n, s in enumerate(reads):
        if s.used and s.column("id") and s.column("month"):
            d = s.data.filter(pc.and_(pc.is_null(s.data["_skip"]), pc.is_valid(s.data["id"])))
            key = pc.binary_join_element_wise(d["id"], pc.fill_null(d["month"], ""), "\x1f")
            parts.append(key.combine_chunks() if isinstance(key, pa.ChunkedArray) else key)
            origin.append((n, d["_row"].to_numpy()))
    if len(parts) < 2:
        return
    codes = pc.dictionary_encode(pa.concat_arrays(parts)).indices.to_numpy(zero_copy_only=False)
    sheet_of = np.concatenate([np.full(len(rows), n) for n, rows in origin])
    row_of = np.concatenate([rows for _, rows in origin])
    _, first = np.unique(codes, return_index=True)
    first_of = first[np.unique(codes, return_inverse=True)[1]]
    again = np.flatnonzero((np.arange(len(codes)) != first_of) & (sheet_of != sheet_of[first_of]))
    for i in again[:WARN_CAP]:
        s, f = reads[sheet_of[i]], reads[sheet_of[first_of[i]]]
        s.warnings.append(Warning_("duplicate_person", str(s.file), s.sheet, int(row_of[i]),
                                   f"same 身份证号 and month as {f.file} [{f.sheet}] row {int(row_of[first_of[i]])}: "
                                   "paid twice, or the same file given twice?"))


def _skip_year_sheets(file_sheets: list, sch) -> None:
    """A workbook of monthly sheets often adds a 全年合计 sheet of the same persons: counting it
    too would double the year.  It is skipped when other person sheets exist (name it with
    --sheet to read it alone)."""
    used = [s for s in file_sheets if s.used]
    if len(used) < 2:
        return
    for s in used:
        if any(w in s.sheet for w in sch.year_sheets) and len(used) > 1:
            s.status = "skipped"
            s.reason = "a total sheet (合计/汇总/全年) beside the monthly sheets: its rows repeat theirs; not counted"
            used = [u for u in used if u is not s]


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


PARALLEL_MAX_BYTES = 16 * 2**20  # small files are parsed two at a time; big ones one by one (memory)


def _load_all(files: list[Path], sheet_names):
    """(path, [Grid…]) in the order given.  A folder of school workbooks is parsed on every
    core (the Rust reader releases the GIL); a big file is read alone to keep memory flat."""
    import os

    small = len(files) > 1 and all(f.exists() and f.stat().st_size <= PARALLEL_MAX_BYTES for f in files)
    workers = min(os.cpu_count() or 1, 4)
    if not small or workers < 2:
        for path in files:
            yield path, sheets(path, sheet_names)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    load = lambda p: list(sheets(p, sheet_names))  # noqa: E731
    with ThreadPoolExecutor(workers) as pool:
        ahead: deque = deque()
        pending = iter(files)
        for path in pending:  # keep only a few files in flight: memory stays flat
            ahead.append((path, pool.submit(load, path)))
            if len(ahead) >= workers * 2:
                break
        while ahead:
            path, future = ahead.popleft()
            nxt = next(pending, None)
            if nxt is not None:
                ahead.append((nxt, pool.submit(load, nxt)))
            yield path, future.result()


def _why_unusable(path: Path, reads: list[SheetRead], sch) -> str:
    if all(s.reason == "empty sheet" for s in reads):
        return f"{path}: empty sheet: no data in {', '.join(repr(s.sheet) for s in reads)}"
    for s in reads:
        if s.reason and s.reason.startswith("missing"):
            return f"{path} [{s.sheet}]: {s.reason}"
    first = next((s for s in reads if s.reason != "empty sheet"), reads[0])
    return f"{path} [{first.sheet}]: {first.reason}"


def _read_sheet(grid: Grid, sch, maps: dict[str, str], named: bool, keep: set[str] | None = None) -> SheetRead:
    import pyarrow as pa
    import pyarrow.compute as pc

    read = SheetRead(grid.file, grid.sheet)
    table = grid.table
    if table.num_rows == 0 or table.num_columns == 0:
        read.status, read.reason = "skipped", "empty sheet"
        return read
    if grid.hidden and not named:
        read.status, read.reason = "skipped", "hidden sheet (name it with --sheet to read it)"
        return read
    offset = 1 if grid.names is not None else 0  # Parquet: the header is the column names
    head_rows = ([list(grid.names)] if offset else []) + \
        [list(r.values()) for r in table.slice(0, 40 - offset).to_pylist()]
    header = detect(head_rows, sch, maps)
    if header is None:
        from ttcalc.cells.privacy import mask_seen

        seen = mask_seen([str(v) for r in head_rows for v in r if v][:6])
        read.status = "skipped"
        read.reason = ("no table header found in the first 40 rows (a notes or explanation sheet?); "
                       f"expected headers such as {_examples(sch)}"
                       + (f"; text seen: {', '.join(seen)}" if seen else ""))
        return read
    read.map_misses = apply_map(header, maps, sch)  # an error only if no sheet at all has it
    dedupe(header, sch)
    read.header = header
    mapped = header.mapped
    for group in sch.required:
        if not any(g in mapped for g in group):
            if group[0] in ("name", "id") and any(k in mapped for k in ("unit", "gross", "component")):
                read.status = "skipped"
                read.reason = "per-unit summary or other non-person table (no 姓名 or 身份证号 column): not counted"
                return read
            near = fieldmap.closest(header.headers, group[0], sch)
            read.status = "skipped"
            read.reason = (f"missing {' or '.join(_label(g) for g in group)} column; "
                           f"headers are: {', '.join(header.headers)}"
                           + (f"; closest header seen: {near!r}" if near else ""))
            return read
    body = table.slice(header.last_row - offset)
    names, arrays = [], []
    for col in header.columns:
        if col.field:
            names.append(_data_name(col))
            arrays.append(as_text(body.column(col.index), sch.fields[col.field].type == "money"))
    n = body.num_rows
    import numpy as np

    rows = pa.array(np.arange(header.last_row + 1, header.last_row + 1 + n, dtype=np.int32))
    mapped_idx = {c.index for c in header.columns if c.field}
    scan = [as_text(body.column(i)) for i in range(body.num_columns) if i not in mapped_idx][:12]
    ids = _start_id_check(names, arrays)  # on the other core while the rows are classified
    skip = classify(scan, dict(zip(names, arrays)), sch)
    problems = None
    if ids is not None:
        normalised, problems = ids.result()
        arrays[names.index("id")] = normalised
    read.blank_rows = pc.sum(pc.equal(skip, "blank")).as_py() or 0
    columns = [rows, skip] + arrays + ([problems] if problems is not None else [])
    data = pa.table(columns, names=["_row", "_skip"] + names + (["_id_problem"] if problems is not None else []))
    if read.blank_rows:
        data = data.filter(pc.invert(pc.fill_null(pc.equal(skip, "blank"), False)))
    read.data = data
    _check_ids(read)
    _check_duplicates(read, grid, sch.kind)
    if keep is not None:
        read.data = own_memory(read.data.select([c for c in read.data.column_names
                                           if c.startswith("_") or c.split(":")[0] in keep]))
    return read


def _start_id_check(names: list[str], arrays: list):
    """validate_array of the ID column in a worker thread (Arrow and numpy release the GIL)."""
    if "id" not in names:
        return None
    from concurrent.futures import ThreadPoolExecutor

    from ttcalc.cells.idcard import validate_array

    pool = ThreadPoolExecutor(1)
    future = pool.submit(validate_array, arrays[names.index("id")])
    pool.shutdown(wait=False)
    return future


def _label(field: str) -> str:
    labels = {"name": "姓名 (name)", "id": "身份证号 (ID)", "gross": "应发合计 (gross pay)",
              "component": "pay components (基本工资, 绩效工资, 津贴补贴 …)", "hours": "学时 (hours)",
              "days": "天数 (days)", "credits": "学分 (credits)"}
    return labels.get(field, field)


def _examples(sch) -> str:
    keys = [k for k in ("name", "id", "gross", "title", "hours") if k in sch.fields]
    return ", ".join(sch.fields[k].aliases[0] for k in keys)


def _warn(read: SheetRead, code: str, rows: list[int], message: str) -> None:
    for r in rows[:WARN_CAP]:
        read.warnings.append(Warning_(code, str(read.file), read.sheet, r, message))
    if len(rows) > WARN_CAP:
        read.warnings.append(Warning_(code, str(read.file), read.sheet, None,
                                      f"{len(rows) - WARN_CAP} more rows: {message}"))


def _check_ids(read: SheetRead) -> None:
    """Warn about the IDs validate_array found wrong (on person rows only)."""
    import pyarrow.compute as pc

    if "_id_problem" not in read.data.column_names:
        return
    problems = read.data["_id_problem"]
    read.data = read.data.drop_columns(["_id_problem"])
    if problems.null_count == len(problems):
        return
    flagged = read.data.select(["_row", "_skip"]).append_column("problem", problems).filter(
        pc.and_(pc.is_valid(problems), pc.is_null(read.data["_skip"])))
    by_code: dict[str, list[int]] = {}
    for row, code in zip(flagged["_row"].to_pylist(), flagged["problem"].to_pylist()):
        by_code.setdefault(code, []).append(row)
    for code, message in _ID_MESSAGES.items():
        if by_code.get(code):
            _warn(read, f"id_{code}", by_code[code], message)


def _check_duplicates(read: SheetRead, grid: Grid, kind: str) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind in ("hours", "activities"):  # a ledger or a log holds many rows a person
        return
    names = read.data.column_names
    key_cols = [c for c in ("id",) if c in names] or [c for c in ("name", "unit") if c in names]
    if kind == "payroll" and "month" in names:
        key_cols.append("month")
    if not key_cols or read.data.num_rows == 0:
        return
    data = read.data.select(key_cols + ["_row", "_skip"])  # filter only what is needed: a copy
    data = data.filter(pc.is_null(data["_skip"]))
    keyed = data.filter(pc.is_valid(data[key_cols[0]]))
    key = keyed[key_cols[0]] if len(key_cols) == 1 else pc.binary_join_element_wise(
        *[pc.fill_null(keyed[c], "") for c in key_cols], "\x1f")
    key = key.combine_chunks() if isinstance(key, pa.ChunkedArray) else key
    import numpy as np

    codes = pc.dictionary_encode(key).indices.to_numpy(zero_copy_only=False)
    _, first = np.unique(codes, return_index=True)
    if len(first) == len(codes):  # the common case: nobody twice
        return
    again = np.ones(len(codes), dtype=bool)
    again[first] = False  # rows are in sheet order, so the first appearance is not the duplicate
    rows = keyed["_row"].to_numpy()[again].tolist()
    what = "in the same month" if kind == "payroll" else "on the roster"
    _warn(read, "duplicate_person", rows, f"same person appears twice {what} (by {'+'.join(key_cols)})")


def refuse_bad(sheet, mask, bad: list[tuple[int, str]], column: str) -> None:
    """An unreadable amount on a row that counts stops the run: a total must not silently
    leave it out.  The message names file, sheet, row and column, never the person."""
    from ttcalc.core.errors import InputError

    rows = sheet.data["_row"].to_numpy()
    for i, text in bad:
        if mask[i]:
            raise InputError(f"{sheet.file} [{sheet.sheet}] row {int(rows[i])}, column {sheet.header_of(column)}: "
                             f"expected an amount in yuan, got {text[:30]!r}")


def inputs_block(dataset, list_cap: int = 1000) -> list[dict]:
    out = []
    for s in dataset.sheets:
        item = {"file": str(s.file), "sheet": s.sheet, "status": s.status}
        if s.header:
            item["header_row"] = s.header.last_row
        if s.used:
            skipped = s.skipped()
            item["rows_used"] = s.rows_used()
            item["rows_skipped"] = skipped[:list_cap]
            if len(skipped) > list_cap:
                item["rows_skipped_more"] = len(skipped) - list_cap
            if s.blank_rows:
                item["blank_rows"] = s.blank_rows
        else:
            item["reason"] = s.reason
        out.append(item)
    return out

