"""Annotated workbooks a clerk can hand up: print settings, stored values, 大写金额, % formats."""

from __future__ import annotations

import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ttcalc.output.workbook.common import rmb_upper


@pytest.mark.parametrize("fen,words", [
    (0, "零元整"), (1, "壹分"), (10, "壹角整"), (100, "壹元整"), (10000, "壹佰元整"), (100_000_000, "壹佰万元整"),
    (123456, "壹仟贰佰叁拾肆元伍角陆分"), (4570308, "肆万伍仟柒佰零叁元零捌分"), (1000100, "壹万零壹元整"),
    (10_000_000_000, "壹亿元整"), (10_000_100_000, "壹亿零壹仟元整"), (3000000, "叁万元整"),
    (100_010_000_00, "壹亿零壹万元整"), (105, "壹元零伍分"), (2_000_000_050, "贰仟万元伍角整"),
])
def test_rmb_upper_known_examples(fen, words):
    assert rmb_upper(fen) == words


UNITS = {"拾": 10, "佰": 100, "仟": 1000}


def _back(words: str) -> int:
    """Parse 大写金额 back to fen (an independent reading, to check the writer)."""
    digits = {c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
    yuan_part, _, rest = words.partition("元") if "元" in words else ("", "", words)
    total, section, num = 0, 0, 0
    for ch in yuan_part:
        if ch in digits:
            num = digits[ch]
        elif ch in UNITS:
            section += num * UNITS[ch]
            num = 0
        elif ch == "万":
            total = (total + section + num) * 10000 if total % 10**8 else total + (section + num) * 10000
            section = num = 0
        elif ch == "亿":
            total = (total + section + num) * 10**8
            section = num = 0
    yuan = total + section + num
    jiao = digits[rest[rest.index("角") - 1]] if "角" in rest else 0
    cents = digits[rest[rest.index("分") - 1]] if "分" in rest else 0
    return yuan * 100 + jiao * 10 + cents


@given(st.integers(min_value=0, max_value=10**10))
def test_rmb_upper_reads_back(fen):
    words = rmb_upper(fen)
    assert "零零" not in words and not (fen > 0 and words.startswith("零"))
    assert _back(words) == fen


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    from typer.testing import CliRunner

    from ttcalc.cli import app

    d = tmp_path_factory.mktemp("wb")
    r = CliRunner()
    assert r.invoke(app, ["sample", str(d)]).exit_code == 0
    out = {}
    for name, args in {"budget": ["budget", d / "payroll.xlsx", "--budgeted", "3万", "--to-school", "18000"],
                       "staffing": ["staffing", d / "roster.xlsx"],
                       "hours": ["hours", d / "hours.xlsx", "--cycle", "2022-2026"]}.items():
        res = r.invoke(app, [str(a) for a in args] + ["--as-of", "2026-12-31", "--lang", "zh", "-o",
                                                        str(d / f"out-{name}.xlsx"), "-q"])
        assert res.exit_code in (0, 1), res.stderr
        out[name] = d / f"out-{name}.xlsx"
    return out


@pytest.mark.parametrize("name", ["budget", "staffing"])
def test_summary_prints_a4_landscape_one_page_wide_with_headers_repeated(books, name):
    from openpyxl import load_workbook

    ws = load_workbook(books[name]).worksheets[0]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows


@pytest.mark.parametrize("name", ["budget", "staffing"])
def test_every_summary_formula_has_a_stored_value(books, name):
    xml = zipfile.ZipFile(books[name]).read("xl/worksheets/sheet1.xml").decode()
    cells = re.findall(r"<c r=\"([A-Z]+\d+)\"[^>]*>(<f>.*?</f>)(<v>[^<]*</v>)?", xml)
    assert cells and all(v for _r, _f, v in cells), [r for r, _f, v in cells if not v]


def test_budget_summary_words_the_fund_and_has_no_number_as_text(books):
    from openpyxl import load_workbook

    ws = load_workbook(books["budget"]).worksheets[0]
    rows = {r[1]: r for r in ws.iter_rows(min_row=3, max_row=20, values_only=True) if r[1]}
    assert rows["budgeted"][3] == "叁万元整"
    for r in rows.values():
        assert not (isinstance(r[3], str) and re.fullmatch(r"[\d,.]+", r[3])), r
    text = " ".join(str(c) for r in ws.iter_rows(values_only=True) for c in r if c)
    assert "制表人" in text and "审核人" in text and "教师培训经费测算表" in text
    assert ws["A2"].value == "名称" and ws["D2"].value == "大写金额"


def test_staffing_summary_ratios_are_percentages_and_internal_columns_hidden(books):
    from openpyxl import load_workbook

    wb = load_workbook(books["staffing"])
    ws = wb.worksheets[0]
    ratio_rows = [r for r in ws.iter_rows(min_row=5, max_row=22) if r[1].value and str(r[1].value).endswith("share")]
    assert ratio_rows and all(r[2].number_format == "0.00%" for r in ratio_rows)
    persons = wb["人员"]
    heads = {c.value: c.column_letter for c in persons[1]}
    for head in ("等级序", "学历序", "年龄来源"):
        assert persons.column_dimensions[heads[head]].hidden, head


def test_checks_sheet_headers_in_chinese(books):
    from openpyxl import load_workbook

    for path in books.values():
        ws = load_workbook(path)["检查"]
        heads = [c.value for c in ws[1]]
        assert heads[:4] == ["检查项", "结果", "实际", "要求"], heads
        assert not {c.value for c in ws["B"][1:]} & {"pass", "fail", "not_applicable"}
