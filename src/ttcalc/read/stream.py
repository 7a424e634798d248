"""A folder of workbooks read as a stream (issue 17): the next file is parsed while the current
one is checked, and once a file is read, what the command needs of each sheet is taken from it
(`digest`: compact columns, counts) and the sheet's rows are dropped.  What a sheet keeps after
that is what the report says of it (header, rows used, rows skipped with their codes, warnings),
so memory stays flat whatever the number of files."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from ttcalc.core import heap
from ttcalc.core.errors import InputError
from ttcalc.read.rowchecks import across_keys, duplicates_across

# threads parsing ahead of the checks: two keep both cores busy whichever side is slower (the
# parse with its caps and merges, or the checks); TTCALC_FOLDER_WORKERS=1 for one
_workers = os.environ.get("TTCALC_FOLDER_WORKERS", "2").strip()
WORKERS = max(1, min(int(_workers), 8)) if _workers.isdigit() else 2
# the GIL switch interval while files are read ahead (Python's default is 5 ms): the Rust
# reader gives the GIL up and takes it back many times a sheet, waiting each time for the main
# thread's checks to let go; beside a busy main thread a sheet's load took 3–5 times as long at
# 5 ms, and about its own time at 0.2 ms (measured on a folder's workbooks)
SWITCH = 0.0002
AHEAD = WORKERS + 1  # files parsed ahead of the one being checked: one in each worker, one waiting
# every so many files the C allocator's free pages go back to the system (malloc_trim, a few ms):
# the files' buffers freed between what the folder keeps leave holes no trim threshold returns
# (200 workbooks: 173 -> 167 MB while reading, 186 -> 175 MB at the run's peak)
TRIM_EVERY = 10


class Stream:
    """The reader's side of a streamed folder: `file_read(sheets, at)` for every file read, in
    order (`sheets[at:]`: that file's sheets, in the data set's list), `finish(sheets)` once."""

    def __init__(self, digest: Callable, kind: str) -> None:
        self.digest = digest
        self.kind = kind
        self.keyed: list = []  # duplicates_across's keys of the sheets already dropped

    def file_read(self, sheets: list, at: int) -> None:
        for n in range(at, len(sheets)):
            s = sheets[n]
            if s.data is None:
                continue
            if s.used:
                if self.kind == "payroll":
                    key = across_keys(s, n)
                    if key is not None:
                        self.keyed.append(key)
                self.digest(s)
            drop_rows(s)

    def finish(self, sheets: list) -> None:
        if self.kind == "payroll":
            duplicates_across(sheets, self.keyed)
        self.keyed = []


def drop_rows(s) -> None:
    """A sheet without its rows: the count of rows used and the rows skipped (row, code) stay
    for the report's inputs block."""
    import pyarrow.compute as pc

    data = s.data
    s.data = None
    if data is None or not s.used:
        return
    skipped = pc.is_valid(data["_skip"])
    rows = data.filter(skipped).select(["_row", "_skip"]) if data.num_rows else data.select(["_row", "_skip"])
    rows = rows.combine_chunks()
    s.kept = (data.num_rows - rows.num_rows, rows)


def parsed(path: Path, sheet_names) -> list:
    """Every sheet of a file as a Grid, with what is found beside the parse (the merge ranges,
    read.xlsxfast.LazyMerges, found from the sheet's XML): the look-ahead worker's part."""
    from ttcalc.read.files import sheets

    grids = list(sheets(path, sheet_names))
    for grid in grids:
        merges = getattr(grid, "merges", None)
        if merges is not None:
            iter(merges)  # a LazyMerges inflates the part now, in this thread, and keeps what it found
    return grids


PARALLEL_MAX_BYTES = 16 * 2**20  # small files are parsed ahead of the one checked; big ones one by one (memory)


def load_all(files: list[Path], sheet_names, vet: Callable | None = None) -> Iterator[tuple[Path, object]]:
    """(path, [Grid…] or the InputError of the file) in the order given.  A folder of school
    workbooks: the next file is parsed (the Rust reader releases the GIL) while the current one
    is checked (load_ahead); a big file is read alone to keep memory flat.  `vet`: each file
    judged once loaded (vetted), a Refused in place of its grids."""
    from ttcalc.read.files import sheets

    small = len(files) > 1 and all(f.exists() and f.stat().st_size <= PARALLEL_MAX_BYTES for f in files)
    if not small:
        load = vetted(lambda p: list(sheets(p, sheet_names, typed=True)), vet) if vet is not None else None
        for path in files:
            yield path, load(path) if load is not None else sheets(path, sheet_names, typed=True)
        return
    yield from load_ahead(files, vetted(lambda p: parsed(p, sheet_names), vet))


def vet_heads(files: list[Path], vet: Callable) -> None:
    """Each file judged by vet(path) from its own head before it is read (no grid loaded to
    judge: DuckDB reads it); the first refusal raised."""
    for path in files:
        refused = vet(path)
        if refused is not None:
            raise refused


class Refused:
    """A file the command refuses (the InputError its `vet` gave): raised when the file comes
    up in order, --skip-bad or not."""

    def __init__(self, error: InputError) -> None:
        self.error = error


def vetted(load: Callable, vet: Callable | None) -> Callable:
    """load(path), then vet(path, grids) in the same thread (a look-ahead worker: beside the
    parse, off the main thread): the grids, a Refused, or the InputError of the load.  A file
    that does not load is judged by vet(path) alone: a refusal wins over the read error."""
    if vet is None:
        return load

    def run(path: Path):
        try:
            grids = load(path)
        except InputError as exc:
            refused = vet(path)
            return exc if refused is None else Refused(refused)
        refused = vet(path, grids)
        return grids if refused is None else Refused(refused)

    return run


def load_ahead(files: list[Path], load: Callable, ahead: int = AHEAD,
               workers: int = WORKERS) -> Iterator[tuple[Path, object]]:
    """(path, load(path) or the InputError it raised), in the order given; `workers` threads
    parse up to `ahead` files ahead of the caller (the Rust reader and zlib release the GIL), so
    the files in memory at once are bounded whatever their number."""
    from collections import deque

    import pyarrow as pa

    def safe(path):
        try:
            return load(path)
        except InputError as exc:  # the caller decides: stop, or skip the file (--skip-bad)
            return exc

    pending = iter(files)
    queue: deque = deque()
    # while the files are read, the C library's allocator: it gives a file's buffers back once
    # they are dropped, where Arrow's default pool (mimalloc) keeps each thread's pages (15 MB
    # more over a folder); buffers keep the pool they came from, so switching back is safe
    default = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    switch = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH)
    try:
        with heap.folder():
            yield from _ahead(safe, ahead, workers, pending, queue)
    finally:
        sys.setswitchinterval(switch)
        pa.set_memory_pool(default)


def _ahead(safe: Callable, ahead: int, workers: int, pending, queue) -> Iterator[tuple[Path, object]]:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers, thread_name_prefix="ttcalc-ahead") as pool:
        for path in pending:
            queue.append((path, pool.submit(safe, path)))
            if len(queue) >= ahead:
                break
        try:
            done = 0
            while queue:
                path, future = queue.popleft()
                result = future.result()
                nxt = next(pending, None)
                if nxt is not None:
                    queue.append((nxt, pool.submit(safe, nxt)))
                yield path, result
                del result
                done += 1
                if done % TRIM_EVERY == 0:
                    heap.give_back()
        finally:
            for _, future in queue:
                future.cancel()
