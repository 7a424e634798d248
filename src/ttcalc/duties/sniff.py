"""The wrong table given to a command, told clearly instead of read wrongly.

An activity log (下校/听课/教研活动 per person with dates and days) read as a training-hours
ledger would turn visit days into training hours: `budget` and `hours` refuse it.  A payroll,
roster or hours ledger given to `duties` (or `institutions`) fails to read there; the error
then says which kind of table it looks like and which command reads it.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import cache

from ttcalc.cells.text import squash
from ttcalc.core.errors import InputError, TtcalcError
from ttcalc.core.msg import msg
from ttcalc.duties.log import activity_type, classes_of, types
from ttcalc.read import fields as fieldmap
from ttcalc.read.files import expand, sheets
from ttcalc.read.grid import TEXT, ZIP_MAGIC
from ttcalc.read.header import detect

SNIFF_MAX_BYTES = 16 * 2**20  # a big payroll is never an activity log: not read twice
SNIFF_ROWS = 200
HEAD_ROWS = 40  # refuse_log judges a file from its first rows only (issue 17: no second full read)
HEAD_BYTES = 64 * 1024  # of a text file: far more than HEAD_ROWS lines
COMMAND_OF = {"payroll": "budget", "roster": "staffing", "hours": "hours", "activities": "duties",
              "institutions": "institutions"}


def _rows(grid, n: int = SNIFF_ROWS) -> list[list]:
    return _table_rows(grid.table, grid.names, n)


def _table_rows(table, names, n: int) -> list[list]:
    head = [list(names)] if names is not None else []
    part = table.slice(0, n)
    if part.num_columns and len(set(part.column_names)) == part.num_columns:  # column by column: 2-3x faster
        return head + [list(r) for r in zip(*(c.to_pylist() for c in part.columns))]
    return head + [list(r.values()) for r in part.to_pylist()]


def _heads(path):
    """(sheet, first rows) of every sheet of a file, read no further than its head where the
    format allows: an .xlsx sheet's first rows streamed from its XML, a text file's first
    HEAD_BYTES; any other format (or an .xlsx part the streaming reader does not follow) read
    whole, as the command will read it, when it is small."""
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    ext = path.suffix.lower()
    if head.startswith(ZIP_MAGIC) and ext in (".xlsx", ".xlsm"):
        found = _xlsx_heads(path)
        if found is not None:
            yield from found
            return
    elif (ext in TEXT or ext == "") and not head.startswith(ZIP_MAGIC):
        from ttcalc.read.textfiles import csv_columns

        if len(head) == HEAD_BYTES:  # cut after the last whole line (never inside a character)
            cut = head.rfind(b"\n") + 1
            if head.startswith((b"\xff\xfe", b"\xfe\xff")):
                cut += cut % 2
            head = head[:cut]
        if head:  # the csv module alone: no pyarrow to import for a few lines (issue 17)
            columns = csv_columns(path, head)
            yield path.stem, [list(r) for r in zip(*columns)][:HEAD_ROWS]
        return
    if path.stat().st_size > SNIFF_MAX_BYTES:
        return
    for grid in sheets(path):
        yield grid.sheet, _rows(grid, HEAD_ROWS)


def _xlsx_heads(path) -> list[tuple[str, list[list]]] | None:
    """The first HEAD_ROWS rows of each sheet of an .xlsx, or None (then it is read whole)."""
    import zipfile

    from ttcalc.read import limits, xlsxfast

    try:
        with zipfile.ZipFile(path) as zf:
            rels = limits.parse_xml(limits.read_member(path, zf, "xl/_rels/workbook.xml.rels"))
            targets = {el.get("Id"): el.get("Target", "") for el in rels.iter() if el.tag.endswith("Relationship")}
            book = limits.parse_xml(limits.read_member(path, zf, "xl/workbook.xml"))
            out = []
            for el in book.iter():
                if not el.tag.endswith("}sheet"):
                    continue
                rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
                target = targets.get(rid, "")
                member = target.lstrip("/") if target.startswith("/") else "xl/" + target
                if member not in zf.NameToInfo:
                    return None
                rows = xlsxfast.head_rows(zf, member, HEAD_ROWS)
                if rows is None:
                    return None
                out.append((el.get("name"), rows))
            return out
    except Exception:  # noqa: BLE001 — anything unusual: the whole-file way, where the reader judges it
        return None


def _school_share(rows: list[list]) -> tuple[int, int]:
    """(activity-log type values, type values) in the activity-type column, if one is found."""
    header = detect(rows, fieldmap.schema("activities"))
    if header is None or not header.of("type") or not header.of("date"):
        return 0, 0
    col = header.of("type")[0].index
    values = [str(r[col]).strip() for r in rows[header.last_row:] if col < len(r) and r[col] not in (None, "")]
    kinds = [activity_type(v) for v in values]
    school = sum(1 for k in kinds if k is not None and "school" in classes_of(k))
    return school, len(values)


@cache
def _school_words():
    """Every alias of a school-class activity type as activity_type compares it (squashed, lower
    case), in one pattern."""
    words = {squash(a).lower() for t in types()["types"].values() if "school" in t.get("classes", ())
             for a in t["aliases"]}
    return re.compile("|".join(re.escape(w) for w in sorted(words)))


def _grid_heads(grids):
    """(sheet, first rows) of the grids loaded, leaving out a sheet where no cell can be a school
    visit's type value: a value activity_type calls a school type holds one of its aliases once
    squashed and lower-cased, and the cells squashed together (apart by NUL, which NFKC, the
    whitespace taken out and lower case leave alone, and no alias holds) hold what each cell
    does.  A sheet of pay or hours is let go without looking for its header (issue 17)."""
    for grid in grids:
        rows = _rows(grid, HEAD_ROWS)
        text = squash("\x00".join(str(v) for r in rows for v in r if v is not None)).lower()
        if _school_words().search(text):
            yield grid.sheet, rows


def refuse_log(paths: list[str], command: str) -> None:
    """InputError when a file given to `command` holds an activity log: most of its type
    values are school visits, 听课, 教研活动, 挂职 or 示范课."""
    vet = LogVet(command)
    for path in expand(paths):
        error = vet(path)
        if error is not None:
            raise error


class LogVet:
    """The reader's `vet` for `budget` and `hours` (read.reader.read): vet(path, grids) is the
    InputError to raise when the file holds an activity log, else None.  A file of at most
    SNIFF_MAX_BYTES is judged from the first rows of the grids the reader has loaded (in a
    folder's look-ahead worker, beside the parse: issue 17), so it is not opened a second
    time; without grids (a file the reader could not load, one read by DuckDB) or for a bigger
    file, from its own head, as refuse_log judges it."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.refusals: list[InputError] = []  # what it has returned: the run's error is one of them

    def __call__(self, path, grids=None) -> InputError | None:
        if grids is None and not path.is_file():
            return None  # a FIFO, a device, a folder: never opened here (the reader refuses it)
        try:
            heads = list(_heads(path)) if grids is None or path.stat().st_size > SNIFF_MAX_BYTES else \
                list(_grid_heads(grids))
        except (InputError, OSError):
            return None  # the command's own reader says what is wrong with the file
        for sheet, rows in heads:
            school, n = _school_share(rows)
            if n and school * 2 > n:
                expected = msg("duties.kind.payroll" if self.command == "budget" else "duties.kind.hours")
                error = InputError(msg("duties.error.log_given", file=str(path), sheet=sheet, school=school, n=n,
                                       expected=expected, command="ttcalc duties"))
                self.refusals.append(error)
                return error
        return None


@contextmanager
def refusing_log(paths: list[str], command: str, named_sheets):
    """Run `budget` or `hours` (the API) with the LogVet to hand to the reader: an activity log
    is refused as its file comes up in the read, before any figure is made.  The run stopped by
    another error (a bad option, a file that does not read, nothing read…): a log among the
    files is still the error, as when every file was judged before the run.  --sheet: the
    reader loads the sheets named only; every sheet is judged first, as refuse_log does."""
    if named_sheets:
        refuse_log(paths, command)
        yield None
        return
    vet = LogVet(command)
    try:
        yield vet
    except TtcalcError as exc:
        if not any(exc is r for r in vet.refusals):
            refuse_log(paths, command)
        raise


def _best_kind(path) -> str | None:
    best, score = None, 1
    for grid in sheets(path):
        rows = _rows(grid)
        for kind in ("payroll", "roster", "hours", "activities", "institutions"):
            header = detect(rows, fieldmap.schema(kind))
            n = len(header.mapped) if header else 0
            if n > score:
                best, score = kind, n
    return best


@contextmanager
def explain_wrong_input(paths: list[str], kind: str):
    """Run a command; when its reader fails, say if the file looks like another kind of table."""
    try:
        yield
    except InputError as exc:
        try:
            files = expand(paths)
            first = next((p for p in files if p.is_file() and p.stat().st_size <= SNIFF_MAX_BYTES), None)
            other = _best_kind(first) if first is not None else None
        except InputError:
            other = None
        if other is None or other == kind:
            raise
        raise InputError(msg("duties.error.looks_like", file=str(first), looks=msg(f"duties.kind.{other}"),
                             expected=msg("duties.kind.activities" if kind == "activities" else "duties.kind.institutions"),
                             command=f"ttcalc {COMMAND_OF[other]}", why=exc.message)) from None
