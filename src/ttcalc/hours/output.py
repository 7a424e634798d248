"""What the hours report shows besides its checks: the definitions, one by_person entry per
teacher, the table of who is short or still to complete, and the notes on the cycle."""

from __future__ import annotations

from ttcalc.core.msg import msg
from ttcalc.hours.courses import kind_names, type_label
from ttcalc.hours.ledger import Cycle, hstr
from ttcalc.hours.people import Person
from ttcalc.hours.remedies import who_of, series

DEFINITION_KEYS = ("teachers", "hours", "year", "after_as_of", "units", "type", "concentrated_course", "excluded",
                   "running_cycle", "teachers_compliant", "unit", "school_share", "denominators", "hours_excluded",
                   "roles", "first_year_past")
DEFINITIONS = {k: msg(f"hours.definition.{k}") for k in DEFINITION_KEYS}  # worded in the catalogs


def person_out(p: Person) -> dict:
    s = p.summary
    out = {"name": p.name, "id": p.id, "unit": p.unit, "cycle_total": hstr(s["total"]),
           "school_based": hstr(s["school_based"]), "concentrated_max_course": hstr(s["concentrated_max_course"]),
           "years": {str(y): hstr(v) for y, v in s["years"].items()}, "failed": list(dict.fromkeys(p.failed)),
           "still_needed": dict(p.still)}
    if p.years_short:
        out["years_short"] = p.years_short
    if s["excluded"]:
        out["excluded_hours"] = hstr(s["excluded"])
    if p.roles:
        out["roles"] = sorted(p.roles)
    if p.first_year_past:
        out["first_year_past"] = True  # judged on the first-year rules as past, and on the cycle rules
    if p.vocational:
        out["vocational"] = True
    if not p.on_ledger:
        out["on_ledger"] = False
    elif not p.in_cycle:
        out["in_cycle"] = False  # only probation or qualification hours: not judged on the cycle
    return out


TABLE_HEADERS = ("name", "unit", "cycle_total", "school_based", "longest_concentrated", "years_short",
                 "still_needed", "failed_checks")


def tables(teachers: list[Person], cyc: Cycle) -> dict:
    rows = []
    for p in teachers:
        if not p.failed and not p.still:
            continue
        s = p.summary
        years = msg("hours.table.years", years=series(list(p.years_short))) if p.years_short else ""
        rows.append([who_of(p), p.unit or "", hstr(s["total"]), hstr(s["school_based"]),
                     hstr(s["concentrated_max_course"]), years, _still_text(p.still), ", ".join(dict.fromkeys(p.failed))])
    headers = [msg(f"hours.table.{h}") for h in TABLE_HEADERS]
    return {"hours.short": {"title": msg("hours.table.title", cycle=cyc.text()), "headers": headers, "rows": rows}}


def _still_text(still: dict):
    parts = []
    for key, value in still.items():
        if key == "hours":
            sb = still.get("school_based")
            parts.append(msg("hours.still.hours_school_based", hours=value, school_based=sb) if sb
                         else msg("hours.still.hours", hours=value))
        elif key == "concentrated_course":
            parts.append(msg("hours.still.course", hours=value))
        elif key != "school_based" or "hours" not in still:
            parts.append(msg("hours.still.other", what=type_label(key) if key in kind_names() else key, hours=value))
    return msg("hours.still.list", parts=parts) if parts else ""


def cycle_notes(profile, cyc: Cycle) -> list:
    if cyc.start is None:
        return []
    if cyc.running:
        judged = cyc.judged()
        return [msg("hours.note.running", cycle=cyc.text(), judged=judged) if judged
                else msg("hours.note.running_none", cycle=cyc.text())]
    return [msg("hours.note.over", cycle=cyc.text())]
