"""Header layouts of real payrolls that once gave a wrong total without a warning (review of
2026-11-21): each case states the right payroll_total."""

from __future__ import annotations

import pytest

CASES = {
    # an unknown column under the 应发 group is a component, and 应发工资 over 合计 is the gross
    "unknown_under_gross_group": ({"S": [
        ["姓名", "应发工资", None, None, None, "实发工资"],
        [None, "岗位工资", "薪级工资", "补发", "合计", None],
        ["甲", 1000, 500, 50, 1550, 1400], ["乙", 1000, 500, 80, 1580, 1400]]},
        ["B1:E1", "A1:A2", "F1:F2"], "3130.00"),
    # a 合计 under a pay group, and no 应发 column: summed once, not twice
    "group_total_no_gross": ({"S": [
        ["姓名", "工资项目", None, None], [None, "岗位工资", "薪级工资", "合计"],
        ["甲", 1000, 500, 1500], ["乙", 1000, 500, 1500]]}, ["B1:D1", "A1:A2"], "3000.00"),
    # a 小计 of a sub-group is not a component
    "subgroup_subtotal": ({"S": [
        ["姓名", "基本工资", None, None, "绩效工资"], [None, "岗位工资", "薪级工资", "小计", None],
        ["甲", 1000, 500, 1500, 800], ["乙", 1000, 500, 1500, 800]]}, ["B1:D1", "A1:A2", "E1:E2"], "4600.00"),
    # three header rows with short labels at the bottom
    "three_rows": ({"S": [
        ["姓名", "应发工资", None, None, None, None],
        [None, "基本工资", None, "绩效工资", None, "津贴补贴"],
        [None, "岗位工资", "薪级工资", "基础性", "奖励性", "其他"],
        ["甲", 1000, 500, 800, 200, 100], ["乙", 1000, 500, 800, 200, 100]]},
        ["B1:F1", "B2:C2", "D2:E2", "A1:A3", "F2:F3"], "5200.00"),
    # 万元 in the title line or in a group label
    "wan_in_title": ({"S": [["2024年工资表", None, "金额单位：万元"], ["姓名", "应发合计"], ["甲", 0.5], ["乙", 0.3]]},
                     [], "8000.00"),
    "wan_in_group": ({"S": [["姓名", "工资（万元）", None], [None, "岗位工资", "薪级工资"],
                            ["甲", 0.1, 0.05], ["乙", 0.1, 0.05]]}, ["B1:C1", "A1:A2"], "3000.00"),
    # a subtitle line above the header is not part of it
    "subtitle_line": ({"S": [["2024年工资表"], ["单位：泉港区第一小学", None, "金额单位：元"],
                             ["姓名", "岗位工资", "其他补发", "应发合计"], ["甲", 1000, 50, 1050], ["乙", 1000, 70, 1070]]},
                      [], "2120.00"),
    # 工资合计 is a gross column
    "gong_zi_he_ji": ({"S": [["姓名", "岗位工资", "薪级工资", "其他", "工资合计"], ["甲", 500, 300, 100, 900],
                             ["乙", 100, 50, 50, 200]]}, [], "1100.00"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_header_layouts(run, xlsx, case):
    sheets, merges, total = CASES[case]
    path = xlsx(f"{case}.xlsx", sheets, {"S": merges} if merges else None)
    out = run("budget", path, "--format", "json")
    assert out.code == 0, out.stderr
    assert out.json()["figures"]["payroll_total"] == total


def test_subtitle_unit_does_not_become_a_unit_column(run, xlsx):
    sheets, _, _ = CASES["subtitle_line"]
    data = run("budget", xlsx("s.xlsx", sheets), "--format", "json").json()
    # spec §3 (issue 12): a title line naming the unit ("单位：…") is the unit's source
    assert [u["unit"] for u in data["by_unit"]] == ["泉港区第一小学"]


def test_totals_and_signatures_anywhere_are_not_counted(run, xlsx):
    rows = [["序号", "姓名", "身份证号", "应发合计", "备注"],
            [1, "甲", "11010519491231002X", 1000, None], [2, "乙", "110105195001010037", 1000, None],
            [None, "共2人", None, 2000, "合计"], [None, "汇总", None, 2000, None],
            ["单位负责人：", None, "制表人：王五", None, "审核：李六"], [None, "制表人：王五", None, None, None]]
    out = run("budget", xlsx("t.xlsx", {"S": rows}), "--format", "json")
    assert out.code == 0, out.stderr
    data = out.json()
    assert data["figures"]["payroll_total"] == "2000.00" and data["figures"]["payroll_rows"] == 2
    assert [s["row"] for s in data["inputs"][0]["rows_skipped"]] == [4, 5, 6, 7]


def test_year_total_sheet_beside_monthly_sheets_is_not_counted(run, xlsx):
    month = [["姓名", "身份证号", "应发合计"], ["甲", "11010519491231002X", 1000], ["乙", "110105195001010037", 1000]]
    year = [["姓名", "身份证号", "应发合计"], ["甲", "11010519491231002X", 2000], ["乙", "110105195001010037", 2000]]
    path = xlsx("y.xlsx", {"1月": month, "2月": month, "全年合计": year})
    data = run("budget", path, "--format", "json").json()
    assert data["figures"]["payroll_total"] == "4000.00"
    assert {i["sheet"]: i["status"] for i in data["inputs"]}["全年合计"] == "skipped"
    alone = run("budget", path, "--sheet", "全年合计", "--format", "json").json()
    assert alone["figures"]["payroll_total"] == "4000.00"


def test_map_applies_where_the_header_exists(run, xlsx):
    a = xlsx("a.xlsx", {"S": [["姓名", "税前工资（元）"], ["甲", 100]], "汇总": [["单位", "人数"], ["一小", 1]]})
    b = xlsx("b.xlsx", {"S": [["姓名", "应发合计"], ["乙", 50]]})
    data = run("budget", a, b, "--map", "gross=税前工资", "--format", "json").json()
    assert data["figures"]["payroll_total"] == "150.00"
    out = run("budget", b, "--map", "gross=没有这列")
    assert out.code == 2 and "没有这列" in out.stderr


def test_a_title_naming_a_school_is_not_the_header(run, xlsx):
    rows = [["第1学校2025年工资发放表"], ["序号", "姓名", "岗位工资", "应发合计"], [1, "甲", 500, 1000]]
    data = run("inspect", xlsx("t.xlsx", {"S": rows}), "--format", "json").json()
    sheet = data["sheets"][0]
    assert sheet["header_rows"] == [2, 2]
    assert [c["header"] for c in sheet["columns"]] == ["序号", "姓名", "岗位工资", "应发合计"]
