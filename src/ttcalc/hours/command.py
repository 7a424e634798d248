"""`ttcalc hours`: read the ledger (and roster), total each teacher, judge the checks, and
write the annotated workbook when asked.  Nothing here prints."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ttcalc.core.report import Report
from ttcalc.hours.checks import Ctx, all_checks
from ttcalc.hours.courses import _has, _types
from ttcalc.hours.ledger import _Warn, cycle_anchor, cycle_for, hstr, read_ledger
from ttcalc.hours.output import DEFINITIONS, _notes, _person_out, _tables
from ttcalc.hours.people import (
    apply_roster,
    people_of,
    recount_probation,
    roster_people,
    summarise,
)
from ttcalc.read.reader import inputs_block


@dataclass
class HoursBook:
    """What the annotated workbook shows besides the report."""
    rows: list
    teachers: list
    cycle: object
    others: tuple  # (name, ID number) of roster persons, masked wherever they appear with --redact


def prepare(profile, options):
    """The cycle judged, from --cycle or the profile, before any ledger is read."""
    return cycle_for(profile, options.as_of, options.extra.get("cycle"))


def extra_inputs(options) -> list[str]:
    return list(options.extra.get("roster") or [])


def compute_report(dataset, profile, options, cyc):
    """The hours report, and what its annotated workbook needs (HoursBook)."""
    as_of, lang = options.as_of, options.lang
    cycle, roster = options.extra.get("cycle"), options.extra.get("roster")
    warn = _Warn()
    rows = read_ledger(dataset, profile, cyc, warn)
    people = people_of(rows, cyc)
    roster_data = apply_roster(roster, people, profile, as_of, warn, cyc) if roster else None
    if roster:
        recount_probation(people, profile, cyc, warn)
    vocational = _types()["roles"]["vocational"]
    for p in people.values():
        if p.unit is None:
            p.unit = Path(p.rows[0].file).stem if p.rows else None
        p.vocational = p.vocational or _has(p.unit, vocational)
        p.summary = summarise(p, cyc)
    listed = [p for p in people.values()
              if p.in_cycle or p.roles or any(r.excluded and cyc.has(r.year) for r in p.rows)]
    teachers = sorted(listed, key=lambda p: (str(p.unit), p.name or "", p.key))
    ctx = Ctx(profile, cyc, lang, teachers, roster is not None)

    report = Report("hours", as_of)
    report.inputs = inputs_block(dataset) + (inputs_block(roster_data) if roster_data else [])
    report.checks = all_checks(ctx)
    report.warnings = [w.as_dict() for w in dataset.warnings] + \
        ([w.as_dict() for w in roster_data.warnings] if roster_data else []) + warn.finish()
    if cycle and profile.get("hours.cycle_years") is not None and \
            cyc.end - cyc.start + 1 != int(profile.get("hours.cycle_years").value):
        report.warnings.append({"code": "cycle_length", "file": None, "sheet": None, "row": None,
                                "message": f"--cycle {cyc.text()} is {cyc.end - cyc.start + 1} years; the profile's "
                                           f"cycle is {profile.get('hours.cycle_years').value} years"})
    report.definitions = dict(DEFINITIONS)
    report.definitions["cycle"] = _cycle_definition(profile, cycle)
    advisory = {c.id for c in report.checks if c.advisory}
    ledger = [p for p in teachers if p.in_cycle]
    report.figures = {
        "teachers": len(ledger),
        "teachers_compliant": sum(1 for p in ledger if not [f for f in p.failed if f not in advisory]),
        "hours_total": hstr(sum((p.summary["total"] for p in ledger), Decimal(0))),
        "hours_excluded": hstr(sum((p.summary["excluded"] for p in ledger), Decimal(0))),
        "cycle_start": cyc.start, "cycle_end": cyc.end,
        "cycle_running": cyc.running,
        "years_judged": cyc.judged(),
        "rows_counted": sum(1 for r in rows if r.counted),
        "rows_not_counted": sum(1 for r in rows if not r.counted and r.key is not None),
    }
    for p in teachers:  # school-based hours count toward the total too: the larger need is what it takes
        if "school_based" in p.still:
            p.still["hours"] = hstr(max(Decimal(p.still.get("hours", "0")), Decimal(p.still["school_based"])))
    report.by_person = [_person_out(p) for p in teachers]
    report.tables = _tables(teachers, cyc, lang)
    report.notes = _notes(profile, cyc, lang)
    others = roster_people(roster_data) if roster_data else ()  # roster names, for --redact in the workbook
    return report, HoursBook(rows, teachers, cyc, others)


def _cycle_definition(profile, given: str | None) -> str:
    """The cycle ttcalc judges, and why: a ttcalc choice where the document names no period."""
    if given:
        return f"--cycle {given}: the years given"
    length = profile.get("hours.cycle_years")
    if length is None:
        return f"policy {profile.id} sets no hours.cycle_years: all years, unless --cycle START-END is given"
    n, anchor = int(length.value), cycle_anchor(profile)
    start = profile.get("hours.cycle_start_year")
    if start is not None:
        why = f"hours.cycle_start_year = {anchor} ({start.citation()})"
    else:
        why = (f"the year {profile.id} took effect ({profile.effective.isoformat()}): the document names no "
               "period, so this anchor is ttcalc's choice")
    cycles = ", ".join(f"{anchor + k * n}–{anchor + k * n + n - 1}" for k in range(3))
    return (f"without --cycle: the {n}-year cycle (hours.cycle_years) that holds as-of, cycles anchored at {why} "
            f"and following every {n} years ({cycles}, …); ttcalc's choice — give --cycle START-END for another")
