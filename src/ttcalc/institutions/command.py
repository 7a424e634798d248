"""`ttcalc institutions`: a list of county-level training institutions against hebei-2013
五（一） (shares at national and provincial demonstration standard), 五（四） (demonstration
institutions merged by the end of 2015) and 冀教师〔2013〕37号 (institutions rated 不达标),
overall and per city.  Ratings are data (ratings.toml).  Nothing here prints."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from fractions import Fraction
from functools import cache
from importlib.resources import files

from ttcalc.cells.dates import parse_date
from ttcalc.cells.privacy import mask_params
from ttcalc.cells.text import alias_match, squash
from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.core.report import Report
from ttcalc.core.warn import Warnings
from ttcalc.policy.rules import (
    FAIL,
    NA,
    PASS,
    from_rule,
    judge,
    not_applicable,
    ratio_str,
)
from ttcalc.read.summary import inputs_block

CHECK_IDS = ("institution.national_demo_share", "institution.provincial_demo_share", "institution.merger",
             "institution.failing")
RULES = {"institution.national_demo_share": "institution.national_demo_share_min",
         "institution.provincial_demo_share": "institution.provincial_demo_share_min",
         "institution.merger": "institution.integration_deadline",
         "institution.failing": "institution.failing_max"}
DEMO = ("national", "provincial")


@cache
def ratings() -> dict:
    return tomllib.loads((files("ttcalc.institutions") / "ratings.toml").read_text(encoding="utf-8"))


def rating_of(cell: str) -> str | None:
    return alias_match(cell, {name: spec["aliases"] for name, spec in ratings()["ratings"].items()})


def _yes_no(cell: str | None) -> bool | None:
    key = squash(cell or "").lower()
    if not key:
        return None
    words = ratings()["merged"]
    if key in [w.lower() for w in words["no"]]:
        return False
    if key in [w.lower() for w in words["yes"]]:
        return True
    raise ValueError(cell)


@dataclass
class Institution:
    file: str
    sheet: str
    row: int
    name: str
    city: str
    rating: str | None  # national | provincial | standard | failing | None (not rated as of)
    rated: date | None
    merged: bool | None
    merged_on: date | None
    status: str | None = None  # the merger check: pass | fail | unknown | None (not a demonstration one)


def _date(text, where: dict, header: str) -> date | None:
    if not (text or "").strip():
        return None
    try:
        d, _note = parse_date(text)
        return d
    except ValueError:
        raise InputError(_bad(where, header, "date", text)) from None


def _bad(where: dict, header: str, what: str, value):
    """A cell that cannot be read: where it is (file, sheet, row, column), what was expected, what
    it holds (masked when it could be a person)."""
    return msg("read.cell.bad", **where, column=header, what=msg(f"institutions.expected.{what}"),
               **mask_params({"value": repr(str(value)[:30])}))


def read_list(dataset, as_of: date, warn) -> list[Institution]:
    out = []
    seen: dict[tuple, str] = {}  # (city, name) -> where it was first listed: an institution counts once
    for s in dataset.used:
        for r in s.data.to_pylist():
            if r.get("_skip") is not None:
                continue
            where = {"file": str(s.file), "sheet": s.sheet, "row": int(r["_row"])}
            raw = (r.get("rating") or "").strip()
            rating = rating_of(raw) if raw else None
            if raw and rating is None:
                raise InputError(_bad(where, s.header_of("rating"), "rating", raw))
            if not raw:
                warn.add("institutions_no_rating", s.file, s.sheet, r["_row"], s.header_of("rating"))
            rated = _date(r.get("rating_date"), where, s.header_of("rating_date"))
            if rated is not None and rated > as_of:
                warn.add("institutions_rated_later", s.file, s.sheet, r["_row"], s.header_of("rating_date"),
                         rated=rated.isoformat())
                rating = None
            try:
                merged = _yes_no(r.get("merged"))
            except ValueError:
                raise InputError(_bad(where, s.header_of("merged"), "yes_no", r.get("merged"))) from None
            merged_on = _date(r.get("merged_date"), where, s.header_of("merged_date"))
            if merged_on is not None and merged is None:
                merged = True
            if merged_on is not None and merged_on > as_of:
                merged = False  # not merged yet as of
            city = (r.get("city") or "").strip() or "—"
            name = squash(r.get("name") or "")
            if name and (city, name) in seen:
                warn.add("institutions_listed_twice", s.file, s.sheet, r["_row"], s.header_of("name"),
                         first=seen[(city, name)])
                continue
            if name:
                seen[(city, name)] = f"{Path(s.file).name} [{s.sheet}] {r['_row']}"
            out.append(Institution(str(s.file), s.sheet, r["_row"], (r.get("name") or "").strip(), city, rating,
                                   rated, merged, merged_on))
    return out


def needed(target: Fraction, n: int, total: int) -> int:
    """How many more institutions must reach the level for n/total to reach target."""
    return max(0, math.ceil(target * total) - n)


def _share_check(cid: str, profile, lang: str, items: list, cities: dict, level) -> object:
    rule = profile.get(RULES[cid])
    if rule is None or not rule.computable:
        return not_applicable(cid, msg("institutions.reason.no_rule", policy=profile.id, rule=RULES[cid]), lang=lang)
    if not items:
        return not_applicable(cid, msg("institutions.reason.empty"), rule, lang)
    target = Fraction(str(rule.value))
    check = from_rule(cid, rule, lang)
    n = sum(1 for i in items if level(i))
    judge(check, Fraction(n, len(items)), rule)
    check.inputs = {"at_level": n, "institutions": len(items)}
    for city, members in cities.items():
        k = sum(1 for i in members if level(i))
        if Fraction(k, len(members)) < target:
            check.details.append({"city": city, "at_level": k, "institutions": len(members),
                                  "share": ratio_str(Fraction(k, len(members))), "needed": needed(target, k, len(members))})
    if check.status == FAIL:
        check.remedy = msg(f"institutions.remedy.{cid.split('.')[1]}", n=needed(target, n, len(items)),
                           total=len(items), cities=len(check.details))
    elif check.details:
        check.remedy = msg("institutions.remedy.cities_short", cities=len(check.details))
    return check


def _deadline(rule) -> date:
    m = re.search(r"(\d{4})\s*年", str(rule.value))
    if not m:
        raise InputError(msg("institutions.error.deadline", rule=rule.id, value=repr(rule.value)))
    return date(int(m.group(1)), 12, 31)


def merger_check(profile, lang: str, items: list, as_of: date):
    cid = "institution.merger"
    rule = profile.get(RULES[cid])
    if rule is None or not rule.computable:
        return not_applicable(cid, msg("institutions.reason.no_rule", policy=profile.id, rule=RULES[cid]), lang=lang)
    deadline = _deadline(rule)
    demos = [i for i in items if i.rating in DEMO]
    if not demos:
        return not_applicable(cid, msg("institutions.reason.no_demo"), rule, lang)
    check = from_rule(cid, rule, lang)
    for i in demos:
        due = deadline if i.rated is None or i.rated <= deadline else i.rated
        if i.merged is False:
            i.status = FAIL if as_of > due else "unknown"
        elif i.merged is None:
            i.status = "unknown"
        elif i.merged_on is None:
            i.status = PASS if as_of <= due else "unknown"
        else:
            i.status = PASS if i.merged_on <= due else FAIL
    fails = [i for i in demos if i.status == FAIL]
    unknown = [i for i in demos if i.status == "unknown"]
    check.actual = msg("institutions.actual.merged", ok=len(demos) - len(fails) - len(unknown), n=len(demos))
    check.inputs = {"deadline": deadline.isoformat(), "demonstration": len(demos), "failing": len(fails),
                    "unknown": len(unknown)}
    check.details = [{"institution": i.name, "city": i.city, "rating": i.rating, "merged": i.merged,
                      "merged_date": i.merged_on.isoformat() if i.merged_on else None, "status": i.status}
                     for i in fails + unknown]
    check.status = FAIL if fails else (PASS if len(unknown) < len(demos) else NA)
    if fails:
        check.remedy = msg("institutions.remedy.merger", n=len(fails), deadline=deadline.isoformat())
    elif unknown:
        check.remedy = msg("institutions.remedy.merger_unknown", n=len(unknown), deadline=deadline.isoformat())
        if check.status == NA:
            check.reason = check.remedy
    return check


def failing_check(profile, lang: str, items: list):
    cid = "institution.failing"
    rule = profile.get(RULES[cid])
    if rule is None or not rule.computable:
        return not_applicable(cid, msg("institutions.reason.no_rule", policy=profile.id, rule=RULES[cid]), lang=lang)
    if not items:
        return not_applicable(cid, msg("institutions.reason.empty"), rule, lang)
    check = from_rule(cid, rule, lang)
    bad = [i for i in items if i.rating == "failing"]
    judge(check, Fraction(len(bad)), rule, str(len(bad)))
    check.inputs = {"failing": len(bad), "institutions": len(items)}
    check.details = [{"institution": i.name, "city": i.city, "rating_date": i.rated.isoformat() if i.rated else None}
                     for i in bad]
    if bad:
        check.remedy = msg("institutions.remedy.failing", n=len(bad))
    return check


def _rank(i) -> int:
    return ratings()["ratings"][i.rating]["rank"] if i.rating else -1


def compute_report(dataset, profile, options, _prepared):
    as_of, lang = options.as_of, options.lang
    warn = Warnings()
    items = read_list(dataset, as_of, warn)
    cities: dict[str, list] = {}
    for i in items:
        cities.setdefault(i.city, []).append(i)
    national = lambda i: i.rating == "national"  # noqa: E731
    provincial = lambda i: _rank(i) >= 2  # noqa: E731  a national demonstration institution is provincial too
    report = Report("institutions", as_of)
    report.inputs = inputs_block(dataset)
    report.checks = [_share_check("institution.national_demo_share", profile, lang, items, cities, national),
                     _share_check("institution.provincial_demo_share", profile, lang, items, cities, provincial),
                     merger_check(profile, lang, items, as_of), failing_check(profile, lang, items)]
    report.warnings = [w.as_dict() for w in dataset.warnings if w.code != "duplicate_person"] + \
        [w.as_dict() for w in warn.items()]
    report.figures = _counts(items, profile)
    report.by_unit = [{"city": c, **_counts(m, profile)} for c, m in sorted(cities.items())]
    report.definitions = {"provincial": msg("institutions.definition.provincial"),
                          "as_of": msg("institutions.definition.as_of"),
                          "merger": msg("institutions.definition.merger")}
    return report, items


def _counts(items: list, profile) -> dict:
    n = len(items)
    out = {"institutions": n}
    for level in ("national", "provincial", "standard", "failing"):
        out[level] = sum(1 for i in items if i.rating == level)
    out["unrated"] = sum(1 for i in items if i.rating is None)
    out["provincial_or_better"] = out["national"] + out["provincial"]
    for key, level, rid in (("national", out["national"], "institution.national_demo_share_min"),
                            ("provincial", out["provincial_or_better"], "institution.provincial_demo_share_min")):
        out[f"{key}_demo_share"] = ratio_str(Fraction(level, n)) if n else None
        rule = profile.get(rid)
        if rule is not None and n:
            out[f"{key}_needed"] = needed(Fraction(str(rule.value)), level, n)
    out["demonstration_unmerged"] = sum(1 for i in items if i.status == FAIL)
    return out
