"""`ttcalc hours`: hand-computed ledgers for wenzhou-2012 and shanxi-2023 — days converted at
the profile's rate, a teacher exactly at 360, a year one hour short, two 45-hour courses that
are not one 90-hour course, probation hours excluded, a running cycle judged on its completed
years, the school's 20% rule, roles from a roster, and the annotated workbook."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import SAMPLES
from ttcalc.api import hours as hours_run
from ttcalc.hours.courses import classify
from builders import make_id


def pid(n: int, born: str = "19800101") -> str:
    return make_id(born, n)


JIA, YI, BING = pid(11), pid(12), pid(13)
DONE = ("--cycle", "2012-2016", "--as-of", "2017-06-30")  # the cycle before as-of, judged in full
HEAD = ["单位", "姓名", "身份证号", "培训项目", "培训类型", "年度", "学时", "天数"]


def _year_rows(unit, name, id_, year, school=24, online=24):
    rows = [[unit, name, id_, f"校本研修{year}", "校本", year, school, None]]
    if online:
        rows.append([unit, name, id_, f"网络研修{year}", "网络", year, online, None])
    return rows


# wenzhou-2012, cycle 2012–2016 judged in full at 2017-06-30 (the default there would be 2017–2021).
#  甲: 2012 = 24 校本 + 12 days × 8 = 96 集中 + 48 网络 = 168; 2013–2016 = 24 + 24 = 48 each
#      -> cycle 168 + 4 × 48 = 360 exactly; 校本 5 × 24 = 120 exactly; one 96-hour course.
#  乙: 校本 24 every year = 120; 2013 two concentrated courses of 45 (different names);
#      網络 2012 24, 2013 24, 2014 24, 2015 23, 2016 79
#      -> years 48, 138, 48, 47 (one hour short), 103 = 384; longest single course 45.
#  丙: 2012 新教师岗前培训 100 h (excluded), 校本 24 + 网络 24 a year, 2014 一次 90 h 集中
#      -> cycle 5 × 48 + 90 = 330 (30 short; 430 if probation counted); excluded 100.
WENZHOU = [HEAD]
WENZHOU += _year_rows("一小", "甲", JIA, 2012, online=48)
WENZHOU += [["一小", "甲", JIA, "市级骨干教师集中培训", "集中培训", 2012, None, 12]]
for y in range(2013, 2017):
    WENZHOU += _year_rows("一小", "甲", JIA, y)
for y, online in zip(range(2012, 2017), (24, 24, 24, 23, 79)):
    WENZHOU += _year_rows("一小", "乙", YI, y, online=online)
WENZHOU += [["一小", "乙", YI, "学科集中研修（上）", "集中", 2013, 45, None],
            ["一小", "乙", YI, "信息技术集中培训", "面授", 2013, 45, None]]
WENZHOU += [["一小", "丙", BING, "新教师岗前培训", "新教师培训", 2012, 100, None]]
for y in range(2012, 2017):
    WENZHOU += _year_rows("一小", "丙", BING, y)
WENZHOU += [["一小", "丙", BING, "区级集中研修", "集中研修", 2014, 90, None],
            [None, "合计", None, None, None, None, 9999, None]]


@pytest.fixture
def wenzhou(xlsx):
    return xlsx("ledger.xlsx", {"学时": WENZHOU})


def _json(run, *args, code=None):
    out = run("hours", *args, "--format", "json", "--lang", "en")
    assert out.code in ((0, 1) if code is None else (code,)), out.stderr
    return out.json()


def _check(data, cid):
    return next(c for c in data["checks"] if c["id"] == cid)


def _person(data, name):
    return next(p for p in data["by_person"] if p["name"] == name)


def test_wenzhou_finished_cycle_hand_computed(run, wenzhou):
    data = _json(run, wenzhou, *DONE, code=1)
    f = data["figures"]
    assert (f["cycle_start"], f["cycle_end"], f["cycle_running"]) == (2012, 2016, False)
    assert f["teachers"] == 3 and f["teachers_compliant"] == 1
    assert f["hours_total"] == str(360 + 384 + 330) and f["hours_excluded"] == "100"
    jia, yi, bing = (_person(data, n) for n in "甲乙丙")
    assert jia["cycle_total"] == "360" and jia["school_based"] == "120" and jia["failed"] == []
    assert jia["concentrated_max_course"] == "96"  # 12 days × 8 hours
    assert jia["years"] == {"2012": "168", "2013": "48", "2014": "48", "2015": "48", "2016": "48"}
    assert yi["cycle_total"] == "384" and yi["concentrated_max_course"] == "45"
    assert sorted(yi["failed"]) == ["hours.annual_min", "hours.concentrated"]
    assert yi["years_short"] == {"2015": {"hours": "1"}}
    assert bing["cycle_total"] == "330" and bing["excluded_hours"] == "100" and bing["failed"] == ["hours.cycle_total"]
    assert bing["still_needed"] == {"hours": "30"}

    total = _check(data, "hours.cycle_total")
    assert total["status"] == "fail" and total["citation"] == "温教师〔2012〕33号 一、3"
    assert [(d["name"], d["short"]) for d in total["details"]] == [("丙", "30")]
    assert total["remedy"] == "丙 needs 30 more hours"
    conc = _check(data, "hours.concentrated")
    assert conc["status"] == "fail" and [d["name"] for d in conc["details"]] == ["乙"]
    annual = _check(data, "hours.annual_min")
    assert annual["status"] == "fail" and annual["qualifier"] == "一般" and "advisory" not in annual
    assert [(d["name"], d["year"], d["actual"], d["short"]) for d in annual["details"]] == [("乙", 2015, "47", "1")]
    assert _check(data, "hours.school_based")["status"] == "pass"
    assert _check(data, "hours.annual_school_based")["status"] == "pass"


def test_remedy_lines_name_who_and_by_how_much_in_chinese(run, wenzhou):
    out = run("hours", wenzhou, *DONE, "--lang", "zh")
    assert out.code == 1
    assert "丙 还需 30 学时" in out.stdout
    assert "乙 2015年差 1 学时" in out.stdout
    assert "乙 需参加一次不少于 90 学时的集中培训（目前单次最多 45 学时）" in out.stdout
    assert "温教师〔2012〕33号 一、4" in out.stdout and "温教师〔2012〕33号 一、3" in out.stdout


def test_two_45_hour_courses_are_not_one_but_one_course_in_two_rows_is(run, xlsx):
    rows = [HEAD] + [["一小", "丁", pid(21), "学科集中研修", "集中", 2013, 45, None],
                     ["一小", "丁", pid(21), "学科集中研修", "集中", 2013, 45, None],
                     ["一小", "戊", pid(22), "学科集中研修（上）", "集中", 2013, 45, None],
                     ["一小", "戊", pid(22), "学科集中研修（下）", "集中", 2013, 45, None]]
    data = _json(run, xlsx("c.xlsx", {"s": rows}), *DONE)
    assert _person(data, "丁")["concentrated_max_course"] == "90"
    assert _person(data, "戊")["concentrated_max_course"] == "45"
    assert [d["name"] for d in _check(data, "hours.concentrated")["details"]] == ["戊"]


def test_probation_hours_would_have_passed_if_counted(run, xlsx):
    # the same 100 hours as an ordinary course put 丙 at 430: the exclusion alone makes the fail
    rows = [r if r[2] != BING or r[3] != "新教师岗前培训" else r[:3] + ["读书分享", "网络"] + r[5:]
            for r in WENZHOU]
    data = _json(run, xlsx("b.xlsx", {"s": rows}), *DONE)
    assert _person(data, "丙")["cycle_total"] == "430" and "hours.cycle_total" not in _person(data, "丙")["failed"]


def test_days_are_converted_at_the_profiles_rate_only(run, xlsx, tmp_path):
    rows = [HEAD, ["一小", "甲", JIA, "集中培训", "集中", 2023, None, "2.5"]]
    ledger = xlsx("d.xlsx", {"s": rows})
    assert _person(_json(run, ledger, "--as-of", "2024-06-30"), "甲")["cycle_total"] == "20"  # wenzhou: 2.5 × 8
    data = _json(run, ledger, "--policy", "shanxi-2023", "--as-of", "2024-06-30")
    assert _person(data, "甲")["cycle_total"] == "0"  # shanxi sets no day rate: not counted, and said
    assert any(w["code"] == "no_days_rate" and w["row"] == 2 for w in data["warnings"])
    custom = tmp_path / "sx.toml"
    custom.write_text('[profile]\nid = "sx-local"\nextends = "shanxi-2023"\n\n'
                      '[rules."hours.day_hours"]\ntopic = "hours"\nvalue = 6\nunit = "hours_per_day"\nop = "=="\n'
                      'clause = "local"\nquote = "每天按6学时计"\nlabel_zh = "每天学时"\nlabel_en = "Hours a day"\n\n'
                      '[rules."hours.credit_hours"]\ntopic = "hours"\nvalue = 10\nunit = "hours"\nop = "=="\n'
                      'clause = "local"\nquote = "1学分折合10学时"\nlabel_zh = "每学分学时"\nlabel_en = "Hours a credit"\n',
                      encoding="utf-8")
    assert _person(_json(run, ledger, "--policy", custom, "--as-of", "2024-06-30"), "甲")["cycle_total"] == "15"


def test_credits_need_a_rate_in_the_profile(run, xlsx):
    rows = [["姓名", "身份证号", "培训项目", "年度", "学分"], ["甲", JIA, "网络研修", 2013, "4.8"]]
    data = _json(run, xlsx("cr.xlsx", {"s": rows}), *DONE)
    assert _person(data, "甲")["cycle_total"] == "0"
    assert any(w["code"] == "no_credits_rate" for w in data["warnings"])


# shanxi-2023: cycle 2023–2027 (anchored at 2023), judged on 2023 and 2024 at 2025-03-01.
#  子 (一小): 2023 36 + 36 = 72 exactly; 2024 36 + 35 = 71 (one short) + 2 days not counted.
#  丑 (职业中专学校, vocational): 2023 90 exactly; 2024 89 — 72 would pass, 90 does not.
SHANXI = [HEAD,
          ["一小", "子", pid(31), "校本研修", "校本", 2023, 36, None], ["一小", "子", pid(31), "网络研修", "网络", 2023, 36, None],
          ["一小", "子", pid(31), "校本研修", "校本", 2024, 36, None], ["一小", "子", pid(31), "网络研修", "网络", 2024, 35, None],
          ["一小", "子", pid(31), "集中培训", "集中", 2024, None, 2],
          ["泉港区职业中专学校", "丑", pid(32), "专业实践", "校本", 2023, 90, None],
          ["泉港区职业中专学校", "丑", pid(32), "专业实践", "校本", 2024, 89, None],
          ["一小", "寅", pid(33), "网络研修", "网络", 2022, 500, None]]  # before the cycle: not counted


def test_shanxi_yearly_minimum_and_vocational(run, xlsx):
    data = _json(run, xlsx("sx.xlsx", {"s": SHANXI}), "--policy", "shanxi-2023", "--as-of", "2025-03-01", code=1)
    f = data["figures"]
    assert (f["cycle_start"], f["cycle_end"], f["years_judged"]) == (2023, 2027, "2023-2024")
    assert f["teachers"] == 2  # 寅 has rows only before the cycle
    annual = _check(data, "hours.annual_min")
    assert annual["status"] == "fail" and annual["citation"] == "晋教师〔2023〕4号 三（一）1"
    assert [(d["name"], d["year"], d["short"]) for d in annual["details"]] == [("子", 2024, "1")]
    voc = _check(data, "hours.annual_min_vocational")
    assert voc["status"] == "fail" and voc["citation"] == "晋教师〔2023〕4号 三（一）2"
    assert [(d["name"], d["year"], d["short"]) for d in voc["details"]] == [("丑", 2024, "1")]
    for cid in ("hours.cycle_total", "hours.school_based", "hours.concentrated"):
        assert _check(data, cid)["status"] == "not_applicable" and "no such rule" in _check(data, cid)["reason"]
    assert any(w["code"] == "no_days_rate" for w in data["warnings"])


def test_a_profile_without_hour_rules_judges_nothing(run, wenzhou):
    data = _json(run, wenzhou, "--policy", "quangang-2022", *DONE, code=0)
    assert data["checks"] and all(c["status"] == "not_applicable" and "training-hour" in c["reason"]
                                  for c in data["checks"])
    assert data["figures"]["teachers"] == 3


# A running cycle: wenzhou 2012–2016 at 2015-06-30 is judged on 2012–2014.  The cycle is given:
# wenzhou's own cycles are anchored at 2011 (十二五, hours.cycle_start_year), so the default at
# 2015-06-30 would be 2011–2015; these ledgers were written for 2012–2016.
RUNNING = ("--cycle", "2012-2016", "--as-of", "2015-06-30")
#  戊: 24 校本 + 90 集中 a year 2012–2014, 10 校本 in 2015 -> 352 so far; 校本 82 (38 to go),
#      so 38 more hours are still needed (the school-based gap is the larger one); nothing failed.
#  己: 48, 47, 48 -> 2013 one hour short: a real failure even though the cycle is running.
def _running_rows(with_ji: bool):
    rows = [HEAD]
    for y in (2012, 2013, 2014):
        rows += [["一小", "戊", pid(41), "校本研修", "校本", y, 24, None],
                 ["一小", "戊", pid(41), f"{y}年集中培训", "集中", y, 90, None]]
    rows.append(["一小", "戊", pid(41), "校本研修", "校本", 2015, 10, None])
    if with_ji:
        for y, online in ((2012, 24), (2013, 23), (2014, 24)):
            rows += _year_rows("一小", "己", pid(42), y, online=online)
    return rows


def test_running_cycle_shows_what_remains_not_failures(run, xlsx):
    data = _json(run, xlsx("r.xlsx", {"s": _running_rows(False)}), *RUNNING, code=0)
    assert data["figures"]["cycle_running"] is True and data["figures"]["years_judged"] == "2012-2014"
    wu = _person(data, "戊")
    assert wu["cycle_total"] == "352" and wu["failed"] == []
    assert wu["still_needed"] == {"hours": "38", "school_based": "38"}
    total = _check(data, "hours.cycle_total")
    assert total["status"] == "not_applicable" and "runs to 2016-12-31" in total["reason"]
    assert total["details"][0]["still_needed"] == "8"
    assert _check(data, "hours.school_based")["details"][0]["still_needed"] == "38"
    assert _check(data, "hours.annual_min")["status"] == "pass"
    # the same ledger judged after the cycle ends: the gaps are failures
    after = _json(run, xlsx("r2.xlsx", {"s": _running_rows(False)}), "--cycle", "2012-2016", "--as-of", "2017-01-01",
                  code=1)
    assert sorted(_person(after, "戊")["failed"]) == ["hours.annual_min", "hours.annual_school_based",
                                                       "hours.cycle_total", "hours.school_based"]


def test_running_cycle_still_fails_a_completed_year(run, xlsx):
    data = _json(run, xlsx("r.xlsx", {"s": _running_rows(True)}), *RUNNING, code=1)
    annual = _check(data, "hours.annual_min")
    assert annual["status"] == "fail"
    assert [(d["name"], d["year"], d["short"]) for d in annual["details"]] == [("己", 2013, "1")]
    assert _check(data, "hours.school_concentrated_share")["status"] == "pass"  # 戊 is 1 of 2 each year


def test_advisory_yearly_minimum_does_not_fail_the_run(run, xlsx, tmp_path):
    custom = tmp_path / "wz.toml"
    custom.write_text('[profile]\nid = "wz-advisory"\nextends = "wenzhou-2012"\n\n'
                      '[overrides."hours.annual_min"]\nvalue = 48\nadvisory = true\n'
                      'reason = "一般不少于: reported, not enforced"\n', encoding="utf-8")
    data = _json(run, xlsx("r.xlsx", {"s": _running_rows(True)}), "--policy", custom, *RUNNING,
                 code=0)
    annual = _check(data, "hours.annual_min")
    assert annual["status"] == "fail" and annual["advisory"] is True
    assert data["figures"]["teachers_compliant"] == 2


def test_explicit_cycle_and_bad_cycle(run, wenzhou):
    data = _json(run, wenzhou, "--cycle", "2013-2017", "--as-of", "2019-01-01")
    assert (data["figures"]["cycle_start"], data["figures"]["cycle_end"]) == (2013, 2017)
    assert _person(data, "甲")["cycle_total"] == "192"  # 2012's 168 falls outside
    out = run("hours", wenzhou, "--cycle", "2017-2013")
    assert out.code == 2 and "--cycle" in out.stderr and out.stdout == ""


# The school rule: 20% of a unit's teachers each year on one course of ≥ 90 hours.
#   一小: 1 of 5 = 0.2 exactly -> pass;  二中: 1 of 6 = 0.1667 -> fail, 1 more needed (2/6).
def test_school_share_twenty_percent(run, xlsx):
    rows = [HEAD]
    for unit, n in (("一小", 5), ("二中", 6)):
        for k in range(n):
            id_ = pid(100 + k + (10 if unit == "二中" else 0))
            rows.append([unit, f"{unit}{k}", id_, "校本研修", "校本", 2015, 48, None])
            if k == 0:
                rows.append([unit, f"{unit}{k}", id_, "市级集中培训", "集中", 2015, 90, None])
    data = _json(run, xlsx("u.xlsx", {"s": rows}), "--cycle", "2015-2019", "--as-of", "2016-03-01")
    share = _check(data, "hours.school_concentrated_share")
    assert share["status"] == "fail" and share["citation"] == "温教师〔2012〕33号 一、4"
    got = {(d["unit"], d["year"]): (d["sent"], d["teachers"], d["share"], d["status"], d["more_needed"])
           for d in share["details"]}
    assert got == {("一小", 2015): (1, 5, "0.2000", "pass", 0), ("二中", 2015): (1, 6, "0.1667", "fail", 1)}
    assert "二中 2015: 1 more teacher needed (1/6)" in share["remedy"]


# Roles from a roster, wenzhou 2012–2016 judged at 2017-06-30 (新 started 2016-02-01: 教龄 1, probation over).
ROSTER = [["姓名", "身份证号", "单位", "职务", "荣誉称号", "参加工作时间"],
          ["新", pid(51), "一小", "教师", None, "2016-02-01"],
          ["校", pid(52), "一小", "校长", None, "1995-08-01"],
          ["班", pid(53), "一小", "班主任", None, "2005-08-01"],
          ["骨", pid(54), "一小", "教师", "县级骨干教师", "2001-08-01"],
          ["新校", pid(55), "一小", "新任校长", None, "2000-08-01"],
          ["晚", pid(56), "一小", "教师", None, "2014-09-01"]]
ROLE_LEDGER = [HEAD,
               ["一小", "新", pid(51), "新教师岗前培训", "新教师培训", 2016, 150, None],
               ["一小", "新", pid(51), "新教师跟岗实践", "实践", 2016, 40, None],
               ["一小", "校", pid(52), "学校管理高级研修班", "集中培训", 2014, 100, None],
               ["一小", "班", pid(53), "班主任专题培训", "网络", 2015, 30, None],
               ["一小", "骨", pid(54), "骨干教师集中培训", "集中培训", 2014, None, 15],
               ["一小", "新校", pid(55), "新任校长任职资格培训（集中）", "集中培训", 2015, 80, None],
               ["一小", "新校", pid(55), "新任校长任职资格培训（网络）", "网络", 2015, 220, None],
               ["一小", "新校", pid(55), "校本研修", "校本", 2015, 24, None],
               ["一小", "晚", pid(56), "校本研修", "校本", 2015, 48, None],
               ["一小", "晚", pid(56), "校本研修", "校本", 2016, 48, None]]


def test_roles_from_the_roster(run, xlsx):
    ledger = xlsx("l.xlsx", {"s": ROLE_LEDGER})
    without = _json(run, ledger, *DONE)
    for cid in ("hours.new_teacher", "hours.homeroom", "hours.principal", "hours.backbone_concentrated"):
        assert _check(without, cid)["status"] == "not_applicable" and "--roster" in _check(without, cid)["reason"]
    data = _json(run, ledger, "--roster", xlsx("roster.xlsx", {"r": ROSTER}), *DONE)
    assert _check(data, "hours.new_teacher")["status"] == "pass"  # 150 + 40 = 190
    practice = _check(data, "hours.new_teacher_practice")
    assert practice["status"] == "fail" and [(d["name"], d["short"]) for d in practice["details"]] == [("新", "20")]
    principal = _check(data, "hours.principal")
    assert principal["status"] == "fail" and [(d["name"], d["short"]) for d in principal["details"]] == [("校", "20")]
    assert _check(data, "hours.homeroom")["status"] == "pass"  # exactly 30
    assert _check(data, "hours.backbone_concentrated")["status"] == "pass"  # 15 days × 8 = 120
    assert _check(data, "hours.new_principal")["status"] == "pass"  # 80 + 220 = 300
    np_conc = _check(data, "hours.new_principal_concentrated")
    assert np_conc["details"][0]["name"] == "新校" and np_conc["details"][0]["still_needed"] == "10"
    xin, xinxiao = _person(data, "新"), _person(data, "新校")
    assert xin["cycle_total"] == "0" and xin["excluded_hours"] == "190"  # probation does not count
    assert xinxiao["cycle_total"] == "24" and xinxiao["excluded_hours"] == "300"
    assert "new_teacher" in xin["roles"] and "new_principal" in xinxiao["roles"]
    # 晚 started work in 2014-09: 2012–2014 are not judged with the roster, and are without it
    assert "晚" not in {d["name"] for d in _check(data, "hours.annual_min")["details"]}
    assert {d["year"] for d in _check(without, "hours.annual_min")["details"] if d["name"] == "晚"} == {2012, 2013, 2014}


def test_course_types_and_year_fallbacks(run, xlsx):
    assert classify("校本研修", None)[0] == "school_based"
    assert classify(None, "网络研修：师德师风")[0] == "online"
    assert classify("集中培训", "市级骨干教师集中培训")[:2] == ("concentrated", {"backbone"})
    assert classify("任职资格培训", "新任校长任职资格培训")[1] == {"new_principal"}  # not also 校长 management
    assert classify("班级管理", None)[1] == {"homeroom"}
    assert classify("专题讲座", "读书会") == (None, set(), False)
    rows = [["姓名", "身份证号", "培训项目", "培训日期", "学时"],
            ["甲", JIA, "校本研修", "2014-03-05", 10], ["甲", JIA, "校本研修", None, 7],
            ["甲", None, "校本研修", "2015-01-02", "5学时"]]  # a name-only row joins the one 甲 with an ID
    data = _json(run, xlsx("y.xlsx", {"2013年度": rows}), *DONE)
    years = _person(data, "甲")["years"]
    assert years["2014"] == "10" and years["2013"] == "7" and years["2015"] == "5"
    assert len(data["by_person"]) == 1


def test_sample_lists_who_is_short_with_clauses(run):
    # The sample ledger covers 2022–2026 (it was built when cycles were anchored at the profile's
    # effective year); wenzhou's cycles are now anchored at 2011 (十二五, hours.cycle_start_year),
    # so the default at 2026-11-21 would be 2026–2030 with no completed year: the cycle is given.
    sample = ("--cycle", "2022-2026", "--as-of", "2026-11-21")
    out = run("hours", SAMPLES / "hours.xlsx", *sample)
    assert out.code == 1, out.stderr
    assert "hours.annual_min" in out.stdout and "温教师〔2012〕33号 一、4" in out.stdout
    data = _json(run, SAMPLES / "hours.xlsx", *sample)
    short = {d["name"] for d in _check(data, "hours.annual_min")["details"]}
    assert len(short) == 2 and all(name in out.stdout for name in short)


def _workbook(run, wenzhou, tmp_path):
    target = tmp_path / "hours-annotated.xlsx"
    data = _json(run, wenzhou, *DONE, "--output", target)
    return target, data


def test_annotated_workbook(run, wenzhou, tmp_path):
    import openpyxl

    target, data = _workbook(run, wenzhou, tmp_path)
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames[:3] == ["Summary", "Teachers", "Ledger"] and "Checks" in wb.sheetnames  # --lang en
    ws = wb["Teachers"]
    rows = {r[1].value: r for r in ws.iter_rows(min_row=3) if r[1].value}
    assert set(rows) == {"甲", "乙", "丙"}
    assert rows["甲"][4].value.startswith("=SUMIFS('Ledger'!$N$2:$N$")
    assert rows["丙"][1].fill.fgColor.rgb.endswith("FFC7CE") and not rows["甲"][1].fill.fgColor.rgb.endswith("FFC7CE")
    ledger = list(wb["Ledger"].iter_rows(min_row=2, values_only=True))
    probation = next(r for r in ledger if r[7] == "新教师岗前培训")
    assert probation[13] == 100 and probation[14] == 0 and "not counted toward the cycle" in probation[15]
    days = next(r for r in ledger if r[7] == "市级骨干教师集中培训")
    assert days[12] == "12 天" and days[13] == 96 and days[14] == 1
    assert any(r[4] == "合计" and r[14] == 0 for r in ledger)
    out = run("hours", wenzhou, "--output", wenzhou, "--overwrite", "--lang", "en")
    assert out.code == 2 and "input" in out.stderr


def _workbook_texts(path) -> list[str]:
    """Every text of a workbook: cell values (formulas too) and comments, on every sheet."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    return [v for ws in wb for row in ws.iter_rows() for c in row
            for v in (c.value, c.comment.text if c.comment else None) if isinstance(v, str)]


def test_redacted_workbook_masks_names_and_ids(xlsx, tmp_path):
    import openpyxl

    real = {"甲": "张伟", "乙": "欧阳娜娜", "丙": "李秀英"}  # whole names, so a substring test means something
    ledger = xlsx("ledger.xlsx", {"学时": [[real.get(c, c) for c in row] for row in WENZHOU]})
    roster = xlsx("roster.xlsx", {"r": [["姓名", "身份证号", "单位", "职务"], ["张伟", JIA, "一小", "班主任"],
                                        ["王小明", pid(77), "一小", "教师"]]})  # no hours: counted in a warning
    secrets = list(real.values()) + ["王小明", JIA, YI, BING]
    plain, masked = tmp_path / "plain.xlsx", tmp_path / "masked.xlsx"
    args = dict(cycle="2012-2016", as_of=date(2017, 6, 30), roster=[str(roster)])
    report = hours_run([str(ledger)], output=plain, **args)
    redacted = hours_run([str(ledger)], output=masked, redact=True, **args)
    seen = "\n".join(_workbook_texts(plain))
    assert all(x in seen for x in secrets if x != "王小明")  # messages never name a person
    shown = "\n".join(_workbook_texts(masked))
    assert not [x for x in secrets if x in shown]
    assert "欧阳**" in shown and "350505********" in shown
    teachers = [openpyxl.load_workbook(p)["教师"] for p in (plain, masked)]
    assert [[c.value for c in r if str(c.value).startswith(("=", "P0"))] for r in teachers[0].iter_rows()] == \
        [[c.value for c in r if str(c.value).startswith(("=", "P0"))] for r in teachers[1].iter_rows()]
    assert [p["name"] for p in redacted.by_person] == [p["name"] for p in report.by_person]  # the caller masks it


@pytest.mark.libreoffice
def test_annotated_workbook_recalculates(run, wenzhou, tmp_path, soffice):
    import openpyxl

    target, data = _workbook(run, wenzhou, tmp_path)
    ws = openpyxl.load_workbook(soffice(target, "xlsx"), data_only=True)["Teachers"]
    for r in ws.iter_rows(min_row=3, values_only=True):
        if not r[1]:
            continue
        p = _person(data, r[1])
        assert f"{r[4]:g}" == p["cycle_total"] and f"{r[5]:g}" == p["school_based"]
        assert [f"{v:g}" for v in r[7:12]] == list(p["years"].values())


# ------------------------------------------------------------------ reviewer's findings

def test_a_unit_written_in_the_cell_decides_how_it_is_read(run, xlsx):
    # wenzhou: 1 day = 8 hours.  "12天" in 学时 is 96 hours, "96学时" in 天数 is 96 hours (not 768);
    # "3周" is no unit ttcalc can convert: refused, with a warning.
    rows = [HEAD, ["一小", "甲", pid(61), "集中研修", "集中", 2013, "12天", None],
            ["一小", "乙", pid(62), "集中研修", "集中", 2013, None, "96学时"],
            ["一小", "丙", pid(63), "集中研修", "集中", 2013, "90", None],
            ["一小", "丁", pid(64), "集中研修", "集中", 2013, "3周", None]]
    data = _json(run, xlsx("units.xlsx", {"s": rows}), *DONE)
    got = {p["name"]: (p["cycle_total"], p["concentrated_max_course"]) for p in data["by_person"]}
    assert got == {"甲": ("96", "96"), "乙": ("96", "96"), "丙": ("90", "90"), "丁": ("0", "0")}
    assert sorted(w["row"] for w in data["warnings"] if w["code"] == "unit_in_cell") == [2, 3]
    assert any(w["code"] == "hours_not_a_number" and w["row"] == 5 for w in data["warnings"])


DATED = ["单位", "姓名", "身份证号", "培训项目", "培训类型", "学时", "培训日期"]


def test_same_named_courses_on_different_dates_are_two_courses(run, xlsx):
    # 一次不少于90学时 is one course: two 45-hour courses on different dates are not one, nor are two
    # rows named only by the type word (集中培训); the same name on the same date is one course.
    rows = [DATED, ["一小", "甲", pid(65), "集中培训", "集中", 45, "2013-03-10"],
            ["一小", "甲", pid(65), "集中培训", "集中", 45, "2013-10-10"],
            ["一小", "乙", pid(66), "暑期学科研修班", "集中", 45, "2013-03-10"],
            ["一小", "乙", pid(66), "暑期学科研修班", "集中", 45, "2013-10-10"],
            ["一小", "丙", pid(67), "暑期学科研修班", "集中", 45, "2013-07-10"],
            ["一小", "丙", pid(67), "暑期学科研修班", "集中", 45, "2013-07-10"],
            ["一小", "丁", pid(68), "集中培训", "集中", 45, "2013-07-10"],
            ["一小", "丁", pid(68), "集中培训", "集中", 45, "2013-07-10"]]
    data = _json(run, xlsx("dates.xlsx", {"s": rows}), *DONE)
    got = {p["name"]: p["concentrated_max_course"] for p in data["by_person"]}
    assert got == {"甲": "45", "乙": "45", "丙": "90", "丁": "45"}


def test_rows_after_as_of_are_not_counted(run, xlsx, tmp_path):
    import openpyxl

    # cycle 2012–2016 at 2015-06-30: a row dated 2015-09-01 and a row of 年度 2016 have not happened yet
    rows = [["单位", "姓名", "身份证号", "培训项目", "培训类型", "学时", "培训日期", "年度"],
            ["一小", "甲", pid(69), "校本研修", "校本", 24, "2015-03-01", None],
            ["一小", "甲", pid(69), "校本研修", "校本", 24, "2015-09-01", None],
            ["一小", "甲", pid(69), "网络研修", "网络", 100, None, 2016],
            ["一小", "甲", pid(69), "网络研修", "网络", 10, None, 2015]]
    target = tmp_path / "future-annotated.xlsx"
    data = _json(run, xlsx("future.xlsx", {"s": rows}), *RUNNING, "--output", target)
    jia = _person(data, "甲")
    assert jia["cycle_total"] == "34" and jia["school_based"] == "24"
    assert jia["years"]["2015"] == "34" and jia["years"]["2016"] == "0"
    assert data["figures"]["hours_total"] == "34" and data["figures"]["rows_not_counted"] == 2
    assert sorted(w["row"] for w in data["warnings"] if w["code"] == "after_as_of") == [3, 4]
    ledger = list(openpyxl.load_workbook(target)["Ledger"].iter_rows(min_row=2, values_only=True))
    later = [r for r in ledger if r[14] == 0]
    assert len(later) == 2 and all("after as-of 2015-06-30" in r[15] for r in later)


def test_default_cycle_is_anchored_at_the_twelfth_five_year_plan(run, xlsx):
    # wenzhou-2012 一、3 puts the 5-year, 360-hour cycle in 十二五 (2011–2015): 2011–15, 2016–20, 2021–25 …
    rows = [HEAD, ["一小", "甲", JIA, "校本研修", "校本", 2021, 48, None]]
    ledger = xlsx("anchor.xlsx", {"s": rows})
    for as_of, cycle in (("2015-06-30", (2011, 2015)), ("2016-03-01", (2016, 2020)), ("2024-06-30", (2021, 2025))):
        data = _json(run, ledger, "--as-of", as_of)
        assert (data["figures"]["cycle_start"], data["figures"]["cycle_end"]) == cycle
    assert "hours.cycle_start_year = 2011" in data["definitions"]["cycle"]
    assert "一、3" in data["definitions"]["cycle"]
    shanxi = _json(run, ledger, "--policy", "shanxi-2023", "--as-of", "2024-06-30")
    assert (shanxi["figures"]["cycle_start"], shanxi["figures"]["cycle_end"]) == (2023, 2027)
    assert "ttcalc's choice" in shanxi["definitions"]["cycle"] and "2023-05-04" in shanxi["definitions"]["cycle"]


def test_new_teacher_within_one_year_by_exact_dates(run, xlsx):
    # cycle 2017–2021 judged at 2021-12-31: 教龄在一年以内 by exact dates, not whole years.
    #  甲 started 2020-01-15: 1 year 11 months -> not a new teacher (whole years said 1, within the limit)
    #  乙 started 2020-12-31: exactly one year on 2021-12-31 -> within ("以内" includes the bound)
    #  丙 started 2021-03-01 -> a new teacher
    rows = [HEAD] + [["一中", n, pid(70 + k), "网络研修", "网络", 2021, 10, None] for k, n in enumerate("甲乙丙")]
    roster = [["姓名", "身份证号", "单位", "参加工作时间"], ["甲", pid(70), "一中", "2020-01-15"],
              ["乙", pid(71), "一中", "2020-12-31"], ["丙", pid(72), "一中", "2021-03-01"]]
    data = _json(run, xlsx("nt.xlsx", {"s": rows}), "--roster", xlsx("ntr.xlsx", {"r": roster}),
                 "--cycle", "2017-2021", "--as-of", "2021-12-31")
    roles = {p["name"]: p.get("roles", []) for p in data["by_person"]}
    assert roles == {"甲": [], "乙": ["new_teacher"], "丙": ["new_teacher"]}
    assert {d["name"] for d in _check(data, "hours.cycle_total")["details"]} == {"甲"}


def test_courses_for_mentors_and_trainers_of_new_teachers_are_not_probation(run, xlsx):
    assert classify("集中培训", "新教师导师培训")[1] == set()
    assert classify(None, "新任教师培训者研修班")[:2] == ("concentrated", set())
    assert classify("集中培训", "见习教师指导教师培训")[1] == set()
    assert classify("新教师培训", "新教师岗前培训")[1] == {"probation"}
    # with a roster, a course read as probation is excluded only for a new teacher: 老 (working
    # since 2000) did a 新教师岗前培训-named course in 2013, which counts; 外 is not on the roster: excluded.
    rows = [HEAD, ["一小", "老", pid(81), "新教师导师培训", "集中培训", 2013, 90, None],
            ["一小", "老", pid(81), "新教师岗前培训（带教）", "新教师培训", 2014, 20, None],
            ["一小", "老", pid(81), "新教师岗前培训", "新教师培训", 2015, 30, None],
            ["一小", "外", pid(82), "新教师岗前培训", "新教师培训", 2015, 30, None],
            ["一小", "外", pid(82), "校本研修", "校本", 2015, 24, None]]
    roster = [["姓名", "身份证号", "单位", "参加工作时间"], ["老", pid(81), "一小", "2000-08-01"]]
    data = _json(run, xlsx("mentor.xlsx", {"s": rows}), "--roster", xlsx("mr.xlsx", {"r": roster}), *DONE)
    lao, wai = _person(data, "老"), _person(data, "外")
    assert lao["cycle_total"] == "140" and lao["concentrated_max_course"] == "90" and "excluded_hours" not in lao
    assert wai["cycle_total"] == "24" and wai["excluded_hours"] == "30"
    assert [w["row"] for w in data["warnings"] if w["code"] == "probation_counted"] == [4]
    without = _json(run, xlsx("mentor2.xlsx", {"s": rows}), *DONE)  # no roster: the course name decides
    assert _person(without, "老")["cycle_total"] == "110" and _person(without, "老")["excluded_hours"] == "30"
