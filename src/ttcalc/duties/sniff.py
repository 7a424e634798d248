"""The wrong table given to a command, told clearly instead of read wrongly.

An activity log (下校/听课/教研活动 per person with dates and days) read as a training-hours
ledger would turn visit days into training hours: `budget` and `hours` refuse it.  A payroll,
roster or hours ledger given to `duties` (or `institutions`) fails to read there; the error
then says which kind of table it looks like and which command reads it.
"""

from __future__ import annotations

from contextlib import contextmanager

from ttcalc.core.errors import InputError
from ttcalc.duties.log import activity_type, classes_of
from ttcalc.read import fields as fieldmap
from ttcalc.read.files import expand, sheets
from ttcalc.read.header import detect

SNIFF_MAX_BYTES = 16 * 2**20  # a big payroll is never an activity log: not read twice
SNIFF_ROWS = 200
WHAT = {"payroll": "a payroll", "roster": "a staff roster", "hours": "a training-hours ledger",
        "activities": "an activity log", "institutions": "an institution list"}
COMMAND_OF = {"payroll": "budget", "roster": "staffing", "hours": "hours", "activities": "duties",
              "institutions": "institutions"}


def _rows(grid) -> list[list]:
    head = [list(grid.names)] if grid.names is not None else []
    return head + [list(r.values()) for r in grid.table.slice(0, SNIFF_ROWS).to_pylist()]


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


def refuse_log(paths: list[str], command: str) -> None:
    """InputError when a file given to `command` holds an activity log: most of its type
    values are school visits, 听课, 教研活动, 挂职 or 示范课."""
    for path in expand(paths):
        if not path.is_file() or path.stat().st_size > SNIFF_MAX_BYTES:
            continue
        try:
            grids = list(sheets(path))
        except InputError:
            return  # the command's own reader says what is wrong with the file
        for grid in grids:
            school, n = _school_share(_rows(grid))
            if n and school * 2 > n:
                raise InputError(f"{path} [{grid.sheet}]: an activity log (下校, 听课, 教研活动 … per person and "
                                 f"date: {school} of {n} rows), not a {'payroll' if command == 'budget' else 'training-hours ledger'}: "
                                 "read it with ttcalc duties")


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
        raise InputError(f"{first}: this looks like {WHAT[other]}, not {'an activity log' if kind == 'activities' else 'an institution list'}: "
                         f"read it with ttcalc {COMMAND_OF[other]} ({exc})") from None
