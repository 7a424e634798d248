"""The `ttcalc` command line: parse, call one library function, render, exit.

The cli package is the only one that prints or knows Typer: `options` (the shared options),
`run` (option values, language, progress, printing, one-line errors and exit codes),
`commands` (one function per command), `surface` and `layout` (--help and usage errors in the
run's language), `words` (the language of the run and the catalogs' `[cli.*]` words).  Heavy
libraries are imported inside the commands, so `ttcalc --help` starts fast.
"""

from __future__ import annotations

from ttcalc.cli.commands import app
from ttcalc.cli.run import Terminated, memory_ceiling, memory_returned, on_sigterm, pandas_unused

__all__ = ["Terminated", "app", "main", "on_sigterm"]


def main() -> None:
    """Console entry point: the root command (`surface.Group.main`) words usage errors as one
    line (exit 2), interruptions (130, SIGTERM 143) and exits with the run's code."""
    import signal

    try:
        signal.signal(signal.SIGTERM, on_sigterm)  # like Ctrl-C: temporaries removed on the way out
    except (ValueError, OSError, AttributeError):
        pass
    memory_ceiling()
    memory_returned()
    pandas_unused()
    app()
