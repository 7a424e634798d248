"""Issue 15, the rest: inspect knows activity logs and institution lists, figure labels for the
duties and institutions figures, the placement share stated as ttcalc's own choice, the
district-2021 subject coverage, university and vocational rules of shanxi-2023, and the
LibreOffice recalculation of the duties and institutions workbooks."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from ttcalc.output.render.report import figure_label
from ttcalc.policy.profile import load_profile


def book(path, head, rows, sheet="Sheet1", title=None):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(head)
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


# ------------------------------------------------------------------ inspect: the kind of table

LOGS = [  # (headers, a row) of activity logs in several spellings
    (["姓名", "职务", "活动类型", "日期", "天数", "节数"], ["甲", "教研员", "听课", "2024-03-05", 1, 4]),
    (["教研员姓名", "活动内容", "起止日期", "下校学校"], ["乙", "下校调研", "2024.3.5-3.9", "一中"]),
    (["name", "activity", "date", "days", "school"], ["C", "教研活动", "2024-03-05", "1", "No.1 school"]),
]
LISTS = [
    (["机构名称", "设区市", "评估等级", "认定时间", "是否整合"], ["甲县教师发展中心", "石家庄市", "省级示范", "2015-06-01", "是"]),
    (["序号", "培训机构", "所属市", "认定结果"], [1, "乙县教师进修学校", "保定市", "不达标"]),
]


@pytest.mark.parametrize("head,row", LOGS)
@pytest.mark.parametrize("title", [None, "2024年春季学期教研员下校记录"])
def test_inspect_recognises_an_activity_log(run, tmp_path, head, row, title):
    path = book(tmp_path / "log.xlsx", head, [row, row], title=title)
    r = run("inspect", path, "--format", "json")
    assert r.code == 0, r.stdout
    out = r.json()
    assert out["figures"]["kind"] == "activities"
    assert not [w for w in out["warnings"] if w["code"] == "duplicate_person"]  # a log has many rows a person


@pytest.mark.parametrize("head,row", LISTS)
def test_inspect_recognises_an_institution_list(run, tmp_path, head, row):
    path = book(tmp_path / "list.xlsx", head, [row])
    r = run("inspect", path, "--format", "json")
    assert r.code == 0, r.stdout
    assert r.json()["figures"]["kind"] == "institutions"


def test_inspect_kind_option_takes_the_new_kinds_and_other_kinds_stay(run, tmp_path):
    log = book(tmp_path / "log.xlsx", *LOGS[0][:1], [LOGS[0][1]])
    assert run("inspect", log, "--kind", "activities", "--format", "json").json()["figures"]["kind"] == "activities"
    ledger = book(tmp_path / "hours.xlsx", ["姓名", "身份证号", "培训项目", "培训类型", "学时"],
                  [["甲", None, "国培", "集中培训", 24]])
    assert run("inspect", ledger, "--format", "json").json()["figures"]["kind"] == "hours"
    roster = book(tmp_path / "roster.xlsx", ["姓名", "岗位类别", "专业技术职务", "最高学历", "任教学科"],
                  [["甲", "专任教师", "一级教师", "本科", "语文"]])
    assert run("inspect", roster, "--format", "json").json()["figures"]["kind"] == "roster"


# ------------------------------------------------------------------ figure labels

DUTIES_FIGURES = ["staff", "staff_compliant", "duties_leaders", "duties_staff", "duties_activities", "duties_semester",
                  "duties_semester_start", "duties_semester_end", "duties_school_year", "duties_year",
                  "duties_log_start", "duties_log_end", "duties_persons_failing"]
INSTITUTION_FIGURES = ["institutions", "national", "provincial", "standard", "failing", "unrated",
                       "provincial_or_better", "national_demo_share", "national_needed", "provincial_demo_share",
                       "provincial_needed", "demonstration_unmerged"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_duties_and_institutions_figure_has_a_label(lang):
    for key in DUTIES_FIGURES + INSTITUTION_FIGURES:
        text = figure_label(key, lang)
        assert text != key and "_" not in text, (lang, key)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tables_show_words_not_keys(run, lang):
    from conftest import SAMPLES

    for args in (["duties", SAMPLES / "activities.xlsx", "--roster", SAMPLES / "roster.xlsx"],
                 ["institutions", SAMPLES / "institutions.xlsx"]):
        r = run(*args, "--as-of", "2024-12-31", "--lang", lang)
        assert r.code in (0, 1), r.stdout
        label = figure_label("staff" if args[0] == "duties" else "provincial_or_better", lang)
        assert label in r.stdout
        # the key stays beside it, as for every other command's figures
        assert ("staff" if args[0] == "duties" else "provincial_or_better") in r.stdout


# ------------------------------------------------------------------ the placement share: ttcalc's choice

@pytest.mark.parametrize("pid", ["district-2021", "quangang-2022"])
def test_placement_share_is_stated_as_ttcalcs_choice(pid):
    rule = load_profile(pid).require("duty.placement_semester_share")
    assert "ttcalc 的选择" in rule.label_zh and "not the document" in rule.label_en
    assert rule.note.startswith("ttcalc 的选择，不是文件的规定")
    assert "挂职" in rule.quote  # the sentence the choice reads, not an unrelated one


@pytest.mark.parametrize("lang,words", [("zh", "本工具的选择，不是文件的规定"), ("en", "ttcalc's choice, not the document's")])
def test_duties_definitions_say_the_placement_share_is_ttcalcs(run, lang, words):
    from conftest import SAMPLES

    out = run("duties", SAMPLES / "activities.xlsx", "--as-of", "2024-12-31", "--policy", "district-2021",
              "--format", "json", "--lang", lang).json()
    text = out["definitions"]["placement"]
    assert words in text and "0.8" in text and "duty.placement_semester_share" in text


def test_no_placement_share_in_the_profile_means_not_applicable(run, tmp_path):
    from conftest import SAMPLES

    # a custom profile that drops the rule: the check says why instead of using a number of its own
    src = load_profile("quangang-2022").path
    text = open(src, encoding="utf-8").read()
    start = text.index('[rules."duty.placement_semester_share"]')
    end = text.find("\n[", start + 5)
    custom = tmp_path / "custom.toml"
    text = (text[:start] + (text[end + 1:] if end > 0 else "")).replace('id = "quangang-2022"', 'id = "no-share"', 1)
    custom.write_text(text, encoding="utf-8")
    out = run("duties", SAMPLES / "activities.xlsx", "--as-of", "2024-12-31", "--policy", custom,
              "--format", "json", "--lang", "en").json()
    check = next(c for c in out["checks"] if c["id"] == "duties.semester_in_school")
    assert check["status"] == "not_applicable" and "duty.placement_semester_share" in check["reason"]
    assert "placement" not in out["definitions"]


# ------------------------------------------------------------------ district-2021 三（二）: every subject

from ttcalc.staffing import COMMAND as STAFFING  # noqa: E402
from ttcalc.staffing.subjects import subjects_of  # noqa: E402

ROSTER_HEAD = ["姓名", "岗位类别", "专职/兼职", "专业技术职务", "最高学历", "任教学科"]
SUBJECTS = load_profile("district-2021").require("staff.subject_coverage").value


def roster(tmp_path, subjects, head=ROSTER_HEAD, extra=()):
    rows = [[f"人{i}", "专任教师", "专职", "高级教师", "本科", s] for i, s in enumerate(subjects)]
    rows += [list(r) for r in extra]
    return book(tmp_path / "roster.xlsx", head, rows, sheet="在职")


def subject_check(run, path, *more):
    policy = [] if "--policy" in more else ["--policy", "district-2021"]
    out = run("staffing", path, *policy, "--as-of", "2024-09-01", "--format", "json", "--lang", "en", *more).json()
    return next(c for c in out["checks"] if c["id"] == "staff.subject_coverage")


def test_subject_coverage_is_declared_and_cited():
    assert "staff.subject_coverage" in STAFFING.check_ids
    rule = load_profile("district-2021").require("staff.subject_coverage")
    assert rule.clause == "三（二）" and "义务教育各学科教研员" in rule.quote and rule.computable
    assert "ttcalc 的选择" in rule.note and "ttcalc 的选择" in rule.label_zh  # the list is not the document's
    assert {"语文", "数学", "外语", "道德与法治"} <= set(rule.value)


@pytest.mark.parametrize("cell,expected", [
    ("语文", {"语文"}), ("初中语文", {"语文"}), ("小学数学教研员", {"数学"}), ("英语", {"外语"}),
    ("音乐、美术", {"艺术"}), ("政治", {"道德与法治"}), ("道德与法治", {"道德与法治"}), ("生物", {"生物学"}),
    ("信息技术", {"信息科技"}), ("体育", {"体育与健康"}), ("物理/化学", {"物理", "化学"}),
    ("语文，历史", {"语文", "历史"}), ("高中数学", set()), ("幼儿园", set()), ("学前教育", set()),
    ("心理健康", set()), (None, set()), ("", set()), ("ｙｕ", set()), ("综合实践", {"综合实践活动"}),
])
def test_subject_spellings(cell, expected):
    assert subjects_of(cell, SUBJECTS) == expected


def test_every_subject_covered_passes(run, tmp_path):
    c = subject_check(run, roster(tmp_path, list(SUBJECTS)))
    assert c["status"] == "pass" and c["remedy"] is None
    assert c["inputs"]["covered"] == len(SUBJECTS) and c["inputs"]["missing"] == []


@pytest.mark.parametrize("drop", [1, 2, 5])
def test_missing_subjects_are_the_remedy(run, tmp_path, drop):
    present = list(SUBJECTS)[:-drop]
    c = subject_check(run, roster(tmp_path, present))
    missing = list(SUBJECTS)[-drop:]
    assert c["status"] == "fail" and c["inputs"]["missing"] == missing
    assert all(s in c["remedy"] for s in missing) and str(drop) in c["remedy"]
    assert c["actual"] == f"{len(SUBJECTS) - drop} of {len(SUBJECTS)} subjects"


def test_only_fulltime_teachers_in_post_cover_a_subject(run, tmp_path):
    # the one 语文 teacher is part-time, the one 数学 one is not a teacher: neither covers
    rest = [s for s in SUBJECTS if s not in ("语文", "数学")]
    extra = [["兼", "专任教师", "兼职", "高级教师", "本科", "语文"], ["管", "管理人员", "专职", "", "本科", "数学"]]
    c = subject_check(run, roster(tmp_path, rest, extra=extra))
    assert c["status"] == "fail" and c["inputs"]["missing"] == ["语文", "数学"]


def test_no_subject_column_is_not_applicable(run, tmp_path):
    path = book(tmp_path / "r.xlsx", ROSTER_HEAD[:-1], [["甲", "专任教师", "专职", "高级教师", "本科"]])
    c = subject_check(run, path)
    assert c["status"] == "not_applicable" and "任教学科" in c["reason"]


def test_profiles_without_the_rule_have_no_subject_check(run, tmp_path):
    out = run("staffing", roster(tmp_path, ["语文"]), "--as-of", "2024-09-01", "--format", "json").json()
    assert "staff.subject_coverage" not in [c["id"] for c in out["checks"]]


# ------------------------------------------------------------------ shanxi-2023 四（二）: universities

PAY_HEAD = ["姓名", "身份证号", "应发合计"]


def payroll(tmp_path, amounts):
    from builders import make_id

    rows = [[f"人{i}", make_id("19800101", i + 1), a] for i, a in enumerate(amounts)]
    return book(tmp_path / "pay.xlsx", PAY_HEAD, rows, sheet="工资")


@pytest.mark.parametrize("budgeted,status", [("1499.99", "fail"), ("1500", "pass"), ("1500.01", "pass")])
def test_university_rate_edge(run, tmp_path, budgeted, status):
    path = payroll(tmp_path, ["40000", "60000"])  # 100,000.00: 1.5% is 1,500.00
    out = run("budget", path, "--policy", "shanxi-2023", "--sector", "university", "--budgeted", budgeted,
              "--format", "json", "--lang", "en").json()
    rate = next(c for c in out["checks"] if c["id"] == "fund.rate")
    assert rate["status"] == status and rate["rule"] == "fund.university_rate_min"
    assert rate["citation"] == "晋教师〔2023〕4号 四（二）"
    assert out["figures"]["fund_min"] == "1500.00" and out["figures"]["sector"] == "university"
    assert out["figures"]["fund_rate_max"] is None
    assert "fund.university_rate_min" in out["definitions"]["sector"]
    share = next(c for c in out["checks"] if c["id"] == "fund.school_share")
    assert share["status"] == "not_applicable" and "university" in share["reason"]


def test_k12_is_the_default_and_unchanged(run, tmp_path):
    path = payroll(tmp_path, ["40000", "60000"])
    out = run("budget", path, "--policy", "shanxi-2023", "--format", "json").json()
    assert out["figures"]["fund_min"] == "2500.00" and "sector" not in out["figures"]  # 2.5% of K-12 payroll
    same = run("budget", path, "--policy", "shanxi-2023", "--sector", "k12", "--format", "json").json()
    assert same["figures"] == out["figures"]


@pytest.mark.parametrize("args", [["--policy", "quangang-2022"], ["--policy", "district-2021"],
                                  ["--policy", "shanxi-2023", "--sector", "college"],
                                  ["--policy", "shanxi-2023", "--to-school", "100"]])
def test_university_sector_refused_where_it_has_no_rule(run, tmp_path, args):
    path = payroll(tmp_path, ["40000"])
    sector = [] if "--sector" in args else ["--sector", "university"]
    r = run("budget", path, *args, *sector)
    assert r.code == 2 and "--sector" in r.stderr and "Traceback" not in r.stderr


def test_university_workbook_uses_the_university_rate(run, tmp_path):
    from openpyxl import load_workbook

    path = payroll(tmp_path, ["40000", "60000"])
    out = tmp_path / "u.xlsx"
    r = run("budget", path, "--policy", "shanxi-2023", "--sector", "university", "-o", out, "--quiet")
    assert r.code == 0, r.stderr
    values = [c.value for row in load_workbook(out)["汇总"].iter_rows() for c in row]
    assert any(str(v) in ("0.015", "0.0150") for v in values if v is not None)
    assert not any(str(v) == "0.025" for v in values if v is not None)


# ------------------------------------------------------------------ shanxi-2023 三（一）2: vocational 90 h

HOURS_HEAD = ["姓名", "单位", "培训项目", "培训类型", "年度", "学时"]


def ledger(tmp_path, rows, head=HOURS_HEAD, name="hours.xlsx"):
    return book(tmp_path / name, head, rows, sheet="学时")


def hours_checks(run, path, *more):
    out = run("hours", path, "--policy", "shanxi-2023", "--as-of", "2024-12-31", "--format", "json",
              "--lang", "en", *more).json()
    return {c["id"]: c for c in out["checks"]}, out


@pytest.mark.parametrize("unit", ["泉港区职业中专学校", "某市中职学校", "某县职教中心", "某技工学校"])
@pytest.mark.parametrize("hours_2024,status", [(89, "fail"), (90, "pass"), ("90.5", "pass")])
def test_vocational_unit_is_held_to_90_hours(run, tmp_path, unit, hours_2024, status):
    rows = [["甲", unit, "技能", "集中培训", 2023, 90], ["甲", unit, "技能", "集中培训", 2024, hours_2024],
            ["乙", "泉港区第一中学", "学科", "集中培训", 2023, 72], ["乙", "泉港区第一中学", "学科", "集中培训", 2024, 72]]
    checks, out = hours_checks(run, ledger(tmp_path, rows))
    voc = checks["hours.annual_min_vocational"]
    assert voc["status"] == status and voc["citation"] == "晋教师〔2023〕4号 三（一）2"
    assert checks["hours.annual_min"]["status"] == "pass"  # 乙 at 72 h: the basic rule, not the 90 h one
    assert [p["name"] for p in out["by_person"] if p.get("vocational")] == ["甲"]
    if status == "fail":
        assert "1 hour" in voc["remedy"]


def test_school_type_option_for_a_ledger_whose_names_do_not_say(run, tmp_path):
    rows = [["甲", "泉州华侨学校", "技能", "集中培训", 2023, 80], ["甲", "泉州华侨学校", "技能", "集中培训", 2024, 80]]
    path = ledger(tmp_path, rows)
    auto, out = hours_checks(run, path)
    assert auto["hours.annual_min"]["status"] == "pass" and auto["hours.annual_min_vocational"]["status"] == "not_applicable"
    assert "--school-type" in out["definitions"]["school_type"]
    voc, out = hours_checks(run, path, "--school-type", "vocational")
    assert voc["hours.annual_min_vocational"]["status"] == "fail" and voc["hours.annual_min"]["status"] == "not_applicable"
    assert "everyone" in out["definitions"]["school_type"]
    # basic: a unit named 职业 is not vocational
    rows = [["甲", "泉港区职业中专学校", "技能", "集中培训", y, 80] for y in (2023, 2024)]
    basic, _ = hours_checks(run, ledger(tmp_path, rows, name="h2.xlsx"), "--school-type", "basic")
    assert basic["hours.annual_min"]["status"] == "pass" and basic["hours.annual_min_vocational"]["status"] == "not_applicable"
    r = run("hours", path, "--school-type", "college")
    assert r.code == 2 and "--school-type" in r.stderr


def test_vocational_from_the_file_name_when_no_unit_column(run, tmp_path):
    head = ["姓名", "培训项目", "培训类型", "年度", "学时"]
    rows = [["甲", "技能", "集中培训", 2023, 85], ["甲", "技能", "集中培训", 2024, 95]]
    checks, _ = hours_checks(run, ledger(tmp_path, rows, head=head, name="泉港区职业中专学校.xlsx"))
    assert checks["hours.annual_min_vocational"]["status"] == "fail"  # 2023: 85 < 90


# ------------------------------------------------------------------ LibreOffice recalculation

def _formula_cells(path, sheet):
    """{(row, col): cached value} of the formula cells of a sheet as ttcalc wrote it."""
    from openpyxl import load_workbook

    formulas = load_workbook(path)[sheet]
    cached = load_workbook(path, data_only=True)[sheet]
    return {(c.row, c.column): cached.cell(c.row, c.column).value
            for row in formulas.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")}


def _recalculated(soffice, path, sheet):
    from openpyxl import load_workbook

    return load_workbook(soffice(path, "xlsx"), data_only=True)[sheet]


def _num(v):
    return float(v) if v is not None else None


@pytest.mark.libreoffice
@pytest.mark.parametrize("policy", ["district-2021", "quangang-2022"])
def test_duties_workbook_recalculates_to_the_json(run, soffice, tmp_path, policy):
    from conftest import SAMPLES

    out_path = tmp_path / f"duties-{policy}.xlsx"
    data = run("duties", SAMPLES / "activities.xlsx", "--roster", SAMPLES / "roster.xlsx", "--policy", policy,
               "--as-of", "2024-12-31", "--output", out_path, "--format", "json").json()
    sheet = "人员"
    stored = _formula_cells(out_path, sheet)
    assert len(stored) >= 3 * len(data["by_person"])
    ws = _recalculated(soffice, out_path, sheet)
    for (r, c), value in stored.items():  # every live formula gives what ttcalc stored
        assert _num(ws.cell(r, c).value) == _num(value), (r, c)
    # … and what ttcalc stored is the report's: columns D (school days), F (periods), H/I (leader)
    checked = 0
    for i, p in enumerate(data["by_person"], start=2):
        assert ws.cell(i, 2).value == p["name"]
        f = p["figures"]
        for col, key in ((4, "school_days"), (6, "observation"), (8, "leader_days"), (9, "leader_research"),
                         (10, "demo_lesson")):
            if isinstance(f.get(key), str):
                assert _num(ws.cell(i, col).value) == float(f[key]), (p["name"], key)
                checked += 1
        for col, key in ((5, "school_days"), (7, "observation")):
            if key in p["still_needed"] and (i, col) in stored:
                assert _num(ws.cell(i, col).value) == float(p["still_needed"][key]), (p["name"], key)
    assert checked >= len(data["by_person"])


@pytest.mark.libreoffice
def test_institutions_workbook_recalculates_to_the_json(run, soffice, tmp_path):
    from conftest import SAMPLES

    out_path = tmp_path / "institutions.xlsx"
    data = run("institutions", SAMPLES / "institutions.xlsx", "--as-of", "2024-12-31", "--output", out_path,
               "--format", "json").json()
    sheet = "设区市"
    stored = _formula_cells(out_path, sheet)
    ws = _recalculated(soffice, out_path, sheet)
    for (r, c), value in stored.items():
        assert abs(_num(ws.cell(r, c).value) - _num(value)) < 1e-12, (r, c)
    rows = list(data["by_unit"]) + [{"city": None, **data["figures"]}]
    for i, u in enumerate(rows, start=2):
        if u["city"] is not None:
            assert ws.cell(i, 1).value == u["city"]
        for col, key in ((2, "institutions"), (3, "national"), (4, "provincial_or_better"), (5, "standard"),
                         (6, "failing"), (9, "national_needed"), (10, "provincial_needed")):
            assert _num(ws.cell(i, col).value) == u[key], (u["city"], key)
        for col, key in ((7, "national_demo_share"), (8, "provincial_demo_share")):
            assert f"{ws.cell(i, col).value:.4f}" == u[key], (u["city"], key)


def test_check_passes_sector_and_school_type_on(run, tmp_path):
    pay = payroll(tmp_path, ["40000", "60000"])
    rows = [["甲", "泉州华侨学校", "技能", "集中培训", y, 80] for y in (2023, 2024)]
    hours = ledger(tmp_path, rows)
    out = run("check", "--payroll", pay, "--hours", hours, "--policy", "shanxi-2023", "--hours-policy", "shanxi-2023",
              "--sector", "university", "--school-type", "vocational", "--budgeted", "1500", "--as-of", "2024-12-31",
              "--lang", "en")
    data = out.json()
    checks = {c["id"]: c for c in data["checks"]}
    assert checks["fund.rate"]["status"] == "pass" and checks["fund.rate"]["rule"] == "fund.university_rate_min"
    assert checks["hours.annual_min_vocational"]["status"] == "fail"


def test_subject_list_is_shown_as_every_one_and_defined(run, tmp_path):
    r = run("policies", "show", "district-2021", "--lang", "en")
    line = next(l for l in r.stdout.splitlines() if "staff.subject_coverage" in l)
    assert "every one of" in line and "one of: " not in line.replace("every one of: ", "")
    out = run("staffing", roster(tmp_path, ["语文"]), "--policy", "district-2021", "--format", "json",
              "--lang", "en").json()
    assert "ttcalc's choice" in out["definitions"]["subjects"] and "语文" in out["definitions"]["subjects"]


def test_a_custom_profile_changes_the_subject_list(run, tmp_path):
    custom = tmp_path / "mine.toml"
    custom.write_text('[profile]\nid = "mine"\nextends = "district-2021"\n\n'
                      '[overrides."staff.subject_coverage"]\nvalue = ["语文", "数学"]\n'
                      'reason = "本区只考核语文、数学"\n', encoding="utf-8")
    c = subject_check(run, roster(tmp_path, ["语文", "小学数学"]), "--policy", custom)
    assert c["status"] == "pass" and c["inputs"]["subjects"] == 2
    c = subject_check(run, roster(tmp_path, ["语文"]), "--policy", custom)
    assert c["status"] == "fail" and c["inputs"]["missing"] == ["数学"]
