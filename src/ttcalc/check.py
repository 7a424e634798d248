"""`ttcalc check`: budget, staffing, hours, duties and institutions in one run, one report and one exit code — for
monthly cron jobs.  A missing input makes its checks not_applicable, never a failure; the
report says how many checks were judged, and `require` makes a part that judged nothing fail."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ttcalc.core.command import Options, callable_module
from ttcalc.core.errors import InputError
from ttcalc.core.report import Report
from ttcalc.output.safeio import OutputSet
from ttcalc.pipeline import run as run_command
from ttcalc.core.msg import msg
from ttcalc.policy.rules import NA, not_applicable

NOT_FULLY_CHECKED = "not_fully_checked"  # a judged check: some condition's column is missing

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
        overwrite: bool = False, lang: str = "en", progress=None, redact: bool = False, *,
        sheets: list[str] | None = None, maps: dict | None = None, public_funds: list[str] | None = None,
        cycle: str | None = None, hired_since: date | None = None,
        require: list[str] | None = None, activities: list[str] | None = None,
        institutions: list[str] | None = None, report_lang: str | None = None,
        sector: str | None = None, school_type: str | None = None) -> tuple[Report, dict[str, Path]]:
    """Every part whose input is given, with every option its single command takes.  The
    report says how many checks each part judged (`judged`, figures `checks_judged`); a part
    named in `require` that judged nothing is listed in `unjudged_required` (exit 1)."""
    as_of = as_of or date.today()
    given = {"budget": payroll, "staffing": roster, "hours": hours, "duties": activities, "institutions": institutions}
    parts = [p for p, files in given.items() if files]
    if not parts:
        raise InputError(msg("option.error.check_parts", options="--payroll, --roster, --hours, --activities, --institutions"))
    for part in require or []:
        if part not in PARTS:
            raise InputError(msg("option.error.require", value=part, allowed=",".join(PARTS)))
    outputs = None
    if output_dir is not None:
        if not output_dir.is_dir():
            code = "output.error.not_folder" if output_dir.exists() else "output.error.no_folder"
            raise InputError(msg(code, folder=f"--output-dir {output_dir}"))
        outputs = OutputSet(output_dir, overwrite)
    try:
        # every file goes to a reserved temporary; the set is committed at the end, or none of it
        paths = {k: outputs.reserve(k, p) for k, p in output_paths(output_dir, as_of, parts).items()} \
            if outputs is not None else {}
        report = _run_parts(given, paths, outputs is not None, policy, hours_policy, as_of, budgeted, to_school,
                            overwrite, lang, progress, redact, sheets, maps, public_funds, cycle, hired_since,
                            require, roster, sector, school_type)
        if outputs is None:
            return report, {}
        _write_report(paths["report"], report, redact, report_lang or lang)
        return report, outputs.commit()  # one commit per run: every file, or none
    finally:
        if outputs is not None:
            outputs.discard()


def _run_parts(given, paths, temporary, policy, hours_policy, as_of, budgeted, to_school, overwrite, lang, progress,
               redact, sheets, maps, public_funds, cycle, hired_since, require, roster, sector=None,
               school_type=None) -> Report:
    common = {"policy": policy, "hours_policy": hours_policy, "as_of": as_of, "sheets": sheets, "maps": maps or {},
              "overwrite": True if temporary else overwrite, "lang": lang, "redact": redact}
    extra = {"budget": {"budgeted": budgeted, "to_school": to_school, "public_funds": public_funds, "sector": sector},
             "staffing": {"hired_since": hired_since},
             "hours": {"roster": roster, "cycle": cycle, "school_type": school_type},
             "duties": {"roster": roster}, "institutions": {}}
    subs = {}
    if roster:  # the roster's teachers are the pass-down divisor of the budget part
        subs["staffing"] = _run_part("staffing", roster, common, extra["staffing"], paths.get("staffing"), None)
        teachers = subs["staffing"].figures.get("fulltime_teachers")
        if isinstance(teachers, int):
            extra["budget"]["teachers"] = (teachers, "roster")
    report = Report("check", as_of)
    judged = {}
    for part in PARTS:
        files = given[part]
        if not files:
            report.checks += [not_applicable(i, msg("check.reason.no_input", option=PARTS[part]), lang=lang)
                              for i in _command(part).check_ids]
            judged[part] = 0
            continue
        sub = subs.get(part) or _run_part(part, files, common, extra[part], paths.get(part),
                                           progress if part == "budget" else None)
        judged[part] = sum(1 for c in sub.checks if c.status != NA)
        _merge(report, sub, part)
    report.figures["checks_judged"] = sum(judged.values())
    # judged, not failed (exit 0) — but counted, so a cron job can tell it from a pass
    report.figures["checks_not_fully_checked"] = sum(1 for c in report.checks if c.status == NOT_FULLY_CHECKED)
    report.extra["judged"] = judged
    missing = [p for p in require or [] if not judged.get(p)]
    report.extra["unjudged_required"] = missing
    if not report.figures["checks_judged"]:
        report.notes.append(msg("check.note.nothing_judged"))
    elif missing:
        report.notes.append(msg("check.note.required_unjudged", parts=", ".join(missing)))
    return report


def exit_code(report: Report) -> int:
    """1 when a check failed or a required part judged nothing; else 0."""
    return 1 if report.failed or report.extra.get("unjudged_required") else 0


def _run_part(part, files, common, extra, output, progress):
    own = {"hours": common["hours_policy"],  # quangang-2022 sets no hours or institution rules
           "institutions": _command("institutions").default_policy}
    options = Options(policy=own.get(part, common["policy"]), as_of=common["as_of"],
                      sheets=common["sheets"], maps=common["maps"], output=output, overwrite=common["overwrite"],
                      lang=common["lang"], redact=common["redact"], progress=progress,
                      extra={k: v for k, v in extra.items() if v is not None})
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


def _write_report(path: Path, report: Report, redact: bool, lang: str) -> None:
    """The JSON report of the run, in the set's temporary: warnings masked (spec §9), every
    name and ID number masked with --redact, worded in `lang`."""
    import copy

    from ttcalc.cells.privacy import mask_warnings
    from ttcalc.output.i18n import localize
    from ttcalc.output.render.report import to_json

    shown = copy.deepcopy(report)
    shown.warnings = mask_warnings(shown.warnings)
    if redact:
        from ttcalc.output.redact import redact_report

        redact_report(shown)
    try:
        path.write_text(to_json(localize(shown.as_dict(), lang)), encoding="utf-8")
    except OSError as exc:
        raise InputError(msg("output.error.cannot_write", folder=str(path.parent), why=str(exc.strerror))) from None
