"""Money checks at their edges (issue 13, spec §7): one comparison in whole fen with the figure
shown, the remedy the smallest passing change, and re-running with the remedy passes.
Hand-computed figures in the comments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# one person, gross 1,000.00: quangang fund_min = 15.00, fund_max = 25.00
ROWS = [["单位", "姓名", "身份证号", "应发合计"], ["一小", "甲", "11010519491231002X", 1000]]


@pytest.fixture
def payroll(xlsx):
    return xlsx("p.xlsx", {"工资": ROWS})


def _check(out, check_id):
    return {c["id"]: c for c in out.json()["checks"]}[check_id]


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def test_school_share_met_exactly_at_the_displayed_requirement(run, payroll):
    # 1583.34 × 60% = 950.004 -> 950.00 shown; 950.00 given must pass (issue 13 (2))
    out = run("budget", payroll, "--budgeted", "1583.34", "--to-school", "950.00", "--format", "json",
              "--lang", "en")
    data = out.json()
    assert data["figures"]["school_allocation_required"] == "950.00"
    check = _check(out, "fund.school_share")
    assert check["status"] == "pass" and check["remedy"] is None


def test_school_share_fail_never_says_shortfall_zero(run, payroll):
    out = run("budget", payroll, "--budgeted", "1583.34", "--to-school", "949.99", "--format", "json",
              "--lang", "en")
    check = _check(out, "fund.school_share")
    assert check["status"] == "fail" and "¥0.01" in check["remedy"] and "¥0.00" not in check["remedy"]
    assert check["actual"] != "0.6000"  # 949.99/1583.34 = 0.59999… is not shown as the bound beside ✘


def test_public_funds_met_exactly_passes(run, payroll, xlsx):
    # wenzhou-2012 10%: 33,333.33 × 10% = 3,333.333 -> 3,333.33; spending 3,333.33 passes (issue 13 (1))
    funds = xlsx("f.xlsx", {"公用经费": [["单位", "年度公用经费预算总额", "培训经费支出"],
                                          ["一小", "33333.33", "3333.33"]]})
    out = run("budget", payroll, "--policy", "wenzhou-2012", "--public-funds", funds, "--format", "json")
    assert _check(out, "fund.public_funds")["status"] == "pass"
    assert out.json()["public_funds"][0]["training_spend_required"] == "3333.33"


def test_wenzhou_passdown_from_the_budget_and_divisor_stated(run, payroll):
    # budgeted 100.00 × 70% = 70.00 passdown_total; one person on the payroll -> 70.00 per teacher
    out = run("budget", payroll, "--policy", "wenzhou-2012", "--budgeted", "100", "--format", "json",
              "--lang", "en")
    data = out.json()
    f = data["figures"]
    assert f["passdown_total"] == "70.00" and f["passdown_basis"] == "budgeted"
    assert f["passdown_per_teacher"] == "70.00" and f["passdown_teachers_source"] == "payroll"
    assert "distinct persons on the payroll" in data["definitions"]["passdown_teachers"]
    # without --budgeted: 3% of 1000.00 = 30.00, × 70% = 21.00
    f = run("budget", payroll, "--policy", "wenzhou-2012", "--format", "json").json()["figures"]
    assert f["passdown_total"] == "21.00" and f["passdown_basis"] == "fund_min"


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(budget=st.integers(min_value=1, max_value=10**9))
def test_school_share_flips_exactly_at_the_required_fen(run, payroll, budget):
    required = int((Decimal(budget) * Decimal("0.6")).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    for to_school, status in ((required - 1, "fail"), (required, "pass")):
        if to_school < 0:
            continue
        out = run("budget", payroll, "--budgeted", _yuan(budget), "--to-school", _yuan(to_school),
                  "--format", "json", "--lang", "en")
        check = _check(out, "fund.school_share")
        assert check["status"] == status, (budget, to_school)
        assert out.json()["figures"]["school_allocation_required"] == _yuan(required)
        if status == "fail":
            assert f"at least ¥{int(_yuan(required).split('.')[0]):,}.{_yuan(required)[-2:]}" in check["remedy"]
            again = run("budget", payroll, "--budgeted", _yuan(budget), "--to-school", _yuan(required),
                        "--format", "json")
            assert _check(again, "fund.school_share")["status"] == "pass"


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(gross=st.integers(min_value=100, max_value=10**9))
def test_fund_rate_flips_exactly_at_fund_min(run, xlsx, gross):
    pay = xlsx(f"g{gross}.xlsx", {"工资": [ROWS[0], ["一小", "甲", "11010519491231002X", _yuan(gross)]]})
    fund_min = int((Decimal(gross) * Decimal("0.015")).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    for budget, status in ((fund_min - 1, "fail"), (fund_min, "pass")):
        if budget < 0:
            continue
        out = run("budget", pay, "--budgeted", _yuan(budget), "--format", "json", "--lang", "en")
        check = _check(out, "fund.rate")
        assert check["status"] == status, (gross, budget)
        if status == "fail":
            assert "shortfall ¥0.01:" in check["remedy"]


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(public=st.integers(min_value=1, max_value=10**9))
def test_public_funds_flip_exactly_at_the_required_fen(run, payroll, xlsx, public):
    required = int((Decimal(public) * Decimal("0.10")).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    for spent, status in ((required - 1, "fail"), (required, "pass")):
        if spent < 0:
            continue
        funds = xlsx(f"f{public}-{spent}.xlsx", {"公用经费": [["单位", "年度公用经费预算总额", "培训经费支出"],
                                                          ["一小", _yuan(public), _yuan(spent)]]})
        out = run("budget", payroll, "--policy", "wenzhou-2012", "--public-funds", funds, "--format", "json")
        check = _check(out, "fund.public_funds")
        assert check["status"] == status, (public, spent)
        if status == "fail":
            assert check["details"] == [{"unit": "一小", "shortfall": "0.01"}]


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(budget=st.integers(min_value=1, max_value=10**9))
def test_passdown_check_in_fen_and_its_remedy_passes(run, payroll, budget):
    required = int((Decimal(budget) * Decimal("0.7")).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    to_school = budget - required
    out = run("budget", payroll, "--policy", "wenzhou-2012", "--budgeted", _yuan(budget), "--to-school",
              _yuan(to_school), "--format", "json", "--lang", "en")
    assert _check(out, "fund.passdown")["status"] == "pass"
    if to_school >= 1:  # one fen more to the training school: one fen too little passed down
        out = run("budget", payroll, "--policy", "wenzhou-2012", "--budgeted", _yuan(budget), "--to-school",
                  _yuan(to_school + 1), "--format", "json", "--lang", "en") if to_school + 1 <= budget else None
        if out is not None:
            check = _check(out, "fund.passdown")
            assert check["status"] == "fail" and "¥0.01 more" in check["remedy"]


# ============================================================== every money remedy, applied, passes (issue 13 item 1)
def _amounts(text: str) -> list[int]:
    """The ¥ amounts of a remedy, in fen, in the order written."""
    import re

    return [int(a.replace(",", "").replace(".", "")) for a in re.findall(r"¥([\d,]+\.\d\d)", text)]


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(gross=st.integers(min_value=100, max_value=10**9), below=st.integers(min_value=1, max_value=10**6))
def test_fund_rate_minimum_remedy_applied_passes_and_one_fen_less_fails(run, xlsx, gross, below):
    pay = xlsx(f"m{gross}.xlsx", {"工资": [ROWS[0], ["一小", "甲", "11010519491231002X", _yuan(gross)]]})
    fund_min = int((Decimal(gross) * Decimal("0.015")).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    budget = max(0, fund_min - below)
    if budget == fund_min:
        return
    check = _check(run("budget", pay, "--budgeted", _yuan(budget), "--format", "json", "--lang", "en"), "fund.rate")
    assert check["status"] == "fail"
    gap, required = _amounts(check["remedy"])
    assert gap == fund_min - budget and required == fund_min
    for amount, status in ((budget + gap, "pass"), (budget + gap - 1, "fail")):
        again = run("budget", pay, "--budgeted", _yuan(amount), "--format", "json", "--lang", "en")
        assert _check(again, "fund.rate")["status"] == status, (gross, amount)


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(gross=st.integers(min_value=100, max_value=10**9), above=st.integers(min_value=1, max_value=10**6))
def test_fund_rate_maximum_remedy_applied_passes_and_one_fen_more_fails(run, xlsx, gross, above):
    # quangang-2022: fund_max = payroll_total × 2.5%, rounded once
    pay = xlsx(f"x{gross}.xlsx", {"工资": [ROWS[0], ["一小", "甲", "11010519491231002X", _yuan(gross)]]})
    fund_max = int((Decimal(gross) * Decimal("0.025")).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    budget = fund_max + above
    check = _check(run("budget", pay, "--budgeted", _yuan(budget), "--format", "json", "--lang", "en"), "fund.rate")
    assert check["status"] == "fail"
    over, high = _amounts(check["remedy"])
    assert over == above and high == fund_max
    for amount, status in ((budget - over, "pass"), (budget - over + 1, "fail")):
        again = run("budget", pay, "--budgeted", _yuan(amount), "--format", "json", "--lang", "en")
        assert _check(again, "fund.rate")["status"] == status, (gross, amount)


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(public=st.integers(min_value=10, max_value=10**9), spent_part=st.fractions(min_value=0, max_value=1))
def test_public_funds_remedy_applied_passes_and_one_fen_less_fails(run, payroll, xlsx, public, spent_part):
    required = int((Decimal(public) * Decimal("0.10")).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    spent = int(required * spent_part)
    if spent >= required:
        return

    def judge(amount):
        funds = xlsx(f"r{public}-{amount}.xlsx", {"公用经费": [["单位", "年度公用经费预算总额", "培训经费支出"],
                                                            ["一小", _yuan(public), _yuan(amount)]]})
        out = run("budget", payroll, "--policy", "wenzhou-2012", "--public-funds", funds, "--format", "json",
                  "--lang", "en")
        return _check(out, "fund.public_funds")

    check = judge(spent)
    assert check["status"] == "fail"
    gap = int(check["details"][0]["shortfall"].replace(".", ""))
    assert _amounts(check["remedy"]) == [gap]
    assert judge(spent + gap)["status"] == "pass"
    assert judge(spent + gap - 1)["status"] == "fail"


@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(budget=st.integers(min_value=2, max_value=10**9), to_school_part=st.fractions(min_value=0, max_value=1))
def test_passdown_remedy_applied_passes_on_both_sides(run, payroll, budget, to_school_part):
    """wenzhou-2012 passes down exactly 70%: too much and too little both fail, the remedy's
    to_school passes and one fen either side of it fails."""
    to_school = int(budget * to_school_part)

    def judge(amount):
        out = run("budget", payroll, "--policy", "wenzhou-2012", "--budgeted", _yuan(budget), "--to-school",
                  _yuan(amount), "--format", "json", "--lang", "en")
        return _check(out, "fund.passdown")

    check = judge(to_school)
    required = int((Decimal(budget) * Decimal("0.7")).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    if budget - to_school == required:
        assert check["status"] == "pass"
        return
    assert check["status"] == "fail"
    gap, total, remedy_to_school = _amounts(check["remedy"])
    assert total == required and gap == abs(required - (budget - to_school)) and gap > 0
    assert ("more" in check["remedy"]) == (budget - to_school < required)
    assert judge(remedy_to_school)["status"] == "pass"
    for wrong in (remedy_to_school - 1, remedy_to_school + 1):
        if 0 <= wrong <= budget:
            assert judge(wrong)["status"] == "fail"
