"""The `ttcalc` command line: parse, call one library function, render, exit.

Only this module prints or knows about Typer.  Heavy libraries (pandas, pyarrow, the
readers) are imported inside the commands, so `ttcalc --help` starts fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ttcalc import __version__
from ttcalc.core.errors import InputError, TtcalcError
from ttcalc.core.msg import msg

app = typer.Typer(add_completion=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]},
                  help="Teacher-training compliance figures from payroll, roster and hours workbooks.")


class Fmt(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


Files = Annotated[list[str], typer.Argument(help="Workbooks (.xlsx .xlsm .xls .ods .csv) or folders of them.")]
PolicyOpt = Annotated[str, typer.Option("--policy", help="Built-in profile id or a .toml file.")]
AsOf = Annotated[Optional[str], typer.Option("--as-of", help="Date the figures are for (YYYY-MM-DD); default today.")]
SheetOpt = Annotated[Optional[list[str]], typer.Option("--sheet", help="Read only this sheet (repeatable).")]
MapOpt = Annotated[Optional[list[str]], typer.Option("--map", help="FIELD=HEADER: use this column for a field.")]
FmtOpt = Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")]
LangOpt = Annotated[Optional[Lang], typer.Option("--lang", help="Labels: zh or en (default from the locale).")]
Output = Annotated[Optional[Path], typer.Option("--output", "-o", help="Write an annotated workbook (.xlsx).")]
Overwrite = Annotated[bool, typer.Option("--overwrite", help="Replace an existing output file.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no log line on stderr.")]
Debug = Annotated[bool, typer.Option("--debug", help="Show a traceback on internal errors.")]
Redact = Annotated[bool, typer.Option("--redact", help="Mask names and ID numbers in every output.")]
SkipBad = Annotated[bool, typer.Option("--skip-bad", help="List a file that cannot be read as skipped instead of stopping.")]
TableOpt = Annotated[Optional[str], typer.Option("--table", help="With --format csv: which table (checks, figures, by_unit, by_person, inputs, warnings or a command's own); default checks.")]


def _examples(*lines: str) -> str:
    """The epilog of a command's --help: two or three examples, kept as written."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def _amount(text: str | None, option: str) -> str | None:
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


def _lang(lang: Lang | None, fmt: "Fmt | None" = None) -> str:
    """--lang, else (for JSON, which never depends on the locale) zh, else the locale's
    language (Windows too, where there is no LANG), else zh."""
    if lang:
        return lang.value
    if fmt is Fmt.json:
        return "zh"
    loc = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    if not loc:
        import locale

        loc = (locale.getlocale()[0] or "")
    if not loc or loc.upper() in ("C", "POSIX") or loc.upper().startswith(("C.", "POSIX.")):
        return "zh"
    return "zh" if loc.lower().startswith(("zh", "chinese")) else "en"


def _date(text: str | None, option: str = "--as-of") -> date:
    if not text:
        return date.today()
    from ttcalc.cells.dates import parse_date

    try:
        value, note = parse_date(text)
    except ValueError:
        value, note = None, None
    if value is None or note:
        raise InputError(msg("cli.error.date", option=option, value=text))
    return value


def _maps(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        if "=" not in item:
            raise InputError(msg("cli.error.map", value=item, example="--map gross=应发工资"))
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


@contextlib.contextmanager
def _stdin(files):
    """`-` among the files: standard input (a CSV, or an .xlsx when it starts like a zip) copied
    to a temporary file under the same size cap as any text file (TTCALC_MAX_CSV_MB)."""
    if not files or "-" not in [str(f) for f in files]:
        yield files
        return
    import tempfile

    from ttcalc.read.limits import current, human

    cap = current().csv
    data = sys.stdin.buffer.read(cap + 1 if cap else -1)
    if cap and len(data) > cap:
        raise InputError(f"-: refused: standard input is more than {human(cap)} (limit {human(cap)}); "
                         "raise TTCALC_MAX_CSV_MB if it is genuine")
    if not data.strip():
        raise InputError("-: standard input is empty: pipe a CSV into it, e.g. ttcalc budget - < payroll.csv")
    with tempfile.TemporaryDirectory(prefix="ttcalc-") as tmp:
        path = Path(tmp) / ("stdin.xlsx" if data[:4] == b"PK\x03\x04" else "stdin.csv")
        path.write_bytes(data)
        yield [str(path) if str(f) == "-" else f for f in files]


class _progress:
    """A progress bar (rich) on a terminal only, never with --quiet or in a pipe: it counts the
    files after folders and patterns are expanded.  `with _progress(quiet, files) as tick:`."""

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


def _print(report, fmt: Fmt, words: str, table: str | None) -> None:
    """The report on stdout: warnings that could quote a person masked, terminal escape sequences
    stripped from table and Markdown text, ✔/✘ only where stdout's encoding has them."""
    from ttcalc.cells.privacy import for_terminal, mask_warnings
    from ttcalc.output.render.report import render

    report.warnings = mask_warnings(report.warnings)  # no cell text that could be a person's
    text = render(report, fmt.value, words, encoding=getattr(sys.stdout, "encoding", None), table=table)
    if fmt in (Fmt.table, Fmt.markdown):
        text = for_terminal(text)  # cell text never reaches a terminal as escape sequences
    _out(text)


def _emit(report, fmt: Fmt, lang: Lang | None, quiet: bool, started: float, redact: bool = False,
          table: str | None = None) -> None:
    if redact:
        from ttcalc.output.redact import redact_report

        redact_report(report)
    _print(report, fmt, _lang(lang, fmt), table)
    if not quiet and not sys.stderr.isatty():
        failed = len(report.failed)
        partly = sum(1 for c in report.checks if c.status == "not_fully_checked")  # exit 0, but said
        sys.stderr.write(f"ttcalc {report.command}: {len(report.checks)} checks, {failed} failed, "
                         f"{partly} not fully checked, "
                         f"{len(report.warnings)} warnings, {time.monotonic() - started:.1f} s\n")
    raise typer.Exit(report.exit_code)


def _out(text: str) -> None:
    from ttcalc.output.safeio import write_stdout

    write_stdout(text)


def _write(out) -> None:
    from ttcalc.output.render.report import to_json

    _out(to_json(out) if isinstance(out, dict) else out if out.endswith("\n") else out + "\n")


def _guard(debug: bool, fn, lang: str | None = None) -> None:
    """Run a command body: input errors exit 2 with one line, worded in `lang` (the run's
    --lang, else the locale's language: `_lang`), internal errors exit 3."""
    try:
        fn()
    except typer.Exit:
        raise
    except TtcalcError as exc:
        if debug:
            import traceback

            traceback.print_exc()
        from ttcalc.cells.privacy import clean_message

        sys.stderr.write(f"ttcalc: {clean_message(exc.words(lang or _lang(None)))}\n")
        raise typer.Exit(exc.exit_code) from None
    except Terminated:
        sys.stderr.write("ttcalc: terminated (SIGTERM); nothing was written\n")
        raise typer.Exit(143) from None
    except KeyboardInterrupt:
        sys.stderr.write("ttcalc: interrupted\n")
        raise typer.Exit(130) from None
    except MemoryError:
        if debug:
            import traceback

            traceback.print_exc()
        sys.stderr.write("ttcalc: out of memory reading the input: the files are too big for the memory "
                         "available (or TTCALC_MAX_MEMORY_MB); split them, or read them on a larger machine\n")
        raise typer.Exit(2) from None
    except Exception as exc:  # noqa: BLE001 — the user must never see a bare traceback
        import traceback

        if debug:
            traceback.print_exc()
        from ttcalc.cells.privacy import clean_message, mask_free_text

        from ttcalc.output.safeio import error_log

        log = error_log(exc, __version__)
        where = f"details in {log}; " if log else ""
        sys.stderr.write(f"ttcalc: internal error: {type(exc).__name__}: {mask_free_text(clean_message(exc))[:200]} "
                         f"({where}rerun with --debug to see the traceback)\n")
        raise typer.Exit(3) from None


class Terminated(KeyboardInterrupt):
    """SIGTERM (cron, systemd, a timeout), raised like Ctrl-C so every temporary is removed."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated()


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"ttcalc {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", "-V", callback=_version, is_eager=True,
                                                help="Print the version and exit.")] = False) -> None:
    """Teacher-training compliance figures from payroll, roster and hours workbooks."""


@app.command(epilog=_examples("ttcalc inspect payroll.xlsx", "ttcalc inspect roster.xlsx --kind roster --format json",
                             "ttcalc inspect 工资/ --map gross=应发工资"))
def inspect(files: Files, kind: Annotated[str, typer.Option("--kind", help="payroll | roster | hours | activities | institutions | auto")] = "auto",
            sheet: SheetOpt = None, map: MapOpt = None, format: FmtOpt = Fmt.table, lang: LangOpt = None,
            quiet: Quiet = False, debug: Debug = False, redact: Redact = False, table: TableOpt = None) -> None:
    """How ttcalc reads a workbook: header row, column mapping, skipped rows and why."""
    started = time.monotonic()

    def body() -> None:
        from ttcalc import inspect as inspection

        report = inspection.run(files, kind, _maps(map), sheet)
        _emit(report, format, lang, quiet, started, redact, table)

    _guard(debug, body, _lang(lang))


@app.command(epilog=_examples("ttcalc sample samples/", "ttcalc budget samples/payroll.xlsx"))
def sample(directory: Annotated[Path, typer.Argument(help="Folder to write the sample workbooks into.")],
           overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace sample files already there.")] = False,
           quiet: Quiet = False, debug: Debug = False) -> None:
    """Write sample payroll.xlsx, roster.xlsx and hours.xlsx to try ttcalc on."""

    def body() -> None:
        from ttcalc import sample as samples

        written = samples.write_all(directory, overwrite)
        if not quiet:
            for p in written:
                sys.stdout.write(f"{p}\n")

    _guard(debug, body)


@app.command(epilog=_examples("ttcalc budget 工资/ --as-of 2025-12-31",
                             "ttcalc budget payroll.xlsx --budgeted 3万 --to-school 18,000 -o 测算表.xlsx",
                             "ttcalc budget payroll.xlsx --format csv --table by_unit > 分单位.csv"))
def budget(files: Files, policy: PolicyOpt = "quangang-2022", as_of: AsOf = None, sheet: SheetOpt = None,
           map: MapOpt = None,
           budgeted: Annotated[Optional[str], typer.Option("--budgeted", help="The training fund in the budget (yuan), or a small budget sheet (.xlsx/.csv) with it.")] = None,
           to_school: Annotated[Optional[str], typer.Option("--to-school", help="The part allocated to the training school (yuan).")] = None,
           public_funds: Annotated[Optional[list[str]], typer.Option("--public-funds", help="Per-unit public-funds (公用经费) budget sheet.")] = None,
           sector: Annotated[str, typer.Option("--sector", help="k12 (a district's payroll, default) | university (a university's teachers' payroll: the profile's fund.university_rate_min).")] = "k12",
           format: FmtOpt = Fmt.table, lang: LangOpt = None, output: Output = None, overwrite: Overwrite = False,
           quiet: Quiet = False, debug: Debug = False, redact: Redact = False, table: TableOpt = None,
           skip_bad: SkipBad = False) -> None:
    """The training fund a budget must hold, from payroll sheets (exact to the fen)."""
    started = time.monotonic()

    def body() -> None:
        from ttcalc import api

        with _stdin(files) as files_in:
            with _progress(quiet, files_in) as tick:
                report = api.budget(files_in, policy=policy, as_of=_date(as_of), sheets=sheet, maps=_maps(map),
                                    budgeted=_amount(budgeted, "--budgeted"), to_school=_amount(to_school, "--to-school"),
                                    public_funds=public_funds, output=output, overwrite=overwrite,
                                    lang=_lang(lang, format), progress=tick, redact=redact, skip_bad=skip_bad,
                                    sector=sector)
            _emit(report, format, lang, quiet, started, redact, table)

    _guard(debug, body, _lang(lang))


@app.command(epilog=_examples("ttcalc staffing roster.xlsx --as-of 2025-09-01",
                             "ttcalc staffing roster.xlsx --lang en --format markdown > staffing.md",
                             "ttcalc staffing roster.xlsx -o 编制测算.xlsx"))
def staffing(files: Files, policy: PolicyOpt = "quangang-2022", as_of: AsOf = None, sheet: SheetOpt = None,
             map: MapOpt = None,
             hired_since: Annotated[Optional[str], typer.Option("--hired-since", help="Screen full-time hires since this date (default: the profile's effective date).")] = None,
             format: FmtOpt = Fmt.table, lang: LangOpt = None, output: Output = None, overwrite: Overwrite = False,
             quiet: Quiet = False, debug: Debug = False, redact: Redact = False, table: TableOpt = None,
           skip_bad: SkipBad = False) -> None:
    """Title, credential and staffing ratios, renewal and new-hire screening, with remedies."""
    started = time.monotonic()

    def body() -> None:
        from ttcalc import api

        with _stdin(files) as files_in:
            report = api.staffing(files_in, policy=policy, as_of=_date(as_of), sheets=sheet, maps=_maps(map),
                                  hired_since=_date(hired_since, "--hired-since") if hired_since else None,
                                  output=output, overwrite=overwrite, lang=_lang(lang, format), redact=redact,
                                  skip_bad=skip_bad)
            _emit(report, format, lang, quiet, started, redact, table)

    _guard(debug, body, _lang(lang))


@app.command(epilog=_examples("ttcalc hours hours.xlsx --cycle 2022-2026",
                             "ttcalc hours hours.xlsx --roster roster.xlsx -o 学时.xlsx",
                             "ttcalc hours hours.xlsx --format csv --table by_person > 学时.csv"))
def hours(files: Files, policy: PolicyOpt = "wenzhou-2012", as_of: AsOf = None, sheet: SheetOpt = None,
          map: MapOpt = None,
          cycle: Annotated[Optional[str], typer.Option("--cycle", help="START-END years, e.g. 2022-2026 (default: the cycle containing --as-of).")] = None,
          roster: Annotated[Optional[list[str]], typer.Option("--roster", help="Roster workbook, for role-specific rules.")] = None,
          school_type: Annotated[str, typer.Option("--school-type", help="auto (vocational from the unit or roster names, default) | vocational (the whole ledger) | basic (none).")] = "auto",
          format: FmtOpt = Fmt.table, lang: LangOpt = None, output: Output = None, overwrite: Overwrite = False,
          quiet: Quiet = False, debug: Debug = False, redact: Redact = False, table: TableOpt = None,
           skip_bad: SkipBad = False) -> None:
    """Each teacher's training hours against the cycle rules."""
    started = time.monotonic()

    def body() -> None:
        from ttcalc import api

        with _stdin(files) as files_in:
            report = api.hours(files_in, policy=policy, as_of=_date(as_of), sheets=sheet, maps=_maps(map),
                               cycle=cycle, roster=roster, output=output, overwrite=overwrite, lang=_lang(lang, format),
                               redact=redact, skip_bad=skip_bad, school_type=school_type)
            _emit(report, format, lang, quiet, started, redact, table)

    _guard(debug, body, _lang(lang))


@app.command(epilog=_examples("ttcalc check --payroll 工资/ --roster roster.xlsx --hours hours.xlsx",
                             "ttcalc check --payroll 工资/ --budgeted 3万 --output-dir 报告/ --quiet"))
def check(payroll: Annotated[Optional[list[str]], typer.Option("--payroll", help="Payroll workbook(s), folder or glob.")] = None,
          roster: Annotated[Optional[list[str]], typer.Option("--roster", help="Roster workbook(s).")] = None,
          hours: Annotated[Optional[list[str]], typer.Option("--hours", help="Training-hour ledger(s).")] = None,
          activities: Annotated[Optional[list[str]], typer.Option("--activities", help="Activity log(s) of the training school's people (duties).")] = None,
          institutions: Annotated[Optional[list[str]], typer.Option("--institutions", help="List(s) of county-level training institutions (policy hebei-2013).")] = None,
          policy: PolicyOpt = "quangang-2022",
          hours_policy: Annotated[str, typer.Option("--hours-policy", help="Profile for the hours rules (quangang-2022 has none).")] = "wenzhou-2012",
          as_of: AsOf = None, sheet: SheetOpt = None, map: MapOpt = None,
          budgeted: Annotated[Optional[str], typer.Option("--budgeted", help="The training fund in the budget (yuan), or a small budget sheet (.xlsx/.csv) with it.")] = None,
          to_school: Annotated[Optional[str], typer.Option("--to-school", help="The part allocated to the training school (yuan).")] = None,
          public_funds: Annotated[Optional[list[str]], typer.Option("--public-funds", help="Per-unit public-funds (公用经费) budget sheet.")] = None,
          cycle: Annotated[Optional[str], typer.Option("--cycle", help="Hours cycle, START-END years, e.g. 2022-2026.")] = None,
          sector: Annotated[Optional[str], typer.Option("--sector", help="Budget part: k12 (default) | university.")] = None,
          school_type: Annotated[Optional[str], typer.Option("--school-type", help="Hours part: auto (default) | vocational | basic.")] = None,
          hired_since: Annotated[Optional[str], typer.Option("--hired-since", help="Screen full-time hires since this date.")] = None,
          require: Annotated[Optional[str], typer.Option("--require", help="Parts that must judge at least one check, e.g. budget,staffing,hours: exit 1 otherwise.")] = None,
          output_dir: Annotated[Optional[Path], typer.Option("--output-dir", help="Write the JSON report and annotated workbooks here, with dated names.")] = None,
          overwrite: Overwrite = False, format: FmtOpt = Fmt.json, lang: LangOpt = None,
          quiet: Quiet = False, debug: Debug = False, redact: Redact = False) -> None:
    """Everything in one run for cron: one report, one exit code, a log line on stderr."""
    started = time.monotonic()

    def body() -> None:
        from ttcalc import check as check_mod

        words = _lang(lang, format)
        report, _paths = check_mod.run(payroll, roster, hours, policy=policy, hours_policy=hours_policy,
                                      as_of=_date(as_of), budgeted=budgeted, to_school=to_school,
                                      output_dir=output_dir, overwrite=overwrite, lang=words,
                                      progress=_progress(quiet, len(payroll or [])), redact=redact,
                                      sheets=sheet, maps=_maps(map), public_funds=public_funds, cycle=cycle,
                                      hired_since=_date(hired_since, "--hired-since") if hired_since else None,
                                      require=[p.strip() for p in require.split(",") if p.strip()] if require else None,
                                      activities=activities, institutions=institutions,
                                      report_lang=_lang(lang, Fmt.json), sector=sector,
                                      school_type=school_type)
        if redact:
            from ttcalc.output.redact import redact_report

            redact_report(report)
        _print(report, format, words, None)
        code = check_mod.exit_code(report)
        if not quiet and not sys.stderr.isatty():
            judged = report.figures["checks_judged"]
            line = (f"ttcalc check: {len(report.checks)} checks, {judged} judged, {len(report.failed)} failed, "
                    f"{report.figures['checks_not_fully_checked']} not fully checked"
                    if judged else f"ttcalc check: {len(report.checks)} checks, 0 judged — NOTHING JUDGED (all not applicable)")
            missing = report.extra.get("unjudged_required")
            if missing:
                line += f", required part(s) that judged nothing: {','.join(missing)}"
            sys.stderr.write(f"{line}, {len(report.warnings)} warnings, {time.monotonic() - started:.1f} s\n")
        raise typer.Exit(code)

    _guard(debug, body, _lang(lang))


policies_app = typer.Typer(help="The built-in policy profiles and their cited rules.", invoke_without_command=True,
                           rich_markup_mode=None)
app.add_typer(policies_app, name="policies")


@policies_app.callback()
def policies(ctx: typer.Context, format: FmtOpt = Fmt.table, lang: LangOpt = None, debug: Debug = False) -> None:
    """List the built-in policy profiles (id, document, issuer, date, rule count)."""
    if ctx.invoked_subcommand:
        ctx.obj = {"format": format, "lang": lang}
        return

    def body() -> None:
        from ttcalc.output.render import policy as render_policy
        from ttcalc.policy.profile import builtin_ids, load_profile

        profiles = [load_profile(pid) for pid in builtin_ids()]
        _write(render_policy.render_list(profiles, format.value, _lang(lang, format)))

    _guard(debug, body, _lang(lang))


@policies_app.command("show")
def policies_show(ctx: typer.Context, profile: Annotated[str, typer.Argument(help="Profile id or .toml file.")],
                  format: FmtOpt = Fmt.table, lang: LangOpt = None, debug: Debug = False) -> None:
    """Every rule of a profile with its value, bound, clause and verbatim quote."""

    def body() -> None:
        from ttcalc.output.render import policy as render_policy
        from ttcalc.policy.profile import load_profile

        _write(render_policy.render_show(load_profile(profile), format.value, _lang(lang, format)))

    _guard(debug, body, _lang(lang))


@app.command()
def duties(files: Files, policy: PolicyOpt = "quangang-2022", as_of: AsOf = None, sheet: SheetOpt = None,
           map: MapOpt = None,
           roster: Annotated[Optional[list[str]], typer.Option("--roster", help="Roster workbook: roles (领导班子, 专职教研员, 兼职) and 调入 dates.")] = None,
           calendar: Annotated[Optional[str], typer.Option("--calendar", help="Text file of holidays (2024-10-01) and worked weekend days (+2024-10-12), for working days.")] = None,
           format: FmtOpt = Fmt.table, lang: LangOpt = None, output: Output = None, overwrite: Overwrite = False,
           quiet: Quiet = False, debug: Debug = False, redact: Redact = False) -> None:
    """The training school's people from an activity log: days in schools, 听课, placements, leaders, demonstration lessons."""
    started = time.monotonic()

    def body() -> None:
        from ttcalc import api

        with _stdin(files) as files_in:
            report = api.duties(files_in, policy=policy, as_of=_date(as_of), sheets=sheet, maps=_maps(map), roster=roster,
                                calendar=calendar, output=output, overwrite=overwrite, lang=_lang(lang, format),
                                redact=redact)
            _emit(report, format, lang, quiet, started, redact)

    _guard(debug, body, _lang(lang))


@app.command()
def institutions(files: Files, policy: PolicyOpt = "hebei-2013", as_of: AsOf = None, sheet: SheetOpt = None,
                 map: MapOpt = None, format: FmtOpt = Fmt.table, lang: LangOpt = None, output: Output = None,
                 overwrite: Overwrite = False, quiet: Quiet = False, debug: Debug = False, redact: Redact = False) -> None:
    """County-level training institutions: demonstration shares per city, mergers, failing ones."""
    started = time.monotonic()

    def body() -> None:
        from ttcalc import api

        with _stdin(files) as files_in:
            report = api.institutions(files_in, policy=policy, as_of=_date(as_of), sheets=sheet, maps=_maps(map),
                                      output=output, overwrite=overwrite, lang=_lang(lang, format), redact=redact)
            _emit(report, format, lang, quiet, started, redact)

    _guard(debug, body, _lang(lang))


def main() -> None:
    """Console entry point: usage errors become one line and exit 2."""
    import signal

    try:
        signal.signal(signal.SIGTERM, _on_sigterm)  # like Ctrl-C: temporaries removed on the way out
    except (ValueError, OSError, AttributeError):
        pass
    _memory_ceiling()
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


def _memory_ceiling() -> None:
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
