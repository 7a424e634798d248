"""The `ttcalc` command line: parse, call one library function, render, exit.

The cli package is the only one that prints or knows Typer: `options` (the shared options),
`run` (option values, language, progress, printing, one-line errors and exit codes),
`commands` (one function per command).  Heavy libraries are imported inside the commands,
so `ttcalc --help` starts fast.
"""



from __future__ import annotations

import sys

import typer


from ttcalc.cli.commands import app
from ttcalc.cli.run import Terminated, memory_ceiling, on_sigterm, pandas_unused

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point: usage errors become one line and exit 2."""
    import signal

    try:
        signal.signal(signal.SIGTERM, on_sigterm)  # like Ctrl-C: temporaries removed on the way out
    except (ValueError, OSError, AttributeError):
        pass
    memory_ceiling()
    pandas_unused()
    try:
        code = app(standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Terminated:
        sys.stderr.write("ttcalc: terminated (SIGTERM)\n")
        sys.exit(143)
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("ttcalc: interrupted\n")
        sys.exit(130)
    except Exception as exc:  # Typer's usage errors (its vendored click) have format_message()
        if not hasattr(exc, "format_message"):
            raise
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()
            sys.exit(0)
        ctx = getattr(exc, "ctx", None)
        where = f"ttcalc {ctx.command_path.split(' ', 1)[1]} --help" if ctx and " " in ctx.command_path else "ttcalc --help"
        sys.stderr.write(f"ttcalc: {exc.format_message()} (see {where})\n")
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


