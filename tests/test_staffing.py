"""`ttcalc staffing`: figures, checks at their thresholds, hire screening, remedies that work,
the annotated workbook and its LibreOffice recalculation."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

import pytest

from builders import make_id
from ttcalc.policy.profile import load_profile
from ttcalc.api import staffing as staffing_run
from ttcalc.staffing.hires import _condition
from ttcalc.staffing.people import Person, _birth, minus_years, whole_years
from ttcalc.staffing.remedies import share_remedy

AS_OF = date(2024, 12, 31)
HEAD = ["序号", "姓名", "身份证号", "出生年月", "参加工作时间", "调入本校时间", "调出时间", "最高学历", "专业技术职务",
        "岗位类别", "专职/兼职", "荣誉称号"]
PT_HEAD = ["序号", "姓名", "工作单位", "职称"]
FIRST_ROW = 3  # title line, header, then people


def pid(born: date, i: int) -> str:
    return make_id(born, i)


def person(title="高级教师", edu="大学本科", born=date(1980, 5, 5), joined=date(2010, 9, 1), left=None,
           category="专任教师", emp="专职", honour=None, birth_col="id", work=date(2002, 8, 1), id_=True, grade=None):
    return dict(title=title, edu=edu, born=born, joined=joined, left=left, category=category, emp=emp, honour=honour,
                birth_col=birth_col, work=work, id_=id_, grade=grade)


def teachers(n, **kw):
    return [person(**kw) for _ in range(n)]


def write_roster(path, people, pt=0, head=HEAD, extra_sheets=None):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "在职教职工"
    ws.append(["2024年教职工花名册"])
    ws.append(head)
    for i, p in enumerate(people, start=1):
        born = p["born"]
        birth = {"id": None, "column": born, "month": born.strftime("%Y.%m")}.get(p["birth_col"], p["birth_col"])
        row = {"序号": i, "姓名": f"教师{i:03d}", "身份证号": pid(born, i) if p["id_"] else None, "出生年月": birth,
               "参加工作时间": p["work"], "调入本校时间": p["joined"], "调出时间": p["left"], "最高学历": p["edu"],
               "专业技术职务": p["title"], "岗位类别": p["category"], "专职/兼职": p["emp"], "荣誉称号": p["honour"],
               "专业技术岗位等级": p["grade"]}
        ws.append([row[h] for h in head])
    if pt:
        sh = wb.create_sheet("兼职教师名单")
        sh.append(["兼职教师名单"])
        sh.append(PT_HEAD)
        for k in range(pt):
            sh.append([k + 1, f"兼职{k:03d}", f"第{k}小学", "一级教师"])
    for name, rows in (extra_sheets or {}).items():
        sh = wb.create_sheet(name)
        for r in rows:
            sh.append(r)
    wb.save(path)
    return path


@pytest.fixture
def staff(run, tmp_path):
    """staff(people, pt=0, *args) -> (exit code, JSON, {check id: check})."""
    counter = [0]

    def _staff(people, pt=0, *args, head=HEAD):
        counter[0] += 1
        path = write_roster(tmp_path / f"roster{counter[0]}.xlsx", people, pt, head)
        ran = run("staffing", path, "--as-of", AS_OF.isoformat(), "--format", "json", "--lang", "en", *args)
        assert ran.code in (0, 1), ran.stderr
        data = ran.json()
        return ran.code, data, {c["id"]: c for c in data["checks"]}

    return _staff


# ============================================================================ thresholds, exactly

@pytest.mark.parametrize("mid,status,actual", [(53, "fail", "0.8833"), (54, "pass", "0.9000"), (55, "pass", "0.9167")])
def test_mid_senior_share_at_the_threshold(staff, mid, status, actual):
    people = teachers(mid, title="一级教师") + teachers(60 - mid, title="二级教师")
    _, data, checks = staff(people)
    c = checks["title.mid_senior_share"]
    assert (c["status"], c["actual"], c["required"]) == (status, actual, ">= 0.90")
    assert c["inputs"] == {"title_mid_senior": mid, "fulltime_teachers": 60}
    assert c["citation"] == "泉港政办〔2022〕25号 四（二）" and c["formula"]
    assert data["figures"]["title_mid_senior_share"] == actual


@pytest.mark.parametrize("senior,status,actual", [(29, "fail", "0.4833"), (30, "pass", "0.5000"), (31, "pass", "0.5167")])
def test_senior_share_at_the_threshold(staff, senior, status, actual):
    people = teachers(senior, title="正高级教师" if senior % 2 else "中学高级教师") + teachers(60 - senior, title="小学高级教师")
    _, data, checks = staff(people)
    assert checks["title.senior_share"]["status"] == status
    assert data["figures"]["title_senior_share"] == actual
    assert data["figures"]["title_levels"]["中级"] == 60 - senior  # 小学高级教师 is 中级, not 高级


@pytest.mark.parametrize("n_teachers,n_others,status", [(17, 3, "pass"), (17, 4, "fail"), (18, 3, "pass")])
def test_fulltime_share_at_the_threshold(staff, n_teachers, n_others, status):
    people = teachers(n_teachers) + [person(category=c) for c in (["管理人员", "教辅人员", "工勤人员", "行政人员"] * 2)[:n_others]]
    _, data, checks = staff(people)
    assert data["figures"]["staff_total"] == n_teachers + n_others
    assert data["figures"]["fulltime_teachers"] == n_teachers
    assert checks["staff.fulltime_share"]["status"] == status


@pytest.mark.parametrize("pt,status", [(9, "fail"), (10, "pass"), (11, "pass")])
def test_parttime_ratio_from_a_separate_sheet(staff, pt, status):
    _, data, checks = staff(teachers(10), pt)
    assert data["figures"]["parttime_teachers"] == pt
    assert data["figures"]["staff_total"] == 10  # part-time teachers are not staff
    c = checks["staff.parttime_ratio"]
    assert c["status"] == status and c["required"] == ">= 1"
    assert (c["remedy"] is None) == (status == "pass")


def test_parttime_by_employment_column(staff):
    people = teachers(8) + teachers(3, emp="兼职") + teachers(1, emp="外聘")
    _, data, _ = staff(people)
    f = data["figures"]
    assert (f["fulltime_teachers"], f["parttime_teachers"], f["staff_total"]) == (8, 4, 8)
    assert f["parttime_ratio"] == "0.5000"


@pytest.mark.parametrize("hires,status", [(2, "fail"), (3, "pass"), (5, "pass"), (6, "fail")])
def test_renewal_band(staff, hires, status):
    people = teachers(hires, joined=date(2021, 9, 1), work=date(2010, 8, 1)) + teachers(20 - hires)
    _, data, checks = staff(people)
    assert data["figures"]["hires_5y"] == hires
    c = checks["staff.renewal_5y"]
    assert c["status"] == status and c["required"] == "about 0.20 ± 0.05"
    if hires == 6:
        assert "above the band" in c["remedy"] and "1 too many" in c["remedy"]


def test_five_year_window_boundaries(staff):
    people = [person(joined=date(2019, 12, 31)),  # as-of minus 5 years: outside (exclusive)
              person(joined=date(2020, 1, 1)),  # inside
              person(joined=AS_OF),  # inside (inclusive)
              person(joined=date(2025, 1, 1)),  # after as-of: not in post yet
              person(joined=date(2015, 9, 1), left=date(2020, 1, 1)),  # a leaver in the window
              person(joined=date(2015, 9, 1), left=date(2019, 12, 31))]  # left before the window
    _, data, _ = staff(people)
    f = data["figures"]
    assert (f["hires_5y"], f["leavers_5y"], f["fulltime_teachers"]) == (2, 1, 3)
    assert f["renewal_5y"] == "0.6667"


def test_leavers_on_and_after_as_of(staff):
    people = teachers(4) + [person(left=AS_OF), person(left=date(2025, 1, 1)), person(left=date(2024, 1, 31))]
    _, data, _ = staff(people)
    f = data["figures"]
    assert f["staff_total"] == 5  # leave date on/before as-of: out; after as-of: still in post
    assert f["leavers_5y"] == 2


def test_distributions_and_education_shares(staff):
    people = (teachers(2, edu="硕士研究生") + teachers(1, edu="本科/硕士") + teachers(3, edu="大学本科")
              + teachers(2, edu="大专") + teachers(1, edu="中师") + teachers(1, title="未评"))
    _, data, _ = staff(people)
    f = data["figures"]
    assert f["education_levels"]["研究生"] == 2 and f["education_levels"]["本科"] == 5
    assert f["graduate_share"] == "0.2000" and f["bachelor_plus_share"] == "0.7000"
    assert f["title_levels"] == {"正高": 0, "副高": 9, "中级": 0, "初级": 0, "员级": 0, "none": 1}
    for key in ("staff_total", "fulltime_teachers", "parttime_teachers", "fulltime_teacher_share", "title_mid_senior_share",
                "title_senior_share", "parttime_ratio", "renewal_5y", "graduate_share", "bachelor_plus_share",
                "hires_5y", "leavers_5y"):
        assert key in f and key in data["definitions"]


# ============================================================================ warnings

def test_unknown_title_is_a_warning_with_row_and_never_senior(staff):
    people = teachers(9) + [person(title="资深老师")]
    _, data, checks = staff(people)
    assert data["figures"]["title_senior_share"] == "0.9000"
    w = [w for w in data["warnings"] if w["code"] == "unknown_title"]
    assert len(w) == 1 and w[0]["row"] == FIRST_ROW + 9 and "资深老师" in w[0]["message"]


def test_honour_in_title_column_is_flagged(staff):
    _, data, _ = staff(teachers(3) + [person(title="特级教师")])
    w = [w for w in data["warnings"] if w["code"] == "title_is_honour"]
    assert len(w) == 1 and w[0]["row"] == FIRST_ROW + 3
    assert data["figures"]["title_levels"]["none"] == 1


def test_post_grade_column_gives_the_level_when_the_title_is_blank(staff):
    people = [person(title=None, grade="专技7级"), person(title="", grade="10"), person(title="某某职务", grade="专业技术五级"),
              person(title=None, grade="管理七级")]
    _, data, _ = staff(people, head=HEAD + ["专业技术岗位等级"])
    assert data["figures"]["title_levels"] == {"正高": 0, "副高": 2, "中级": 1, "初级": 0, "员级": 0, "none": 1}
    w = [w for w in data["warnings"] if w["code"] == "unknown_title"]
    assert len(w) == 1 and w[0]["row"] == FIRST_ROW + 2 and "岗位等级 is used" in w[0]["message"]


def test_birth_from_column_or_id():
    seen = []

    def run_birth(birth, id_):
        p = Person("f", "s", 3)
        _birth(p, {"birth": birth, "id": id_}, {}, lambda *a: seen.append(a[0]))
        return p.birth, p.birth_precision, p.birth_source

    born = date(1978, 9, 15)
    assert run_birth("1978.09", pid(born, 1)) == (born, "day", "ID")  # the ID refines a month-only column
    assert run_birth("1978-09-15", pid(born, 1)) == (born, "day", "column")
    assert run_birth(None, pid(born, 1)) == (born, "day", "ID")
    assert run_birth("1978.09", None) == (date(1978, 9, 1), "month", "column")
    assert not seen
    assert run_birth("1979-09-15", pid(born, 1)) == (date(1979, 9, 15), "day", "column")
    assert seen == ["birth_mismatch"]


# ============================================================================ not applicable

def test_profile_without_a_rule_is_not_applicable(staff):
    _, _, checks = staff(teachers(5), 5, "--policy", "district-2021")
    c = checks["staff.fulltime_share"]
    assert c["status"] == "not_applicable" and "staff.fulltime_share_min" in c["reason"]
    assert "staff.graduate_count" in checks


def test_missing_columns_are_not_applicable(staff):
    head = [h for h in HEAD if h not in ("岗位类别", "调入本校时间")]
    _, data, checks = staff(teachers(5), 5, head=head)
    assert checks["staff.fulltime_share"]["status"] == "not_applicable"
    assert "岗位类别" in checks["staff.fulltime_share"]["reason"]
    assert checks["staff.renewal_5y"]["status"] == "not_applicable"
    assert checks["hire.eligibility"]["status"] == "not_applicable"
    assert data["figures"]["hires_5y"] is None and data["figures"]["fulltime_teachers"] == 5
    assert any(w["code"] == "no_category" for w in data["warnings"])


# ============================================================================ ages, new hires

@pytest.mark.parametrize("born,age,ok", [(date(1979, 9, 1), 45, True), (date(1978, 9, 2), 45, True),
                                         (date(1978, 9, 1), 46, False)])
def test_whole_years_and_age_limit_inclusive(born, age, ok):
    assert whole_years(born, "day", date(2024, 9, 1)) == (age, age)
    rule = load_profile("quangang-2022").get("hire.age_max")
    p = Person("f", "s", 3, birth=born, birth_precision="day", join=date(2024, 9, 1))
    assert _condition(p, "hire.age_max", rule)[0] == ("pass" if ok else "fail")


def test_month_only_birth_is_a_range():
    assert whole_years(date(1978, 9, 1), "month", date(2024, 9, 15)) == (45, 46)
    assert whole_years(date(1978, 1, 1), "year", date(2024, 12, 31)) == (46, 46)
    assert minus_years(date(2024, 2, 29), 5) == date(2019, 2, 28)


HIRED = date(2024, 9, 1)


def hire(**kw):
    base = dict(joined=HIRED, work=date(2010, 8, 1), born=date(1985, 3, 3))
    base.update(kw)
    return person(**base)


def test_hire_screening(staff):
    people = [
        hire(),  # row 3: compliant
        hire(edu="大专"),  # 4: education
        hire(title="小学一级教师"),  # 5: 初级 < 中级
        hire(work=date(2019, 9, 2)),  # 6: 4 years of teaching
        hire(work=date(2019, 9, 1)),  # 7: exactly 5 years: passes
        hire(born=date(1978, 9, 1)),  # 8: 46 on the hire date
        hire(born=date(1978, 9, 2)),  # 9: 45 on the hire date: passes
        hire(born=date(1974, 1, 1), honour="特级教师"),  # 10: exempt
        hire(born=date(1975, 1, 1), edu="硕士研究生"),  # 11: exempt by 研究生学历
        hire(id_=False),  # 12: no birth date at all: unknown
        hire(born=date(1978, 9, 1), birth_col="month", id_=False),  # 13: 1978.09 → 45 or 46: unknown
        hire(born=date(1960, 1, 1), joined=date(2020, 9, 1)),  # 14: joined before the profile took effect
    ]
    code, data, checks = staff(people + teachers(8))
    c = checks["hire.eligibility"]
    assert code == 1 and c["status"] == "fail"
    assert c["inputs"]["hires"] == 11 and c["inputs"]["hired_since"] == "2022-08-24"
    by_row = {d["row"]: d for d in c["details"]}
    assert set(by_row) == {4, 5, 6, 8, 10, 11, 12, 13}

    def failed(row):
        return {(x["condition"], x["status"]) for x in by_row[row]["conditions"]}

    assert failed(4) == {("education", "fail")}
    assert failed(5) == {("title", "fail")}
    assert failed(6) == {("teaching_years", "fail")}
    assert failed(8) == {("age", "fail")} and by_row[8]["conditions"][0]["value"] == "46"
    assert by_row[10]["status"] == "exempt" and by_row[10]["exempt_by"] == "特级教师"
    assert by_row[11]["status"] == "exempt" and by_row[11]["exempt_by"] == "研究生学历"
    assert by_row[12]["status"] == "unknown" and failed(12) == {("age", "unknown")}
    assert by_row[13]["status"] == "unknown" and by_row[13]["conditions"][0]["value"] == "45–46"
    assert c["inputs"]["fail"] == 4 and c["inputs"]["unknown"] == 2 and c["inputs"]["exempt"] == 2
    assert "exempt" in c["actual"] and c["remedy"]


def test_hired_since_option(staff):
    people = [hire(born=date(1960, 1, 1), joined=date(2020, 9, 1))] + teachers(5)
    _, _, checks = staff(people)
    assert checks["hire.eligibility"]["status"] == "pass" and checks["hire.eligibility"]["inputs"]["hires"] == 0
    _, _, checks = staff(people, 0, "--hired-since", "2020-01-01")
    c = checks["hire.eligibility"]
    assert c["status"] == "fail" and c["details"][0]["row"] == FIRST_ROW


def test_age_from_id_birthday_on_the_as_of_date(run, tmp_path):
    from openpyxl import load_workbook

    people = [person(born=date(1984, 12, 31)), person(born=date(1985, 1, 1)),
              person(born=date(1984, 12, 31), birth_col="column", id_=False)]
    path = write_roster(tmp_path / "r.xlsx", people)
    out = tmp_path / "out.xlsx"
    ran = run("staffing", path, "--as-of", AS_OF, "-o", out, "--format", "json")
    assert ran.code in (0, 1), ran.stderr
    ws = load_workbook(out)["人员"]
    head = [c.value for c in ws[1]]
    age, src = head.index("年龄"), head.index("年龄来源")
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [(r[age], r[src]) for r in rows] == [(40, "身份证号"), (39, "身份证号"), (40, "出生日期列")]  # worded (zh)


# ============================================================================ remedies that work

def _numbers(remedy: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", remedy)]


def test_remedy_text_zh_and_en(staff):
    people = teachers(7) + teachers(13, title="一级教师")
    _, data, checks = staff(people, 6, "--lang", "zh")
    r = data["remedies"]["title.senior_share"]
    assert checks["title.senior_share"]["remedy"] == \
        f"需再有 {r['promote']} 名高级职称专任教师（或减少 {r['remove']} 名非高级，或新聘 {r['hire']} 名高级职称专任教师）"
    assert (r["promote"], r["remove"], r["hire"]) == (3, 6, 6)
    assert checks["staff.parttime_ratio"]["remedy"] == "需再聘 14 名兼职教师"
    _, _, checks = staff(people, 6, "--lang", "en")
    assert checks["title.senior_share"]["remedy"].startswith("3 more senior-titled full-time teachers needed")
    assert "6 fewer non-senior" in checks["title.senior_share"]["remedy"]


SENIOR, LOW = dict(title="高级教师"), dict(title="二级教师")


@pytest.mark.parametrize("check_id,n_num,n_rest,num_kw,rest_kw", [
    ("title.senior_share", 7, 13, SENIOR, LOW),
    ("title.senior_share", 1, 30, SENIOR, LOW),
    ("title.mid_senior_share", 15, 5, SENIOR, LOW),
    ("title.mid_senior_share", 40, 7, dict(title="一级教师"), LOW),
    ("staff.fulltime_share", 12, 5, {}, dict(category="管理人员")),
    ("staff.fulltime_share", 30, 9, {}, dict(category="工勤人员")),
])
def test_share_remedies_applied_pass_and_one_fewer_fails(staff, check_id, n_num, n_rest, num_kw, rest_kw):
    base_num, base_rest = teachers(n_num, **num_kw), teachers(n_rest, **rest_kw)
    _, data, checks = staff(base_num + base_rest)
    assert checks[check_id]["status"] == "fail"
    r = data["remedies"][check_id]
    assert all(r[k] is not None and r[k] > 0 for k in ("promote", "remove", "hire")), r
    assert set(_numbers(checks[check_id]["remedy"])) >= {r["promote"], r["remove"], r["hire"]}
    promoted = dict(num_kw) if num_kw else dict(category="专任教师")
    variants = {
        "promote": lambda k: base_num + teachers(k, **{**rest_kw, **promoted}) + teachers(n_rest - k, **rest_kw),
        "remove": lambda k: base_num + teachers(n_rest - k, **rest_kw),
        "hire": lambda k: base_num + teachers(k, **num_kw) + base_rest,
    }
    for how, build in variants.items():
        _, _, after = staff(build(r[how]))
        assert after[check_id]["status"] == "pass", (how, r[how])
        _, _, short = staff(build(r[how] - 1))
        assert short[check_id]["status"] == "fail", (how, r[how] - 1)


@pytest.mark.parametrize("ft,pt", [(10, 6), (23, 0), (7, 6)])
def test_parttime_remedy_applied(staff, ft, pt):
    _, data, _ = staff(teachers(ft), pt)
    x = data["remedies"]["staff.parttime_ratio"]["hire_parttime"]
    assert x == ft - pt
    assert staff(teachers(ft), pt + x)[2]["staff.parttime_ratio"]["status"] == "pass"
    assert staff(teachers(ft), pt + x - 1)[2]["staff.parttime_ratio"]["status"] == "fail"


@pytest.mark.parametrize("old,hires", [(19, 1), (30, 0), (12, 1)])
def test_renewal_remedy_applied(staff, old, hires):
    recent = dict(joined=date(2023, 9, 1), work=date(2010, 8, 1))
    _, data, checks = staff(teachers(old) + teachers(hires, **recent))
    assert checks["staff.renewal_5y"]["status"] == "fail"
    x = data["remedies"]["staff.renewal_5y"]["hire"]
    assert staff(teachers(old) + teachers(hires + x, **recent))[2]["staff.renewal_5y"]["status"] == "pass"
    assert staff(teachers(old) + teachers(hires + x - 1, **recent))[2]["staff.renewal_5y"]["status"] == "fail"
    target = data["remedies"]["staff.renewal_5y"]["hire_to_target"]
    assert Fraction(hires + target, old + hires + target) >= Fraction(1, 5) > Fraction(hires + target - 1,
                                                                                     old + hires + target - 1)


def test_graduate_count_remedy_applied(staff):
    base = teachers(2, edu="博士") + teachers(8)
    _, data, checks = staff(base, 10, "--policy", "district-2021")
    c = checks["staff.graduate_count"]
    assert c["status"] == "fail" and c["actual"] == "2" and c["required"] == ">= 4"
    x = data["remedies"]["staff.graduate_count"]["promote"]
    assert x == 2
    fixed = teachers(2 + x, edu="博士") + teachers(8 - x)
    assert staff(fixed, 10, "--policy", "district-2021")[2]["staff.graduate_count"]["status"] == "pass"
    short = teachers(1 + x, edu="博士") + teachers(9 - x)
    assert staff(short, 10, "--policy", "district-2021")[2]["staff.graduate_count"]["status"] == "fail"


def test_share_remedy_arithmetic_is_exact():
    rule = load_profile("quangang-2022").get("title.mid_senior_share_min")
    assert share_remedy(54, 60, rule) == {"promote": 0, "remove": 0, "hire": 0}
    assert share_remedy(53, 60, rule) == {"promote": 1, "remove": 2, "hire": 10}


# ============================================================================ end to end

def test_all_pass_exits_zero(staff):
    people = teachers(16) + teachers(4, joined=date(2023, 9, 1), work=date(2012, 8, 1), born=date(1988, 1, 1)) \
        + [person(category="管理人员"), person(category="教辅人员")]
    code, data, checks = staff(people, 20)
    assert {c["status"] for c in checks.values()} == {"pass"}, {k: c["status"] for k, c in checks.items()}
    assert code == 0


def test_sample_roster_table_and_json(run, tmp_path):
    assert run("sample", tmp_path).code == 0
    ran = run("staffing", tmp_path / "roster.xlsx", "--as-of", "2026-09-30", "--lang", "en")
    assert ran.code == 1, ran.stderr
    json_ran = run("staffing", tmp_path / "roster.xlsx", "--as-of", "2026-09-30", "--format", "json", "--lang", "en")
    data = json_ran.json()
    for c in data["checks"]:
        assert c["id"] in ran.stdout
        if c["status"] != "not_applicable":
            assert c["citation"] and "四（二）" in c["citation"]
        if c["status"] == "fail":
            assert c["remedy"] and f"{c['id']}: {c['remedy']}" in ran.stdout
    assert {"staff.fulltime_share", "title.mid_senior_share", "title.senior_share", "staff.parttime_ratio",
            "staff.renewal_5y", "hire.eligibility"} <= {c["id"] for c in data["checks"]}
    f = data["figures"]
    # 27 part-time rows, one person twice (rows 21 and 29 of 兼职教师名单): counted once (issue 13.6)
    assert (f["staff_total"], f["fulltime_teachers"], f["parttime_teachers"]) == (41, 35, 26)
    assert f["title_levels"]["中级"] == 14  # 小学高级教师 ×4 counted as 中级
    assert data["definitions"]["renewal_5y"]


# ============================================================================ annotated workbook

def test_workbook_refuses_inputs_and_existing(run, tmp_path):
    path = write_roster(tmp_path / "r.xlsx", teachers(3))
    before = path.read_bytes()
    ran = run("staffing", path, "-o", path)
    assert ran.code == 2 and "input" in ran.stderr and path.read_bytes() == before
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep")
    assert run("staffing", path, "-o", out).code == 2 and out.read_bytes() == b"keep"
    assert run("staffing", path, "-o", out, "--overwrite").code in (0, 1) and out.read_bytes() != b"keep"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_workbook_flags_and_comments(run, tmp_path):
    from openpyxl import load_workbook

    people = [hire(edu="大专"), person(title="资深老师")] + teachers(5)
    path = write_roster(tmp_path / "r.xlsx", people)
    out = tmp_path / "out.xlsx"
    assert run("staffing", path, "--as-of", AS_OF, "-o", out).code == 1
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["汇总", "人员"]
    ws = wb["人员"]
    head = [c.value for c in ws[1]]
    flags, name = head.index("标记") + 1, head.index("姓名") + 1
    assert "hire.education_min" in ws.cell(2, flags).value and "四（二）" in ws.cell(2, flags).value
    assert "hire.education_min" in ws.cell(2, name).comment.text
    assert ws.cell(2, name).fill.fgColor.rgb.endswith("FFC7CE")
    assert "资深老师" in ws.cell(3, name).comment.text
    assert ws.cell(4, flags).value is None and ws.cell(4, name).comment is None
    summary = wb["汇总"]
    formulas = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert any("COUNTIFS" in f for f in formulas)
    assert summary._charts


def _workbook_texts(path) -> list[str]:
    """Every text of a workbook: cell values (formulas too) and comments, on every sheet."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [v for ws in wb for row in ws.iter_rows() for c in row
            for v in (c.value, c.comment.text if c.comment else None) if isinstance(v, str)]


def _formulas(path, sheet) -> list[str]:
    from openpyxl import load_workbook

    return [c.value for row in load_workbook(path)[sheet].iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith("=")]


REAL_NAMES = ["张伟", "欧阳娜娜", "李秀英", "王小明", "司马相如", "陈静", "刘洋", "黄志强"]


def test_redacted_workbook_masks_every_name(tmp_path):
    from openpyxl import load_workbook

    people = [hire(edu="大专"), person(title="资深老师"), hire(born=date(1960, 1, 1))] + teachers(4)
    path = write_roster(tmp_path / "r.xlsx", people, pt=1)
    wb = load_workbook(path)  # real names, compound surnames too, instead of 教师001 …
    for r, name in enumerate(REAL_NAMES[:len(people)], start=FIRST_ROW):
        wb["在职教职工"].cell(r, HEAD.index("姓名") + 1, name)
    wb["兼职教师名单"].cell(3, PT_HEAD.index("姓名") + 1, REAL_NAMES[-1])
    wb.save(path)
    ids = [pid(p["born"], i) for i, p in enumerate(people, start=1)]
    plain, masked = tmp_path / "plain.xlsx", tmp_path / "masked.xlsx"
    report = staffing_run([str(path)], as_of=AS_OF, output=plain)
    redacted = staffing_run([str(path)], as_of=AS_OF, output=masked, redact=True)
    seen = "\n".join(_workbook_texts(plain))
    assert all(name in seen for name in REAL_NAMES)  # the workbook has no ID column: IDs are never in it
    assert not [x for x in REAL_NAMES + ids if x in "\n".join(_workbook_texts(masked))]
    shown = "\n".join(_workbook_texts(masked))
    assert "张*" in shown and "欧阳**" in shown and "司马**" in shown
    assert _formulas(masked, "汇总") == _formulas(plain, "汇总")
    hires = next(c for c in redacted.checks if c.id == "hire.eligibility")  # the Report itself is the caller's
    assert REAL_NAMES[0] in {d["name"] for d in hires.details} and redacted.figures == report.figures


def test_libreoffice_recalculates_the_summary_like_the_json(run, tmp_path, soffice):
    from openpyxl import load_workbook

    recent = dict(joined=date(2023, 9, 1), work=date(2012, 8, 1), born=date(1988, 1, 1))
    people = (teachers(7) + teachers(5, title="小学高级教师", edu="大专") + teachers(3, **recent)
              + teachers(2, edu="硕士") + [person(left=date(2022, 7, 1)), person(category="管理人员"),
                                           person(category="工勤人员", title=None), person(title="资深老师"),
                                           person(joined=date(2019, 12, 31)), person(joined=AS_OF),  # window edges
                                           person(left=AS_OF), person(left=date(2019, 12, 31)),
                                           person(joined=date(2025, 1, 1))])  # not in post yet
    path = write_roster(tmp_path / "r.xlsx", people, pt=9)
    out = tmp_path / "out.xlsx"
    ran = run("staffing", path, "--as-of", AS_OF, "-o", out, "--format", "json")
    assert ran.code in (0, 1), ran.stderr
    data = ran.json()
    # drop every cached formula value, so only a recalculation can fill the cells in
    stripped = tmp_path / "stripped.xlsx"
    load_workbook(out).save(stripped)
    assert load_workbook(stripped, data_only=True)["汇总"]["C5"].value is None
    ws = load_workbook(soffice(stripped, "xlsx"), data_only=True)["汇总"]
    seen = {}
    for row in ws.iter_rows(min_row=5, values_only=True):
        if row[1] in data["figures"]:
            seen[row[1]] = row[2]
    figures = {k: v for k, v in data["figures"].items() if not isinstance(v, dict)}
    assert set(seen) == set(figures)
    for key, value in figures.items():
        if isinstance(value, int):
            assert seen[key] == value, key
        else:
            assert f"{seen[key]:.4f}" == value, key
    verdicts = {row[1]: row[5] for row in ws.iter_rows(min_row=5, values_only=True) if row[5] in ("✔", "✘")}
    checks = {c["id"]: c["status"] for c in data["checks"]}
    assert verdicts["title_senior_share"] == ("✔" if checks["title.senior_share"] == "pass" else "✘")
    assert verdicts["renewal_5y"] == ("✔" if checks["staff.renewal_5y"] == "pass" else "✘")
    from ttcalc.output.render.report import term

    worded = {term(k, "zh"): v for k, v in data["figures"]["title_levels"].items()}  # the sheet counts the words
    levels = {row[1]: row[2] for row in ws.iter_rows(min_row=5, values_only=True) if row[1] in worded}
    assert levels == worded


def test_a_payroll_is_not_a_roster(tmp_path):
    from typer.testing import CliRunner

    from conftest import SAMPLES
    from ttcalc.cli import app

    out = CliRunner().invoke(app, ["staffing", str(SAMPLES / "payroll.xlsx"), "--lang", "en"])
    assert out.exit_code == 2 and "not a roster" in out.stderr and out.stdout == ""


# ============================================================================ review fixes

def test_zhongxiaoxue_short_titles_in_figures_and_hire_screening(staff):
    """中小学高级 is 副高 and 中小学一级 中级 — not the old 小学 levels one lower — in the shares and in
    the title condition of hire.eligibility."""
    recent = dict(joined=date(2023, 9, 1), work=date(2010, 8, 1), born=date(1988, 1, 1))
    people = teachers(4, title="中小学高级") + teachers(3, title="中小学一级") + teachers(2, title="中小学教师高级") \
        + teachers(1, title="中小学高级职称") + [person(title="中小学一级", **recent),
                                              person(title="中小学二级", **recent)]
    _, data, checks = staff(people, 12)
    f = data["figures"]
    assert f["title_levels"] == {"正高": 0, "副高": 7, "中级": 4, "初级": 1, "员级": 0, "none": 0}
    assert f["title_senior_share"] == "0.5833" and f["title_mid_senior_share"] == "0.9167"
    assert not [w for w in data["warnings"] if w["code"].endswith("_title")]
    hire = checks["hire.eligibility"]
    assert hire["inputs"]["hires"] == 2 and hire["inputs"]["fail"] == 1
    (bad,) = hire["details"]
    assert [(c["condition"], c["value"]) for c in bad["conditions"]] == [("title", "初级")]


def test_parttime_list_as_its_own_file_named_so(run, tmp_path):
    from openpyxl import Workbook

    roster = write_roster(tmp_path / "roster.xlsx", teachers(5))
    wb = Workbook()
    ws = wb.active  # sheet "Sheet": only the file name says these are part-time teachers
    ws.append(PT_HEAD)
    for k in range(5):
        ws.append([k + 1, f"兼职{k}", "某校", "一级教师"])
    wb.save(tmp_path / "兼职教师名单.xlsx")
    ran = run("staffing", roster, tmp_path / "兼职教师名单.xlsx", "--as-of", AS_OF.isoformat(), "--format", "json",
              "--lang", "en")
    data = ran.json()
    f = data["figures"]
    assert (f["staff_total"], f["fulltime_teachers"], f["parttime_teachers"]) == (5, 5, 5)
    assert {c["id"]: c["status"] for c in data["checks"]}["staff.parttime_ratio"] == "pass"
    (w,) = [w for w in data["warnings"] if w["code"] == "sheet_groups"]
    assert "[Sheet] → part-time teachers (file name)" in w["message"]


def test_sheets_named_by_category_without_a_category_column(run, tmp_path):
    from builders import make_xlsx

    head = ["姓名", "身份证号", "专业技术职务", "最高学历", "调入本校时间"]
    born = date(1980, 1, 1)
    path = make_xlsx(tmp_path / "r.xlsx", {
        "专任教师": [head] + [[f"T{i}", pid(born, i), "高级教师", "本科", date(2010, 1, 1)] for i in range(9)],
        "行政工勤人员": [head] + [[f"A{i}", pid(born, 100 + i), "无", "大专", date(2010, 1, 1)] for i in range(3)],
        "兼职教师名单": [["姓名", "工作单位"]] + [[f"P{i}", "x"] for i in range(12)]})
    data = run("staffing", path, "--as-of", AS_OF.isoformat(), "--format", "json", "--lang", "en").json()
    f = data["figures"]
    assert (f["staff_total"], f["fulltime_teachers"], f["parttime_teachers"]) == (12, 9, 12)
    assert f["fulltime_teacher_share"] == "0.7500"
    assert {c["id"]: c["status"] for c in data["checks"]}["staff.fulltime_share"] == "fail"
    assert not [w for w in data["warnings"] if w["code"] == "no_category"]
    groups = [w for w in data["warnings"] if w["code"] == "sheet_groups"]
    assert len(groups) == 1
    for part in ("[专任教师] → full-time teacher (专任教师) (sheet name)",  # the English word, the source's beside it
                 "[行政工勤人员] → 管理/工勤, not full-time teacher (专任教师) (sheet name)",
                 "[兼职教师名单] → part-time teachers (sheet name)"):
        assert part in groups[0]["message"]


def test_a_single_sheet_named_teachers_cannot_tell_the_fulltime_share(run, tmp_path):
    from builders import make_xlsx

    head = ["姓名", "专业技术职务", "最高学历"]
    path = make_xlsx(tmp_path / "r.xlsx", {"专任教师": [head] + [[f"T{i}", "高级教师", "本科"] for i in range(5)]})
    data = run("staffing", path, "--as-of", AS_OF.isoformat(), "--format", "json").json()
    assert {c["id"]: c["status"] for c in data["checks"]}["staff.fulltime_share"] == "not_applicable"


def test_prize_exemption_of_district_2021(staff):
    young = dict(joined=date(2023, 9, 1), work=date(2020, 8, 1), born=date(1995, 1, 1), title="二级教师")
    people = teachers(20) + [person(honour="省中小学教师技能大赛二等奖", **young),
                             person(honour="省中小学教师技能大赛一等奖", **young),
                             person(honour="省中小学教师技能大赛三等奖", **young)]
    _, _, checks = staff(people, 30, "--policy", "district-2021", "--hired-since", "2023-01-01")
    hire = checks["hire.eligibility"]
    assert (hire["inputs"]["exempt"], hire["inputs"]["fail"]) == (2, 1)
    exempt = sorted(d["exempt_by"] for d in hire["details"] if d["status"] == "exempt")
    assert exempt == ["省中小学教师技能大赛一等奖", "省中小学教师技能大赛二等奖"]


def test_public_institution_post_categories_and_the_stated_choice(staff):
    people = teachers(17, category="专业技术岗位") + [person(category="管理岗位"), person(category="工勤技能岗位"),
                                                   person(category="管理岗位")]
    _, data, checks = staff(people, 20)
    f = data["figures"]
    assert (f["staff_total"], f["fulltime_teachers"]) == (20, 17)
    assert not [w for w in data["warnings"] if w["code"] == "unknown_category"]
    assert checks["staff.fulltime_share"]["status"] == "pass"
    assert "专业技术岗位 is read as 专任教师" in data["definitions"]["post_category"]


def test_new_hire_remedy_names_the_ratios_it_would_break(staff):
    """17 of 20 at 中级+ fails 0.90; the remedy's 10 new hires meet it but take the part-time
    ratio (20 : 20) and the renewal (4 of 20) out of their rules — the remedy says so, and
    applying it shows it is true."""
    recent = dict(joined=date(2023, 9, 1), work=date(2010, 8, 1), born=date(1988, 1, 1), title="一级教师")
    base = teachers(13, title="一级教师") + teachers(4, **recent) + teachers(3, title="二级教师")
    _, data, checks = staff(base, 20)
    assert {k: checks[k]["status"] for k in ("title.mid_senior_share", "staff.parttime_ratio", "staff.renewal_5y")} \
        == {"title.mid_senior_share": "fail", "staff.parttime_ratio": "pass", "staff.renewal_5y": "pass"}
    r = data["remedies"]["title.mid_senior_share"]
    assert r["hire"] == 10
    assert r["hire_breaks"] == ["staff.parttime_ratio", "staff.renewal_5y"]
    assert checks["title.mid_senior_share"]["remedy"].endswith(
        "; the new-hire option would also make the part-time ratio and the five-year renewal ratio fail")
    after = staff(base + teachers(10, **recent), 20)[2]
    assert after["title.mid_senior_share"]["status"] == "pass"
    assert after["staff.parttime_ratio"]["status"] == "fail" and after["staff.renewal_5y"]["status"] == "fail"
    zh = staff(base, 20, "--lang", "zh")[2]["title.mid_senior_share"]["remedy"]
    assert zh.endswith("；但新聘方案会使兼职教师比例、五年更新率不再达标")
    # nothing passing breaks: no note
    _, data, checks = staff(teachers(17, title="一级教师") + teachers(3, title="二级教师"), 40)
    assert data["remedies"]["title.mid_senior_share"]["hire_breaks"] == []
    assert "new-hire option" not in checks["title.mid_senior_share"]["remedy"]
