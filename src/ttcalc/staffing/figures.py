"""The staffing figures — staff in post, full-time and part-time teachers, title and 学历
levels, hires and leavers in five years, and the shares — with their definitions."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from ttcalc.cells import titles as T
from ttcalc.policy.rules import ratio_str
from ttcalc.staffing.people import TEACHER, Roster, minus_years

DEFINITIONS = {
    "staff_total": "在职教职工: full-time staff in post at the as-of date, every post category; not part-time, "
                   "not those with a leave date (调出时间) on or before as-of, not those who join after as-of",
    "fulltime_teachers": "专任教师: staff_total rows whose post category (岗位类别) is 专任教师",
    "parttime_teachers": "兼职教师: part-time teachers in post at as-of — every row of a sheet named like "
                         "兼职教师名单 (or, when the sheet's name says nothing, e.g. \"Sheet\", of a file so named), "
                         "or a row whose 专职/兼职 column says 兼职/外聘 (a part-time row counts as a teacher unless its "
                         "岗位类别 says otherwise)",
    "post_category": "岗位类别 from its column: 专任教师, 管理 (管理岗位, 行政), 教辅, 工勤 (工勤技能岗位); "
                     "ttcalc's choice: the public-institution category 专业技术岗位 is read as 专任教师, since in a "
                     "school (a teacher-training school included) the 专业技术 posts are the teaching posts — "
                     "教辅 staff on 专业技术 posts must be marked 教辅 to be counted apart; a sheet with no 岗位类别 "
                     "column takes the category its sheet name (else its file name) gives (专任教师, 行政工勤人员 "
                     "…), and a warning lists which sheet was read as which group",
    "fulltime_teacher_share": "fulltime_teachers ÷ staff_total",
    "title_mid_senior_share": "full-time teachers whose title level is 中级 or above ÷ fulltime_teachers",
    "title_senior_share": "full-time teachers whose title level is 副高 or above (高级) ÷ fulltime_teachers",
    "parttime_ratio": "parttime_teachers ÷ fulltime_teachers (a 1:1 rule means ≥ 1)",
    "graduate_share": "full-time teachers whose 学历 is 研究生 ÷ fulltime_teachers (学位 is not 学历)",
    "bachelor_plus_share": "full-time teachers whose 学历 is 本科 or above ÷ fulltime_teachers",
    "hires_5y": "full-time teachers in post at as-of whose join date (调入本校时间) lies in the five years up to "
                "as-of: as-of minus 5 years < join date ≤ as-of (29 February minus 5 years is 28 February)",
    "leavers_5y": "full-time teachers (专任教师) whose leave date lies in the same five-year window",
    "renewal_5y": "hires_5y ÷ fulltime_teachers; \"about 20%\" is the profile's target with its stated tolerance",
    "title_levels": "full-time teachers by title level (正高, 副高, 中级, 初级, 员级, none); old 小学 names sit one "
                    "level lower than they sound (小学高级教师 = 中级); honours (特级教师 …) are not levels",
    "education_levels": "full-time teachers by 学历 level (研究生 > 本科 > 专科 > 中专 > 高中 > 初中及以下, none)",
    "title_level": "from the 职称 column, else the 专业技术岗位等级 (1–4 正高, 5–7 副高, 8–10 中级, 11–12 初级, 13 员级); "
                   "blank, 未评 or 见习 is none; an unknown or ambiguous string is none with a warning naming the row",
    "age": "周岁 (whole years completed) at the date that matters; birth date from the 出生年月 column, else from "
           "a valid 身份证号; a birth date given to the month only is read as a range, and an age that the range "
           "leaves undecided is \"unknown\"",
    "dates": "a join or leave date given to the month only counts as the first of that month",
    "hire.eligibility": "every full-time teacher whose join date is on or after --hired-since (default: the "
                        "profile's effective date) and on or before as-of, including those who have since left; "
                        "title level is the one held now (the roster keeps no title history); front-line teaching "
                        "years are the 教学年限/教龄 column where there is one, else whole years from 参加工作时间 to "
                        "the join date; missing data makes that condition \"unknown\" (listed, not a pass); a "
                        "holder of an exemption of the profile is reported \"exempt by …\" and does not fail the check",
    "remedy": "the smallest whole number of people that makes the ratio meet its rule, exactly: promote (the "
              "denominator stays), or fewer of the others, or new hires who count in both; each ratio's remedy is "
              "computed for that ratio alone, and where its new hires (full-time teachers joining now, at the "
              "least title the remedy asks for) would make another ratio that passes fail, the remedy says so "
              "(remedies[…].hire_breaks)",
}


def compute(roster: Roster, as_of: date) -> dict:
    ps = roster.persons
    start = minus_years(as_of, 5)
    for p in ps:
        p.hire5y = p.ft_teacher and p.join is not None and start < p.join <= as_of
        p.leaver5y = (not p.parttime and p.category == TEACHER and p.leave is not None and start < p.leave <= as_of)
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
