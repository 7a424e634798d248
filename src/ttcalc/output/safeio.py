"""Writing output files safely: to a temporary file beside the target, then renamed into
place, so a crash or Ctrl-C leaves the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ttcalc.core.errors import InputError


def refuse_inputs(output: Path, inputs: list[Path]) -> None:
    """Writing onto an input file is refused, whatever the spelling of the path."""
    out = output.resolve()
    for p in inputs:
        try:
            if p.exists() and (p.resolve() == out or (output.exists() and os.path.samefile(p, output))):
                raise InputError(f"{output}: refusing to write onto an input file")
        except OSError:
            continue


def check_output(output: Path | None, inputs: list[str]) -> None:
    """Before any work is done: an output path must not be one of the inputs (folders and
    globs expanded)."""
    if output is None:
        return
    from ttcalc.read.files import expand

    refuse_inputs(Path(output), expand(list(inputs)))


def refuse_existing(output: Path | None, overwrite: bool) -> None:
    """An existing output is replaced only with --overwrite."""
    if output is not None and Path(output).exists() and not overwrite:
        raise InputError(f"{output}: already exists; add --overwrite to replace it")


@contextmanager
def atomic_path(target: Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it onto the target on success."""
    target = Path(target)
    if target.exists() and not overwrite:
        raise InputError(f"{target}: already exists; add --overwrite to replace it")
    if not target.parent.exists():
        raise InputError(f"{target.parent}: no such folder")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        _chmod_like(Path(tmp), target)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text(target: Path, text: str, overwrite: bool = False) -> None:
    with atomic_path(target, overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8")


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
