"""glibc's malloc settings for a run (Linux; nothing elsewhere).

The command line gives freed buffers back to the system at once (`returned`): a run's peak is
then what it holds, not what it once held (issue 17: a 1M-row sheet read 555 MB at its peak
instead of 711).  Arrow allocates with the C library's malloc there, and glibc maps every
block of 64 KiB or more on its own; its default threshold grows with the blocks freed, and
they then stay in the heap.

A folder of small workbooks is the other way round (`folder`): mapping and unmapping each
file's buffers anew took 200 workbooks 3.7–4.2 s of system time instead of 2.3 (page faults),
for ~10 MB less at the peak; while it is read, blocks under 1 MiB come from the heap, whose top
is given back past 4 MiB free.  A library caller keeps its own settings: `folder` changes
nothing unless `returned` set them.  `give_back` hands the heap's free pages back to the
system (malloc_trim), every few files of a folder and around a digest's sort."""

from __future__ import annotations

import sys
from contextlib import contextmanager

RETURNED = (1 << 16, 128 << 10)  # (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD): 64 KiB, glibc's default trim
FOLDER = (1 << 20, 4 << 20)
_now: list = []  # the settings made by `returned`, if any


def _libc():
    """The C library, when it is glibc's on Linux (mallopt, malloc_trim), else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None
    except (OSError, AttributeError, TypeError):  # another C library: its own defaults
        return None


def _set(mmap_threshold: int, trim_threshold: int) -> bool:
    libc = _libc()
    return libc is not None and bool(libc.mallopt(-3, mmap_threshold)) and bool(libc.mallopt(-1, trim_threshold))


def give_back() -> None:
    """Hand the C allocator's free pages back to the system: a folder's digest sorts a million
    rows at the end, and the heap it freed would otherwise stay with the process while the
    report is built beside it (~20 MB of the peak)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def returned() -> None:
    """Freed buffers back to the system at once (the command line's setting)."""
    if _set(*RETURNED):
        _now[:] = [RETURNED]


@contextmanager
def folder():
    """The folder setting while the block runs, if the run set `returned`."""
    if not _now or not _set(*FOLDER):
        yield
        return
    try:
        yield
    finally:
        _set(*_now[0])
