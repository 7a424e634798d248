"""`ttcalc check`: budget, staffing and hours in one run, one report and one exit code — for
monthly cron jobs.  A missing input makes its checks not_applicable, never a failure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ttcalc.core.command import Options, callable_module
from ttcalc.core.errors import InputError
from ttcalc.core.report import Report
from ttcalc.output.safeio import OutputSet
from ttcalc.pipeline import run as run_command
from ttcalc.policy.rules import not_applicable

PARTS = {"budget": "--payroll", "staffing": "--roster", "hours": "--hours"}  # part -> its input option


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
        overwrite: bool = False, lang: str = "en", progress=None, redact: bool = False) -> tuple[Report, dict[str, Path]]:
    as_of = as_of or date.today()
    given = {"budget": payroll, "staffing": roster, "hours": hours}
    parts = [p for p, files in given.items() if files]
    if not parts:
        raise InputError("ttcalc check: give at least one of --payroll, --roster, --hours")
    outputs = None
    if output_dir is not None:
        if not output_dir.is_dir():
            raise InputError(f"--output-dir {output_dir}: no such folder")
        outputs = OutputSet(output_dir, overwrite)
    try:
        temps = {k: outputs.reserve(k, p) for k, p in output_paths(output_dir, as_of, parts).items()} \
            if outputs is not None else {}
        report = Report("check", as_of)
        for part in PARTS:
            files = given[part]
            if not files:
                report.checks += [not_applicable(i, f"no {PARTS[part]} input given", lang=lang)
                                  for i in _command(part).check_ids]
                continue
            # each workbook goes to its reserved temporary; the set is committed at the end
            sub = _run_part(part, files, policy, hours_policy, as_of, budgeted, to_school, temps.get(part),
                            True, lang, progress, roster, redact)
            _merge(report, sub, part)
        if outputs is None:
            return report, {}
        _write_report(temps["report"], report, redact)
        return report, outputs.commit()  # one commit per run: every file, or none
    finally:
        if outputs is not None:
            outputs.discard()


def _write_report(path: Path, report: Report, redact: bool) -> None:
    import copy

    from ttcalc.cells.privacy import mask_warnings
    from ttcalc.output.render.report import to_json

    shown = copy.deepcopy(report)
    shown.warnings = mask_warnings(shown.warnings)
    if redact:
        from ttcalc.output.redact import redact_report

        redact_report(shown)
    try:
        path.write_text(to_json(shown.as_dict()), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path.parent}: cannot write the report ({exc.strerror})") from None


def _run_part(part, files, policy, hours_policy, as_of, budgeted, to_school, output, overwrite, lang, progress,
              roster, redact):
    extra = {"budget": {"budgeted": budgeted, "to_school": to_school},
             "staffing": {}, "hours": {"roster": roster}}[part]
    options = Options(policy=hours_policy if part == "hours" else policy, as_of=as_of, output=output,
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
