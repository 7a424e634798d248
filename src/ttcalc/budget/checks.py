"""`ttcalc budget`: the training fund a budget must hold, from payroll sheets.

payroll_total is the sum of the gross pay (应发) of every person row read, in integer fen;
every derived money figure is computed from that exact total and rounded once, half-up, to
the fen (spec §7).  The rates and shares come from the policy profile, never from code.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from ttcalc.cells.money import to_fen
from ttcalc.core.report import Report
from ttcalc.policy.rules import FAIL, PASS, from_rule, judge, not_applicable, ratio_str


def checks(profile, figures: dict, budgeted_fen, to_school_fen, lang: str) -> list:
    f = figures["figures"]
    out = []
    rate_min = profile.get("fund.rate_min")
    rate_max = profile.get("fund.rate_max")
    total_fen = to_fen(Decimal(f["payroll_total"]))
    if rate_min is None:
        out.append(not_applicable("fund.rate", "the profile sets no payroll-based fund rate", lang=lang))
    elif budgeted_fen is None:
        out.append(not_applicable("fund.rate", "no --budgeted amount given: the required fund is in the figures "
                                  f"(fund_min {f['fund_min']})", rate_min, lang))
    elif total_fen == 0:
        out.append(not_applicable("fund.rate", "the payroll total is zero", rate_min, lang))
    else:
        out.append(_rate_check(f, rate_min, rate_max, budgeted_fen, total_fen, lang))
    share = profile.get("fund.school_share_min")
    if share is None:
        out.append(not_applicable("fund.school_share", "the profile sets no share for the training school", lang=lang))
    elif to_school_fen is None or budgeted_fen is None:
        out.append(not_applicable("fund.school_share", "give --budgeted and --to-school to check the training "
                                  f"school's share (it must get at least {f['school_allocation_min']} of fund_min)",
                                  share, lang))
    elif budgeted_fen == 0:
        out.append(not_applicable("fund.school_share", "the budgeted fund is zero", share, lang))
    else:
        check = judge(from_rule("fund.school_share", share, lang), Fraction(to_school_fen, budgeted_fen), share)
        check.formula = "to_school ÷ budgeted"
        check.inputs = {"to_school": f["to_school"], "budgeted": f["budgeted"]}
        if check.status == FAIL:
            gap = to_fen(Decimal(f["school_allocation_required"])) - to_school_fen
            check.remedy = (f"拨付缺口 ¥{gap / 100:,.2f}：拨付进修学校应不少于 ¥{Decimal(f['school_allocation_required']):,.2f}"
                            if lang == "zh" else f"allocation shortfall ¥{gap / 100:,.2f}: the training school must "
                            f"get at least ¥{Decimal(f['school_allocation_required']):,.2f}")
        out.append(check)
    return out


def _rate_check(f: dict, rate_min, rate_max, budgeted_fen: int, total_fen: int, lang: str):
    """The budget against fund_min (and fund_max): compared in fen with the figures as rounded
    and shown, so budgeting exactly fund_min or fund_max passes."""
    check = from_rule("fund.rate", rate_min, lang)
    check.actual = ratio_str(Fraction(budgeted_fen, total_fen))
    check.formula = "budgeted ≥ fund_min" + (" and ≤ fund_max" if rate_max else "") + \
        " (fund_min = payroll_total × fund_rate_min, rounded once to the fen); actual = budgeted ÷ payroll_total"
    check.inputs = {"budgeted": f["budgeted"], "payroll_total": f["payroll_total"], "fund_min": f["fund_min"]}
    low = to_fen(Decimal(f["fund_min"]))
    check.status = PASS
    if rate_max is not None:
        check.required = f"{rate_min.bound_text(lang)} and {rate_max.bound_text(lang)}"
        check.inputs["fund_max"] = f["fund_max"]
    if budgeted_fen < low:
        check.status = FAIL
        gap = low - budgeted_fen
        check.remedy = (f"预算缺口 ¥{gap / 100:,.2f}：培训经费应不少于 ¥{low / 100:,.2f}" if lang == "zh"
                        else f"budget shortfall ¥{gap / 100:,.2f}: the fund must be at least ¥{low / 100:,.2f}")
    elif rate_max is not None and budgeted_fen > to_fen(Decimal(f["fund_max"])):
        high = to_fen(Decimal(f["fund_max"]))
        check.status = FAIL
        check.citation = rate_max.citation()
        check.remedy = (f"超出比例上限 ¥{(budgeted_fen - high) / 100:,.2f}（上限 ¥{high / 100:,.2f}）" if lang == "zh"
                        else f"¥{(budgeted_fen - high) / 100:,.2f} above the upper bound of ¥{high / 100:,.2f}")
    return check


def public_funds_checks(profile, public_funds, lang: str, report: Report) -> list:
    rule = profile.get("fund.public_funds_share_min")
    if rule is None:
        return []
    if not public_funds:
        return [not_applicable("fund.public_funds", "no per-unit public-funds (公用经费) sheet given "
                               "(--public-funds FILE)", rule, lang)]
    from ttcalc.budget.public_funds import check_public_funds

    return check_public_funds(public_funds, rule, lang, report)

