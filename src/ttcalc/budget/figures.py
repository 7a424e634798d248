"""`ttcalc budget`: the training fund a budget must hold, from payroll sheets.

payroll_total is the sum of the gross pay (应发) of every person row read, in integer fen;
every derived money figure is computed from that exact total and rounded once, half-up, to
the fen (spec §7).  The rates and shares come from the policy profile, never from code.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ttcalc.budget.payroll import Payroll
from ttcalc.cells.money import derive, fraction_fen, money_of
from ttcalc.policy.rules import ratio_str

DEFINITIONS = {
    "payroll_total": "sum of the gross pay (应发) of every person row of every sheet and file read; where a sheet "
                     "has no gross column, the sum of its pay components; never net pay (实发), deductions, "
                     "employer contributions, or subtotal/total rows",
    "people": "distinct persons: by 身份证号; a row without one takes the ID its name and unit carry on "
              "another row, else name and unit stand for the person",
    "rounding": "each derived money figure is computed from the exact payroll total and rounded once, "
                "half-up (四舍五入), to the fen",
    "unit": "the 单位/学校 column; where a file has none, the file name (one school per file), unless the "
            "name is a month or date (then 未注明单位)",
}


def _rule_value(profile, rule_id):
    rule = profile.get(rule_id)
    return (rule, Decimal(str(rule.value))) if rule is not None else (None, None)


def _ratio(value: Decimal | None) -> str | None:
    return ratio_str(Fraction(value)) if value is not None else None


def compute(profile, pay: Payroll, budgeted_fen: int | None, to_school_fen: int | None) -> dict:
    _, rate_min = _rule_value(profile, "fund.rate_min")
    _, rate_max = _rule_value(profile, "fund.rate_max")
    _, share_min = _rule_value(profile, "fund.school_share_min")
    _, passdown = _rule_value(profile, "fund.passdown_share")
    total = pay.total_fen
    people = pay.people
    f: dict = {"payroll_total": money_of(total), "payroll_rows": pay.rows, "people": people, "units": len(pay.units),
               "fund_rate_min": _ratio(rate_min), "fund_rate_max": _ratio(rate_max),
               "fund_min": money_of(derive(total, rate_min)) if rate_min is not None else None,
               "fund_max": money_of(derive(total, rate_max)) if rate_max is not None else None,
               "school_share_min": _ratio(share_min),
               "school_allocation_min": money_of(derive(total, rate_min, share_min))
               if rate_min is not None and share_min is not None else None}
    if budgeted_fen is not None:
        f["budgeted"] = money_of(budgeted_fen)
        f["school_allocation_required"] = money_of(derive(budgeted_fen, share_min)) if share_min is not None else None
    if to_school_fen is not None:
        f["to_school"] = money_of(to_school_fen)
    per_teacher_fen = None
    if passdown is not None and rate_min is not None:
        f["passdown_share"] = _ratio(passdown)
        f["passdown_total"] = money_of(derive(total, rate_min, passdown))
        per_teacher_fen = fraction_fen(Fraction(total) * Fraction(rate_min) * Fraction(passdown) / people) \
            if people else None
        f["passdown_per_teacher"] = money_of(per_teacher_fen) if per_teacher_fen is not None else None
    by_unit = []
    for unit in sorted(pay.units):
        fen, rows, unit_people = pay.units[unit]
        item = {"unit": unit, "payroll_total": money_of(fen), "payroll_rows": rows, "people": unit_people}
        if rate_min is not None:
            item["fund_min"] = money_of(derive(fen, rate_min))
            item["share_of_payroll"] = ratio_str(Fraction(fen, total)) if total else None
        if per_teacher_fen is not None:
            # the unit's teachers × the per-teacher standard, computed exactly and rounded once
            item["passdown"] = money_of(fraction_fen(Fraction(total) * Fraction(rate_min) * Fraction(passdown)
                                                      * unit_people / people))
        by_unit.append(item)
    return {"figures": f, "by_unit": by_unit}

