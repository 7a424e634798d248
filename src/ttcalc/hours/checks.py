"""The hours checks: cycle totals, each completed year, the school's concentrated-training
share and the roles of the roster, each against the profile's rule."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ttcalc.core.msg import msg
from ttcalc.hours.ledger import Cycle, dec, hstr
from ttcalc.hours.people import Person, add_years, employed_in
from ttcalc.hours.remedies import annual_line, count_text, remedy_line, join_remedy
from ttcalc.policy.rules import (
    FAIL,
    NA,
    PASS,
    from_rule,
    meets,
    not_applicable,
    ratio_str,
)

STILL = {"total": "hours", "concentrated_max_course": "concentrated_course"}  # by_person still_needed keys


@dataclass
class Ctx:
    profile: object
    cycle: Cycle
    lang: str
    teachers: list  # Person, sorted
    roster: bool


def _person_ref(p: Person) -> dict:
    return {"name": p.name, "id": p.id, "unit": p.unit}


def _no_rule(check_id: str, ctx: Ctx, rule_id: str) -> object:
    if not any(r.topic == "hours" for r in ctx.profile.rules.values()):
        return not_applicable(check_id, msg("hours.reason.no_hours_rules", policy=ctx.profile.id,
                                            document=ctx.profile.document, first="wenzhou-2012", second="shanxi-2023"), lang=ctx.lang)
    return not_applicable(check_id, msg("hours.reason.no_rule", policy=ctx.profile.id, rule=rule_id), lang=ctx.lang)


def _cycle_check(check_id: str, rule_id: str, measure: str, ctx: Ctx, people: list | None = None,
                 what: str = "teachers") -> object:
    """`what`: the people judged, a key of hours.who (teachers or a role)."""
    """A per-teacher requirement over the whole cycle: fails only once the cycle is over."""
    rule = ctx.profile.get(rule_id)
    if rule is None:
        return _no_rule(check_id, ctx, rule_id)
    people = ctx.teachers if people is None else people
    if ctx.cycle.start is None:
        return not_applicable(check_id, msg("hours.reason.no_cycle"), rule, ctx.lang)
    if not people:
        return not_applicable(check_id, msg("hours.reason.nobody_in_cycle", who=msg(f"hours.who.{what}"),
                                            cycle=ctx.cycle.text()), rule, ctx.lang)
    check = from_rule(check_id, rule, ctx.lang)
    bound = dec(rule)
    short = [(p, p.summary[measure]) for p in people if not meets(Fraction(p.summary[measure]), rule)]
    running = ctx.cycle.running
    check.inputs = {"cycle": ctx.cycle.text(), "teachers": len(people), "short": len(short)}
    check.formula = msg("output.formula.cycle", measure=msg(f"output.formula.term.{measure}"),
                        bound=rule.bound_text(ctx.lang))
    for p, value in short:
        need = bound - value if measure != "concentrated_max_course" else bound
        check.details.append({**_person_ref(p), "actual": hstr(value), "required": rule.bound_text("en"),
                              "still_needed" if running else "short": hstr(need)})
        p.still[STILL.get(measure, measure)] = hstr(need)
        if not running:
            p.failed.append(check_id)
    check.actual = count_text(len(short), len(people), running and bool(short))
    if not short:
        check.status = PASS
    elif running:
        check.status, check.reason = NA, msg("hours.reason.cycle_running", cycle=ctx.cycle.text(),
                                             end=f"{ctx.cycle.end}-12-31", short=len(short), total=len(people))
    else:
        check.status = FAIL
        check.remedy = join_remedy([remedy_line(p, measure, v, bound, ctx) for p, v in short])
    return check


def _annual_check(check_id: str, rule_id: str, measure: str, ctx: Ctx, people: list) -> object:
    """Each completed year of the cycle, per teacher ("一般": advisory where the profile says so)."""
    rule = ctx.profile.get(rule_id)
    if rule is None:
        return _no_rule(check_id, ctx, rule_id)
    done = ctx.cycle.done
    if ctx.cycle.start is None:
        return not_applicable(check_id, msg("hours.reason.no_cycle"), rule, ctx.lang)
    if not people:
        what = "vocational" if "vocational" in check_id else "teachers"
        return not_applicable(check_id, msg("hours.reason.nobody_in_ledger", who=msg(f"hours.who.{what}"),
                                            cycle=ctx.cycle.text()), rule, ctx.lang)
    if not done:
        return not_applicable(check_id, msg("hours.reason.no_year_complete", cycle=ctx.cycle.text(),
                                            as_of=ctx.cycle.as_of.isoformat()), rule, ctx.lang)
    check = from_rule(check_id, rule, ctx.lang)
    bound = dec(rule)
    lines, short_people = [], 0
    for p in people:
        missed = []
        for y in done:
            if p.work_start is not None and y <= p.work_start.year:
                continue  # not yet working (or started during that year), by the roster
            value = p.summary[measure][y]
            if not meets(Fraction(value), rule):
                missed.append(y)
                check.details.append({**_person_ref(p), "year": y, "actual": hstr(value),
                                      "required": rule.bound_text("en"), "short": hstr(bound - value)})
                p.years_short.setdefault(str(y), {})["school_based" if measure == "school_years" else "hours"] = \
                    hstr(bound - value)
        if missed:
            short_people += 1
            p.failed.append(check_id)
            lines.append(annual_line(p, measure, missed, bound))
    years = ctx.cycle.judged()
    check.inputs = {"years_judged": years, "teachers": len(people), "short": short_people}
    check.formula = msg("output.formula.annual", years=years,
                        measure=msg(f"output.formula.term.{measure.replace('years', 'hours')}"),
                        bound=rule.bound_text(ctx.lang))
    check.actual = count_text(short_people, len(people))
    check.status = FAIL if short_people else PASS
    check.remedy = join_remedy(lines)
    return check


def _share_check(ctx: Ctx) -> object:
    rule = ctx.profile.get("hours.school_concentrated_share_min")
    course = ctx.profile.get("hours.concentrated_course_min")
    if rule is None or course is None:
        return _no_rule("hours.school_concentrated_share", ctx, "hours.school_concentrated_share_min")
    if ctx.cycle.start is None or not ctx.cycle.done:
        return not_applicable("hours.school_concentrated_share", msg(
            "hours.reason.no_year_complete", cycle=ctx.cycle.text(), as_of=ctx.cycle.as_of.isoformat()), rule, ctx.lang)
    check = from_rule("hours.school_concentrated_share", rule, ctx.lang)
    check.formula = msg("output.formula.school_share", bound=course.bound_text(ctx.lang))
    lines, fails, worst = [], 0, None
    for unit in sorted({p.unit for p in ctx.teachers}, key=str):
        unit_people = [p for p in ctx.teachers if p.unit == unit]
        for y in ctx.cycle.done:
            went = {p.key for p in unit_people if meets(Fraction(p.summary["courses_by_year"][y]), course)}
            members = [p for p in unit_people if employed_in(p, y) or p.key in went]  # employed that year
            if not members:
                continue
            sent = len(went)
            share = Fraction(sent, len(members))
            ok = meets(share, rule)
            need = next(k for k in range(sent, len(members) + 1) if meets(Fraction(k, len(members)), rule)) - sent \
                if not ok else 0
            check.details.append({"unit": unit, "year": y, "teachers": len(members), "sent": sent,
                                  "share": ratio_str(share), "status": PASS if ok else FAIL,
                                  "more_needed": need})
            worst = share if worst is None or share < worst else worst
            if not ok:
                fails += 1
                lines.append(msg("hours.remedy.share", unit=unit, year=y, need=need, sent=sent, total=len(members)))
    check.actual = ratio_str(worst)
    check.inputs = {"unit_years": len(check.details), "failing": fails, "lowest_share": ratio_str(worst)}
    check.status = FAIL if fails else PASS
    check.remedy = join_remedy(lines)
    return check


ROLE_CHECKS = [  # check id, rule id, role, measure, period
    ("hours.backbone_concentrated", "hours.backbone_concentrated_min", "backbone", "concentrated", "cycle"),
    ("hours.homeroom", "hours.homeroom_min", "homeroom", "homeroom", "cycle"),
    ("hours.principal", "hours.principal_min", "principal", "management", "cycle"),
    ("hours.new_teacher", "hours.new_teacher_min", "new_teacher", "probation", "probation"),
    ("hours.new_teacher_practice", "hours.new_teacher_practice_min", "new_teacher", "probation_practice", "probation"),
    ("hours.new_principal", "hours.new_principal_min", "new_principal", "new_principal", "first_year"),
    ("hours.new_principal_concentrated", "hours.new_principal_concentrated_min", "new_principal",
     "new_principal_concentrated", "first_year"),
]


def _role_check(check_id, rule_id, role, measure, period, ctx: Ctx):
    rule = ctx.profile.get(rule_id)
    if rule is None:
        return None
    if not ctx.roster:
        return not_applicable(check_id, msg("hours.reason.no_roster", who=msg(f"hours.who.{role}")), rule, ctx.lang)
    people = [p for p in ctx.teachers if role in p.roles or role == "new_teacher" and p.first_year_past]
    if role == "principal":  # a new principal's first year is the qualification training instead, until it is over
        people = [p for p in people if "new_principal" not in p.roles or _first_year_over(p, ctx)]
    if period == "cycle":
        return _cycle_check(check_id, rule_id, measure, ctx, people, role)
    if not people:
        return not_applicable(check_id, msg("hours.reason.nobody_on_roster", who=msg(f"hours.who.{role}")),
                              rule, ctx.lang)
    check = from_rule(check_id, rule, ctx.lang)
    bound = dec(rule)
    window = ctx.profile.get("hours.new_teacher_max_years" if period == "probation"
                             else "hours.new_principal_within_years")
    short, lines = 0, []
    for p in people:
        value = p.summary[measure]
        if meets(Fraction(value), rule):
            continue
        start = p.work_start if period == "probation" else p.join
        due = add_years(start, int(window.value)) if start and window is not None else None
        # "within one year" (<=) includes the last day: the period is over the day after it
        over = due is not None and (due < ctx.cycle.as_of if window.op == "<=" else due <= ctx.cycle.as_of)
        check.details.append({**_person_ref(p), "actual": hstr(value), "required": rule.bound_text("en"),
                              ("short" if over else "still_needed"): hstr(bound - value),
                              "due": due.isoformat() if due else None, "past": over})
        p.still[STILL.get(measure, measure)] = hstr(bound - value)
        if over:
            short += 1
            p.failed.append(check_id)
            lines.append(msg("hours.remedy.past", line=remedy_line(p, measure, value, bound, ctx), due=due.isoformat()))
    pending = len(check.details) - short
    check.inputs = {"people": len(people), "short": short, "still_to_complete": pending}
    check.formula = msg("output.formula.person", measure=msg(f"output.formula.term.{measure}"),
                        bound=rule.bound_text(ctx.lang))
    check.actual = count_text(short, len(people))
    if short:
        check.status, check.remedy = FAIL, join_remedy(lines)
    elif pending:
        check.status = NA
        check.reason = msg("hours.reason.period_open", pending=pending, total=len(people))
    else:
        check.status = PASS
    return check


def _first_year_over(p: Person, ctx: Ctx) -> bool:
    """A new principal's period (hours.new_principal_within_years from 调入时间) is over at as-of."""
    window = ctx.profile.get("hours.new_principal_within_years")
    if p.join is None or window is None:
        return False
    due = add_years(p.join, int(window.value))
    return due < ctx.cycle.as_of if window.op == "<=" else due <= ctx.cycle.as_of


def all_checks(ctx: Ctx) -> list:
    voc_rule = ctx.profile.get("hours.annual_min_vocational")
    basic = [p for p in ctx.teachers if p.in_cycle and not (p.vocational and voc_rule is not None)]
    vocational = [p for p in ctx.teachers if p.in_cycle and p.vocational and voc_rule is not None]
    ledger = [p for p in ctx.teachers if p.in_cycle]
    full = Ctx(ctx.profile, ctx.cycle, ctx.lang, ledger, ctx.roster)
    veterans = [p for p in ledger if "new_teacher" not in p.roles]  # new teachers: probation rules instead
    out = [_cycle_check("hours.cycle_total", "hours.cycle_total_min", "total", full, veterans),
           _cycle_check("hours.school_based", "hours.school_based_min", "school_based", full, veterans),
           _cycle_check("hours.concentrated", "hours.concentrated_course_min", "concentrated_max_course", full,
                        veterans),
           _annual_check("hours.annual_min", "hours.annual_min", "years", full, basic)]
    if ctx.profile.get("hours.annual_school_based_min") is not None:
        out.append(_annual_check("hours.annual_school_based", "hours.annual_school_based_min", "school_years",
                                 full, ledger))
    if voc_rule is not None:
        out.append(_annual_check("hours.annual_min_vocational", "hours.annual_min_vocational", "years", full,
                                 vocational))
    if ctx.profile.get("hours.school_concentrated_share_min") is not None:
        out.append(_share_check(full))
    for spec in ROLE_CHECKS:
        check = _role_check(*spec, ctx)
        if check is not None:
            out.append(check)
    return out
