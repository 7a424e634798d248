"""`ttcalc budget`: the checks of an actual budget (--budgeted, --to-school) against the rules.

Every money check is one comparison in whole fen with the requirement as shown (rounded once,
half-up, spec §7 "Money checks and remedies"), so budgeting the amount shown passes; the
ratio beside it is information.  A remedy is the smallest change in fen that passes.  The
checks read the integer fen of `Figures`, never a figure's text.
"""

from __future__ import annotations

from fractions import Fraction

from ttcalc.budget.figures import Figures
from ttcalc.core.msg import Fen, msg
from ttcalc.core.report import Report
from ttcalc.policy.rules import FAIL, PASS, from_rule, not_applicable, ratio_str


def money_meets(actual: int, required: int, op: str) -> bool:
    """A whole-fen amount against a whole-fen requirement, with the rule's operator."""
    return {">=": actual >= required, ">": actual > required, "<=": actual <= required,
            "<": actual < required, "==": actual == required}[op]


def smallest_pass(actual: int, required: int, op: str) -> int:
    """The amount nearest `actual` that meets the requirement (what a remedy asks for)."""
    if money_meets(actual, required, op):
        return actual
    return {">=": required, ">": required + 1, "<=": required, "<": required - 1, "==": required}[op]


def shown_ratio(value: Fraction, rule, ok: bool) -> str:
    """The ratio beside a money verdict, four places — more where four would seem to
    contradict the verdict (0.59999 shown 0.6000 beside a ✘)."""
    from ttcalc.policy.rules import meets

    text = ratio_str(value)
    places = 4
    while places < 12 and meets(Fraction(text), rule) != ok:
        places += 2
        text = ratio_str(value, places)
    return text


def checks(profile, g: Figures, lang: str) -> list:
    out = []
    rate_min = profile.get("fund.rate_min")
    rate_max = profile.get("fund.rate_max")
    if rate_min is None:
        out.append(not_applicable("fund.rate", msg("budget.reason.no_rate"), lang=lang))
    elif g.budgeted is None:
        out.append(not_applicable("fund.rate", msg("budget.reason.no_budgeted", fund_min=Fen(g.fund_min)), rate_min, lang))
    elif g.total_fen == 0:
        out.append(not_applicable("fund.rate", msg("budget.reason.zero_payroll"), rate_min, lang))
    else:
        out.append(_rate_check(g, rate_min, rate_max, lang))
    share = profile.get("fund.school_share_min")
    if share is None:
        out.append(not_applicable("fund.school_share", msg("budget.reason.no_share"), lang=lang))
    elif g.to_school is None or g.budgeted is None:
        out.append(not_applicable("fund.school_share", msg("budget.reason.no_to_school",
                                                           minimum=Fen(g.school_allocation_min or 0)), share, lang))
    elif g.budgeted == 0:
        out.append(not_applicable("fund.school_share", msg("budget.reason.zero_budget"), share, lang))
    else:
        out.append(_share_check(g, share, lang))
    passdown = profile.get("fund.passdown_share")
    if passdown is not None:
        out.append(_passdown_check(g, passdown, lang))
    return out


def _rate_check(g: Figures, rate_min, rate_max, lang: str):
    """The budget against fund_min (and fund_max), in fen, as rounded and shown."""
    check = from_rule("fund.rate", rate_min, lang)
    check.formula = msg("output.formula.fund_range" if rate_max else "output.formula.fund_min")
    check.inputs = {"budgeted": g.shown["budgeted"], "payroll_total": g.shown["payroll_total"],
                    "fund_min": g.shown["fund_min"]}
    check.required = msg("budget.required.at_least", amount=Fen(g.fund_min))
    if rate_max is not None:
        check.required = msg("budget.required.between", low=Fen(g.fund_min), high=Fen(g.fund_max))
        check.inputs["fund_max"] = g.shown["fund_max"]
    check.status = PASS
    if g.budgeted < g.fund_min:
        check.status = FAIL
        check.remedy = msg("budget.remedy.fund_short", gap=Fen(g.fund_min - g.budgeted), required=Fen(g.fund_min))
    elif rate_max is not None and g.budgeted > g.fund_max:
        check.status = FAIL
        check.citation = rate_max.citation()
        check.remedy = msg("budget.remedy.fund_over", over=Fen(g.budgeted - g.fund_max), high=Fen(g.fund_max))
    high = check.status == FAIL and g.budgeted > g.fund_min
    check.actual = shown_ratio(Fraction(g.budgeted, g.total_fen), rate_max if high else rate_min, check.status == PASS)
    return check


def _share_check(g: Figures, share, lang: str):
    """The training school's part against school_allocation_required = budgeted × share,
    rounded once — the figure shown — in whole fen."""
    check = from_rule("fund.school_share", share, lang)
    required = g.school_allocation_required
    ok = money_meets(g.to_school, required, share.op)
    check.status = PASS if ok else FAIL
    check.actual = shown_ratio(Fraction(g.to_school, g.budgeted), share, ok)
    check.required = msg("budget.required.at_least", amount=Fen(required))
    check.formula = msg("output.formula.school_share_fund")
    check.inputs = {"to_school": g.shown["to_school"], "budgeted": g.shown["budgeted"],
                    "school_allocation_required": g.shown["school_allocation_required"]}
    if not ok:
        target = smallest_pass(g.to_school, required, share.op)
        check.remedy = msg("budget.remedy.share_short", gap=Fen(target - g.to_school), required=Fen(target))
    return check


def _passdown_check(g: Figures, rule, lang: str):
    """wenzhou-2012 五、20: the part of the budget passed down to schools (budgeted − to_school)
    against passdown_total = budgeted × passdown_share, rounded once, in whole fen."""
    if g.budgeted is None or g.to_school is None:
        return not_applicable("fund.passdown", msg("budget.reason.no_passdown_amounts",
                                                   total=Fen(g.passdown_total or 0)), rule, lang)
    check = from_rule("fund.passdown", rule, lang)
    required = g.passdown_total
    ok = money_meets(g.passdown_actual, required, rule.op)
    check.status = PASS if ok else FAIL
    check.actual = msg("budget.actual.amount", amount=Fen(g.passdown_actual))
    check.required = msg("budget.required.exactly" if rule.op == "==" else "budget.required.at_least",
                         amount=Fen(required))
    check.formula = msg("output.formula.passdown")
    check.inputs = {"budgeted": g.shown["budgeted"], "to_school": g.shown["to_school"],
                    "passdown_total": g.shown["passdown_total"]}
    if not ok:
        target = smallest_pass(g.passdown_actual, required, rule.op)
        # passing down more means giving the training school less, and the other way round
        key = "budget.remedy.passdown_more" if target > g.passdown_actual else "budget.remedy.passdown_less"
        check.remedy = msg(key, gap=Fen(abs(target - g.passdown_actual)), to_school=Fen(g.budgeted - target),
                           required=Fen(target))
    return check


def public_funds_checks(profile, public_funds, lang: str, report: Report) -> list:
    rule = profile.get("fund.public_funds_share_min")
    if rule is None:
        return []
    if not public_funds:
        return [not_applicable("fund.public_funds", msg("budget.reason.no_public_funds"), rule, lang)]
    from ttcalc.budget.public_funds import check_public_funds

    return check_public_funds(public_funds, rule, lang, report)
