"""`ttcalc budget`: the training fund a budget must hold, from the gross payroll.

    payroll        the payroll base summed exactly in fen, per unit, people counted once
    figures        fund_min/fund_max, the training school's part, pass-down, by unit
    checks         an actual budget (--budgeted, --to-school) against the rules
    inputs         --budgeted/--to-school as amounts or a small budget sheet
    public_funds   per-unit training spend from public funds (公用经费)
    command        compute(): the data set to a Report
"""

from ttcalc.budget.command import compute, extra_inputs, prepare
from ttcalc.budget.digest import PayrollDigest
from ttcalc.budget.payroll import KEEP
from ttcalc.core.command import Command, callable_module

COMMAND = Command(name="budget", kind="payroll", default_policy="quangang-2022",
                  check_ids=("fund.rate", "fund.school_share", "fund.passdown", "fund.public_funds"),
                  compute=compute, workbook="budget", keep=frozenset(KEEP), prepare=prepare,
                  extra_inputs=extra_inputs, digest=PayrollDigest)
callable_module(__name__, "budget")  # ttcalc.budget(files, …) is ttcalc.api.budget
