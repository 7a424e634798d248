"""The `ttcalc` commands: each parses its options, calls one API function, renders, exits."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from ttcalc import __version__
from ttcalc.cli.options import (AsOf, Debug, Files, Fmt, FmtOpt, LangOpt, MapOpt, Output, Overwrite, PolicyOpt, Quiet,
                                Redact, SheetOpt, SkipBad, TableOpt, examples)
from ttcalc.cli.run import (amount_of, date_of, emit, guard, lang_of, maps_of, print_report, progress_bar,
                            stdin_files, write_out)

app = typer.Typer(add_completion=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  no_args_is_help=True, context_settings={"help_option_names": ["-h", "--help"]},
                  help="Teacher-training compliance figures from payroll, roster and hours workbooks.")


def version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"ttcalc {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", "-V", callback=version_callback, is_eager=True,
                                                help="Print the version and exit.")] = False) -> None:
    """Teacher-training compliance figures from payroll, roster and hours workbooks."""


@app.command(epilog=examples("ttcalc inspect payroll.xlsx", "ttcalc inspect roster.xlsx --kind roster --format json",
                             "ttcalc inspect 工资/ --map gross=应发工资"))
def inspect(files: Files, kind: Annotated[str, typer.Option("--kind", help="payroll | roster | hours | activities | institutions | auto")] = "auto",
            sheet: SheetOpt = None, map: MapOpt = None, format: FmtOpt = Fmt.table, lang: LangOpt = None,
            quiet: Quiet = False, debug: Debug = False, redact: Redact = False, table: TableOpt = None) -> None:
    """How ttcalc reads a workbook: header row, column mapping, skipped rows and why."""
    started = time.monotonic()

    def body() -> None:
        from ttcalc import inspect as inspection

        report = inspection.run(files, kind, maps_of(map), sheet)
        emit(report, format, lang, quiet, started, redact, table)

    guard(debug, body, lang_of(lang))


@app.command(epilog=examples("ttcalc sample samples/", "ttcalc budget samples/payroll.xlsx"))
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

    guard(debug, body)


@app.command(epilog=examples("ttcalc budget 工资/ --as-of 2025-12-31",
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

        with stdin_files(files) as files_in:
            with progress_bar(quiet, files_in) as tick:
                report = api.budget(files_in, policy=policy, as_of=date_of(as_of), sheets=sheet, maps=maps_of(map),
                                    budgeted=amount_of(budgeted, "--budgeted"), to_school=amount_of(to_school, "--to-school"),
                                    public_funds=public_funds, output=output, overwrite=overwrite,
                                    lang=lang_of(lang, format), progress=tick, redact=redact, skip_bad=skip_bad,
                                    sector=sector, keep_rows=False)
            emit(report, format, lang, quiet, started, redact, table)

    guard(debug, body, lang_of(lang))


@app.command(epilog=examples("ttcalc staffing roster.xlsx --as-of 2025-09-01",
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

        with stdin_files(files) as files_in:
            report = api.staffing(files_in, policy=policy, as_of=date_of(as_of), sheets=sheet, maps=maps_of(map),
                                  hired_since=date_of(hired_since, "--hired-since") if hired_since else None,
                                  output=output, overwrite=overwrite, lang=lang_of(lang, format), redact=redact,
                                  skip_bad=skip_bad)
            emit(report, format, lang, quiet, started, redact, table)

    guard(debug, body, lang_of(lang))


@app.command(epilog=examples("ttcalc hours hours.xlsx --cycle 2022-2026",
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

        with stdin_files(files) as files_in:
            report = api.hours(files_in, policy=policy, as_of=date_of(as_of), sheets=sheet, maps=maps_of(map),
                               cycle=cycle, roster=roster, output=output, overwrite=overwrite, lang=lang_of(lang, format),
                               redact=redact, skip_bad=skip_bad, school_type=school_type)
            emit(report, format, lang, quiet, started, redact, table)

    guard(debug, body, lang_of(lang))


@app.command(epilog=examples("ttcalc check --payroll 工资/ --roster roster.xlsx --hours hours.xlsx",
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

        words = lang_of(lang, format)
        report, _paths = check_mod.run(payroll, roster, hours, policy=policy, hours_policy=hours_policy,
                                      as_of=date_of(as_of), budgeted=budgeted, to_school=to_school,
                                      output_dir=output_dir, overwrite=overwrite, lang=words,
                                      progress=progress_bar(quiet, len(payroll or [])), redact=redact,
                                      sheets=sheet, maps=maps_of(map), public_funds=public_funds, cycle=cycle,
                                      hired_since=date_of(hired_since, "--hired-since") if hired_since else None,
                                      require=[p.strip() for p in require.split(",") if p.strip()] if require else None,
                                      activities=activities, institutions=institutions,
                                      report_lang=lang_of(lang, Fmt.json), sector=sector,
                                      school_type=school_type)
        if redact:
            from ttcalc.output.redact import redact_report

            redact_report(report)
        print_report(report, format, words, None)
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

    guard(debug, body, lang_of(lang))


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
        write_out(render_policy.render_list(profiles, format.value, lang_of(lang, format)))

    guard(debug, body, lang_of(lang))


@policies_app.command("show")
def policies_show(ctx: typer.Context, profile: Annotated[str, typer.Argument(help="Profile id or .toml file.")],
                  format: FmtOpt = Fmt.table, lang: LangOpt = None, debug: Debug = False) -> None:
    """Every rule of a profile with its value, bound, clause and verbatim quote."""

    def body() -> None:
        from ttcalc.output.render import policy as render_policy
        from ttcalc.policy.profile import load_profile

        write_out(render_policy.render_show(load_profile(profile), format.value, lang_of(lang, format)))

    guard(debug, body, lang_of(lang))


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

        with stdin_files(files) as files_in:
            report = api.duties(files_in, policy=policy, as_of=date_of(as_of), sheets=sheet, maps=maps_of(map), roster=roster,
                                calendar=calendar, output=output, overwrite=overwrite, lang=lang_of(lang, format),
                                redact=redact)
            emit(report, format, lang, quiet, started, redact)

    guard(debug, body, lang_of(lang))


@app.command()
def institutions(files: Files, policy: PolicyOpt = "hebei-2013", as_of: AsOf = None, sheet: SheetOpt = None,
                 map: MapOpt = None, format: FmtOpt = Fmt.table, lang: LangOpt = None, output: Output = None,
                 overwrite: Overwrite = False, quiet: Quiet = False, debug: Debug = False, redact: Redact = False) -> None:
    """County-level training institutions: demonstration shares per city, mergers, failing ones."""
    started = time.monotonic()

    def body() -> None:
        from ttcalc import api

        with stdin_files(files) as files_in:
            report = api.institutions(files_in, policy=policy, as_of=date_of(as_of), sheets=sheet, maps=maps_of(map),
                                      output=output, overwrite=overwrite, lang=lang_of(lang, format), redact=redact)
            emit(report, format, lang, quiet, started, redact)

    guard(debug, body, lang_of(lang))


