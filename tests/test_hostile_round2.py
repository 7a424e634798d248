"""Defects a hostile tester found in this round, each shown by the input that exposed it."""

from __future__ import annotations

import json
from pathlib import Path

import ttcalc
from builders import make_id, make_xlsx

HEAD = ["单位", "姓名", "身份证号", "应发合计"]


def test_a_file_named_like_a_summary_with_other_people_is_counted(run, tmp_path):
    """A 汇总/合计-named file is dropped only when its people are the other files' (a year total)."""
    make_xlsx(tmp_path / "3月工资汇总.xlsx", {"3月": [HEAD, ["A", "甲", make_id(seq=1), "1000.00"],
                                                      ["A", "乙", make_id(seq=2), "2000.00"]]})
    make_xlsx(tmp_path / "4月工资.xlsx", {"4月": [HEAD, ["A", "丙", make_id(seq=3), "500.00"]]})
    data = run("budget", tmp_path, "--format", "json", "--as-of", "2024-12-31").json()
    assert data["figures"]["payroll_total"] == "3500.00" and data["figures"]["people"] == 3


def test_a_year_total_file_of_the_same_people_is_still_skipped(run, tmp_path):
    for month, amounts in (("1月", ("1000.00", "2000.00")), ("2月", ("1000.00", "2000.50"))):
        make_xlsx(tmp_path / f"2024年{month}.xlsx", {"S": [HEAD, ["A", "甲", make_id(seq=1), amounts[0]],
                                                           ["A", "乙", make_id(seq=2), amounts[1]]]})
    make_xlsx(tmp_path / "全年合计.xlsx", {"S": [HEAD, ["A", "甲", make_id(seq=1), "2000.00"],
                                                ["A", "乙", make_id(seq=2), "4000.50"]]})
    data = run("budget", tmp_path, "--format", "json", "--as-of", "2024-12-31").json()
    assert data["figures"]["payroll_total"] == "6000.50"
    assert [i for i in data["inputs"] if Path(i["file"]).name == "全年合计.xlsx" and i["status"] == "skipped"]


def test_an_institution_listed_twice_counts_once(run, tmp_path):
    head = ["序号", "设区市", "机构名称", "评估等级", "认定时间", "是否整合", "整合时间"]
    rows = [head, [1, "甲市", "A县教师发展中心", "国家级示范", "2013-11-26", "是", "2015-06-30"],
            [2, "甲市", "B县教师发展中心", "标准化", "2013-11-26", "是", "2015-06-30"],
            [3, "甲市", "B县教师发展中心", "标准化", "2013-11-26", "是", "2015-06-30"]]
    path = make_xlsx(tmp_path / "list.xlsx", {"机构": rows})
    data = run("institutions", path, "--format", "json", "--as-of", "2020-12-31").json()
    assert data["figures"]["institutions"] == 2 and data["figures"]["national_demo_share"] == "0.5000"
    assert [w for w in data["warnings"] if w["code"] == "institutions_listed_twice"]


def test_standard_input_is_named_dash_in_the_report(tmp_path):
    import subprocess
    import sys

    text = "姓名,身份证号,应发合计\n甲,%s,1000.00\n" % make_id(seq=1)
    runs = [subprocess.run([sys.executable, "-m", "ttcalc", "budget", "-", "--format", "json", "--as-of", "2024-12-31"],
                           input=text.encode(), capture_output=True, check=False) for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout  # byte-identical: no temporary path in it
    assert {i["file"] for i in json.loads(runs[0].stdout)["inputs"]} == {"-"}


def test_the_api_takes_amounts_as_the_command_line_does(tmp_path):
    path = make_xlsx(tmp_path / "p.xlsx", {"S": [HEAD, ["A", "甲", make_id(seq=1), "1000000.00"]]})
    assert ttcalc.budget(path, budgeted="3万", as_of="2024-12-31").figures["budgeted"] == "30000.00"
    assert callable(ttcalc.institutions) and callable(ttcalc.duties)


def test_the_first_header_wins_over_a_later_flatter_repeat(run, xlsx):
    """A two-row merged header above, the header repeated on one row further down (a payslip
    block): the first is the header — choosing the later one silently dropped the rows above."""
    rows = [["泉港区第三中学2024年3月教职工工资发放表"], ["序号", "姓名", "身份证号", "工资项目", None, "应发合计"],
            [None, None, None, "岗位工资", "薪级工资", None],
            [1, "张三", make_id(seq=1), "1000.00", "500.50", "1500.50"],
            [2, "李四", make_id(seq=2), "2000", "1000", "3000.00"], [None] * 6,
            ["序号", "姓名", "身份证号", "岗位工资", "薪级工资", "应发合计"],
            [3, "王五", make_id(seq=3), "800", "199.99", "999.99"], ["合　计", None, None, None, None, "5500.49"]]
    path = xlsx("p.xlsx", {"3月": rows}, {"3月": ["A1:F1", "D2:E2", "A2:A3", "B2:B3", "C2:C3", "F2:F3"]})
    data = run("budget", path, "--format", "json", "--as-of", "2024-12-31").json()
    assert data["figures"]["payroll_total"] == "5500.49" and data["figures"]["people"] == 3
    assert data["inputs"][0]["header_repeats"] == 1
