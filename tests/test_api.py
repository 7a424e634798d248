"""The Python API: the same reports as the CLI, as objects, and the rows as a DataFrame."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ttcalc
from builders import make_id, make_xlsx, payroll_rows


@pytest.fixture
def payroll(tmp_path):
    people = [("张三", make_id("19800101", 1), "一小", "1000.00"), ("李四", make_id("19810101", 2), "二小", "2000.50")]
    return make_xlsx(tmp_path / "p.xlsx", {"工资": payroll_rows(people, title="2024年工资表", total=True)})


def test_budget_api_matches_the_cli_json(payroll, run):
    report = ttcalc.budget(payroll, as_of="2024-12-31")
    assert report.figures["payroll_total"] == "3000.50" and report.figures["people"] == 2
    cli = run("budget", payroll, "--as-of", "2024-12-31", "--format", "json").json()
    assert cli["figures"] == report.figures
    assert [c["id"] for c in cli["checks"]] == [c.id for c in report.checks]


def test_rows_are_a_dataframe_with_the_skipped_rows_and_why(payroll):
    df = ttcalc.budget([str(payroll)], as_of="2024-12-31").rows()
    assert list(df.columns[:4]) == ["file", "sheet", "row", "skipped"]
    used = df[df["skipped"].isna()]
    assert sorted(used["name"]) == ["张三", "李四"] and list(used["row"]) == [3, 4]
    assert df[df["row"] == 5]["skipped"].notna().all()  # the 合计 row


def test_command_packages_are_callable_after_import(payroll):
    import ttcalc.budget  # the package; still callable as the API function

    assert ttcalc.budget(payroll, as_of="2024-12-31").command == "budget"
    with pytest.raises(ttcalc.InputError):
        ttcalc.budget(Path(payroll).with_name("missing.xlsx"))


def test_api_json_is_what_the_cli_writes(payroll, run):
    from ttcalc.output.render.report import render

    report = ttcalc.budget(payroll, as_of="2024-12-31")
    assert json.loads(render(report, "json", "zh")) == run("budget", payroll, "--as-of", "2024-12-31",
                                                            "--format", "json").json()
