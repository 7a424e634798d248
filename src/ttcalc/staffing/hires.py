"""New-hire screening (hire.eligibility): every full-time teacher who joined since the given
date against every hire condition of the profile — education, age, title, teaching years,
honour — each evaluated where the roster has its column; where it has not, the verdict is
"not fully checked" (never a pass)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from ttcalc.cells import titles as T
from ttcalc.cells.exemptions import exemption_hit, honour_status
from ttcalc.core.msg import msg
from ttcalc.policy.rules import FAIL, NA, PASS, from_rule, meets, not_applicable
from ttcalc.staffing.people import TEACHER, Person, Roster, whole_years

NOT_FULLY_CHECKED = "not_fully_checked"
NOT_CHECKED = "not_checked"  # a condition whose column the person's sheet lacks
HIRE_RULES = ("hire.education_min", "hire.age_max", "hire.title_min", "hire.teaching_years_min", "hire.honour_min")
_CONDITION = {"hire.education_min": "education", "hire.age_max": "age", "hire.title_min": "title",
              "hire.teaching_years_min": "teaching_years", "hire.honour_min": "honour"}
# the columns any one of which lets a condition be evaluated
_COLUMNS = {"hire.education_min": ("education",), "hire.age_max": ("birth", "id"),
            "hire.title_min": ("title", "post_grade"), "hire.teaching_years_min": ("teaching_years", "work_start"),
            "hire.honour_min": ("honour",)}


def _ordinal(op: str, a: int, b: int) -> bool:
    return {">=": a >= b, ">": a > b, "<=": a <= b, "<": a < b, "==": a == b}[op]


def _range(rng: tuple[int, int] | None, rule) -> tuple[str, str | None]:
    if rng is None:
        return "unknown", None
    lo, hi = rng
    shown = str(lo) if lo == hi else f"{lo}–{hi}"
    ok = [meets(Fraction(v), rule) for v in (lo, hi)]
    return ("pass" if all(ok) else "fail" if not any(ok) else "unknown"), shown


def _condition(p: Person, rule_id: str, rule) -> tuple[str, str | None]:
    if p.columns is not None and not any(c in p.columns for c in _COLUMNS[rule_id]):
        return NOT_CHECKED, None
    if rule_id == "hire.education_min":
        if p.education is None:
            return "unknown", p.education_raw
        ok = _ordinal(rule.op, T.education_rank(p.education), T.education_rank(rule.value))
        return ("pass" if ok else "fail"), p.education
    if rule_id == "hire.age_max":
        return _range(whole_years(p.birth, p.birth_precision, p.join), rule)
    if rule_id == "hire.title_min":
        if p.level is None and p.level_status not in ("none", "not_title"):
            return "unknown", p.title_raw
        ok = _ordinal(rule.op, T.level_rank(p.level), T.level_rank(rule.value))
        return ("pass" if ok else "fail"), p.level or T.NONE
    if rule_id == "hire.honour_min":
        return honour_status(str(rule.value), p.honour), p.honour or T.NONE
    if p.teaching_years is not None:
        return ("pass" if meets(p.teaching_years, rule) else "fail"), str(p.teaching_years)
    return _range(whole_years(p.work_start, p.work_start_precision, p.join), rule)


def screen(p: Person, rules: list, exemptions, lang: str) -> dict:
    """One hire's verdict: fail, unknown, exempt, not_fully_checked, advisory or pass
    (`lang` only for the rule's own bound)."""
    conds = []
    for rule_id, rule in rules:
        status, value = _condition(p, rule_id, rule)
        if status == "fail" and rule.advisory:
            status = "advisory"
        conds.append({"condition": _CONDITION[rule_id], "rule": rule_id, "status": status, "value": value,
                      "required": rule.bound_text(lang), "citation": rule.citation()})
    exempt_by = None
    for term in (exemptions.value if exemptions is not None else ()):
        exempt_by = exemption_hit(term, [p.honour, p.title_raw], p.education)
        if exempt_by:
            break
    states = {c["status"] for c in conds}
    if states & {"fail", "unknown"}:
        status = "exempt" if exempt_by else "fail" if "fail" in states else "unknown"
    elif NOT_CHECKED in states:
        status = "exempt" if exempt_by else NOT_FULLY_CHECKED
    else:
        status = "advisory" if "advisory" in states else "pass"
    return {"file": p.file, "sheet": p.sheet, "row": p.row, "name": p.name, "unit": p.unit,
            "join": p.join.isoformat() if p.join else None, "status": status, "exempt_by": exempt_by,
            "in_post": p.in_post, "conditions": [c for c in conds if c["status"] != "pass"]}


def _computable(rule_id: str, rule) -> bool:
    """ttcalc evaluates every condition it knows, the honour too (the profile's `computable =
    false` only says a roster seldom has the column)."""
    return rule_id in HIRE_RULES


def hire_check(profile, roster: Roster, since: date | None, as_of: date, lang: str):
    """`lang` is passed on only to the rule engine (a rule's label and bound)."""
    present = [(rid, profile.get(rid)) for rid in HIRE_RULES if profile.get(rid) is not None]
    rules = [(rid, r) for rid, r in present if _computable(rid, r)]
    label = msg("staffing.hire.label")
    if not rules:
        check = not_applicable("hire.eligibility", msg("staffing.reason.no_hire_rules"), lang=lang)
        check.label = label
        return check
    since = since or profile.effective
    check = from_rule("hire.eligibility", rules[0][1], lang)
    check.label, check.advisory = label, False
    check.required = msg("staffing.hire.required_all", items=[msg("staffing.hire.required_advisory" if r.advisory else "staffing.hire.required",
                          condition=msg("staffing.hire.condition." + _CONDITION[rid]), bound=r.bound_text(lang))
                      for rid, r in rules])
    check.citation = "; ".join(dict.fromkeys(r.citation() for _, r in rules))
    check.qualifier = "; ".join(dict.fromkeys(r.qualifier for _, r in rules if r.qualifier)) or None
    check.formula = msg("staffing.formula.hires", since=since.isoformat(),
                        conditions=[msg("staffing.hire.condition." + _CONDITION[rid]) for rid, _ in rules])
    if "join" in roster.missing:
        check.status, check.reason = NA, msg("staffing.reason.no_join")
        return check
    exemptions = profile.get("hire.exemptions")
    hires = [p for p in roster.persons if not p.parttime and p.category == TEACHER and p.join
             and p.duplicate_of is None and since <= p.join <= as_of]
    results = []
    for p in hires:
        p.hire = screen(p, rules, exemptions, lang)
        results.append(p.hire)
        for cond in p.hire["conditions"]:
            p.flags.append((msg("staffing.flag.hire", condition=msg("staffing.hire.condition." + cond["condition"]),
                                status=msg("staffing.hire.status." + cond["status"]), value=cond["value"] or "?",
                                required=cond["required"]), cond["rule"], cond["citation"]))
    kinds = ("pass", "fail", "unknown", "exempt", "advisory", NOT_FULLY_CHECKED)
    tally = {k: sum(r["status"] == k for r in results) for k in kinds}
    check.inputs = {"hired_since": since.isoformat(), "hires": len(results), **tally,
                    "join_date_missing": sum(1 for p in roster.persons if not p.parttime and p.category == TEACHER
                                             and p.join is None and p.duplicate_of is None),
                    "exemptions": list(exemptions.value) if exemptions is not None else []}
    not_checked = sorted({c["rule"] for r in results for c in r["conditions"] if c["status"] == NOT_CHECKED}) + \
        [rid for rid in profile.rules if rid.startswith("hire.") and rid not in HIRE_RULES + ("hire.exemptions",)]
    if not_checked:
        check.inputs["not_checked"] = not_checked
    check.details = [r for r in results if r["status"] != "pass"]
    bad = tally["fail"] + tally["unknown"]
    unchecked = tally[NOT_FULLY_CHECKED] or any(rid not in HIRE_RULES for rid in not_checked)
    check.status = FAIL if bad else NOT_FULLY_CHECKED if unchecked and results else PASS
    check.actual = msg("staffing.hire.actual", n=len(results), fail=tally["fail"], unknown=tally["unknown"],
                       exempt=tally["exempt"], unchecked=tally[NOT_FULLY_CHECKED])
    if bad:
        check.remedy = msg("staffing.remedy.hires", fail=tally["fail"], unknown=tally["unknown"])
    elif check.status == NOT_FULLY_CHECKED:
        check.remedy = msg("staffing.remedy.not_fully_checked", n=tally[NOT_FULLY_CHECKED],
                           rules=", ".join(not_checked))
    return check
