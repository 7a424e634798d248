"""Issue 13, finished: "not fully checked" counted wherever a cron job looks (log line, check's
figures, --require), every option of the single commands taken by `check` (spec §2) with a
visible effect, and every formula written to an annotated workbook carrying its value."""

from __future__ import annotations

import re
import zipfile

import pytest
from conftest import SAMPLES
from test_staffing import AS_OF, HEAD, hire, teachers, write_roster

from ttcalc.core.report import Report
from ttcalc.policy.rules import not_applicable

S = {k: SAMPLES / f"{k}.xlsx" for k in ("payroll", "roster", "hours", "activities", "institutions")}
DAY = "2026-11-21"


def _statuses(data) -> dict:
    return {c["id"]: c["status"] for c in data["checks"]}


# ======================================================================== 3. not fully checked, counted

@pytest.fixture
def partly_roster(tmp_path):
    """district-2021 research-staff hires with no 荣誉称号 column: hire.eligibility is not_fully_checked."""
    head = [h for h in HEAD if h != "荣誉称号"]
    return write_roster(tmp_path / "r.xlsx", [hire(title="一级教师"), hire(title="一级教师")] + teachers(5), head=head)


def test_not_fully_checked_exits_0_but_the_log_line_counts_it(run, partly_roster):
    out = run("staffing", partly_roster, "--policy", "district-2021", "--as-of", AS_OF.isoformat(), "--format", "json",
              "--lang", "en")
    assert _statuses(out.json())["hire.eligibility"] == "not_fully_checked"
    failed = sum(1 for c in out.json()["checks"] if c["status"] == "fail")
    assert out.code == (1 if failed else 0)
    assert re.search(r"ttcalc staffing: \d+ checks, \d+ failed, 1 not fully checked, ", out.stderr), out.stderr


def test_every_commands_log_line_says_not_fully_checked(run):
    for cmd, path in (("budget", S["payroll"]), ("hours", S["hours"]), ("duties", S["activities"]),
                      ("institutions", S["institutions"]), ("staffing", S["roster"])):
        out = run(cmd, path, "--as-of", DAY, "--format", "json", "--lang", "en")
        assert re.search(rf"ttcalc {cmd}: \d+ checks, \d+ failed, 0 not fully checked, ", out.stderr), (cmd, out.stderr)


def test_check_counts_not_fully_checked_in_its_figures_and_log_line(run, partly_roster):
    out = run("check", "--roster", partly_roster, "--policy", "district-2021", "--as-of", AS_OF.isoformat(), "--lang", "en")
    data = out.json()
    assert data["figures"]["checks_not_fully_checked"] == 1
    assert _statuses(data)["hire.eligibility"] == "not_fully_checked"
    assert "1 not fully checked" in out.stderr and f"{data['figures']['checks_judged']} judged" in out.stderr
    assert out.code == (1 if any(s == "fail" for s in _statuses(data).values()) else 0)
    plain = run("check", "--payroll", S["payroll"], "--budgeted", "30000", "--as-of", DAY, "--lang", "en")
    assert plain.json()["figures"]["checks_not_fully_checked"] == 0 and "0 not fully checked" in plain.stderr


def test_require_counts_a_part_judged_only_not_fully_checked_as_judged(monkeypatch, tmp_path):
    """A part whose every judged check is not_fully_checked judged something: --require is met."""
    from ttcalc import check as check_mod

    def fake(part, files, common, extra, output, progress):
        sub = Report(part, AS_OF)
        sub.checks = [not_applicable("staff.fulltime_share", "x")]
        partly = not_applicable("hire.eligibility", "x")
        partly.status = "not_fully_checked"
        sub.checks.append(partly)
        return sub

    monkeypatch.setattr(check_mod, "_run_part", fake)
    report, _ = check_mod.run(roster=[str(tmp_path / "r.xlsx")], as_of=AS_OF, require=["staffing"])
    assert report.extra["judged"]["staffing"] == 1 and report.extra["unjudged_required"] == []
    assert report.figures["checks_not_fully_checked"] == 1 and check_mod.exit_code(report) == 0
    # the same part with nothing judged at all is not
    monkeypatch.setattr(check_mod, "_run_part", lambda *a: Report("staffing", AS_OF))
    report, _ = check_mod.run(roster=[str(tmp_path / "r.xlsx")], as_of=AS_OF, require=["staffing"])
    assert report.extra["unjudged_required"] == ["staffing"] and check_mod.exit_code(report) == 1


# ======================================================================== 4. check takes every option

def _check(run, *args):
    out = run("check", "--as-of", DAY, "--lang", "en", *args)
    assert out.code in (0, 1), out.stdout + out.stderr
    data = out.json()
    assert re.search(rf"{data['figures']['checks_judged']} judged", out.stderr)
    return data


def test_check_payroll_budgeted_to_school(run):
    base = _check(run, "--payroll", S["payroll"])
    assert _statuses(base)["fund.rate"] == "not_applicable" and base["judged"]["budget"] == 0
    data = _check(run, "--payroll", S["payroll"], "--budgeted", "30000")
    assert _statuses(data)["fund.rate"] == "pass" and data["figures"]["budgeted"] == "30000.00"
    assert _statuses(data)["fund.school_share"] == "not_applicable"
    data = _check(run, "--payroll", S["payroll"], "--budgeted", "30000", "--to-school", "17999.99")
    assert _statuses(data)["fund.school_share"] == "fail" and data["judged"]["budget"] == 2
    assert data["figures"]["checks_judged"] == 2 and data["figures"]["to_school"] == "17999.99"


def test_check_public_funds(run, xlsx):
    funds = xlsx("f.xlsx", {"公用经费": [["单位", "年度公用经费预算总额", "培训经费支出"], ["一小", "10000", "999.99"]]})
    data = _check(run, "--payroll", S["payroll"], "--policy", "wenzhou-2012", "--public-funds", funds)
    assert _statuses(data)["fund.public_funds"] == "fail"
    assert data["public_funds"][0]["training_spend_required"] == "1000.00"


def test_check_roster_and_hired_since(run):
    data = _check(run, "--roster", S["roster"])
    assert data["judged"]["staffing"] >= 1 and data["figures"]["fulltime_teachers"] == 35
    by_id = {c["id"]: c for c in data["checks"]}
    hires = by_id["hire.eligibility"]["inputs"]["hires"]
    later = {c["id"]: c for c in _check(run, "--roster", S["roster"], "--hired-since", DAY)["checks"]}
    assert later["hire.eligibility"]["inputs"]["hired_since"] == DAY
    assert later["hire.eligibility"]["inputs"].get("hires", 0) < hires


def test_check_hours_and_cycle(run):
    data = _check(run, "--hours", S["hours"])
    start = data["figures"]["cycle_start"]
    data = _check(run, "--hours", S["hours"], "--cycle", "2017-2021")
    assert (data["figures"]["cycle_start"], data["figures"]["cycle_end"]) == (2017, 2021) != (start, start + 4)
    assert run("check", "--hours", S["hours"], "--cycle", "soon", "--as-of", DAY).code == 2


def test_check_activities_and_institutions(run):
    data = _check(run, "--activities", S["activities"], "--institutions", S["institutions"])
    assert data["judged"]["duties"] >= 1 and data["judged"]["institutions"] >= 1
    assert data["judged"]["budget"] == data["judged"]["staffing"] == data["judged"]["hours"] == 0
    assert data["figures"]["checks_judged"] == data["judged"]["duties"] + data["judged"]["institutions"]


def test_check_sheet_and_map(run, xlsx):
    head = ["单位", "姓名", "身份证号", "发放数"]
    pay = xlsx("p.xlsx", {"一月": [head, ["一小", "甲", "11010519491231002X", 1000]],
                          "二月": [head, ["一小", "甲", "11010519491231002X", 3000]]})
    mapped = _check(run, "--payroll", pay, "--map", "gross=发放数", "--budgeted", "15")
    assert mapped["figures"]["payroll_total"] == "4000.00"
    one = _check(run, "--payroll", pay, "--map", "gross=发放数", "--sheet", "一月", "--budgeted", "15")
    assert one["figures"]["payroll_total"] == "1000.00" and _statuses(one)["fund.rate"] == "pass"
    assert _statuses(mapped)["fund.rate"] == "fail"  # 15.00 < 4000.00 × 1.5% = 60.00
    unmapped = run("check", "--payroll", pay, "--as-of", DAY)
    assert unmapped.code == 2 or unmapped.json()["figures"].get("payroll_total") != "4000.00"


# ======================================================================== 5. every formula carries its value

BOOKS = {  # each command's workbook on the samples, in several variants (options change which formulas exist)
    "budget": ["budget", "payroll", "--budgeted", "3万", "--to-school", "18000"],
    "budget-bare": ["budget", "payroll"],
    "budget-wenzhou": ["budget", "payroll", "--policy", "wenzhou-2012", "--budgeted", "50000", "--to-school", "15000"],
    "staffing": ["staffing", "roster"],
    "staffing-district": ["staffing", "roster", "--policy", "district-2021"],
    "hours": ["hours", "hours", "--cycle", "2022-2026"],
    "hours-default": ["hours", "hours"],
    "duties": ["duties", "activities"],
    "institutions": ["institutions", "institutions"],
}


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    from typer.testing import CliRunner

    from ttcalc.cli import app

    d = tmp_path_factory.mktemp("books")
    runner = CliRunner()
    out = {}
    for name, (cmd, sample, *args) in BOOKS.items():
        path = d / f"{name}.xlsx"
        res = runner.invoke(app, [cmd, str(S[sample]), *args, "--as-of", "2026-12-31", "--lang", "zh", "-q",
                                  "-o", str(path)])
        assert res.exit_code in (0, 1), (name, res.stdout, res.stderr)
        out[name] = path
    return out


def _formula_cells(path) -> dict:
    """{(sheet, cell): formula} for every formula cell, found with openpyxl (data_only=False)."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return {(ws.title, c.coordinate): c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f"}  # a text cell reading "= ¥1.00" is no formula


def _stored_values(path) -> dict:
    """{(sheet, cell): the raw <v> text or None} for every cell holding an <f>, from the XML itself."""
    import posixpath
    from xml.etree import ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    z = zipfile.ZipFile(path)
    rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    out = {}
    for sheet in ET.fromstring(z.read("xl/workbook.xml")).find("m:sheets", ns):
        target = rels[sheet.get(f"{{{ns['r']}}}id")]
        xml = ET.fromstring(z.read(posixpath.normpath(posixpath.join("xl", target.lstrip("/")))))
        for c in xml.iter(f"{{{ns['m']}}}c"):
            if c.find("m:f", ns) is not None:
                v = c.find("m:v", ns)
                out[(sheet.get("name"), c.get("r"))] = None if v is None else (v.text or "")
    return out


@pytest.mark.parametrize("name", list(BOOKS))
def test_every_formula_cell_has_a_stored_value(books, name):
    formulas = _formula_cells(books[name])
    stored = _stored_values(books[name])
    assert formulas, f"{name}: no formula at all — the test would prove nothing"
    assert set(formulas) == set(stored)
    assert [k for k, v in stored.items() if v is None] == []


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(a - b) <= 1e-9 * max(1, abs(b))
    return (a in ("", None) and b in ("", None)) or a == b


def test_every_stored_value_is_what_the_formula_computes(books, soffice):
    """LibreOffice recalculates every formula on load (conftest profile): each stored value must
    equal the recalculated one, so a spreadsheet that does not recalculate shows the right figure."""
    from openpyxl import load_workbook

    for name, path in books.items():
        stored = load_workbook(path, data_only=True)
        again = load_workbook(soffice(path, "xlsx"), data_only=True)
        wrong = [(s, c, f, stored[s][c].value, again[s][c].value) for (s, c), f in _formula_cells(path).items()
                 if not _same(stored[s][c].value, again[s][c].value)]
        assert wrong == [], (name, wrong[:10])


# ======================================================================== 2. one unit source for every command

H = ["姓名", "身份证号", "培训项目", "培训类型", "年度", "学时"]  # an hours ledger with no 单位 column


def _ledger_rows(name, n):
    from test_hours import pid as hpid

    return [[name, hpid(n), "校本研修", "校本", 2016, 24]]


def _hours_units(run, *paths):
    out = run("hours", *paths, "--cycle", "2012-2016", "--as-of", "2017-06-30", "--format", "json", "--lang", "en")
    assert out.code in (0, 1), out.stdout + out.stderr
    data = out.json()
    assert "title line" in data["definitions"]["unit"] and "sheet name" in data["definitions"]["unit"]
    return {p["name"]: p["unit"] for p in data["by_person"]}, {i["unit_source"] for i in data["inputs"] if "unit_source" in i}


@pytest.mark.parametrize("title,unit", [("城关第二中学2016年教师培训学时登记表", "城关第二中学"),
                                        ("单位：泉港一小", "泉港一小"), ("东山县实验小学 学时台账", "东山县实验小学")])
def test_hours_unit_from_a_title_line(run, xlsx, title, unit):
    path = xlsx("2016年学时.xlsx", {"Sheet1": [[title], H] + _ledger_rows("甲", 1) + _ledger_rows("乙", 2)})
    assert _hours_units(run, path) == ({"甲": unit, "乙": unit}, {"title"})


def test_hours_unit_from_sheet_names_and_file_names(run, xlsx):
    by_sheet = xlsx("学时台账.xlsx", {"城关小学": [H] + _ledger_rows("甲", 1), "东山中学": [H] + _ledger_rows("乙", 2)})
    assert _hours_units(run, by_sheet) == ({"甲": "城关小学", "乙": "东山中学"}, {"sheet"})
    a = xlsx("西街小学.xlsx", {"Sheet1": [H] + _ledger_rows("丙", 3)})
    b = xlsx("北关中学.xlsx", {"Sheet1": [H] + _ledger_rows("丁", 4)})
    assert _hours_units(run, a, b) == ({"丙": "西街小学", "丁": "北关中学"}, {"file"})
    column = xlsx("c.xlsx", {"城关小学": [["单位"] + H, ["南门小学"] + _ledger_rows("戊", 5)[0]]})
    assert _hours_units(run, column) == ({"戊": "南门小学"}, {"column"})


def _roster_hire_units(run, path):
    out = run("staffing", path, "--as-of", AS_OF.isoformat(), "--format", "json", "--lang", "en")
    assert out.code in (0, 1), out.stdout + out.stderr
    data = out.json()
    assert "title line" in data["definitions"]["unit"]
    hires = {c["id"]: c for c in data["checks"]}["hire.eligibility"]["details"] or []
    return {d["unit"] for d in hires}, {i["unit_source"] for i in data["inputs"] if "unit_source" in i}


def test_staffing_unit_from_title_line_or_file_name(run, tmp_path):
    from openpyxl import load_workbook

    people = [hire(edu="大专"), hire(edu="大专")] + teachers(3)  # two failing hires: details name their unit
    path = write_roster(tmp_path / "西街小学.xlsx", people)  # title "2024年教职工花名册" names no school
    assert _roster_hire_units(run, path) == ({"西街小学"}, {"file"})
    wb = load_workbook(path)
    wb.active["A1"] = "城关第二中学2024年教职工花名册"
    titled = tmp_path / "花名册.xlsx"
    wb.save(titled)
    assert _roster_hire_units(run, titled) == ({"城关第二中学"}, {"title"})


def test_staffing_namesakes_in_two_schools_files_are_still_told_apart_by_id_only(run, tmp_path):
    """The sheet's unit names a person's school; it does not change who is one person: rows with
    the same ID in two files are one person, as before."""
    path_a = write_roster(tmp_path / "西街小学.xlsx", teachers(3))
    path_b = write_roster(tmp_path / "北关中学.xlsx", teachers(3))  # the same generated IDs and names
    out = run("staffing", path_a, path_b, "--as-of", AS_OF.isoformat(), "--format", "json")
    assert out.json()["figures"]["fulltime_teachers"] == 3
