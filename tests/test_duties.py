"""ttcalc duties: hand-computed edges of every rule, messy logs, refusals, outputs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

import ttcalc
from ttcalc.duties.log import parse_span
from ttcalc.duties.periods import Calendar
from ttcalc.policy.profile import load_profile

HEAD = ["姓名", "职务", "活动类型", "日期", "天数", "节数"]


def log(tmp_path, rows, name="log.xlsx", head=HEAD, sheet="记录"):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(head)
    for r in rows:
        ws.append(list(r) + [None] * (len(head) - len(r)))
    path = tmp_path / name
    wb.save(path)
    return path


def weekdays(start: date, n: int) -> list[date]:
    out, d = [], start
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(1)
    return out


def check(report, cid):
    return next(c for c in report.checks if c.id == cid)


def person(report, name):
    return next(p for p in report.by_person if p["name"] == name)


@pytest.mark.parametrize("n, status, still", [(19, "fail", "1"), (20, "pass", None), (21, "pass", None)])
def test_school_days_19_20_21(tmp_path, n, status, still):
    rows = [("甲", "专职教研员", "下校", d) for d in weekdays(date(2024, 9, 2), n)]
    r = ttcalc.duties(log(tmp_path, rows), as_of="2025-01-31")
    c = check(r, "duties.school_days")
    assert c.status == status
    assert person(r, "甲")["figures"]["school_days"] == str(n)
    assert person(r, "甲")["still_needed"].get("school_days") == still


def test_a_day_with_two_activities_counts_once(tmp_path):
    days = weekdays(date(2024, 9, 2), 19)
    rows = [("甲", "专职教研员", "下校", d) for d in days] + [("甲", "专职教研员", "听课", days[0], None, "4节")]
    r = ttcalc.duties(log(tmp_path, rows), as_of="2025-01-31")
    assert person(r, "甲")["figures"]["school_days"] == "19"
    assert check(r, "duties.school_days").status == "fail"


def test_a_visit_spanning_the_semester_boundary_splits(tmp_path):
    rows = [("甲", "专职教研员", "下校", "2025.1.30-2.3")]
    path = log(tmp_path, rows)
    assert person(ttcalc.duties(path, as_of="2025-01-31"), "甲")["figures"]["school_days"] == "2"  # 1.30, 1.31
    assert person(ttcalc.duties(path, as_of="2025-02-28"), "甲")["figures"]["school_days"] == "3"  # 2.1–2.3
    assert person(ttcalc.duties(path, as_of="2025-02-02"), "甲")["figures"]["school_days"] == "2"  # up to as-of


def test_semester_definition_is_the_profiles_and_overridable(tmp_path):
    cal = Calendar.of(load_profile("quangang-2022"))
    assert cal.semester(date(2025, 1, 31)).id == "2024-autumn"
    assert cal.semester(date(2025, 2, 1)).id == "2025-spring"
    assert cal.semester(date(2025, 8, 15)) is None
    assert cal.current_semester(date(2025, 8, 15)).id == "2025-spring"
    assert cal.school_year(date(2025, 8, 31)).id == "2024-2025"
    custom = tmp_path / "p.toml"
    custom.write_text('[profile]\nid = "my-2022"\nextends = "quangang-2022"\n'
                      '[overrides."duty.spring_semester_start_month"]\nvalue = 3\nreason = "本地校历"\n', encoding="utf-8")
    assert Calendar.of(load_profile(str(custom))).semester(date(2025, 2, 15)).id == "2024-autumn"


@pytest.mark.parametrize("placement, log_start, status", [
    ("2021.9.1-2022.1.20", None, "pass"),  # autumn 2021 ends 2022-01-31: inside the window from 2022-01-01
    ("2021.3.1-2021.7.20", None, "fail"),  # spring 2021: outside
    ("2021.10.8-2021.12.31", None, "fail"),  # 85 of 153 days: not a semester (duty.placement_semester_share)
    (None, "2023-09-01", "not_applicable"),  # the log starts too late to tell
])
def test_semester_in_school_three_year_window(tmp_path, placement, log_start, status):
    rows = [("甲", "专职教研员", "下校", log_start or "2021-03-01")]
    if placement:
        rows.append(("甲", "专职教研员", "挂职", placement))
    r = ttcalc.duties(log(tmp_path, rows), as_of="2024-12-31")
    assert check(r, "duties.semester_in_school").status == status


def test_semester_in_school_not_due_for_someone_joined_within_three_years(tmp_path):
    rows = [("甲", None, "下校", "2021-03-01")]
    roster = tmp_path / "roster.xlsx"
    wb = Workbook()
    wb.active.append(["姓名", "职务", "调入时间"])
    wb.active.append(["甲", "专职教研员", "2023-03-01"])
    wb.save(roster)
    r = ttcalc.duties(log(tmp_path, rows), roster=roster, as_of="2024-12-31")
    assert check(r, "duties.semester_in_school").status == "pass"


@pytest.mark.parametrize("weekdays_n, status", [(19, "fail"), (20, "pass")])
def test_leader_working_days_do_not_count_a_saturday(tmp_path, weekdays_n, status):
    rows = [("乙", "副校长", "下校", d) for d in weekdays(date(2024, 3, 4), weekdays_n)]
    rows.append(("乙", "副校长", "下校", date(2024, 3, 9)))  # a Saturday
    r = ttcalc.duties(log(tmp_path, rows), as_of="2024-12-31")
    assert check(r, "duties.leader_days").status == status
    assert person(r, "乙")["figures"]["leader_days"] == str(weekdays_n)


def test_calendar_holidays_and_worked_weekend_days(tmp_path):
    rows = [("乙", "校长", "下校", d) for d in weekdays(date(2024, 9, 23), 20)] + [("乙", "校长", "下校", date(2024, 10, 12))]
    cal = tmp_path / "cal.txt"
    cal.write_text("# 国庆\n2024-10-01\n2024-10-02\n+2024-10-12\n", encoding="utf-8")
    r = ttcalc.duties(log(tmp_path, rows), calendar=cal, as_of="2024-12-31")
    assert person(r, "乙")["figures"]["leader_days"] == "19"  # 20 weekdays - 2 holidays + 1 worked Saturday


@pytest.mark.parametrize("n, status", [(9, "fail"), (10, "pass")])
def test_leader_research_activities(tmp_path, n, status):
    rows = [("乙", "校长", "教研活动", date(2024, 5, 1) + timedelta(k)) for k in range(n)]
    r = ttcalc.duties(log(tmp_path, rows), as_of="2024-12-31")
    assert check(r, "duties.leader_research").status == status


@pytest.mark.parametrize("periods, status", [(["60节", "59课时"], "fail"), (["60节", "60"], "pass")])
def test_observation_periods_a_school_year(tmp_path, periods, status):
    rows = [("甲", "教研员", "听课", f"2024-0{3 + k}-05", None, p) for k, p in enumerate(periods)]
    rows.append(("甲", "教研员", "听课", "2023-08-30", None, "40节"))  # the previous school year
    r = ttcalc.duties(log(tmp_path, rows), policy="district-2021", as_of="2024-08-31")
    assert check(r, "duties.observation").status == status


@pytest.mark.parametrize("last, status", [("2022-12-31", "pass"), ("2022-12-30", "fail")])
def test_two_idle_years(tmp_path, last, status):
    rows = [("甲", "教研员", "培训授课", last), ("乙", "教研员", "下校", "2020-01-06")]
    r = ttcalc.duties(log(tmp_path, rows), policy="district-2021", as_of="2024-12-30")
    assert person(r, "甲")["status"]["inactive"] == status


def test_demo_lesson_each_semester(tmp_path):
    rows = [("甲", "教研员", "示范课", "2024-10-10"), ("乙", "教研员", "展示课", "2024-05-10")]
    r = ttcalc.duties(log(tmp_path, rows), policy="district-2021", as_of="2024-12-31")
    assert person(r, "甲")["status"]["demo_lesson"] == "pass"
    assert person(r, "乙")["status"]["demo_lesson"] == "fail"
    assert check(r, "duties.demo_lesson").status == "fail"


def test_messy_dates_days_and_periods(tmp_path):
    rows = [("甲", "教研员", "下校", "3.5-3.9"),  # 5 days; the year from the sheet name
            ("甲", "教研员", "调研", "2024年3月12日", "2天"),  # 12, 13
            ("甲", "教研员", "听课", "2024年3月12日", None, "4节"),  # same day: once
            ("甲", "教研员", "教研活动", 45369),  # Excel serial: 2024-03-18
            ("甲", "教研员", "上课", "2024-03-20~2024-03-21"),
            ("甲", "教研员", "指导教学", "3月25日至27日"),
            ("甲", "教研员", "下校听课", "2024.4.1", "半天", "3课时")]
    r = ttcalc.duties(log(tmp_path, rows, sheet="2024年春季"), policy="district-2021", as_of="2024-07-31")
    p = person(r, "甲")
    assert p["figures"]["school_days"] == "14"  # 5 + 2 + 1 + 2 + 3 + 1
    assert p["figures"]["observation"] == "7"
    assert not [w for w in r.warnings if w["code"] == "duties_year_assumed"]


def test_a_year_assumed_is_warned(tmp_path):
    r = ttcalc.duties(log(tmp_path, [("甲", "教研员", "下校", "10.8-10.11")]), as_of="2025-01-15")  # 2024: not after as-of
    assert person(r, "甲")["figures"]["school_days"] == "4"
    assert [w for w in r.warnings if w["code"] == "duties_year_assumed"]


@given(st.dates(date(2001, 1, 1), date(2098, 12, 1)), st.integers(0, 20), st.sampled_from(["ymd", "zh", "dot", "iso~"]))
def test_parse_span_property(first, length, shape):
    last = first + timedelta(length)
    text = {"ymd": f"{first:%Y-%m-%d}-{last:%Y-%m-%d}",
            "zh": f"{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日",
            "dot": f"{first.year}.{first.month}.{first.day}-{last.month}.{last.day}" if last.year == first.year
            else f"{first.year}.{first.month}.{first.day}-{last.year}.{last.month}.{last.day}",
            "iso~": f"{first.isoformat()}~{last.isoformat()}"}[shape]
    assert parse_span(text, None, date(2099, 1, 1), []) == (first, last)


def test_an_unreadable_date_stops_with_file_sheet_row_column_and_no_name(tmp_path, run):
    path = log(tmp_path, [("王小明", "教研员", "下校", "上周三")])
    res = run("duties", path, "--lang", "en")
    assert res.code == 2
    assert "row 2" in res.stderr and "日期" in res.stderr and "王小明" not in res.stderr


def test_an_unknown_activity_type_stops(tmp_path, run):
    res = run("duties", log(tmp_path, [("王小明", "教研员", "打球", "2024-03-05")]))
    assert res.code == 2 and "活动类型" in res.stderr and "王小明" not in res.stderr


def test_a_log_given_to_hours_or_budget_is_refused(tmp_path, run):
    path = log(tmp_path, [("甲", "教研员", "下校", "2024-03-05", "2天"), ("乙", "教研员", "听课", "2024-03-06", None, "4节")])
    for command in ("hours", "budget"):
        res = run(command, path, "--lang", "en")
        assert res.code == 2, command
        assert "activity log" in res.stderr and "ttcalc duties" in res.stderr


def test_a_payroll_given_to_duties_says_so(tmp_path, run):
    wb = Workbook()
    wb.active.append(["姓名", "身份证号", "岗位工资", "应发合计"])
    wb.active.append(["甲", None, 3000, 5000])
    wb.save(tmp_path / "pay.xlsx")
    res = run("duties", tmp_path / "pay.xlsx")
    assert res.code == 2 and "payroll" in res.stderr and "ttcalc budget" in res.stderr


def test_no_roles_means_staff_and_leader_checks_not_applicable(tmp_path):
    r = ttcalc.duties(log(tmp_path, [("甲", "下校", "2024-10-08")], head=["姓名", "活动类型", "日期"]),
                      as_of="2024-12-31")
    assert check(r, "duties.leader_days").status == "not_applicable"
    assert check(r, "duties.school_days").status == "fail"


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    from ttcalc.sample import write_activities

    d = tmp_path_factory.mktemp("s")
    return write_activities(d / "activities.xlsx")


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sample_every_format_and_language(run, samples, fmt, lang):
    res = run("duties", samples, "--as-of", "2024-12-31", "-f", fmt, "--lang", lang, "-q")
    assert res.code == 1, res.stderr
    assert "duties.school_days" in res.stdout
    assert "duties.actual" not in res.stdout and "duties.remedy" not in res.stdout  # worded


def test_sample_passes_and_fails_at_the_edges(run, samples):
    d = run("duties", samples, "--as-of", "2024-12-31", "-f", "json", "-q").json()
    status = {c["id"]: c["status"] for c in d["checks"]}
    assert status["duties.school_days"] == "fail" and status["duties.leader_days"] == "fail"
    by = {p["name"]: p for p in d["by_person"]}
    assert by["黄志强"]["figures"]["school_days"] == "20" and by["黄志强"]["status"]["school_days"] == "pass"
    assert by["林丽娟"]["figures"]["school_days"] == "19"
    assert by["王文杰"]["figures"]["leader_days"] == "20" and by["王文杰"]["status"]["leader_days"] == "pass"
    assert by["吴美玲"]["figures"]["leader_days"] == "19"
    assert by["陈建华"]["status"]["semester_in_school"] == "pass"
    d2 = run("duties", samples, "--as-of", "2024-12-31", "--policy", "district-2021", "-f", "json", "-q").json()
    by2 = {p["name"]: p for p in d2["by_person"]}
    assert by2["李晓燕"]["status"]["inactive"] == "fail" and by2["陈建华"]["status"]["observation"] == "pass"


def test_annotated_workbook_has_live_formulas_with_stored_values(run, samples, tmp_path):
    out = tmp_path / "d.xlsx"
    res = run("duties", samples, "--as-of", "2024-12-31", "-o", out, "-q", "--redact")
    assert res.code == 1
    formulas = load_workbook(out)["人员"]
    values = load_workbook(out, data_only=True)["人员"]
    assert str(formulas["D2"].value).startswith("=COUNTIFS(")
    names = [values.cell(r, 2).value for r in range(2, values.max_row + 1)]
    assert "黄志强" not in names and "黄**" in names
    row = names.index("黄**") + 2
    assert values.cell(row, 4).value == 20


def test_duties_rules_are_computable_with_their_clause():
    for pid, rids in {"quangang-2022": ["staff.school_days_per_semester_min", "staff.school_semester_every_years",
                                         "duty.leader_school_days_min", "duty.leader_research_activities_min"],
                      "district-2021": ["staff.school_days_per_semester_min", "staff.observation_hours_min",
                                        "staff.school_semester_every_years", "staff.idle_years_max",
                                        "duty.demo_lesson_per_semester_min"]}.items():
        p = load_profile(pid)
        for rid in rids:
            assert p.require(rid).computable and p.require(rid).clause, (pid, rid)


def test_check_runs_duties_and_lists_them_when_missing(run, samples):
    d = run("check", "--activities", samples, "--as-of", "2024-12-31", "-q").json()
    ids = {c["id"]: c["status"] for c in d["checks"]}
    assert ids["duties.school_days"] == "fail" and ids["institution.failing"] == "not_applicable"
    assert "duties_by_person" in d
