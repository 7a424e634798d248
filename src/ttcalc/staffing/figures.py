"""The staffing figures — staff in post, full-time and part-time teachers, title and 学历
levels, hires and leavers in five years, and the shares — with their definitions."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from ttcalc.cells import titles as T
from ttcalc.core.msg import msg
from ttcalc.policy.rules import ratio_str
from ttcalc.staffing.people import TEACHER, Roster, minus_years

DEFINITION_KEYS = (
    "staff_total", "fulltime_teachers", "parttime_teachers", "post_category", "fulltime_teacher_share",
    "title_mid_senior_share", "title_senior_share", "parttime_ratio", "graduate_share", "bachelor_plus_share",
    "hires_5y", "leavers_5y", "renewal_5y", "title_levels", "education_levels", "title_level", "age", "dates",
    "duplicates", "window", "hire.eligibility", "hire.honour", "not_fully_checked", "remedy", "unit",
)
# every figure's and choice's definition, worded by the output layer (messages [staffing.definition])
DEFINITIONS = {key: msg("staffing.definition." + key.replace(".", "_")) for key in DEFINITION_KEYS}


def compute(roster: Roster, as_of: date) -> dict:
    ps = roster.persons
    start = minus_years(as_of, 5)
    for p in ps:
        p.hire5y = p.ft_teacher and p.join is not None and start < p.join <= as_of
        p.leaver5y = (p.duplicate_of is None and not p.parttime and p.category == TEACHER and p.leave is not None
                      and start < p.leave <= as_of)
    staff = [p for p in ps if not p.parttime and p.in_post]
    ft = [p for p in staff if p.category == TEACHER]
    pt = [p for p in ps if p.pt_teacher]
    n = len(ft)
    mid = sum(T.level_rank(p.level) >= T.level_rank("中级") for p in ft)
    senior = sum(T.level_rank(p.level) >= T.level_rank("副高") for p in ft)
    has_edu = "education" not in roster.missing  # no 学历 column: the shares are unknown, not 0
    grad = sum(p.education == "研究生" for p in ft) if has_edu else None
    bach = sum(T.education_rank(p.education) >= T.education_rank("本科") for p in ft) if has_edu else None
    has_join = "join" not in roster.missing
    hires = sum(p.hire5y for p in ft) if has_join else None
    leavers = sum(p.leaver5y for p in ps) if "leave" not in roster.missing else None

    def share(a, b):
        return ratio_str(Fraction(a, b)) if a is not None and b else None

    levels = {lv: sum(p.level == lv for p in ft) for lv in T.title_levels()}
    levels[T.NONE] = sum(p.level is None for p in ft)
    edus = {lv: sum(p.education == lv for p in ft) for lv in T.education_levels()}
    edus[T.NONE] = sum(p.education is None for p in ft)
    figures = {
        "staff_total": len(staff), "fulltime_teachers": n, "parttime_teachers": len(pt),
        "fulltime_teacher_share": share(n, len(staff)) if "category" not in roster.missing else None,
        "title_mid_senior_share": share(mid, n), "title_senior_share": share(senior, n),
        "parttime_ratio": share(len(pt), n), "graduate_share": share(grad, n), "bachelor_plus_share": share(bach, n),
        "hires_5y": hires, "leavers_5y": leavers, "renewal_5y": share(hires, n),
        "title_levels": levels, "education_levels": edus,
    }
    counts = {"staff_total": len(staff), "fulltime_teachers": n, "parttime_teachers": len(pt),
              "title_mid_senior": mid, "title_senior": senior, "graduates": grad, "hires_5y": hires,
              "join_missing": sum(p.join is None for p in ft), "window_start": start, "as_of": as_of}
    return {"figures": figures, "counts": counts}
