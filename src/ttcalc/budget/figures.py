"""The budget's figures: fund_min/fund_max, the training school's part, the per-teacher
pass-down, per unit — every derived money figure computed from the exact payroll total and
rounded once, half-up, to the fen (spec §7); rates and shares come from the profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ttcalc.budget.payroll import Payroll
from ttcalc.cells.money import derive, fraction_fen, money_of
from ttcalc.core.msg import msg
from ttcalc.policy.rules import ratio_str

DEFINITIONS = {key: msg(f"budget.definition.{key}") for key in ("payroll_total", "people", "rounding", "unit")}


@dataclass
class Figures:
    """Every money figure of a budget run, in integer fen (None where it does not apply)."""
    total_fen: int = 0
    rate_min: Decimal | None = None
    rate_max: Decimal | None = None
    share_min: Decimal | None = None
    passdown: Decimal | None = None
    fund_min: int | None = None
    fund_max: int | None = None
    school_allocation_min: int | None = None
    budgeted: int | None = None
    to_school: int | None = None
    school_allocation_required: int | None = None
    passdown_basis: str | None = None  # "fund_min" or "budgeted": what the pass-down is a share of
    passdown_total: int | None = None
    passdown_actual: int | None = None  # budgeted − to_school: what is left to pass down to schools
    teachers: int | None = None  # the per-teacher divisor
    teachers_source: str | None = None  # "payroll" (distinct persons) or "roster" (专任教师)
    passdown_per_teacher: int | None = None
    shown: dict = field(default_factory=dict)  # the JSON `figures`
    by_unit: list = field(default_factory=list)


def _rule_value(profile, rule_id):
    rule = profile.get(rule_id)
    return Decimal(str(rule.value)) if rule is not None else None


def _ratio(value: Decimal | None) -> str | None:
    return ratio_str(Fraction(value)) if value is not None else None


def _money(fen: int | None) -> str | None:
    return money_of(fen) if fen is not None else None


def compute(profile, pay: Payroll, budgeted_fen: int | None, to_school_fen: int | None,
            teachers: tuple[int, str] | None = None) -> Figures:
    """`teachers`: (count, "roster") when a roster gives the teachers; else the payroll's
    distinct persons are the per-teacher divisor."""
    g = Figures(total_fen=pay.total_fen, budgeted=budgeted_fen, to_school=to_school_fen,
                rate_min=_rule_value(profile, "fund.rate_min"), rate_max=_rule_value(profile, "fund.rate_max"),
                share_min=_rule_value(profile, "fund.school_share_min"),
                passdown=_rule_value(profile, "fund.passdown_share"))
    total = pay.total_fen
    if g.rate_min is not None:
        g.fund_min = derive(total, g.rate_min)
        if g.share_min is not None:
            g.school_allocation_min = derive(total, g.rate_min, g.share_min)
    if g.rate_max is not None:
        g.fund_max = derive(total, g.rate_max)
    if budgeted_fen is not None and g.share_min is not None:
        g.school_allocation_required = derive(budgeted_fen, g.share_min)
    f: dict = {"payroll_total": money_of(total), "payroll_rows": pay.rows, "people": pay.people,
               "units": len(pay.units), "fund_rate_min": _ratio(g.rate_min), "fund_rate_max": _ratio(g.rate_max),
               "fund_min": _money(g.fund_min), "fund_max": _money(g.fund_max),
               "school_share_min": _ratio(g.share_min), "school_allocation_min": _money(g.school_allocation_min)}
    if budgeted_fen is not None:
        f["budgeted"] = money_of(budgeted_fen)
        f["school_allocation_required"] = _money(g.school_allocation_required)
    if to_school_fen is not None:
        f["to_school"] = money_of(to_school_fen)
    per_teacher = None
    if g.passdown is not None and (g.rate_min is not None or budgeted_fen is not None):
        # from the actual budget when one is given, else from the required minimum
        if budgeted_fen is not None:
            g.passdown_basis, base = "budgeted", Fraction(budgeted_fen)
        else:
            g.passdown_basis, base = "fund_min", Fraction(total) * Fraction(g.rate_min)
        exact = base * Fraction(g.passdown)
        g.passdown_total = fraction_fen(exact)
        if budgeted_fen is not None and to_school_fen is not None:
            g.passdown_actual = budgeted_fen - to_school_fen
        g.teachers, g.teachers_source = teachers if teachers is not None else (pay.people, "payroll")
        if g.teachers:
            per_teacher = exact / g.teachers
            g.passdown_per_teacher = fraction_fen(per_teacher)
        f.update({"passdown_share": _ratio(g.passdown), "passdown_basis": g.passdown_basis,
                  "passdown_total": money_of(g.passdown_total), "passdown_teachers": g.teachers,
                  "passdown_teachers_source": g.teachers_source,
                  "passdown_per_teacher": _money(g.passdown_per_teacher)})
        if g.passdown_actual is not None:
            f["passdown_actual"] = money_of(g.passdown_actual)
    g.shown = f
    for unit in sorted(pay.units):
        fen, rows, unit_people = pay.units[unit]
        item = {"unit": unit, "payroll_total": money_of(fen), "payroll_rows": rows, "people": unit_people}
        if g.rate_min is not None:
            item["fund_min"] = money_of(derive(fen, g.rate_min))
            item["share_of_payroll"] = ratio_str(Fraction(fen, total)) if total else None
        if per_teacher is not None and g.teachers_source == "payroll":
            # the unit's teachers × the per-teacher standard, computed exactly and rounded once
            item["passdown"] = money_of(fraction_fen(per_teacher * unit_people))
        g.by_unit.append(item)
    return g


def definitions(g: Figures) -> dict:
    out = dict(DEFINITIONS)
    if g.passdown_total is not None:
        out["passdown"] = msg(f"budget.definition.passdown_{g.passdown_basis}")
        out["passdown_teachers"] = msg(f"budget.definition.teachers_{g.teachers_source}", n=g.teachers)
        if g.passdown_actual is not None:
            out["passdown_actual"] = msg("budget.definition.passdown_actual")
    return out
