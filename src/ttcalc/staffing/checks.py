"""The staffing ratio checks and the graduate headcount, each against the profile's rule,
with the remedy of a failing one."""

from __future__ import annotations

from fractions import Fraction

from ..rules import FAIL, from_rule, judge, not_applicable
from .people import Roster
from .remedies import _remedy, count_remedy

RATIO_CHECKS = (  # check id, rule id, numerator, denominator
    ("staff.fulltime_share", "staff.fulltime_share_min", "fulltime_teachers", "staff_total"),
    ("title.mid_senior_share", "title.mid_senior_share_min", "title_mid_senior", "fulltime_teachers"),
    ("title.senior_share", "title.senior_share_min", "title_senior", "fulltime_teachers"),
    ("staff.parttime_ratio", "staff.parttime_ratio_min", "parttime_teachers", "fulltime_teachers"),
    ("staff.renewal_5y", "staff.renewal_5y", "hires_5y", "fulltime_teachers"),
)


def ratio_checks(profile, calc: dict, roster: Roster, lang: str, remedies: dict) -> list:
    c = calc["counts"]
    out = []
    for check_id, rule_id, num_key, den_key in RATIO_CHECKS:
        rule = profile.get(rule_id)
        if rule is None:
            out.append(not_applicable(check_id, f"the profile sets no rule {rule_id}", lang=lang))
            continue
        num, den = c[num_key], c[den_key]
        if check_id == "staff.fulltime_share" and "category" in roster.missing:
            out.append(not_applicable(check_id, "the roster has no 岗位类别 (post category) column", rule, lang))
            continue
        if check_id == "staff.renewal_5y" and num is None:
            out.append(not_applicable(check_id, "the roster has no 调入本校时间 (join date) column", rule, lang))
            continue
        if not den:
            out.append(not_applicable(check_id, f"{den_key} is 0: no ratio", rule, lang))
            continue
        check = judge(from_rule(check_id, rule, lang), Fraction(num, den), rule)
        check.formula = f"{num_key} ÷ {den_key}"
        check.inputs = {num_key: num, den_key: den}
        if check_id == "staff.renewal_5y":
            check.inputs.update({"window": f"{c['window_start'].isoformat()} < join ≤ {c['as_of'].isoformat()}",
                                 "join_date_missing": c["join_missing"]})
        if check.status == FAIL:
            check.remedy, remedies[check_id] = _remedy(check_id, num, den, rule, lang)
        out.append(check)
    return out


def graduate_check(profile, calc: dict, lang: str, remedies: dict):
    rule = profile.get("staff.graduate_count_min")
    if rule is None:
        return None
    n = calc["counts"]["graduates"]
    check = judge(from_rule("staff.graduate_count", rule, lang), Fraction(n), rule, shown=str(n))
    check.formula = "full-time teachers in post whose 学历 is 研究生"
    check.inputs = {"graduates": n, "fulltime_teachers": calc["counts"]["fulltime_teachers"]}
    if check.status == FAIL:
        x = count_remedy(n, rule)
        remedies["staff.graduate_count"] = {"promote": x}
        check.remedy = (f"需再有 {x} 名研究生学历专任教师" if lang == "zh"
                        else f"{x} more full-time teacher{'s' * (x != 1)} with a graduate (研究生) education needed")
    return check
