"""Writing output files safely: to a temporary file beside the target, then renamed into
place, so a crash, Ctrl-C or SIGTERM leaves the old file or the new one, never half of one
and never a temporary.  A file this process has read as input is never the target, by any
spelling of its path (`ttcalc.read.limits.is_input`).  `OutputSet` commits the files of one
run together (`check --output-dir`): all or none, never mixed with a concurrent run's."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.read.limits import os_why

OUTPUT_SUFFIXES = (".xlsx",)


def refuse_inputs(output: Path, inputs: list[Path]) -> None:
    """Writing onto an input file is refused, whatever the spelling of the path."""
    from ttcalc.read.limits import is_input

    if is_input(output):
        raise InputError(msg("output.error.onto_input", file=str(output)))
    out = output.resolve()
    for p in inputs:
        try:
            if p.exists() and (p.resolve() == out or (output.exists() and os.path.samefile(p, output))):
                raise InputError(msg("output.error.onto_input", file=str(output)))
        except OSError:
            continue


def check_output(output: Path | None, inputs: list[str]) -> None:
    """Before any work is done: an output path must not be one of the inputs (folders and
    globs expanded)."""
    if output is None:
        return
    from ttcalc.read.files import expand

    if str(output) == "-":  # stdout carries the report; a binary workbook there would corrupt both
        raise InputError(msg("output.refuse.stdout", example="-o 测算表.xlsx"))
    if Path(output).suffix.lower() not in OUTPUT_SUFFIXES:  # an .xlsm name on .xlsx content lies
        raise InputError(msg("output.refuse.xlsx_name", file=str(output), name=Path(output).with_suffix(".xlsx").name))
    refuse_inputs(Path(output), expand([str(i) for i in inputs if i is not None]))


def refuse_existing(output: Path | None, overwrite: bool) -> None:
    """An existing output is replaced only with --overwrite."""
    if output is not None and Path(output).exists() and not overwrite:
        raise InputError(msg("output.error.exists", file=str(output)))


@contextmanager
def atomic_path(target: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto the target on success."""
    target = Path(target)
    if target.exists() and not overwrite:
        raise InputError(msg("output.error.exists", file=str(target)))
    if not target.parent.exists():
        raise InputError(msg("output.error.no_folder", folder=str(target.parent)))
    tmp = None
    try:
        with signals_held():  # SIGINT/SIGTERM wait until the temporary is known, so it can be removed
            tmp = _temporary(target)
        yield Path(tmp)
        with signals_held():  # the rename is all or nothing
            _chmod_like(Path(tmp), target)
            _refuse_input(target)
            if overwrite:
                os.replace(tmp, target)
            else:  # never replace a file that appeared meanwhile (another run's)
                _link(tmp, target)
                os.unlink(tmp)
    except BaseException:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise


@contextmanager
def signals_held():
    """Hold SIGINT and SIGTERM for a few system calls that must not be cut in two (a temporary
    created but not yet known, a rename half done); they are delivered right after."""
    import signal

    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    except (AttributeError, ValueError, OSError):  # no signal masks here (Windows)
        old = None
    try:
        yield
    finally:
        if old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _temporary(target: Path) -> str:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
    except OSError as exc:
        raise InputError(msg("output.error.cannot_write", folder=str(target.parent), why=os_why(exc))) from None
    os.close(fd)
    return tmp


def _refuse_input(target: Path) -> None:
    from ttcalc.read.limits import is_input

    if is_input(target):
        raise InputError(msg("output.error.onto_input", file=str(target)))


def _link(tmp: str, target: Path) -> None:
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise InputError(msg("output.error.exists", file=str(target))) from None
    except OSError:  # a file system without hard links: an exclusive create instead
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with open(tmp, "rb") as src, os.fdopen(fd, "wb", closefd=False) as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            os.chmod(target, os.stat(tmp).st_mode & 0o777)
        except BaseException:
            os.close(fd)
            os.unlink(target)
            raise
        os.close(fd)


class OutputSet:
    """The files of one run, written to temporaries in their folder and committed together at
    the end: all of them appear, or none (a run that fails leaves nothing).  The commit holds
    an exclusive lock on the folder, so two runs into one folder commit one after the other;
    without --overwrite a file that exists (another run's) is never replaced — the commit is
    refused and undone."""

    def __init__(self, folder: Path, overwrite: bool = False) -> None:
        self.folder, self.overwrite = Path(folder), overwrite
        self.items: dict[str, tuple[Path, Path]] = {}  # key -> (temporary, target)

    def reserve(self, key: str, target: Path) -> Path:
        """A temporary path to write `target`'s content to (same suffix, hidden, same folder)."""
        target = Path(target)
        if target.exists() and not self.overwrite:
            raise InputError(msg("output.error.exists", file=str(target)))
        _refuse_input(target)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".tmp" + target.suffix, dir=target.parent)
        except OSError as exc:
            raise InputError(msg("output.error.cannot_write", folder=str(target.parent), why=os_why(exc))) from None
        os.close(fd)
        self.items[key] = (Path(tmp), target)
        return Path(tmp)

    def targets(self) -> dict[str, Path]:
        return {k: t for k, (_tmp, t) in self.items.items()}

    def commit(self) -> dict[str, Path]:
        import fcntl

        fd = os.open(self.folder, os.O_RDONLY)
        done: list[Path] = []
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            for tmp, target in self.items.values():
                _refuse_input(target)
                if not self.overwrite and os.path.lexists(target):
                    raise InputError(msg("output.error.exists", file=str(target)))
            for tmp, target in self.items.values():
                _chmod_like(tmp, target)
                if self.overwrite:
                    os.replace(tmp, target)
                else:
                    _link(str(tmp), target)
                    done.append(target)
                    os.unlink(tmp)
            done = []
            return self.targets()
        except BaseException:
            for target in done:  # undo this commit's own files, never another's
                try:
                    os.unlink(target)
                except OSError:
                    pass
            raise
        finally:
            os.close(fd)  # releases the lock
            self.discard()

    def discard(self) -> None:
        """Remove the temporaries still there (after a commit, or when the run failed)."""
        for tmp, _target in self.items.values():
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass


def write_text(target: Path, text: str, overwrite: bool = False) -> None:
    with atomic_path(target, overwrite) as tmp:
        try:
            tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(msg("output.error.cannot_write", folder=str(target), why=os_why(exc))) from None


def _chmod_like(tmp: Path, target: Path) -> None:
    """mkstemp makes 0600 files; give the output the mode a plain open() would (or the
    replaced file's)."""
    if target.exists():
        mode = target.stat().st_mode & 0o777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)


def error_log(exc: BaseException, version: str) -> Path | None:
    """The exit-3 log: in the user's own state folder (platformdirs), created owner-only,
    never through a symlink, never appended to another file; it holds the traceback's code
    locations and the exception type — no message text, so no cell content and no person."""
    import time
    import traceback

    try:
        from platformdirs import user_state_dir

        folder = Path(user_state_dir("ttcalc", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = os.lstat(folder)
        if not os.path.isdir(folder) or os.path.islink(folder) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
            return None
        os.chmod(folder, 0o700)
        log = folder / f"error-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except (OSError, ImportError, AttributeError):
        return None
    frames = traceback.extract_tb(exc.__traceback__)
    lines = [f"ttcalc {version} internal error: {type(exc).__name__}\n"] + \
            [f'  File "{f.filename}", line {f.lineno}, in {f.name}\n' for f in frames]
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.writelines(lines)
    return log
