"""The duties checks: each person's figure for the period holding --as-of against the rule.

Every bound comes from the profile; a check whose rule the profile lacks is not applicable,
saying so.  A person's status per check is pass, fail or unknown (the log does not reach back
far enough to tell); the check fails when anyone fails, is not applicable when nobody can be
told, and lists in `details` who falls short with what is still needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from ttcalc.cells.dates import years_between
from ttcalc.core.msg import msg
from ttcalc.duties.periods import Calendar, Period
from ttcalc.policy.rules import FAIL, NA, PASS, from_rule, meets, not_applicable

RULES = {  # check id -> rule id
    "duties.school_days": "staff.school_days_per_semester_min",
    "duties.observation": "staff.observation_hours_min",
    "duties.semester_in_school": "staff.school_semester_every_years",
    "duties.leader_days": "duty.leader_school_days_min",
    "duties.leader_research": "duty.leader_research_activities_min",
    "duties.inactive": "staff.idle_years_max",
    "duties.demo_lesson": "duty.demo_lesson_per_semester_min",
}
CHECK_IDS = tuple(RULES)


@dataclass
class Ctx:
    profile: object
    cal: Calendar
    as_of: date
    lang: str
    persons: list
    log_start: date | None  # the first day any row of the log holds
    roles_known: bool


def _years_back(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year - n)
    except ValueError:  # 29 February
        return d.replace(year=d.year - n, day=28)


def _ref(p) -> dict:
    return {"person": p.name, "id": p.id}


def staff(ctx: Ctx) -> list:
    return [p for p in ctx.persons if p.role in (None, "staff")]


def leaders(ctx: Ctx) -> list:
    return [p for p in ctx.persons if p.role == "leader"]


def _finish(check, ctx: Ctx, subjects: list, cid: str, unit: str, period: Period | None) -> None:
    fails = [p for p in subjects if p.status.get(cid) == FAIL]
    unknown = [p for p in subjects if p.status.get(cid) == "unknown"]
    ok = [p for p in subjects if p.status.get(cid) == PASS]
    check.actual = msg("duties.actual.persons", ok=len(ok), n=len(subjects))
    check.inputs = {"persons": len(subjects), "meeting": len(ok), "failing": len(fails), "unknown": len(unknown)}
    if period is not None:
        check.inputs.update({"period": period.id, "period_start": period.start.isoformat(),
                             "period_end": period.end.isoformat(), "running": period.end > ctx.as_of})
    for p in fails:
        check.details.append({**_ref(p), "actual": p.figures.get(cid), "still_needed": p.still.get(cid)})
    if fails:
        check.status = FAIL
        total = str(sum((Decimal(str(p.still.get(cid) or 0)) for p in fails), Decimal(0)))
        check.remedy = msg(f"duties.remedy.{cid.split('.')[1]}", n=len(fails), total=total,
                           end=period.end.isoformat() if period else "")
    elif not ok:
        check.status = NA
        check.reason = msg("duties.reason.unknown", n=len(unknown), start=ctx.log_start.isoformat()
                           if ctx.log_start else "") if unknown else msg("duties.reason.nobody")
    else:
        check.status = PASS
        if unknown:
            check.remedy = msg("duties.remedy.unknown", n=len(unknown),
                               start=ctx.log_start.isoformat() if ctx.log_start else "")


def _per_semester_min(ctx: Ctx, cid: str, subjects, figure) -> object:
    rule = ctx.profile.get(RULES[cid])
    if rule is None or not rule.computable:
        return not_applicable(cid, msg("duties.reason.no_rule", policy=ctx.profile.id, rule=RULES[cid]), lang=ctx.lang)
    check = from_rule(cid, rule, ctx.lang)
    period = ctx.cal.current_semester(ctx.as_of)
    for p in subjects:
        value = figure(p, period)
        p.figures[cid] = str(value)
        if meets(Fraction(value), rule):
            p.status[cid] = PASS
        else:
            p.status[cid] = FAIL
            p.still[cid] = str(Decimal(str(rule.value)) - Decimal(value))
    _finish(check, ctx, subjects, cid, rule.unit, period)
    return check


def school_days(ctx: Ctx):
    """Distinct days in K-12 schools this semester, up to as-of: a day counts once."""
    return _per_semester_min(ctx, "duties.school_days", staff(ctx),
                             lambda p, s: sum(1 for d in p.dates("school") if s.has(d) and d <= ctx.as_of))


def demo_lesson(ctx: Ctx):
    return _per_semester_min(ctx, "duties.demo_lesson", staff(ctx), lambda p, s: sum(
        a.count for a in p.rows if "demo" in a.classes and a.days and s.has(a.days[0]) and a.days[0] <= ctx.as_of))


def _per_period(ctx: Ctx, cid: str, subjects, period: Period, figure):
    rule = ctx.profile.get(RULES[cid])
    if rule is None or not rule.computable:
        return not_applicable(cid, msg("duties.reason.no_rule", policy=ctx.profile.id, rule=RULES[cid]), lang=ctx.lang)
    if not subjects:
        return not_applicable(cid, msg("duties.reason.no_leaders" if "leader" in cid else "duties.reason.nobody"),
                              rule, ctx.lang)
    check = from_rule(cid, rule, ctx.lang)
    for p in subjects:
        value = figure(p, period)
        p.figures[cid] = str(value)
        p.status[cid] = PASS if meets(Fraction(str(value)), rule) else FAIL
        if p.status[cid] == FAIL:
            p.still[cid] = str(Decimal(str(rule.value)) - Decimal(str(value)))
    _finish(check, ctx, subjects, cid, rule.unit, period)
    return check


def observation(ctx: Ctx):
    """Class periods of 听课 in the school year holding as-of (a row's periods count on its first day)."""
    return _per_period(ctx, "duties.observation", staff(ctx), ctx.cal.school_year(ctx.as_of), lambda p, y: sum(
        (a.periods for a in p.rows if "observation" in a.classes and a.days and y.has(a.days[0])
         and a.days[0] <= ctx.as_of), Decimal(0)))


def leader_days(ctx: Ctx):
    """Working days in schools in the calendar year of as-of (weekends never count)."""
    return _per_period(ctx, "duties.leader_days", leaders(ctx), ctx.cal.year(ctx.as_of), lambda p, y: sum(
        1 for d in p.dates("school") if y.has(d) and d <= ctx.as_of and ctx.cal.working(d)))


def leader_research(ctx: Ctx):
    return _per_period(ctx, "duties.leader_research", leaders(ctx), ctx.cal.year(ctx.as_of), lambda p, y: sum(
        a.count for a in p.rows if "research" in a.classes and a.days and y.has(a.days[0]) and a.days[0] <= ctx.as_of))


def placement_semesters(p, ctx: Ctx, share: Fraction) -> list[Period]:
    """The semesters the person spent in a school: placement rows whose first-to-last span
    within the semester reaches `share` of the semester's days."""
    spans: dict[str, list] = {}
    for a in p.rows:
        if "placement" not in a.classes:
            continue
        for d in a.days:
            s = ctx.cal.semester(d)
            if s is not None and d <= ctx.as_of:
                spans.setdefault(s.id, [s, d, d])
                item = spans[s.id]
                item[1], item[2] = min(item[1], d), max(item[2], d)
    return sorted((s for s, first, last in spans.values() if Fraction((last - first).days + 1, s.days) >= share),
                  key=lambda s: s.start)


def semester_in_school(ctx: Ctx):
    cid, rule = "duties.semester_in_school", ctx.profile.get(RULES["duties.semester_in_school"])
    if rule is None or not rule.computable:
        return not_applicable(cid, msg("duties.reason.no_rule", policy=ctx.profile.id, rule=RULES[cid]), lang=ctx.lang)
    years = int(rule.value)
    share_rule = ctx.profile.get("duty.placement_semester_share")  # ttcalc's own reading of 一个学期
    if share_rule is None:
        return not_applicable(cid, msg("duties.reason.no_rule", policy=ctx.profile.id,
                                       rule="duty.placement_semester_share"), rule, ctx.lang)
    share = Fraction(str(share_rule.value))
    window = Period(f"{_years_back(ctx.as_of, years) + timedelta(1)}/{ctx.as_of}",
                    _years_back(ctx.as_of, years) + timedelta(1), ctx.as_of)
    check = from_rule(cid, rule, ctx.lang)
    subjects = staff(ctx)
    for p in subjects:
        done = placement_semesters(p, ctx, share)
        last = done[-1] if done else None
        p.figures[cid] = last.id if last else None
        if last is not None and last.end >= window.start:
            p.status[cid] = PASS
        elif p.joined is not None and p.joined >= window.start:
            p.status[cid] = PASS  # joined within the window: not yet due
            p.figures[cid] = msg("duties.figure.not_due", joined=p.joined.isoformat())
        elif ctx.log_start is None or ctx.log_start > window.start:
            p.status[cid] = "unknown"
        else:
            p.status[cid] = FAIL
            p.still[cid] = 1
    _finish(check, ctx, subjects, cid, "semester", window)
    check.inputs["share_of_semester"] = str(share)
    return check


def inactive(ctx: Ctx):
    """Whole years since the person's last research, training-teaching or management work."""
    cid, rule = "duties.inactive", ctx.profile.get(RULES["duties.inactive"])
    if rule is None or not rule.computable:
        return not_applicable(cid, msg("duties.reason.no_rule", policy=ctx.profile.id, rule=RULES[cid]), lang=ctx.lang)
    check = from_rule(cid, rule, ctx.lang)
    subjects = [p for p in ctx.persons if p.role != "parttime" and (p.left is None or p.left > ctx.as_of)]
    limit = int(rule.value)
    for p in subjects:
        worked = [d for d in p.dates("work") if d <= ctx.as_of]
        last = max(worked) if worked else None
        since = last
        if since is None:  # nothing in the log: idle since joining, or at least since the log starts
            known = [d for d in (p.joined, ctx.log_start) if d is not None]
            since = max(known) if known else None
            if since is None or (since != p.joined and not years_between(since, ctx.as_of) >= limit):
                p.status[cid] = "unknown"
                continue
        idle = years_between(since, ctx.as_of)
        p.figures[cid] = {"last_work": last.isoformat() if last else None, "idle_years": idle}
        p.status[cid] = PASS if meets(Fraction(idle), rule) else FAIL
    _finish(check, ctx, subjects, cid, "years", None)
    return check


def all_checks(ctx: Ctx) -> list:
    return [school_days(ctx), observation(ctx), semester_in_school(ctx), leader_days(ctx), leader_research(ctx),
            inactive(ctx), demo_lesson(ctx)]
