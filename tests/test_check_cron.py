"""`ttcalc check` for cron (issue 13 (8)): every option of the single commands, how many checks
were judged, and --require making a part that judged nothing exit 1."""

from __future__ import annotations

from conftest import SAMPLES

PAYROLL = SAMPLES / "payroll.xlsx"


def test_public_funds_option_is_taken_and_judged(run, xlsx):
    funds = xlsx("f.xlsx", {"公用经费": [["单位", "年度公用经费预算总额", "培训经费支出"], ["一小", "33333.33", "3333.33"]]})
    out = run("check", "--payroll", PAYROLL, "--policy", "hebei-2013", "--public-funds", funds, "--as-of", "2026-11-21")
    data = out.json()
    assert {c["id"]: c["status"] for c in data["checks"]}["fund.public_funds"] in ("pass", "fail")
    assert data["figures"]["checks_judged"] >= 1 and data["judged"]["budget"] >= 1


def test_nothing_judged_is_said_and_required_part_exits_1(run):
    # hebei-2013 has no payroll fund rate: without --public-funds the budget part judges nothing
    args = ["check", "--payroll", PAYROLL, "--policy", "hebei-2013", "--as-of", "2026-11-21", "--lang", "en"]
    out = run(*args)
    data = out.json()
    assert data["figures"]["checks_judged"] == 0 and out.code == 0
    assert any("nothing was judged" in n for n in data["notes"])
    out = run(*args, "--require", "budget")
    assert out.code == 1 and out.json()["unjudged_required"] == ["budget"]
    assert run(*args, "--require", "nonsense").code == 2
