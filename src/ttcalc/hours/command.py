"""`ttcalc hours`: read the ledger (and roster), total each teacher, judge the checks, and
write the annotated workbook when asked.  Nothing here prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.core.report import Report
from ttcalc.core.warn import Warnings
from ttcalc.hours.checks import Ctx, all_checks
from ttcalc.hours.courses import has, type_table
from ttcalc.hours.ledger import Cycle, cycle_anchor, cycle_for, hstr, read_ledger
from ttcalc.hours.output import DEFINITIONS, cycle_notes, person_out, tables
from ttcalc.hours.people import (
    apply_roster,
    people_of,
    recount_probation,
    roster_people,
    summarise,
)
from ttcalc.read.summary import inputs_block


@dataclass
class HoursBook:
    """What the annotated workbook shows besides the report."""
    rows: list
    teachers: list
    cycle: object
    others: tuple  # (name, ID number) of roster persons, masked wherever they appear with --redact


SCHOOL_TYPES = ("auto", "basic", "vocational")  # --school-type


def prepare(profile, options):
    """The cycle judged, from --cycle or the profile, before any ledger is read."""
    school_type = options.extra.get("school_type") or "auto"
    if school_type not in SCHOOL_TYPES:
        raise InputError(msg("option.error.one_of", option="--school-type", value=school_type,
                             allowed=", ".join(SCHOOL_TYPES)))
    return cycle_for(profile, options.as_of, options.extra.get("cycle"))


def extra_inputs(options) -> list[str]:
    return list(options.extra.get("roster") or [])


def compute_report(dataset, profile, options, cyc):
    """The hours report, and what its annotated workbook needs (HoursBook)."""
    as_of, lang = options.as_of, options.lang  # lang: only for the policy's own labels (from_rule)
    cycle, roster = options.extra.get("cycle"), options.extra.get("roster")
    warn = Warnings()
    rows = read_ledger(dataset, profile, cyc, warn)
    outside = _outside(rows, profile, cyc) if not cycle else None
    people = people_of(rows, cyc)
    roster_data = apply_roster(roster, people, profile, as_of, warn, cyc) if roster else None
    if roster:
        recount_probation(people, profile, cyc, warn)
    vocational = type_table()["roles"]["vocational"]
    school_type = options.extra.get("school_type") or "auto"  # --school-type: the whole ledger's, or by name
    for p in people.values():
        if p.unit is None:  # no 单位 cell, no roster: the unit the read layer gives the person's sheet
            p.unit = next((r.sheet_unit for r in p.rows if r.sheet_unit), None)
        p.vocational = school_type == "vocational" or school_type == "auto" and (p.vocational or has(p.unit, vocational))
        p.summary = summarise(p, cyc)
    listed = [p for p in people.values()
              if p.in_cycle or p.roles or any(r.excluded and cyc.has(r.year) for r in p.rows)]
    teachers = sorted(listed, key=lambda p: (str(p.unit), p.name or "", p.key))
    ctx = Ctx(profile, cyc, lang, teachers, roster is not None)

    report = Report("hours", as_of)
    report.inputs = inputs_block(dataset) + (inputs_block(roster_data) if roster_data else [])
    report.checks = all_checks(ctx)
    if cycle and profile.get("hours.cycle_years") is not None and \
            cyc.end - cyc.start + 1 != int(profile.get("hours.cycle_years").value):
        warn.add("cycle_length", cycle=cyc.text(), years=cyc.end - cyc.start + 1,
                 profile_years=int(profile.get("hours.cycle_years").value))
    if outside:
        warn.add("rows_outside_cycle", **outside)
    report.warnings = [w.as_dict() for w in dataset.warnings] + \
        ([w.as_dict() for w in roster_data.warnings] if roster_data else []) + [w.as_dict() for w in warn.items()]
    report.definitions = dict(DEFINITIONS)
    report.definitions["cycle"] = _cycle_definition(profile, cycle)
    if profile.get("hours.annual_min_vocational") is not None:
        report.definitions["school_type"] = msg(f"hours.definition.school_type_{school_type}",
                                                 vocational="vocational", basic="basic")
    advisory = {c.id for c in report.checks if c.advisory}
    ledger = [p for p in teachers if p.in_cycle]
    report.figures = {
        "teachers": len(ledger),
        "teachers_compliant": sum(1 for p in ledger if not [f for f in p.failed if f not in advisory]),
        "hours_total": hstr(sum((p.summary["total"] for p in ledger), Decimal(0))),
        # every person by_person lists, as by_person's excluded_hours: also those whose only rows are excluded
        "hours_excluded": hstr(sum((p.summary["excluded"] for p in teachers), Decimal(0))),
        "cycle_start": cyc.start, "cycle_end": cyc.end,
        "cycle_running": cyc.running,
        "years_judged": cyc.judged(),
        "rows_counted": sum(1 for r in rows if r.counted),
        "rows_not_counted": sum(1 for r in rows if not r.counted and r.key is not None),
    }
    for p in teachers:  # school-based hours count toward the total too: the larger need is what it takes
        if "school_based" in p.still:
            p.still["hours"] = hstr(max(Decimal(p.still.get("hours", "0")), Decimal(p.still["school_based"])))
    report.by_person = [person_out(p) for p in teachers]
    report.tables = tables(teachers, cyc)
    report.notes = cycle_notes(profile, cyc)
    others = roster_people(roster_data) if roster_data else ()  # roster names, for --redact in the workbook
    return report, HoursBook(rows, teachers, cyc, others)


def _cycle_definition(profile, given: str | None):
    """The cycle ttcalc judges, and why: a ttcalc choice where the document names no period."""
    if given:
        return msg("hours.cycle.given", cycle=given)
    length = profile.get("hours.cycle_years")
    if length is None:
        return msg("hours.cycle.none", policy=profile.id)
    n, anchor = int(length.value), cycle_anchor(profile)
    start = profile.get("hours.cycle_start_year")
    if start is not None:
        why = msg("hours.cycle.why_start_year", anchor=anchor, citation=start.citation())
    else:
        why = msg("hours.cycle.why_effective", policy=profile.id, effective=profile.effective.isoformat())
    cycles = ", ".join(f"{anchor + k * n}–{anchor + k * n + n - 1}" for k in range(3))
    return msg("hours.cycle.default", n=n, why=why, cycles=cycles)


def _outside(rows, profile, cyc: Cycle) -> dict | None:
    """Where most usable rows fall outside the default cycle: how many, and the --cycle (of the
    profile's length, on its anchors) that holds the most of them."""
    usable = [r for r in rows if r.usable]
    out = [r for r in usable if not cyc.has(r.year)]
    length = profile.get("hours.cycle_years")
    if cyc.start is None or length is None or not out or 2 * len(out) <= len(usable):
        return None
    n, anchor = int(length.value), cycle_anchor(profile)
    starts = Counter(anchor + (r.year - anchor) // n * n for r in out)
    best = max(sorted(starts), key=lambda s: starts[s])
    return {"n": len(out), "total": len(usable), "cycle": cyc.text(), "covers": starts[best],
            "suggested": f"{best}-{best + n - 1}"}
