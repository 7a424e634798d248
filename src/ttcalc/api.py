"""The Python API: the same reports as the command line, as objects.

    >>> import ttcalc
    >>> report = ttcalc.budget(["payroll.xlsx"], policy="quangang-2022", as_of="2024-12-31")
    >>> report.figures["fund_min"], report.rows().head()

Every function takes the files (a path, a folder or a glob, or a list of them) and the
options of its command as keywords; it returns the Report (figures, checks, by_unit /
by_person, warnings) and never prints.  `report.rows()` gives the rows as read as a pandas
DataFrame.  Bad input raises `ttcalc.InputError` with the one-line message the CLI shows.
"""

from __future__ import annotations

from datetime import date
from importlib import import_module
from pathlib import Path

from ttcalc.core.command import Options
from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg

__all__ = ["InputError", "budget", "check", "duties", "hours", "inspect", "institutions", "staffing"]


def _paths(files) -> list[str]:
    return [str(files)] if isinstance(files, (str, Path)) else [str(f) for f in files]


def _date(value, option: str = "as_of"):
    """A date given as text ("2024-12-31") or a date; a bad one is the user's error, not ours."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InputError(msg("option.error.api_date", option=option, value=repr(value))) from None


def _options(policy, as_of, sheets, maps, output, overwrite, lang, redact, progress=None, vet=None,
             **extra) -> Options:
    as_of = _date(as_of)
    return Options(policy=policy, as_of=as_of, sheets=sheets, maps=dict(maps or {}), output=output,
                   overwrite=overwrite, lang=lang, redact=redact, progress=progress, vet=vet, extra=extra)


def budget(files, *, policy=None, as_of=None, sheets=None, maps=None, budgeted=None, to_school=None,
           public_funds=None, output=None, overwrite=False, lang="zh", redact=False, progress=None,
           skip_bad=False, sector=None, keep_rows=True):
    """The training fund a budget must hold (`ttcalc budget`).  keep_rows=False: report.rows()
    is not wanted, so a folder is read as a stream in bounded memory (what the command line does)."""
    command = import_module("ttcalc.budget")
    from ttcalc.duties.sniff import refusing_log
    from ttcalc.pipeline import run

    with refusing_log(_paths(files), "budget", sheets) as vet:  # an activity log: refused as it is read
        return run(command.COMMAND, _paths(files), _options(
            policy, as_of, sheets, maps, output, overwrite, lang, redact, progress, vet, budgeted=budgeted,
            to_school=to_school, public_funds=_paths(public_funds) if public_funds else None, skip_bad=skip_bad,
            sector=sector, keep_rows=keep_rows))


def staffing(files, *, policy=None, as_of=None, sheets=None, maps=None, hired_since=None, output=None,
             overwrite=False, lang="zh", redact=False, skip_bad=False):
    """Title, credential and staffing ratios (`ttcalc staffing`)."""
    command = import_module("ttcalc.staffing")
    from ttcalc.pipeline import run

    hired_since = _date(hired_since, "hired_since")
    return run(command.COMMAND, _paths(files), _options(
        policy, as_of, sheets, maps, output, overwrite, lang, redact, hired_since=hired_since, skip_bad=skip_bad))


def hours(files, *, policy=None, as_of=None, sheets=None, maps=None, cycle=None, roster=None, output=None,
          overwrite=False, lang="zh", redact=False, skip_bad=False, school_type=None):
    """Training hours against the cycle rules (`ttcalc hours`)."""
    command = import_module("ttcalc.hours")
    from ttcalc.duties.sniff import refusing_log
    from ttcalc.pipeline import run

    with refusing_log(_paths(files), "hours", sheets) as vet:  # an activity log: refused as it is read
        return run(command.COMMAND, _paths(files), _options(
            policy, as_of, sheets, maps, output, overwrite, lang, redact, vet=vet, cycle=cycle,
            roster=_paths(roster) if roster else None, skip_bad=skip_bad,
            school_type=school_type))


def duties(files, *, policy=None, as_of=None, sheets=None, maps=None, roster=None, calendar=None, output=None,
           overwrite=False, lang="zh", redact=False):
    """The training school's people: days in schools, 听课, placements, leaders (`ttcalc duties`)."""
    command = import_module("ttcalc.duties")
    from ttcalc.duties.sniff import explain_wrong_input
    from ttcalc.pipeline import run

    with explain_wrong_input(_paths(files), "activities"):
        return run(command.COMMAND, _paths(files), _options(
            policy, as_of, sheets, maps, output, overwrite, lang, redact, roster=_paths(roster) if roster else None,
            calendar=str(calendar) if calendar else None))


def institutions(files, *, policy=None, as_of=None, sheets=None, maps=None, output=None, overwrite=False,
                 lang="zh", redact=False):
    """County-level training institutions: demonstration shares, mergers, failing ones (`ttcalc institutions`)."""
    command = import_module("ttcalc.institutions")
    from ttcalc.duties.sniff import explain_wrong_input
    from ttcalc.pipeline import run

    with explain_wrong_input(_paths(files), "institutions"):
        return run(command.COMMAND, _paths(files), _options(
            policy, as_of, sheets, maps, output, overwrite, lang, redact))


def inspect(files, *, kind="auto", sheets=None, maps=None, as_of=None):
    """How ttcalc reads a workbook (`ttcalc inspect`)."""
    from ttcalc.inspect import run

    return run(_paths(files), kind, dict(maps or {}), sheets, as_of)


def check(*, payroll=None, roster=None, hours=None, policy="quangang-2022", hours_policy="wenzhou-2012",
          as_of=None, budgeted=None, to_school=None, output_dir=None, overwrite=False, lang="zh", redact=False,
          activities=None, institutions=None):
    """Everything in one run, as `ttcalc check` does for cron: (report, paths written)."""
    from ttcalc.check import run

    as_of = _date(as_of)
    return run(_paths(payroll) if payroll else None, _paths(roster) if roster else None,
               _paths(hours) if hours else None, policy=policy, hours_policy=hours_policy, as_of=as_of,
               budgeted=budgeted, to_school=to_school, output_dir=Path(output_dir) if output_dir else None,
               overwrite=overwrite, lang=lang, redact=redact, activities=_paths(activities) if activities else None,
               institutions=_paths(institutions) if institutions else None)
