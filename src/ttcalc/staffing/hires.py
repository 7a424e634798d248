"""New-hire screening (hire.eligibility): every full-time teacher who joined since the given
date against the profile's education, age, title and teaching-years conditions."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from ttcalc.cells import titles as T
from ttcalc.cells.exemptions import exemption_hit
from ttcalc.policy.rules import FAIL, NA, PASS, from_rule, meets, not_applicable
from ttcalc.staffing.people import TEACHER, Person, Roster, whole_years

HIRE_RULES = ("hire.education_min", "hire.age_max", "hire.title_min", "hire.teaching_years_min")


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
    if p.teaching_years is not None:
        return ("pass" if meets(p.teaching_years, rule) else "fail"), str(p.teaching_years)
    return _range(whole_years(p.work_start, p.work_start_precision, p.join), rule)


_CONDITION = {"hire.education_min": "education", "hire.age_max": "age", "hire.title_min": "title",
              "hire.teaching_years_min": "teaching_years"}
_CONDITION_ZH = {"education": "学历", "age": "年龄", "title": "职称", "teaching_years": "教学年限"}


def screen(p: Person, rules: list, exemptions, lang: str) -> dict:
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
    else:
        status = "advisory" if "advisory" in states else "pass"
    return {"file": p.file, "sheet": p.sheet, "row": p.row, "name": p.name,
            "join": p.join.isoformat() if p.join else None, "status": status, "exempt_by": exempt_by,
            "in_post": p.in_post, "conditions": [c for c in conds if c["status"] != "pass"]}


def hire_check(profile, roster: Roster, since: date | None, as_of: date, lang: str):
    present = [(rid, profile.get(rid)) for rid in HIRE_RULES if profile.get(rid) is not None]
    rules = [(rid, r) for rid, r in present if r.computable]
    label = ("新调入教师条件", "New full-time hires: conditions")[lang != "zh"]
    if not rules:
        check = not_applicable("hire.eligibility", "the profile sets no new-hire conditions", lang=lang)
        check.label = label
        return check
    since = since or profile.effective
    check = from_rule("hire.eligibility", rules[0][1], lang)
    check.label, check.advisory = label, False
    names = {rid: _CONDITION_ZH[_CONDITION[rid]] if lang == "zh" else _CONDITION[rid] for rid, _ in rules}
    check.required = "; ".join(f"{names[rid]} {r.bound_text(lang)}" + (("（仅提示）" if lang == "zh" else " (advisory)")
                                                                     if r.advisory else "") for rid, r in rules)
    check.citation = "; ".join(dict.fromkeys(r.citation() for _, r in rules))
    check.qualifier = "; ".join(dict.fromkeys(r.qualifier for _, r in rules if r.qualifier)) or None
    check.formula = (f"every full-time teacher who joined on or after {since.isoformat()} and by as-of: "
                     + ", ".join(_CONDITION[rid] for rid, _ in rules) + "; age in 周岁 at the join date")
    if "join" in roster.missing:
        check.status, check.reason = NA, "the roster has no 调入本校时间 (join date) column"
        return check
    exemptions = profile.get("hire.exemptions")
    hires = [p for p in roster.persons if not p.parttime and p.category == TEACHER and p.join
             and since <= p.join <= as_of]
    results = []
    for p in hires:
        p.hire = screen(p, rules, exemptions, lang)
        results.append(p.hire)
        for cond in p.hire["conditions"]:
            p.flags.append((f"hire {cond['condition']} {cond['status']}: {cond['value'] or '?'} "
                            f"(required {cond['required']})", cond["rule"], cond["citation"]))
    tally = {k: sum(r["status"] == k for r in results) for k in ("pass", "fail", "unknown", "exempt", "advisory")}
    check.inputs = {"hired_since": since.isoformat(), "hires": len(results), **tally,
                    "join_date_missing": sum(1 for p in roster.persons if not p.parttime and p.category == TEACHER
                                             and p.join is None),
                    "exemptions": list(exemptions.value) if exemptions is not None else []}
    not_checked = [rid for rid, r in present if not r.computable] + \
        [rid for rid in profile.rules if rid.startswith("hire.") and rid not in HIRE_RULES + ("hire.exemptions",)]
    if not_checked:
        check.inputs["not_checked"] = not_checked  # e.g. hire.honour_min: a roster has no honour levels
    check.details = [r for r in results if r["status"] != "pass"]
    bad = tally["fail"] + tally["unknown"]
    check.status = FAIL if bad else PASS
    check.actual = (f"调入 {len(results)} 人：不符合 {tally['fail']}，缺数据 {tally['unknown']}，放宽 {tally['exempt']}"
                    if lang == "zh" else f"{len(results)} hires: {tally['fail']} fail, {tally['unknown']} unknown, "
                    f"{tally['exempt']} exempt")
    if bad:
        check.remedy = (f"{tally['fail']} 名调入人员不符合条件，{tally['unknown']} 名缺少数据（见明细：补全数据或说明理由）"
                        if lang == "zh" else f"{tally['fail']} hires fail a condition and {tally['unknown']} lack the "
                        "data to tell (see details: complete the roster or record the reason)")
    return check
