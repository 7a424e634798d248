"""ttcalc institutions: shares at the 40%/80% edges, per city, mergers, failing ones, outputs."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

import ttcalc
from ttcalc.institutions.command import needed
from ttcalc.policy.profile import load_profile

HEAD = ["设区市", "机构名称", "评估等级", "认定时间", "是否整合", "整合时间"]


def listing(tmp_path, rows, name="list.csv"):
    path = tmp_path / name
    lines = [",".join(HEAD)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows_of(counts: dict, city="甲市", merged=("是", "2015-06-30")):
    out = []
    for rating, n in counts.items():
        for k in range(n):
            m = merged if rating in ("国家级示范", "省级示范") else (None, None)
            out.append((city, f"{city}{rating}{k}", rating, "2013-11-26", *m))
    return out


def check(report, cid):
    return next(c for c in report.checks if c.id == cid)


@pytest.mark.parametrize("national, status, need", [(399, "fail", 1), (400, "pass", 0)])
def test_national_share_399_and_400_of_1000(tmp_path, national, status, need):
    rows = rows_of({"国家级示范": national, "省级示范": 800 - national, "标准化": 200})
    r = ttcalc.institutions(listing(tmp_path, rows), as_of="2020-12-31")
    c = check(r, "institution.national_demo_share")
    assert c.status == status and c.actual == ("0.3990" if national == 399 else "0.4000")
    assert r.figures["national_needed"] == need
    assert check(r, "institution.provincial_demo_share").status == "pass"  # 800 of 1000: national counts as provincial


@pytest.mark.parametrize("provincial, status", [(3, "fail"), (4, "pass")])
def test_provincial_share_80_percent_edge(tmp_path, provincial, status):
    rows = rows_of({"省级示范": provincial, "标准化": 5 - provincial})
    r = ttcalc.institutions(listing(tmp_path, rows), as_of="2020-12-31")
    assert check(r, "institution.provincial_demo_share").status == status


@given(st.integers(0, 500), st.integers(1, 500), st.sampled_from([Fraction(2, 5), Fraction(4, 5)]))
def test_needed_is_the_least_that_reaches_the_target(n, extra, target):
    total = n + extra
    k = needed(target, n, total)
    assert Fraction(n + k, total) >= target
    assert k == 0 or Fraction(n + k - 1, total) < target


def test_per_city_figures_and_a_city_short_while_overall_passes(tmp_path):
    rows = rows_of({"国家级示范": 4, "标准化": 1}, "甲市") + rows_of({"国家级示范": 0, "省级示范": 4, "标准化": 1}, "乙市")
    r = ttcalc.institutions(listing(tmp_path, rows), as_of="2020-12-31")
    c = check(r, "institution.national_demo_share")
    assert c.status == "pass"  # 4 of 10
    assert [d["city"] for d in c.details] == ["乙市"] and c.details[0]["needed"] == 2
    by = {u["city"]: u for u in r.by_unit}
    assert by["甲市"]["national_demo_share"] == "0.8000" and by["乙市"]["provincial_needed"] == 0


@pytest.mark.parametrize("merged, on, rated, as_of, status", [
    ("是", "2015-12-31", "2013-11-26", "2020-12-31", "pass"),
    ("是", "2016-01-01", "2013-11-26", "2020-12-31", "fail"),
    ("否", None, "2013-11-26", "2020-12-31", "fail"),
    ("否", None, "2013-11-26", "2015-06-30", "not_applicable"),  # not yet due
    ("是", "2017-05-01", "2017-06-01", "2020-12-31", "pass"),  # rated later: merged when rated
    ("是", "2017-07-01", "2017-06-01", "2020-12-31", "fail"),
])
def test_merger_by_the_end_of_2015(tmp_path, merged, on, rated, as_of, status):
    rows = [("甲市", "某县教师发展中心", "省级示范", rated, merged, on)]
    r = ttcalc.institutions(listing(tmp_path, rows), as_of=as_of)
    assert check(r, "institution.merger").status == status


def test_failing_institutions_and_their_consequences(tmp_path):
    rows = rows_of({"标准化": 2, "不达标": 1})
    r = ttcalc.institutions(listing(tmp_path, rows), as_of="2014-01-01")
    c = check(r, "institution.failing")
    assert c.status == "fail" and c.actual == "1" and c.citation.startswith("冀教师〔2013〕37号")
    assert c.details[0]["institution"] == "甲市不达标0"


def test_a_rating_after_as_of_does_not_count_and_is_warned(tmp_path):
    rows = [("甲市", "甲", "国家级示范", "2019-06-01", "是", "2015-01-01"), ("甲市", "乙", "标准化", "2013-11-26", None, None)]
    r = ttcalc.institutions(listing(tmp_path, rows), as_of="2018-12-31")
    assert r.figures["national"] == 0 and r.figures["unrated"] == 1
    assert [w for w in r.warnings if w["code"] == "institutions_rated_later"]


def test_an_unknown_rating_stops_with_row_and_column(tmp_path, run):
    res = run("institutions", listing(tmp_path, [("甲市", "甲", "优秀", "2013-11-26", None, None)]), "--lang", "en")
    assert res.code == 2 and "row 2" in res.stderr and "评估等级" in res.stderr


def test_rating_spellings(tmp_path):
    rows = [("甲市", str(k), rating, "2013-11-26", "是", "2015-01-01")
            for k, rating in enumerate(["国家级示范性", "国家级", "省示范性", "示范性", "省标准化", "未达标"])]
    r = ttcalc.institutions(listing(tmp_path, rows), as_of="2020-12-31")
    assert (r.figures["national"], r.figures["provincial"], r.figures["standard"], r.figures["failing"]) == (2, 2, 1, 1)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    from ttcalc.sample import write_institutions

    return write_institutions(tmp_path_factory.mktemp("i") / "institutions.xlsx")


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sample_every_format_and_language(run, sample, fmt, lang):
    res = run("institutions", sample, "--as-of", "2020-12-31", "-f", fmt, "--lang", lang, "-q")
    assert res.code == 1, res.stderr
    assert "institution.national_demo_share" in res.stdout and "institutions.remedy" not in res.stdout


def test_sample_passes_and_fails(run, sample):
    d = run("institutions", sample, "--as-of", "2020-12-31", "-f", "json", "-q").json()
    status = {c["id"]: c["status"] for c in d["checks"]}
    assert status == {"institution.national_demo_share": "pass", "institution.provincial_demo_share": "fail",
                      "institution.merger": "fail", "institution.failing": "fail"}
    assert d["figures"]["national_demo_share"] == "0.4000" and d["figures"]["provincial_needed"] == 1


def test_workbook_formulas_and_stored_values(run, sample, tmp_path):
    out = tmp_path / "i.xlsx"
    assert run("institutions", sample, "--as-of", "2020-12-31", "-o", out, "-q").code == 1
    f = load_workbook(out)["设区市"]
    v = load_workbook(out, data_only=True)["设区市"]
    assert str(f["B2"].value).startswith("=COUNTIFS(")
    last = v.max_row
    totals = [v.cell(r, 1).value for r in range(2, last + 1)]
    row = totals.index("合计") + 2
    assert v.cell(row, 2).value == 20 and v.cell(row, 3).value == 8 and v.cell(row, 10).value == 1


def test_institution_rules_are_computable():
    p = load_profile("hebei-2013")
    for rid in ("institution.national_demo_share_min", "institution.provincial_demo_share_min",
                "institution.integration_deadline", "institution.failing_max"):
        assert p.require(rid).computable


def test_check_runs_institutions(run, sample):
    d = run("check", "--institutions", sample, "--as-of", "2020-12-31", "-q").json()
    ids = {c["id"]: c["status"] for c in d["checks"]}
    assert ids["institution.failing"] == "fail" and ids["duties.school_days"] == "not_applicable"
    assert "institutions_by_unit" in d
