"""The staffing ratio checks and the graduate headcount, each against the profile's rule,
with the remedy of a failing one."""

from __future__ import annotations

from fractions import Fraction

from ttcalc.core.msg import msg
from ttcalc.policy.rules import FAIL, PASS, from_rule, judge, meets, not_applicable
from ttcalc.staffing.people import Roster
from ttcalc.staffing.remedies import count_remedy, remedy_of

RATIO_CHECKS = (  # check id, rule id, numerator, denominator
    ("staff.fulltime_share", "staff.fulltime_share_min", "fulltime_teachers", "staff_total"),
    ("title.mid_senior_share", "title.mid_senior_share_min", "title_mid_senior", "fulltime_teachers"),
    ("title.senior_share", "title.senior_share_min", "title_senior", "fulltime_teachers"),
    ("staff.parttime_ratio", "staff.parttime_ratio_min", "parttime_teachers", "fulltime_teachers"),
    ("staff.renewal_5y", "staff.renewal_5y", "hires_5y", "fulltime_teachers"),
)


def ratio_checks(profile, calc: dict, roster: Roster, lang: str, remedies: dict) -> list:
    """The ratio checks; `lang` is passed on only to the rule engine (a rule's label and bound)."""
    c = calc["counts"]
    out, judged = [], {}
    for check_id, rule_id, num_key, den_key in RATIO_CHECKS:
        rule = profile.get(rule_id)
        if rule is None:
            out.append(not_applicable(check_id, msg("staffing.reason.no_rule", rule=rule_id), lang=lang))
            continue
        num, den = c[num_key], c[den_key]
        if check_id == "staff.fulltime_share" and "category" in roster.missing:
            out.append(not_applicable(check_id, msg("staffing.reason.no_category"), rule, lang))
            continue
        if check_id == "staff.renewal_5y" and num is None:
            out.append(not_applicable(check_id, msg("staffing.reason.no_join"), rule, lang))
            continue
        if not den:
            out.append(not_applicable(check_id, msg("staffing.reason.zero", figure=den_key), rule, lang))
            continue
        check = judge(from_rule(check_id, rule, lang), Fraction(num, den), rule)
        check.formula = msg("output.formula.ratio", num=msg(f"output.formula.term.{num_key}"),
                            den=msg(f"output.formula.term.{den_key}"))
        check.inputs = {num_key: num, den_key: den}
        if check_id == "staff.renewal_5y":
            check.inputs.update({"window": f"{c['window_start'].isoformat()} < join ≤ {c['as_of'].isoformat()}",
                                 "join_date_missing": c["join_missing"]})
        if check.status == FAIL:
            check.remedy, remedies[check_id] = remedy_of(check_id, num, den, rule)
        judged[check_id] = (check, rule, num_key, den_key)
        out.append(check)
    _hire_side_effects(judged, c, remedies)
    return out


# What each new hire of a remedy adds to the counts: a full-time teacher in post (staff_total,
# fulltime_teachers) who joins now, so within the five-year window (hires_5y), with the title
# the remedy asks for (a "mid-level or senior" hire is taken at 中级, the least it allows).
_HIRE_ADDS = {
    "title.mid_senior_share": ("staff_total", "fulltime_teachers", "hires_5y", "title_mid_senior"),
    "title.senior_share": ("staff_total", "fulltime_teachers", "hires_5y", "title_mid_senior", "title_senior"),
    "staff.fulltime_share": ("staff_total", "fulltime_teachers", "hires_5y"),
    "staff.renewal_5y": ("staff_total", "fulltime_teachers", "hires_5y"),
}
# Checks a remedy's hires leave undecided: their title is not said.
_HIRE_UNSAID = {"staff.fulltime_share": ("title.mid_senior_share", "title.senior_share"),
                "staff.renewal_5y": ("title.mid_senior_share", "title.senior_share")}


def _names(ids: list[str]):
    """The ratios' names joined: "A and B" / "A、B"."""
    out = msg("staffing.ratio." + ids[0].replace(".", "_"))
    for i in ids[1:]:
        out = msg("staffing.names.pair", a=out, b=msg("staffing.ratio." + i.replace(".", "_")))
    return out


def _hire_side_effects(judged: dict, counts: dict, remedies: dict) -> None:
    """A remedy is computed for its own ratio alone; its "N new hires" option changes the
    denominators of the others.  Name the ratios that pass now and would fail after those hires
    (remedies[id]["hire_breaks"]) and say so in the remedy text."""
    for check_id, adds in _HIRE_ADDS.items():
        if check_id not in judged or check_id not in remedies:
            continue
        check = judged[check_id][0]
        x = remedies[check_id].get("hire")
        if check.status != FAIL or not x:
            continue
        after = {k: v + x if k in adds and v is not None else v for k, v in counts.items()
                 if isinstance(v, int) or v is None}
        breaks = []
        for other, (oc, rule, num_key, den_key) in judged.items():
            if other == check_id or oc.status != PASS or other in _HIRE_UNSAID.get(check_id, ()):
                continue
            num, den = after.get(num_key), after.get(den_key)
            if num is None or not den:
                continue
            if not meets(Fraction(num, den), rule):
                breaks.append(other)
        remedies[check_id]["hire_breaks"] = breaks
        if breaks and check.remedy:
            check.remedy = msg("staffing.remedy.hire_breaks", remedy=check.remedy, names=_names(breaks))


def graduate_check(profile, calc: dict, lang: str, remedies: dict):
    """The graduate headcount (`lang` only for the rule's own label and bound)."""
    rule = profile.get("staff.graduate_count_min")
    if rule is None:
        return None
    n = calc["counts"]["graduates"]
    if n is None:
        return not_applicable("staff.graduate_count", msg("staffing.reason.no_education"), rule, lang)
    check = judge(from_rule("staff.graduate_count", rule, lang), Fraction(n), rule, shown=str(n))
    check.formula = msg("staffing.formula.graduates")
    check.inputs = {"graduates": n, "fulltime_teachers": calc["counts"]["fulltime_teachers"]}
    if check.status == FAIL:
        x = count_remedy(n, rule)
        remedies["staff.graduate_count"] = {"promote": x}
        check.remedy = msg("staffing.remedy.graduates", n=x)
    return check
