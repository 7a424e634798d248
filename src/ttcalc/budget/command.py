"""`ttcalc budget`: the training fund a budget must hold, from payroll sheets.

payroll_total is the sum of the gross pay (应发) of every person row read, in integer fen;
every derived money figure is computed from that exact total and rounded once, half-up, to
the fen (spec §7).  The rates and shares come from the policy profile, never from code.
"""

from __future__ import annotations

from pathlib import Path

from ttcalc.budget.checks import checks, public_funds_checks
from ttcalc.budget.figures import compute as compute_figures
from ttcalc.budget.figures import definitions
from ttcalc.budget.inputs import budget_inputs
from ttcalc.budget.payroll import sum_payroll
from ttcalc.budget.sector import check_sector, sector_profile
from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.core.report import Report
from ttcalc.read.summary import inputs_block


def prepare(profile, options) -> tuple[int | None, int | None]:
    """--sector, --budgeted and --to-school, checked and read before any payroll is."""
    sector = check_sector(profile, options.extra.get("sector"))
    if sector != "k12" and (options.extra.get("to_school") is not None or options.extra.get("public_funds")):
        raise InputError(msg("budget.input.k12_only", sector=sector))
    for path in options.extra.get("public_funds") or []:  # read only when the profile has the rule: say so now
        if not Path(path).exists():
            raise InputError(msg("read.file.no_such_file", file=str(path)))
    return budget_inputs(options.extra.get("budgeted"), options.extra.get("to_school"))


def extra_inputs(options) -> list[str]:
    extra = list(options.extra.get("public_funds") or [])
    budgeted = options.extra.get("budgeted")
    if budgeted is not None and Path(budgeted).suffix and Path(budgeted).exists():
        extra.append(budgeted)
    return extra


def compute(dataset, profile, options, prepared):
    budgeted_fen, to_school_fen = prepared
    lang = options.lang
    sector = options.extra.get("sector") or "k12"
    profile = sector_profile(profile, sector)
    pay = sum_payroll(dataset)
    report = Report("budget", options.as_of)
    report.inputs = inputs_block(dataset)
    if pay.rows == 0:  # a header with no one under it: a fund of 0.00 would be a figure, and wrong
        names = list(dict.fromkeys(str(i["file"]) for i in report.inputs))
        raise InputError(msg("budget.input.no_rows", files="、".join(names[:3]) + (" …" if len(names) > 3 else "")))
    report.warnings = [w.as_dict() for w in dataset.warnings] + [w.as_dict() for w in pay.warnings.items()]
    figures = compute_figures(profile, pay, budgeted_fen, to_school_fen, options.extra.get("teachers"))
    report.definitions = definitions(figures)
    if sector != "k12":
        report.figures = {"sector": sector, **figures.shown}
        report.definitions["sector"] = msg(f"budget.definition.sector_{sector}", sector=sector,
                                                  rule=profile.get("fund.rate_min").id)
    else:
        report.figures = figures.shown
    report.by_unit = figures.by_unit
    report.checks = checks(profile, figures, lang)
    report.checks += public_funds_checks(profile, options.extra.get("public_funds"), lang, report)
    if sector != "k12":  # the training school's share is a rule of a district's budget
        for c in report.checks:
            if c.id == "fund.school_share":
                c.reason = msg("budget.reason.sector_no_share", sector=sector)
    return report, pay
