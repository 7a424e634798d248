"""Spec §9, wrong figures: total rows however spaced, ID numbers that went through a number,
amounts too big to be a salary, and per-unit formulas whatever the unit is called."""

from __future__ import annotations

import pytest

HEAD = ["单位", "姓名", "身份证号", "应发合计"]
A = ["一小", "甲", "11010519491231002X", 500]
B = ["二中", "乙", "110105195001010037", 505]


@pytest.mark.parametrize("space", ["\u3000", "\u00a0", "\u202f", " \u3000 ", "\u2003", "\u200b", ""])
@pytest.mark.parametrize("word", ["合计", "小计", "总计"])
@pytest.mark.parametrize("column", [0, 1])
def test_total_row_with_any_unicode_space_is_not_a_person(run, xlsx, space, word, column):
    label = word[0] + space + word[1]
    total = ["", "", "", 1005]
    total[column] = label
    data = run("budget", xlsx("p.xlsx", {"工资": [HEAD, A, B, total]}), "--format", "json").json()
    assert data["figures"]["people"] == 2
    assert data["figures"]["payroll_total"] == "1005.00"


@pytest.mark.parametrize("space", ["\u3000", "\u00a0"])
def test_note_row_with_a_wide_space_is_not_a_person(run, xlsx, space):
    note = [f"注{space}：本表", "", "", 9999]
    data = run("budget", xlsx("p.xlsx", {"工资": [HEAD, A, B, note]}), "--format", "json").json()
    assert data["figures"]["people"] == 2


@pytest.mark.parametrize("ids", [
    (3.5050519850301E+17, 3.5050519850301E+17),            # float cells: one number for two people
    ("3.5050519850301E+17", "3.5050519850301E+17"),        # the number as Excel shows it, as text
    ("3.5050519850301e+17", "3.50505198503010E+17"),       # other spellings of it
    ("350505198503010000", "350505198503010000"),          # the float written out in full
])
def test_an_id_stored_as_a_number_never_merges_people(run, xlsx, ids):
    rows = [HEAD, ["一小", "甲", ids[0], 500], ["一小", "乙", ids[1], 505], ["一小", "丙", ids[0], 100]]
    ran = run("budget", xlsx("p.xlsx", {"工资": rows}), "--format", "json", "--lang", "en")
    data = ran.json()
    assert data["figures"]["people"] == 3
    assert data["figures"]["payroll_total"] == "1105.00"
    assert any(w["code"] == "id_numeric" for w in data["warnings"])


def test_parse_id_flags_float_and_scientific_ids():
    from ttcalc.cells.idcard import parse_id

    for raw in (3.5050519850301e17, "3.5050519850301E+17", "3.5E17", "3.50505e+017"):
        assert parse_id(raw).problem == "numeric"
    assert parse_id("11010519491231002x").valid


@pytest.mark.parametrize("amount", ["9999999999999.99", 9999999999999.99, "1e308", 1e308, "1000000000", "-1E+20"])
def test_an_amount_beyond_a_billion_yuan_is_refused_not_wrapped(run, xlsx, amount):
    rows = [HEAD] + [["一小", f"人{i}", None, amount] for i in range(3)]
    ran = run("budget", "--lang", "en", xlsx("p.xlsx", {"工资": rows}), "--format", "json")
    assert ran.code == 2, ran.stdout
    assert "row 2" in ran.stderr and "Traceback" not in ran.stderr


def test_many_rows_of_the_largest_amount_sum_exactly(tmp_path, run):
    """The int64 overflow case: 9,300 rows of the largest amount a cell may hold."""
    path = tmp_path / "p.csv"
    path.write_text("姓名,应发合计\n" + "".join(f"人{i},999999999.99\n" for i in range(9300)), encoding="utf-8")
    data = run("budget", path, "--format", "json").json()
    assert data["figures"]["payroll_total"] == f"{9300 * 99999999999 // 100}.{9300 * 99999999999 % 100:02d}"


def test_parse_decimal_refuses_huge_and_tiny_exponents():
    from ttcalc.cells.money import parse_decimal

    for raw in ("1e308", "1E-999999999", "9" * 40, "1E+10"):
        with pytest.raises(ValueError):
            parse_decimal(raw)
    assert str(parse_decimal("999999999.99")) == "999999999.99"


@pytest.mark.libreoffice
@pytest.mark.parametrize("units", [("泉港区*", "泉港区第一小学"), ("<>泉港区第一小学", "泉港区第一小学"),
                                   ("School A", "school a"), ("=1+1", "2"), ("?", "a"), ("~*", "*")])
def test_per_unit_formulas_match_the_unit_exactly(run, soffice, xlsx, tmp_path, units):
    import openpyxl

    rows = [HEAD, [units[0], "甲", None, 100], [units[1], "乙", None, 205.5], [units[1], "丙", None, 1]]
    out = tmp_path / "out.xlsx"
    data = run("budget", xlsx("p.xlsx", {"工资": rows}), "--format", "json", "-o", out).json()
    wb = openpyxl.load_workbook(soffice(out, "xlsx"), data_only=True)
    got = {r[0]: (f"{r[1]:.2f}", r[2]) for r in wb["分单位"].iter_rows(min_row=2, values_only=True)
           if r[0] and r[0] != "合计"}  # the 合计 row sums the units
    want = {u["unit"]: (u["payroll_total"], u["payroll_rows"]) for u in data["by_unit"]}
    assert got == want
