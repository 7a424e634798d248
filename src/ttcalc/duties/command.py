"""`ttcalc duties`: read the activity log (and --roster), group by person, judge the checks,
and hand the annotated workbook what it needs.  Nothing here prints."""

from __future__ import annotations

from dataclasses import dataclass

from ttcalc.core.msg import msg
from ttcalc.core.report import Report
from ttcalc.core.warn import Warnings
from ttcalc.duties.checks import CHECK_IDS, Ctx, all_checks
from ttcalc.duties.log import read_log
from ttcalc.duties.people import apply_roster, people_of
from ttcalc.duties.periods import Calendar
from ttcalc.read.summary import inputs_block


@dataclass
class DutiesBook:
    rows: list
    persons: list
    cal: Calendar
    semester: object
    school_year: object
    year: object


def prepare(profile, options):
    """The calendar (semesters from the profile, --calendar holidays), before any reading."""
    return Calendar.of(profile, options.extra.get("calendar"))


def extra_inputs(options) -> list[str]:
    return list(options.extra.get("roster") or []) + ([options.extra["calendar"]] if options.extra.get("calendar") else [])


def compute_report(dataset, profile, options, cal: Calendar):
    as_of, lang = options.as_of, options.lang
    warn = Warnings()
    rows = read_log(dataset, as_of, warn)
    people = people_of(rows)
    roster = options.extra.get("roster")
    roster_data = apply_roster(roster, people, warn) if roster else None
    persons = sorted(people.values(), key=lambda p: (p.name or "", p.key))
    days = [d for a in rows for d in a.days]
    log_start = min(days) if days else None
    roles_known = any(p.role for p in persons)
    ctx = Ctx(profile, cal, as_of, lang, persons, log_start, roles_known)
    report = Report("duties", as_of)
    report.inputs = inputs_block(dataset) + (inputs_block(roster_data) if roster_data else [])
    report.checks = all_checks(ctx)
    sheet_warnings = [w.as_dict() for w in dataset.warnings if w.code != "duplicate_person"]  # many rows a person
    report.warnings = sheet_warnings + ([w.as_dict() for w in roster_data.warnings] if roster_data else []) + \
        [w.as_dict() for w in warn.items()]
    semester, school_year, year = cal.current_semester(as_of), cal.school_year(as_of), cal.year(as_of)
    report.figures = {
        "staff": len(persons),  # spec §4: the training school's people in the log (leaders and staff)
        "duties_leaders": sum(1 for p in persons if p.role == "leader"),
        "duties_staff": sum(1 for p in persons if p.role in (None, "staff")),
        "duties_activities": len(rows),
        "duties_semester": semester.id, "duties_semester_start": semester.start.isoformat(),
        "duties_semester_end": semester.end.isoformat(), "duties_school_year": school_year.id,
        "duties_year": year.id, "duties_log_start": log_start.isoformat() if log_start else None,
        "duties_log_end": max(days).isoformat() if days else None,
        "staff_compliant": sum(1 for p in persons if "fail" not in p.status.values()),
        "duties_persons_failing": sum(1 for p in persons if "fail" in p.status.values()),
    }
    report.by_person = [_person_out(p) for p in persons]
    report.definitions = _definitions(profile, cal, roles_known)
    if not roles_known:
        report.notes.append(msg("duties.note.no_roles"))
    report.tables = _table(persons, lang)
    return report, DutiesBook(rows, persons, cal, semester, school_year, year)


def _person_out(p) -> dict:
    out = {"name": p.name, "id": p.id, "role": p.role, "activities": len(p.rows),
           "figures": {k.split(".")[1]: v for k, v in p.figures.items()},
           "status": {k.split(".")[1]: v for k, v in p.status.items()},
           "failed": [k for k in CHECK_IDS if p.status.get(k) == "fail"],
           "still_needed": {k.split(".")[1]: v for k, v in p.still.items()}}
    if p.on_roster:
        out["on_roster"] = True
    return out


def _definitions(profile, cal: Calendar, roles_known: bool) -> dict:
    return {
        "semester": msg("duties.definition.semester", autumn=cal.autumn, spring=cal.spring,
                        spring_end=cal.spring_end, policy=profile.id),
        "school_year": msg("duties.definition.school_year", autumn=cal.autumn),
        "year": msg("duties.definition.year"),
        "day": msg("duties.definition.day"),
        "working_day": msg("duties.definition.working_day" if not (cal.holidays or cal.workdays)
                           else "duties.definition.working_day_calendar",
                           holidays=len(cal.holidays), workdays=len(cal.workdays)),
        "period": msg("duties.definition.period"),
        **({"placement": msg("duties.definition.placement", share=str(share.value), policy=profile.id)}
           if (share := profile.get("duty.placement_semester_share")) is not None else {}),
        "roles": msg("duties.definition.roles" if roles_known else "duties.definition.no_roles"),
    }


def _table(persons, lang: str) -> dict:
    """The persons short of a rule: the rules and what each still needs as messages (worded by
    the output layer: 到中小学天数 / days in schools), the codes stay in `by_person`."""
    rows = [[p.name or "", msg(f"duties.role.{p.role or 'staff'}"),
             msg("output.duty.list", items=[msg(f"output.duty.rule.{k.split('.')[1]}") for k in CHECK_IDS
                                            if p.status.get(k) == "fail"]),
             msg("output.duty.list", items=[msg(f"output.duty.still.{k.split('.')[1]}", n=v)
                                            for k, v in p.still.items()])]
            for p in persons if "fail" in p.status.values()]
    if not rows:
        return {}
    title = "未达到要求的人员" if lang == "zh" else "Persons short of a rule"  # a table title is a key
    return {title: {"headers": [msg("duties.table.name"), msg("duties.table.role"),
                                msg("duties.table.failed"), msg("duties.table.still")],
                    "rows": rows}}
