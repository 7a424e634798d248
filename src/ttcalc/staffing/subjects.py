"""district-2021 三（二）: research staff (教研员) for every compulsory-education subject
(重点配齐义务教育各学科教研员), from the roster's 任教学科 column.

The subjects are the profile's (staff.subject_coverage, a list: the document names none, so
the list is ttcalc's choice, cited as such); how rosters spell them is data (subjects.toml).
Who counts: full-time teachers (专任教师) in post — a training school's research staff."""

from __future__ import annotations

import re
import tomllib
from fractions import Fraction
from functools import lru_cache
from importlib.resources import files

from ttcalc.cells.text import norm
from ttcalc.core.msg import msg
from ttcalc.policy.rules import FAIL, PASS, from_rule, not_applicable, ratio_str

RULE = "staff.subject_coverage"
SPLIT = re.compile(r"[、,，;；/／\s]+|及|和")


@lru_cache(maxsize=1)
def table() -> dict:
    return tomllib.loads((files("ttcalc.staffing") / "subjects.toml").read_text(encoding="utf-8"))


def subjects_of(cell, wanted: tuple[str, ...]) -> set[str]:
    """The compulsory-education subjects of `wanted` a 任教学科 cell names ("初中语文、历史" ->
    {语文, 历史}; "高中数学" -> none)."""
    if cell is None:
        return set()
    t = table()
    stages, aliases = t["stages"], t["aliases"]
    out = set()
    for item in SPLIT.split(norm(cell)):
        if not item or any(item.startswith(s) for s in stages["not_compulsory"]):
            continue
        for s in stages["compulsory"]:
            if item.startswith(s) and len(item) > len(s):
                item = item[len(s):]
                break
        for s in stages["suffixes"]:
            if item.endswith(s) and len(item) > len(s):
                item = item[: -len(s)]
        for subject in wanted:
            if item == subject or item in aliases.get(subject, ()):
                out.add(subject)
    return out


def subject_check(profile, roster, lang: str, remedies: dict):
    """None when the profile has no such rule; not applicable without a 任教学科 column."""
    rule = profile.get(RULE)
    if rule is None:
        return None
    cid = "staff.subject_coverage"
    if not rule.computable:
        return not_applicable(cid, msg("staffing.reason.no_rule", rule=RULE), rule, lang)
    staff = [p for p in roster.persons if p.ft_teacher]
    if not any(p.columns and "subject" in p.columns for p in staff):
        return not_applicable(cid, msg("staffing.reason.no_subject"), rule, lang)
    wanted = tuple(rule.value)
    covered: dict[str, int] = {s: 0 for s in wanted}
    for p in staff:
        for s in subjects_of(p.subject, wanted):
            covered[s] += 1
    missing = [s for s in wanted if not covered[s]]
    check = from_rule(cid, rule, lang)
    n = len(wanted) - len(missing)
    check.status = FAIL if missing else PASS
    check.actual = msg("staffing.actual.subjects", n=n, total=len(wanted))
    check.required = msg("staffing.required.subjects", total=len(wanted))
    check.formula = msg("staffing.formula.subjects")
    check.inputs = {"subjects": len(wanted), "covered": n, "share": ratio_str(Fraction(n, len(wanted))),
                    "by_subject": covered, "missing": missing, "fulltime_teachers": len(staff)}
    if missing:
        remedies[cid] = {"missing": missing}
        check.remedy = msg("staffing.remedy.subjects", n=len(missing), subjects="、".join(missing))
    return check
