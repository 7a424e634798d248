"""`ttcalc check`: budget, staffing, hours, duties and institutions in one run, one report and one exit code — for
monthly cron jobs.  A missing input makes its checks not_applicable, never a failure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ttcalc.core.command import Options, callable_module
from ttcalc.core.errors import InputError
from ttcalc.core.report import Report
from ttcalc.output.safeio import refuse_existing
from ttcalc.pipeline import run as run_command
from ttcalc.policy.rules import not_applicable

PARTS = {"budget": "--payroll", "staffing": "--roster", "hours": "--hours",  # part -> its input option
         "duties": "--activities", "institutions": "--institutions"}


def _command(part: str):
    from importlib import import_module

    return import_module(f"ttcalc.{part}").COMMAND


def output_paths(output_dir: Path, as_of: date, parts: list[str]) -> dict[str, Path]:
    """Dated names, so a month's files never replace another month's."""
    stamp = as_of.isoformat()
    paths = {"report": output_dir / f"ttcalc-check-{stamp}.json"}
    for part in parts:
        paths[part] = output_dir / f"ttcalc-{part}-{stamp}.xlsx"
    return paths


def run(payroll: list[str] | None = None, roster: list[str] | None = None, hours: list[str] | None = None,
        policy: str = "quangang-2022", hours_policy: str = "wenzhou-2012", as_of: date | None = None,
        budgeted: str | None = None, to_school: str | None = None, output_dir: Path | None = None,
        overwrite: bool = False, lang: str = "en", progress=None, redact: bool = False,
        activities: list[str] | None = None, institutions: list[str] | None = None) -> tuple[Report, dict[str, Path]]:
    as_of = as_of or date.today()
    given = {"budget": payroll, "staffing": roster, "hours": hours, "duties": activities, "institutions": institutions}
    parts = [p for p, files in given.items() if files]
    if not parts:
        raise InputError("ttcalc check: give at least one of --payroll, --roster, --hours, --activities, --institutions")
    paths: dict[str, Path] = {}
    if output_dir is not None:
        if not output_dir.is_dir():
            raise InputError(f"--output-dir {output_dir}: no such folder")
        paths = output_paths(output_dir, as_of, parts)
        for p in paths.values():
            refuse_existing(p, overwrite)
    report = Report("check", as_of)
    for part in PARTS:
        files = given[part]
        if not files:
            report.checks += [not_applicable(i, f"no {PARTS[part]} input given", lang=lang)
                              for i in _command(part).check_ids]
            continue
        sub = _run_part(part, files, policy, hours_policy, as_of, budgeted, to_school, paths.get(part),
                        overwrite, lang, progress, roster, redact)
        _merge(report, sub, part)
    return report, paths


def _run_part(part, files, policy, hours_policy, as_of, budgeted, to_school, output, overwrite, lang, progress,
              roster, redact):
    extra = {"budget": {"budgeted": budgeted, "to_school": to_school},
             "staffing": {}, "hours": {"roster": roster}, "duties": {"roster": roster}, "institutions": {}}[part]
    own = {"hours": hours_policy, "institutions": _command("institutions").default_policy}  # quangang-2022 has none
    options = Options(policy=own.get(part, policy), as_of=as_of, output=output,
                      overwrite=overwrite, lang=lang, redact=redact, progress=progress if part == "budget" else None,
                      extra=extra)
    return run_command(_command(part), files, options)


def _merge(report: Report, sub: Report, part: str) -> None:
    if report.policy is None or part != "hours":
        report.policy = report.policy or sub.policy
    if part == "hours" and sub.policy and report.policy and sub.policy.get("id") != report.policy.get("id"):
        report.extra["hours_policy"] = sub.policy
    report.inputs += [dict(i, role=part) for i in sub.inputs]
    report.figures.update(sub.figures)
    if part in ("duties", "institutions"):  # their own sections: budget's by_unit, hours' by_person stay
        for key, value in (("by_person", sub.by_person), ("by_unit", sub.by_unit)):
            if value is not None:
                report.extra[f"{part}_{key}"] = value
        if sub.policy and report.policy and sub.policy.get("id") != report.policy.get("id"):
            report.extra[f"{part}_policy"] = sub.policy
    else:
        if sub.by_unit is not None:
            report.by_unit = sub.by_unit
        if sub.by_person is not None:
            report.by_person = sub.by_person
    report.checks += sub.checks
    key = ("code", "file", "sheet", "row", "message")
    seen = {tuple(w.get(k) for k in key) for w in report.warnings}
    for w in sub.warnings:  # the roster read again for the hours roles warns again: once is enough
        if tuple(w.get(k) for k in key) not in seen:
            seen.add(tuple(w.get(k) for k in key))
            report.warnings.append(w)
    for key, value in sub.definitions.items():
        report.definitions.setdefault(key, value)
    for key, value in sub.extra.items():
        report.extra.setdefault(key, value)


callable_module(__name__, "check")  # ttcalc.check(…) is ttcalc.api.check
