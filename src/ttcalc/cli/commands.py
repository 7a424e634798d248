"""The `ttcalc` commands: each parses its options, calls one library function, renders, exits.

Their words (summaries, option help, metavars) are in the catalogs, found by the command's
and the parameter's names (`ttcalc.cli.surface`); the docstrings here are for the reader."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from ttcalc import __version__
from ttcalc.cli.options import (
    AsOf,
    Budgeted,
    Cycle,
    Debug,
    Files,
    Fmt,
    FmtOpt,
    HiredSince,
    LangOpt,
    MapOpt,
    Output,
    Overwrite,
    PolicyOpt,
    PublicFunds,
    Quiet,
    Redact,
    Roster,
    SheetOpt,
    SkipBad,
    TableOpt,
    ToSchool,
    examples,
)
from ttcalc.cli.run import (
    amount_of,
    check_log_line,
    date_of,
    emit,
    guard,
    lang_of,
    maps_of,
    out,
    print_report,
    progress_bar,
    stdin_files,
    write_out,
)
from ttcalc.cli.surface import Command, Group, require_command
from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg

app = typer.Typer(name="ttcalc", cls=Group, add_completion=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  no_args_is_help=True, invoke_without_command=True,
                  context_settings={"help_option_names": ["-h", "--help"]})


def report_command(files, compute, fmt: Fmt, lang, quiet: bool, debug: bool, redact: bool, table: str | None = None,
                   progress: bool = False) -> None:
    """A command that makes a report from input files: `-` read from standard input, a progress
    bar (when `compute` takes one), `compute(files, tick)` — the command's one library call —
    then the report printed, the log line, the exit code."""
    started = time.monotonic()

    def body() -> None:
        if table is not None and fmt != Fmt.csv:  # refused before any input is read, not ignored
            raise InputError(msg("cli.error.table", value=table, fmt=fmt.value, option="--format csv"))
        with stdin_files(files) as files_in:
            with progress_bar(quiet or not progress, files_in) as tick:
                report = compute(files_in, tick)
            emit(report, fmt, lang, quiet, started, redact, table)

    guard(debug, body, lang_of(lang))


def version_callback(value: bool) -> None:
    if value:
        guard(False, lambda: out(f"ttcalc {__version__}\n"))
        raise typer.Exit(0)


def lang_for_all(command, lang: str) -> dict:
    """A context's default_map giving every command below `command` this --lang."""
    return {name: {"lang": lang, **lang_for_all(sub, lang)} for name, sub in getattr(command, "commands", {}).items()}


@app.callback()
def _root(ctx: typer.Context, lang: LangOpt = None,
          version: Annotated[bool, typer.Option("--version", "-V", callback=version_callback, is_eager=True)] = False) -> None:
    """Teacher-training compliance figures from payroll, roster and hours workbooks.

    `ttcalc --lang en budget …` is `ttcalc budget --lang en …` (click's default_map)."""
    require_command(ctx)
    if lang:
        ctx.default_map = lang_for_all(ctx.command, lang.value)


@app.command(cls=Command, epilog=examples("ttcalc inspect payroll.xlsx",
                                          "ttcalc inspect roster.xlsx --kind roster --format json",
                                          "ttcalc inspect 工资/ --map gross=应发工资"))
def inspect(files: Files, kind: Annotated[str, typer.Option("--kind")] = "auto", sheet: SheetOpt = None,
            map: MapOpt = None, format: FmtOpt = Fmt.table, lang: LangOpt = None, quiet: Quiet = False,
            debug: Debug = False, redact: Redact = False, table: TableOpt = None) -> None:
    """How ttcalc reads a workbook: header row, column mapping, skipped rows and why."""

    def compute(files_in, tick):
        from ttcalc import inspect as inspection

        return inspection.run(files_in, kind, maps_of(map), sheet)

    report_command(files, compute, format, lang, quiet, debug, redact, table)


@app.command(cls=Command, epilog=examples("ttcalc sample samples/", "ttcalc budget samples/payroll.xlsx"))
def sample(directory: Annotated[Path, typer.Argument()], overwrite: Overwrite = False, lang: LangOpt = None,
           quiet: Quiet = False, debug: Debug = False) -> None:
    """Write the sample workbooks to try ttcalc on."""

    def body() -> None:
        from ttcalc import sample as samples

        written = samples.write_all(directory, overwrite)
        if not quiet:
            out("".join(f"{p}\n" for p in written))

    guard(debug, body, lang_of(lang))


@app.command(cls=Command, epilog=examples("ttcalc budget 工资/ --as-of 2025-12-31",
                                          "ttcalc budget payroll.xlsx --budgeted 3万 --to-school 18,000 -o 测算表.xlsx",
                                          "ttcalc budget payroll.xlsx --format csv --table by_unit > 分单位.csv"))
def budget(files: Files, policy: PolicyOpt = "quangang-2022", as_of: AsOf = None, sheet: SheetOpt = None,
           map: MapOpt = None, budgeted: Budgeted = None, to_school: ToSchool = None, public_funds: PublicFunds = None,
           sector: Annotated[str, typer.Option("--sector")] = "k12",
           format: FmtOpt = Fmt.table, lang: LangOpt = None, output: Output = None, overwrite: Overwrite = False,
           quiet: Quiet = False, debug: Debug = False, redact: Redact = False, table: TableOpt = None,
           skip_bad: SkipBad = False) -> None:
    """The training fund a budget must hold, from payroll sheets (exact to the fen)."""

    def compute(files_in, tick):
        from ttcalc import api

        return api.budget(files_in, policy=policy, as_of=date_of(as_of), sheets=sheet, maps=maps_of(map),
                          budgeted=amount_of(budgeted, "--budgeted"), to_school=amount_of(to_school, "--to-school"),
                          public_funds=public_funds, output=output, overwrite=overwrite, lang=lang_of(lang, format),
                          progress=tick, redact=redact, skip_bad=skip_bad, sector=sector, keep_rows=False)

    report_command(files, compute, format, lang, quiet, debug, redact, table, progress=True)


@app.command(cls=Command, epilog=examples("ttcalc staffing roster.xlsx --as-of 2025-09-01",
                                          "ttcalc staffing roster.xlsx --lang en --format markdown > staffing.md",
                                          "ttcalc staffing roster.xlsx -o 编制测算.xlsx"))
def staffing(files: Files, policy: PolicyOpt = "quangang-2022", as_of: AsOf = None, sheet: SheetOpt = None,
             map: MapOpt = None, hired_since: HiredSince = None,
             format: FmtOpt = Fmt.table, lang: LangOpt = None, output: Output = None, overwrite: Overwrite = False,
             quiet: Quiet = False, debug: Debug = False, redact: Redact = False, table: TableOpt = None,
             skip_bad: SkipBad = False) -> None:
    """Title, credential and staffing ratios, renewal and new-hire screening, with remedies."""

    def compute(files_in, tick):
        from ttcalc import api

        return api.staffing(files_in, policy=policy, as_of=date_of(as_of), sheets=sheet, maps=maps_of(map),
                            hired_since=date_of(hired_since, "--hired-since") if hired_since is not None else None,
                            output=output, overwrite=overwrite, lang=lang_of(lang, format), redact=redact,
                            skip_bad=skip_bad)

    report_command(files, compute, format, lang, quiet, debug, redact, table)


@app.command(cls=Command, epilog=examples("ttcalc hours hours.xlsx --cycle 2022-2026",
                                          "ttcalc hours hours.xlsx --roster roster.xlsx -o 学时.xlsx",
                                          "ttcalc hours hours.xlsx --format csv --table by_person > 学时.csv"))
def hours(files: Files, policy: PolicyOpt = "wenzhou-2012", as_of: AsOf = None, sheet: SheetOpt = None,
          map: MapOpt = None, cycle: Cycle = None, roster: Roster = None,
          school_type: Annotated[str, typer.Option("--school-type")] = "auto",
          format: FmtOpt = Fmt.table, lang: LangOpt = None, output: Output = None, overwrite: Overwrite = False,
          quiet: Quiet = False, debug: Debug = False, redact: Redact = False, table: TableOpt = None,
          skip_bad: SkipBad = False) -> None:
    """Each teacher's training hours against the cycle rules."""

    def compute(files_in, tick):
        from ttcalc import api

        return api.hours(files_in, policy=policy, as_of=date_of(as_of), sheets=sheet, maps=maps_of(map),
                         cycle=cycle, roster=roster, output=output, overwrite=overwrite, lang=lang_of(lang, format),
                         redact=redact, skip_bad=skip_bad, school_type=school_type)

    report_command(files, compute, format, lang, quiet, debug, redact, table)


@app.command(cls=Command, epilog=examples("ttcalc duties activities.xlsx --roster roster.xlsx",
                                          "ttcalc duties 活动记录.xlsx --calendar holidays.txt -o 职责.xlsx"))
def duties(files: Files, policy: PolicyOpt = "quangang-2022", as_of: AsOf = None, sheet: SheetOpt = None,
           map: MapOpt = None, roster: Roster = None, calendar: Annotated[str | None, typer.Option("--calendar")] = None,
           format: FmtOpt = Fmt.table, lang: LangOpt = None, output: Output = None, overwrite: Overwrite = False,
           quiet: Quiet = False, debug: Debug = False, redact: Redact = False) -> None:
    """The training school's people from an activity log (days in schools, 听课, placements, …)."""

    def compute(files_in, tick):
        from ttcalc import api

        return api.duties(files_in, policy=policy, as_of=date_of(as_of), sheets=sheet, maps=maps_of(map), roster=roster,
                          calendar=calendar, output=output, overwrite=overwrite, lang=lang_of(lang, format),
                          redact=redact)

    report_command(files, compute, format, lang, quiet, debug, redact)


@app.command(cls=Command, epilog=examples("ttcalc institutions institutions.xlsx",
                                          "ttcalc institutions 培训机构.xlsx --format markdown > 机构.md"))
def institutions(files: Files, policy: PolicyOpt = "hebei-2013", as_of: AsOf = None, sheet: SheetOpt = None,
                 map: MapOpt = None, format: FmtOpt = Fmt.table, lang: LangOpt = None, output: Output = None,
                 overwrite: Overwrite = False, quiet: Quiet = False, debug: Debug = False, redact: Redact = False) -> None:
    """County-level training institutions: demonstration shares per city, mergers, failing ones."""

    def compute(files_in, tick):
        from ttcalc import api

        return api.institutions(files_in, policy=policy, as_of=date_of(as_of), sheets=sheet, maps=maps_of(map),
                                output=output, overwrite=overwrite, lang=lang_of(lang, format), redact=redact)

    report_command(files, compute, format, lang, quiet, debug, redact)


@app.command(cls=Command, epilog=examples("ttcalc check --payroll 工资/ --roster roster.xlsx --hours hours.xlsx",
                                          "ttcalc check --payroll 工资/ --budgeted 3万 --output-dir 报告/ --quiet"))
def check(payroll: Annotated[list[str] | None, typer.Option("--payroll")] = None, roster: Roster = None,
          hours: Annotated[list[str] | None, typer.Option("--hours")] = None,
          activities: Annotated[list[str] | None, typer.Option("--activities")] = None,
          institutions: Annotated[list[str] | None, typer.Option("--institutions")] = None,
          policy: PolicyOpt = "quangang-2022",
          hours_policy: Annotated[str, typer.Option("--hours-policy")] = "wenzhou-2012",
          as_of: AsOf = None, sheet: SheetOpt = None, map: MapOpt = None, budgeted: Budgeted = None,
          to_school: ToSchool = None, public_funds: PublicFunds = None, cycle: Cycle = None,
          sector: Annotated[str | None, typer.Option("--sector")] = None,
          school_type: Annotated[str | None, typer.Option("--school-type")] = None,
          hired_since: HiredSince = None, require: Annotated[str | None, typer.Option("--require")] = None,
          output_dir: Annotated[Path | None, typer.Option("--output-dir")] = None,
          overwrite: Overwrite = False, format: FmtOpt = Fmt.json, lang: LangOpt = None,
          quiet: Quiet = False, debug: Debug = False, redact: Redact = False) -> None:
    """Everything in one run for cron: one report, one exit code, a log line on stderr."""
    started = time.monotonic()

    def body() -> None:
        from ttcalc import check as check_mod

        words = lang_of(lang, format)
        report, _paths = check_mod.run(payroll, roster, hours, policy=policy, hours_policy=hours_policy,
                                      as_of=date_of(as_of), budgeted=budgeted, to_school=to_school,
                                      output_dir=output_dir, overwrite=overwrite, lang=words,
                                      progress=progress_bar(quiet, len(payroll or [])), redact=redact,
                                      sheets=sheet, maps=maps_of(map), public_funds=public_funds, cycle=cycle,
                                      hired_since=date_of(hired_since, "--hired-since") if hired_since is not None else None,
                                      require=[p.strip() for p in require.split(",") if p.strip()] if require else None,
                                      activities=activities, institutions=institutions,
                                      report_lang=lang_of(lang, Fmt.json), sector=sector,
                                      school_type=school_type)
        if redact:
            from ttcalc.output.redact import redact_report

            redact_report(report)
        print_report(report, format, words, None)
        if not quiet and not sys.stderr.isatty():
            sys.stderr.write(check_log_line(report, lang_of(lang), time.monotonic() - started))
        raise typer.Exit(check_mod.exit_code(report))

    guard(debug, body, lang_of(lang))


policies_app = typer.Typer(cls=Group, invoke_without_command=True, rich_markup_mode=None)
app.add_typer(policies_app, name="policies")


def policy_text(render, fmt: Fmt, lang, debug: bool) -> None:
    """`ttcalc policies` and `policies show`: `render(words)` — the one library call — printed."""
    def body() -> None:
        text = render(lang_of(lang, fmt))
        if fmt is Fmt.csv and isinstance(text, str) and not text.startswith("\ufeff"):
            text = "\ufeff" + text  # spec §4: CSV is UTF-8 with a BOM, so that Excel opens it (as the reports' CSV)
        write_out(text, utf8=fmt in (Fmt.json, Fmt.csv))

    guard(debug, body, lang_of(lang))


@policies_app.callback(epilog=examples("ttcalc policies", "ttcalc policies show quangang-2022 --format markdown"))
def policies(ctx: typer.Context, format: FmtOpt = Fmt.table, lang: LangOpt = None, debug: Debug = False) -> None:
    """List the built-in policy profiles (id, document, issuer, date, rule count)."""
    if ctx.invoked_subcommand:
        ctx.obj = {"format": format, "lang": lang}
        return

    def render(words: str):
        from ttcalc.output.render import policy as render_policy
        from ttcalc.policy.profile import builtin_ids, load_profile

        return render_policy.render_list([load_profile(pid) for pid in builtin_ids()], format.value, words)

    policy_text(render, format, lang, debug)


@policies_app.command("show", cls=Command, epilog=examples("ttcalc policies show quangang-2022",
                                                           "ttcalc policies show my.toml --format json"))
def policies_show(profile: Annotated[str, typer.Argument()], format: FmtOpt = Fmt.table, lang: LangOpt = None,
                  debug: Debug = False) -> None:
    """Every rule of a profile with its value, bound, clause and verbatim quote."""

    def render(words: str):
        from ttcalc.output.render import policy as render_policy
        from ttcalc.policy.profile import load_profile

        return render_policy.render_show(load_profile(profile), format.value, words)

    policy_text(render, format, lang, debug)
