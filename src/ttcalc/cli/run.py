"""The command line's plumbing: option values, the language, progress, printing the report,
the log line and the one-line errors with their exit codes (spec §5), worded from the catalogs
(`ttcalc.cli.words`).  Only the cli package prints."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from datetime import date
from pathlib import Path

import typer

from ttcalc import __version__
from ttcalc.cli.options import Fmt, Lang
from ttcalc.cli.words import locale_lang, say
from ttcalc.core.errors import InputError, TtcalcError
from ttcalc.core.msg import msg


def amount_of(text: str | None, option: str) -> str | None:
    """--budgeted 3万 / 30,000 / 3.5万元 → yuan as plain digits; a budget-sheet path passes through."""
    if text is None or Path(text).suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods", ".csv"):
        return text
    try:
        if Path(text).exists():
            return text  # a budget sheet
    except (OSError, ValueError):  # a name too long to be a file, or with a NUL: an amount, or bad
        pass
    from ttcalc.cells.money import parse_amount

    try:
        return format(parse_amount(text), "f")
    except ValueError:
        raise InputError(msg("cli.error.amount", option=option, value=text)) from None


def lang_of(lang: Lang | None, fmt: Fmt | None = None) -> str:
    """--lang, else (for JSON, which never depends on the locale) zh, else the locale's
    language (Windows too, where there is no LANG), else zh."""
    if lang:
        return lang.value
    if fmt is Fmt.json:
        return "zh"
    return locale_lang()


def date_of(text: str | None, option: str = "--as-of") -> date:
    if text is None:  # "--as-of $DATE" with DATE unset is a mistake, not today
        return date.today()
    from ttcalc.cells.dates import parse_date

    try:
        value, note = parse_date(text)
    except ValueError:
        value, note = None, None
    if value is None or note:
        raise InputError(msg("cli.error.date", option=option, value=text))
    return value


def maps_of(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        if "=" not in item:
            raise InputError(msg("cli.error.map", value=item, example="--map gross=应发工资"))
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


@contextlib.contextmanager
def stdin_files(files):
    """`-` among the files: standard input (a CSV, or an .xlsx when it starts like a zip) copied
    to a temporary file under the same size cap as any text file (TTCALC_MAX_CSV_MB)."""
    if not files or "-" not in [str(f) for f in files]:
        yield files
        return
    import tempfile

    from ttcalc.read.limits import current, human

    cap = current().csv
    stdin = getattr(sys.stdin, "buffer", None)
    if stdin is None or sys.stdin.isatty():  # closed (`<&-`), or a terminal where nothing was piped: never wait
        raise InputError(msg("cli.run.stdin_empty", example="ttcalc budget - < payroll.csv"))
    data = stdin.read(cap + 1 if cap else -1)
    if cap and len(data) > cap:
        raise InputError(msg("cli.run.stdin_big", size=human(cap)))
    if not data.strip():
        raise InputError(msg("cli.run.stdin_empty", example="ttcalc budget - < payroll.csv"))
    with tempfile.TemporaryDirectory(prefix="ttcalc-") as tmp:
        path = Path(tmp) / ("stdin.xlsx" if data[:4] == b"PK\x03\x04" else "stdin.csv")
        path.write_bytes(data)
        STDIN_ALIAS[str(path)] = "-"  # the report names standard input "-", never the temporary
        yield [str(path) if str(f) == "-" else f for f in files]
        STDIN_ALIAS.pop(str(path), None)  # kept after an error: its line, worded later, names "-" too


STDIN_ALIAS: dict[str, str] = {}


def unalias(text: str) -> str:
    """Text with the temporary that held standard input named "-" again (stable output)."""
    for temp, name in STDIN_ALIAS.items():
        text = text.replace(temp, name)
    return text


class progress_bar:
    """A progress bar (rich) on a terminal only, never with --quiet or in a pipe: it counts the
    files after folders and patterns are expanded.  `with progress_bar(quiet, files) as tick:`."""

    def __init__(self, quiet: bool, files) -> None:
        self.bar = None
        if quiet or not isinstance(files, (list, tuple)) or not files or not sys.stderr.isatty():
            return  # (a count instead of files: the old call, no bar)
        from ttcalc.read.files import expand

        try:
            total = len(expand([str(f) for f in files]))
        except TtcalcError:
            return  # the command itself says what is wrong with the files
        if total < 2:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[name]}"), console=Console(stderr=True), transient=True)
        self.task = self.bar.add_task("ttcalc", total=total, name="")

    def __enter__(self):
        if self.bar is None:
            return None
        self.bar.start()

        def tick(path) -> None:
            self.bar.update(self.task, advance=1, name=Path(str(path)).name[-40:])

        return tick

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, path) -> None:
        """Used as the callback itself (outside `with`): nothing to show."""


def print_report(report, fmt: Fmt, words: str, table: str | None) -> None:
    """The report on stdout: warnings that could quote a person masked, terminal escape sequences
    stripped from table and Markdown text, ✔/✘ only where stdout's encoding has them."""
    from ttcalc.cells.privacy import for_terminal, mask_warnings
    from ttcalc.output.render.report import json_pieces, render

    report.warnings = mask_warnings(report.warnings)  # no cell text that could be a person's
    if fmt == Fmt.json:  # written as it is made: a folder's JSON is never one string in memory
        for piece in json_pieces(report, words):
            out(piece, utf8=True)
        return
    text = render(report, fmt.value, words, encoding=getattr(sys.stdout, "encoding", None), table=table)
    if fmt in (Fmt.table, Fmt.markdown):
        text = for_terminal(text)  # cell text never reaches a terminal as escape sequences
    out(text, utf8=fmt in (Fmt.json, Fmt.csv))


def emit(report, fmt: Fmt, lang: Lang | None, quiet: bool, started: float, redact: bool = False,
          table: str | None = None) -> None:
    if redact:
        from ttcalc.output.redact import redact_report

        redact_report(report)
    print_report(report, fmt, lang_of(lang, fmt), table)
    if not quiet and not sys.stderr.isatty():
        partly = sum(1 for c in report.checks if c.status == "not_fully_checked")  # exit 0, but said
        counts = say("log.counts", lang_of(lang), checks=len(report.checks), failed=len(report.failed), partly=partly)
        sys.stderr.write(f"ttcalc {report.command}: {counts}{log_tail(report, lang_of(lang), time.monotonic() - started)}")
    raise typer.Exit(report.exit_code)


def log_tail(report, words: str, seconds: float) -> str:
    return say("log.tail", words, warnings=len(report.warnings), seconds=f"{seconds:.1f}") + "\n"


def check_log_line(report, words: str, seconds: float) -> str:
    """`ttcalc check`'s line on stderr: checks, judged, failed, not fully checked, warnings, time."""
    judged = report.figures["checks_judged"]
    line = (say("log.counts_judged", words, checks=len(report.checks), judged=judged, failed=len(report.failed),
                partly=report.figures["checks_not_fully_checked"]) if judged
            else say("log.nothing_judged", words, checks=len(report.checks)))
    missing = report.extra.get("unjudged_required")
    if missing:
        line += say("log.required", words, parts=",".join(missing))
    return f"ttcalc check: {line}{log_tail(report, words, seconds)}"


def out(text: str, utf8: bool = False) -> None:
    write_stdout(unalias(text), utf8)


def write_out(result, utf8: bool = False) -> None:
    """A dict as JSON, or text, on stdout (ttcalc policies)."""
    from ttcalc.output.render.report import to_json

    out(to_json(result) if isinstance(result, dict) else result if result.endswith("\n") else result + "\n",
        utf8 or isinstance(result, dict))


def guard(debug: bool, fn, lang: str | None = None) -> None:
    """Run a command body: input errors exit 2 with one line, worded in `lang` (the run's
    --lang, else the locale's language: `lang_of`), internal errors exit 3."""
    lang = lang or lang_of(None)
    try:
        fn()
    except typer.Exit:
        raise
    except TtcalcError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        from ttcalc.cells.privacy import clean_message

        sys.stderr.write(f"ttcalc: {unalias(clean_message(exc.words(lang)))}\n")
        raise typer.Exit(exc.exit_code) from None
    except Terminated:
        sys.stderr.write(f"ttcalc: {say('run.terminated_unwritten', lang)}\n")
        raise typer.Exit(143) from None
    except KeyboardInterrupt:
        sys.stderr.write(f"ttcalc: {say('run.interrupted', lang)}\n")
        raise typer.Exit(130) from None
    except MemoryError:
        if debug:
            import traceback

            traceback.print_exc()
        sys.stderr.write(f"ttcalc: {say('run.out_of_memory', lang)}\n")
        raise typer.Exit(2) from None
    except Exception as exc:  # noqa: BLE001 — the user must never see a bare traceback
        import traceback

        if debug:
            traceback.print_exc()
        from ttcalc.cells.privacy import clean_message, mask_free_text
        from ttcalc.output.safeio import error_log

        log = error_log(exc, __version__)
        where = say("run.log_at", lang, log=log) if log else ""
        detail = mask_free_text(clean_message(exc))[:200]
        sys.stderr.write(f"ttcalc: {say('run.internal', lang, kind=type(exc).__name__, detail=detail, where=where)}\n")
        raise typer.Exit(3) from None


class Terminated(KeyboardInterrupt):
    """SIGTERM (cron, systemd, a timeout), raised like Ctrl-C so every temporary is removed."""


def on_sigterm(signum, frame) -> None:
    raise Terminated()




_PLAIN = {"✔": "OK", "✘": "X", "✓": "OK", "✗": "X", "⚠": "!", "…": "...", "—": "-", "→": "->", "≥": ">=", "≤": "<=",
          "×": "x", "÷": "/"}


def write_stdout(text: str, utf8: bool = False) -> None:
    """Write to stdout.  A stdout that cannot encode a character (a GBK or Big5 console, a
    Windows redirect) gets a plain stand-in for ✔/✘ and the like, then "?" — never a crash; a
    closed stdout is an environment problem (exit 2), not an internal error.  JSON and CSV
    (`utf8`) redirected to a file or pipe are UTF-8 bytes whatever the locale's encoding (a
    Chinese Windows redirect is GBK): RFC 8259 JSON, byte-identical under any locale; CSV with
    its BOM, as Excel expects."""
    if utf8 and write_utf8(text):
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    except UnicodeEncodeError:
        pass
    except (BrokenPipeError, ValueError, OSError, AttributeError) as exc:  # AttributeError: no stdout at all
        stdout_gone(exc)
    try:
        sys.stdout.write(fit_encoding(text, getattr(sys.stdout, "encoding", None) or "ascii"))
        sys.stdout.flush()
    except (BrokenPipeError, ValueError, OSError, LookupError, AttributeError) as exc:
        stdout_gone(exc)


def fit_encoding(text: str, encoding: str) -> str:
    """`text` as `encoding` can carry it: plain stand-ins for ✔/✘ and the like, then "?"."""
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    for mark, plain in _PLAIN.items():
        text = text.replace(mark, plain)
    return text.encode(encoding, errors="replace").decode(encoding)


def write_utf8(text: str) -> bool:
    """`text` as UTF-8 bytes on a redirected stdout whose encoding is not UTF-8; False where the
    text path serves (a UTF-8 stdout, a terminal, a stream without bytes underneath)."""
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    buffer = getattr(stream, "buffer", None)
    try:
        if encoding in ("utf8", "utf8sig") or buffer is None or stream.isatty():
            return False
        stream.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    except (BrokenPipeError, ValueError, OSError, AttributeError) as exc:
        stdout_gone(exc)
    return True


def stdout_gone(exc: BaseException) -> None:
    try:  # the interpreter flushes stdout again at exit: point it at nothing
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 — stdout was closed before we started
    raise InputError(msg("cli.run.stdout_gone", stream="stdout", kind=type(exc).__name__))


class _NoPandas:
    """An import finder that keeps pandas out (see `pandas_unused`)."""

    def find_spec(self, name, path=None, target=None):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("pandas is not used by the command line")
        return None


def pandas_unused() -> None:
    """The command line never needs pandas (only the API's report.rows() does), but pyarrow
    imports it the first time it converts a Python value or a numpy array — 40 MB and a tenth
    of a second for nothing (issue 17): the command line runs without it."""
    if "pandas" not in sys.modules and not any(isinstance(f, _NoPandas) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoPandas())


def memory_ceiling() -> None:
    """A per-run memory ceiling (TTCALC_MAX_MEMORY_MB, default: the machine's memory), so that
    running out of memory is a MemoryError, worded and exit 2, rather than the kernel's kill."""
    try:
        import resource

        raw = os.environ.get("TTCALC_MAX_MEMORY_MB", "").strip()
        if raw:
            limit = int(raw) * (1 << 20)
        else:
            limit = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if limit > 0 and (soft == resource.RLIM_INFINITY or limit < soft):
            resource.setrlimit(resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    except (ImportError, ValueError, OSError, AttributeError):
        pass


def memory_returned() -> None:
    """Freed buffers go back to the system at once (core.heap.returned), with Arrow on the C
    library's malloc."""
    from ttcalc.core import heap

    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")  # read when pyarrow is first imported
    heap.returned()
