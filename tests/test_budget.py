"""`ttcalc budget`: hand-computed fund figures for every profile, the half fen, checks against
an actual budget, and the annotated workbook recalculated by LibreOffice."""

from __future__ import annotations

import pytest

from conftest import SAMPLES

# 500.00 + 505.00 = 1005.00 over two people in two units.  Hand computation:
#   × 1.5%        = 15.075   -> 15.08 (a half fen rounds up)
#   × 2.5%        = 25.125   -> 25.13
#   × 1.5% × 60%  =  9.045   ->  9.05 (rounded once, not 15.08 × 60% = 9.048 -> 9.05 by luck)
#   × 2.5% × 60%  = 15.075   -> 15.08
#   × 3%          = 30.15
#   × 3% × 70%    = 21.105   -> 21.11 ; per teacher 21.105 / 2 = 10.5525 -> 10.55
ROWS = [["单位", "姓名", "身份证号", "应发合计", "实发合计", "公积金"],
        ["一小", "甲", "11010519491231002X", 500, 400, 60],
        ["二中", "乙", "110105195001010037", "505.00", 404, 61],
        ["", "合计", "", 1005, 804, 121]]

EXPECTED = {
    "quangang-2022": {"fund_min": "15.08", "fund_max": "25.13", "school_allocation_min": "9.05"},
    "district-2021": {"fund_min": "25.13", "fund_max": None, "school_allocation_min": "15.08"},
    "wenzhou-2012": {"fund_min": "30.15", "passdown_total": "21.11", "passdown_per_teacher": "10.55"},
    "shanxi-2023": {"fund_min": "25.13", "school_allocation_min": None},
    "hebei-2013": {"fund_min": None},
}


@pytest.fixture
def payroll(xlsx):
    return xlsx("p.xlsx", {"工资": ROWS})


@pytest.mark.parametrize("profile", sorted(EXPECTED))
def test_fund_rule_of_every_profile(run, payroll, profile):
    data = run("budget", payroll, "--policy", profile, "--format", "json").json()
    f = data["figures"]
    assert f["payroll_total"] == "1005.00" and f["people"] == 2 and f["payroll_rows"] == 2
    for key, value in EXPECTED[profile].items():
        assert f[key] == value, (profile, key)
    assert data["policy"]["id"] == profile


def test_wenzhou_passdown_per_unit(run, payroll):
    data = run("budget", payroll, "--policy", "wenzhou-2012", "--format", "json").json()
    assert {u["unit"]: u["passdown"] for u in data["by_unit"]} == {"一小": "10.55", "二中": "10.55"}


def test_public_funds_not_applicable_without_sheet(run, payroll):
    data = run("budget", payroll, "--policy", "hebei-2013", "--format", "json").json()
    check = {c["id"]: c for c in data["checks"]}["fund.public_funds"]
    assert check["status"] == "not_applicable" and "--public-funds" in check["reason"]
    assert check["citation"].startswith("冀教师〔2013〕34号")


def test_public_funds_per_unit(run, payroll, xlsx):
    funds = xlsx("f.xlsx", {"公用经费": [["单位", "年度公用经费预算总额", "培训经费支出"],
                                          ["一小", 100000, 5000], ["二中", 200000, 9999.99]]})
    out = run("budget", payroll, "--policy", "hebei-2013", "--public-funds", funds, "--format", "json")
    data = out.json()
    assert out.code == 1
    check = {c["id"]: c for c in data["checks"]}["fund.public_funds"]
    assert check["status"] == "fail" and check["details"] == [{"unit": "二中", "shortfall": "0.01"}]
    assert {r["unit"]: r["training_spend_required"] for r in data["public_funds"]} == \
        {"一小": "5000.00", "二中": "10000.00"}


@pytest.mark.parametrize("budgeted,status", [("15.07", "fail"), ("15.08", "pass"), ("25.13", "pass"),
                                             ("25.14", "fail")])
def test_fund_rate_check_at_the_bounds(run, payroll, budgeted, status):
    out = run("budget", payroll, "--budgeted", budgeted, "--format", "json")
    check = {c["id"]: c for c in out.json()["checks"]}["fund.rate"]
    assert check["status"] == status
    assert out.code == (1 if status == "fail" else 0)
    if budgeted == "15.07":
        assert "0.01" in check["remedy"]


def test_school_share_check_and_remedy(run, payroll):
    out = run("budget", payroll, "--budgeted", "20", "--to-school", "11.99", "--format", "json", "--lang", "zh")
    data = out.json()
    assert data["figures"]["school_allocation_required"] == "12.00"
    check = {c["id"]: c for c in data["checks"]}["fund.school_share"]
    assert check["status"] == "fail" and "¥0.01" in check["remedy"]
    assert check["citation"] == "泉港政办〔2022〕25号 四（三）" and check["actual"] == "0.5995"
    out = run("budget", payroll, "--budgeted", "20", "--to-school", "12", "--format", "json")
    assert out.code == 0


def test_year_in_one_sheet_with_month_column(run, xlsx):
    rows = [["月份", "姓名", "身份证号", "应发工资"]]
    for m in range(1, 13):
        rows.append([f"{m}月", "甲", "11010519491231002X", 1000.01])
    data = run("budget", xlsx("y.xlsx", {"全年": rows}), "--format", "json").json()
    assert data["figures"]["payroll_total"] == "12000.12" and data["figures"]["people"] == 1
    assert not [w for w in data["warnings"] if w["code"] == "duplicate_person"]


def test_sample_table_output(run):
    out = run("budget", SAMPLES / "payroll.xlsx", "--lang", "zh")
    assert out.code == 0, out.stderr
    assert "培训经费下限" in out.stdout and "泉港政办〔2022〕25号 四（三）" in out.stdout


def _recalculated(soffice, path):
    import openpyxl

    wb = openpyxl.load_workbook(soffice(path, "xlsx"), data_only=True)
    ws = wb["汇总"]
    return {row[1]: row[2] for row in ws.iter_rows(min_row=3, max_col=4, values_only=True) if row[1]}, wb


@pytest.mark.libreoffice
def test_annotated_workbook_recalculates_to_the_fen(run, soffice, tmp_path):
    out_path = tmp_path / "budget-annotated.xlsx"
    out = run("budget", SAMPLES / "payroll.xlsx", "--budgeted", "30000", "--output", out_path, "--format", "json")
    data = out.json()
    values, wb = _recalculated(soffice, out_path)
    for key in ("payroll_total", "fund_min", "fund_max", "school_allocation_min", "school_allocation_required"):
        assert f"{values[key]:.2f}" == data["figures"][key], key
    assert values["payroll_rows"] == data["figures"]["payroll_rows"]
    units = {r[0]: r[1] for r in wb["分单位"].iter_rows(min_row=2, values_only=True) if r[0] and r[0] != "合计"}
    assert {u: f"{v:.2f}" for u, v in units.items()} == {u["unit"]: u["payroll_total"] for u in data["by_unit"]}


@pytest.mark.libreoffice
def test_half_fen_in_the_workbook_matches_json(run, soffice, payroll, tmp_path):
    for profile in ("quangang-2022", "wenzhou-2012"):
        out_path = tmp_path / f"{profile}.xlsx"
        data = run("budget", payroll, "--policy", profile, "--output", out_path, "--format", "json").json()
        values, _ = _recalculated(soffice, out_path)
        for key, value in data["figures"].items():
            if key in values and isinstance(value, str) and value.count(".") == 1 and len(value.split(".")[1]) == 2:
                assert f"{values[key]:.2f}" == value, (profile, key)


def test_output_refuses_inputs_and_existing_files(run, payroll, tmp_path):
    out = run("budget", payroll, "--output", payroll)
    assert out.code == 2 and "input" in out.stderr
    target = tmp_path / "o.xlsx"
    target.write_bytes(b"old")
    out = run("budget", payroll, "--output", target)
    assert out.code == 2 and "--overwrite" in out.stderr and target.read_bytes() == b"old"
    assert run("budget", payroll, "--output", target, "--overwrite").code == 0
    assert target.read_bytes()[:2] == b"PK"


def test_budget_sheet_instead_of_amounts(run, payroll, xlsx):
    sheet = xlsx("预算.xlsx", {"2026年预算": [["2026年教师培训经费预算表"], ["项目", "金额（元）"],
                                              ["教师培训专项经费", "20.00"], ["其中：拨付进修学校", 11.99]]})
    data = run("budget", payroll, "--budgeted", sheet, "--format", "json").json()
    assert data["figures"]["budgeted"] == "20.00" and data["figures"]["to_school"] == "11.99"
    checks = {c["id"]: c["status"] for c in data["checks"]}
    assert checks == {"fund.rate": "pass", "fund.school_share": "fail"}
    bad = xlsx("空.xlsx", {"S": [["说明"], ["无"]]})
    out = run("budget", payroll, "--budgeted", bad, "--lang", "en")
    assert out.code == 2 and "training-fund amount" in out.stderr


def test_people_counts_a_blank_id_once(run, xlsx):
    jan = [["单位", "姓名", "身份证号", "应发合计"], ["一小", "甲", "11010519491231002X", 100], ["一小", "乙", None, 100]]
    feb = [["单位", "姓名", "身份证号", "应发合计"], ["一小", "甲", None, 100], ["一小", "乙", None, 100]]
    data = run("budget", xlsx("p.xlsx", {"1月": jan, "2月": feb}), "--format", "json").json()
    assert data["figures"]["people"] == 2 and data["by_unit"][0]["people"] == 2
