"""What the hours report shows besides its checks: the definitions, one by_person entry per
teacher, the table of who is short or still to complete, and the notes on the cycle."""

from __future__ import annotations

from ttcalc.hours.courses import _kinds, type_label
from ttcalc.hours.ledger import Cycle, hstr
from ttcalc.hours.people import Person
from ttcalc.hours.remedies import _who

DEFINITIONS = {
    "teachers": "distinct persons with at least one ledger row dated in the cycle: by valid 身份证号, else by "
                "name (and unit); a name-only row joins the one person with that name and an ID",
    "hours": "学时 summed exactly; 天数 × the profile's hours per day (hours.day_hours) and 学分 × its hours per "
             "credit (hours.credit_hours) only where the profile gives that rate, else the row is not counted",
    "year": "the 年度 column, else the 日期 column, else a year in the sheet name, else in the file name",
    "after_as_of": "a row dated after as-of (by its date; by its year where only a year is given and it is after "
                   "as-of's year) is training not yet done: not counted, with a warning and the reason in the ledger",
    "units": "a unit written in the cell decides how it is read, whatever the column: 天/日 × hours.day_hours, "
             "学时/课时/小时 as hours, 学分 × hours.credit_hours; a cell that is not a number of one of these is "
             "not counted, with a warning",
    "type": "the 培训类型 column read with data/training_types.toml; where it names no form, the course name",
    "concentrated_course": "one course = a teacher's concentrated-training rows with the same course name in the "
                           "same year and the same date (or no date on any of them); a row without a course name, "
                           "or whose name is only a type word (集中培训), is a course of its own; separate courses "
                           "never add up to one (一次不少于90学时 is one course)",
    "excluded": "new-teacher probation (新任教师试用期) and new-principal qualification (任职资格) rows do not count "
                "toward the cycle where the profile says so (hours.new_teacher_excluded, hours.new_principal_excluded); "
                "courses for those who guide or train new teachers (导师, 培训者, 指导 …) are not probation; with "
                "--roster, a probation course is excluded only for a new teacher on the roster or when it falls in "
                "the person's first year of work, else it counts (warning probation_counted)",
    "running_cycle": "a cycle whose last day is after as-of is judged on its completed calendar years only; the "
                     "cycle-level shortfalls are shown as still needed, not as failures",
    "teachers_compliant": "teachers with no failing check other than advisory ones",
    "unit": "the 单位 column, else the roster's, else the file name (one school per file)",
    "school_share": "per unit and completed year: teachers with a concentrated course of at least "
                    "hours.concentrated_course_min hours that year ÷ the unit's teachers in the ledger",
    "roles": "from --roster: 职务 (校长/园长, 班主任, 新任), 荣誉称号 (骨干), 参加工作时间 or 教龄 "
             "(new teachers: work started no more than hours.new_teacher_max_years before the cycle's last day, "
             "or as-of if earlier, by exact dates — 1 year 364 days is not within one year); role hours are counted within the cycle, probation and new-principal hours "
             "over the whole ledger; new principals are judged on the qualification training, not on the "
             "principals' in-service rule; new teachers are judged on the probation rules, not on the cycle "
             "rules, and nobody on a year before the year they started work (参加工作时间); a probation or new-principal period still open at as-of (or without a "
             "start date: 参加工作时间, 调入时间) is shown as still needed",
}


def _person_out(p: Person) -> dict:
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
    if p.vocational:
        out["vocational"] = True
    if not p.on_ledger:
        out["on_ledger"] = False
    elif not p.in_cycle:
        out["in_cycle"] = False  # only probation or qualification hours: not judged on the cycle
    return out


def _tables(teachers: list[Person], cyc: Cycle, lang: str) -> dict:
    zh = lang == "zh"
    rows = []
    for p in teachers:
        if not p.failed and not p.still:
            continue
        s = p.summary
        years = "、".join(f"{y}" for y in p.years_short) if zh else ", ".join(p.years_short)
        still = _still_text(p.still, lang)
        rows.append([_who(p), p.unit or "", hstr(s["total"]), hstr(s["school_based"]),
                     hstr(s["concentrated_max_course"]), years, still, ", ".join(dict.fromkeys(p.failed))])
    title = (f"未达标或尚需完成的教师（周期 {cyc.text()}）" if zh
             else f"Teachers short or still to complete (cycle {cyc.text()})")
    headers = (["姓名", "单位", "周期学时", "校本", "单次集中最多", "未达年度要求的年份", "尚需", "未通过检查"] if zh
               else ["name", "unit", "cycle total", "school-based", "longest concentrated", "years short",
                     "still needed", "failed checks"])
    return {title: {"headers": headers, "rows": rows}}


def _still_text(still: dict, lang: str) -> str:
    zh = lang == "zh"
    parts = []
    for key, value in still.items():
        if key == "hours":
            sb = still.get("school_based")
            parts.append(f"{value} 学时" + (f"（校本 {sb}）" if sb else "") if zh
                         else f"{value} h" + (f" ({sb} school-based)" if sb else ""))
        elif key == "concentrated_course":
            parts.append(f"一次 ≥ {value} 学时集中培训" if zh else f"one concentrated course ≥ {value} h")
        elif key != "school_based" or "hours" not in still:
            parts.append(f"{type_label(key, lang) if key in _kinds() else key} {value}")
    return "；".join(parts) if zh else "; ".join(parts)


def _notes(profile, cyc: Cycle, lang: str) -> list[str]:
    if cyc.start is None:
        return []
    zh = lang == "zh"
    if cyc.running:
        judged = cyc.judged() or ("无" if zh else "none")
        return [f"周期 {cyc.text()} 尚未结束：按已完成年度（{judged}）判定，周期要求显示为尚需完成，不计为未达标" if zh
                else f"cycle {cyc.text()} is still running: judged on its completed years ({judged}); cycle "
                     "requirements are shown as still needed, not as failures"]
    return [f"周期 {cyc.text()} 已结束：按全部年度判定" if zh else f"cycle {cyc.text()} is over: judged in full"]
