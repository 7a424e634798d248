"""`ttcalc budget`: the training fund a budget must hold, from payroll sheets.

payroll_total is the sum of the gross pay (应发) of every person row read, in integer fen;
every derived money figure is computed from that exact total and rounded once, half-up, to
the fen (spec §7).  The rates and shares come from the policy profile, never from code.
"""

from __future__ import annotations

from ttcalc.budget.checks import checks, public_funds_checks
from ttcalc.budget.figures import DEFINITIONS, compute
from ttcalc.budget.inputs import _budget_inputs
from ttcalc.budget.payroll import KEEP, sum_payroll

from datetime import date
from pathlib import Path

from ttcalc.read import reader
from ttcalc.policy.profile import load_profile
from ttcalc.core.report import Report
from ttcalc.read.reader import inputs_block
from ttcalc.policy.profile import policy_block
from ttcalc.output.safeio import check_output, refuse_existing



def run(files: list[str], policy: str = "quangang-2022", as_of: date | None = None, sheets=None, maps=None,
        budgeted: str | None = None, to_school: str | None = None, public_funds=None, output: Path | None = None,
        overwrite: bool = False, lang: str = "en", progress=None, redact: bool = False) -> Report:
    as_of = as_of or date.today()
    profile = load_profile(policy)
    budgeted_fen, to_school_fen = _budget_inputs(budgeted, to_school)
    check_output(output, files)
    refuse_existing(output, overwrite)
    dataset = reader.read(files, "payroll", maps, sheets, progress, keep=KEEP)
    pay = sum_payroll(dataset)
    report = Report("budget", as_of)
    report.policy, pol_warnings = policy_block(profile, as_of)
    report.inputs = inputs_block(dataset)
    report.warnings = pol_warnings + [w.as_dict() for w in dataset.warnings] + pay.warnings
    report.definitions = dict(DEFINITIONS)
    figures = compute(profile, pay, budgeted_fen, to_school_fen)
    report.figures = figures["figures"]
    report.by_unit = figures["by_unit"]
    report.checks = checks(profile, figures, budgeted_fen, to_school_fen, lang)
    report.checks += public_funds_checks(profile, public_funds, lang, report)
    if output is not None:
        from ttcalc.output.workbook import budget as budget_book

        budget_book.write(Path(output), report, pay, profile, lang, overwrite, redact)
    return report

