"""Annotated workbooks, round 2 of issue 16: one language, 合计 rows with stored values, the
source's own 合计 rows reconciled, the hours summary sheet, exempt ≠ failing colours."""

from __future__ import annotations

import re
from datetime import date

import pytest
from openpyxl import load_workbook

from test_staffing import hire, teachers, write_roster

AS_OF = "2026-12-31"
CJK = re.compile(r"[\u4e00-\u9fff]")


def _book(run, samples, tmp_path, name, lang):
    args = {"budget": ["budget", samples / "payroll.xlsx", "--budgeted", "3万"],
            "staffing": ["staffing", samples / "roster.xlsx"],
            "hours": ["hours", samples / "hours.xlsx", "--cycle", "2022-2026"],
            "duties": ["duties", samples / "activities.xlsx", "--roster", samples / "roster.xlsx"],
            "institutions": ["institutions", samples / "institutions.xlsx"]}[name]
    out = tmp_path / f"{name}-{lang}.xlsx"
    r = run(*args, "--as-of", AS_OF, "--lang", lang, "-o", out)
    assert r.code in (0, 1), r.stderr
    return out


@pytest.mark.parametrize("name", ["budget", "staffing", "hours", "duties", "institutions"])
def test_sheet_names_and_headers_in_one_language(run, samples, tmp_path, name):
    zh = load_workbook(_book(run, samples, tmp_path, name, "zh"))
    en = load_workbook(_book(run, samples, tmp_path, name, "en"))
    shown = lambda wb: [n for n in wb.sheetnames if wb[n].sheet_state != "veryHidden"]  # noqa: E731 — not the marker
    assert all(not re.search(r"[A-Za-z]", n) for n in shown(zh)), zh.sheetnames
    assert all(not CJK.search(n) for n in shown(en)), en.sheetnames
    for ws in en:  # header rows: the first row of every sheet
        heads = [c.value for c in ws[1] if isinstance(c.value, str)]
        if ws.title in ("Summary", "Notes"):  # a title; the policy document (a name) beside its label
            continue
        assert not [h for h in heads if CJK.search(h)], (ws.title, heads)
    for ws in zh:
        heads = [c.value for c in ws[1] if isinstance(c.value, str)]
        ids = re.compile(r"[a-z]+-\d{4}|\d{4}-[a-z]+")  # profile and semester ids stay as they are
        bilingual = [h for h in heads if CJK.search(h) and re.search(r"[a-z]{3,}", ids.sub("", h))]
        assert not bilingual, (ws.title, bilingual)
    formulas = [c.value for ws in en for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert not [f for f in formulas if CJK.search(f) and "'" in f and re.search(r"'[^']*[\u4e00-\u9fff][^']*'!", f)]


def test_budget_totals_and_reconciliation(run, samples, tmp_path):
    path = _book(run, samples, tmp_path, "budget", "zh")
    wb, values = load_workbook(path), load_workbook(path, data_only=True)
    units = values["分单位"]
    last = units.max_row
    assert units.cell(last, 1).value == "合计" and wb["分单位"].cell(last, 2).value == f"=SUM(B2:B{last - 1})"
    total = sum(round(units.cell(r, 2).value * 100) for r in range(2, last))
    assert round(units.cell(last, 2).value * 100) == total and abs(units.cell(last, 5).value - 1) < 1e-9
    summary = values["汇总"]
    rows = [[c.value for c in r] for r in summary.iter_rows()]
    start = next(i for i, r in enumerate(rows) if r[0] == "与来源合计行核对")
    table = []
    for r in rows[start + 2:]:
        if not r[0]:
            break
        table.append(r)
    assert len(table) == 12  # one row per month sheet
    for sheet, _file, ours, source, diff in (r[:5] for r in table):
        assert source is not None and abs(source - ours - diff) < 0.005, sheet
    detail = values["明细"]
    totals = [r for r in detail.iter_rows(min_row=2, values_only=True) if r[8] and str(r[8]).startswith("合计行")]
    assert totals and all(r[6] is not None and r[7] == "否" for r in totals)  # amounts shown, never counted
    figures = {r[1]: r[2] for r in rows if r[1]}
    assert round(figures["payroll_total"] * 100) == total  # the source totals are not summed in


def test_hours_summary_first_and_teacher_totals(run, samples, tmp_path):
    path = _book(run, samples, tmp_path, "hours", "en")
    wb, values = load_workbook(path), load_workbook(path, data_only=True)
    assert wb.sheetnames[:3] == ["Summary", "Teachers", "Ledger"]
    s = values["Summary"]
    assert s["A2"].value == "As of" and s["C3"].value == "2022–2026"
    figures = {r[1]: (r[2], c) for r, c in zip(s.iter_rows(values_only=True), s.iter_rows()) if r[1]}
    assert figures["hours_total"][0] == 7616 and wb["Summary"][figures["hours_total"][1][2].coordinate].value.startswith("=")
    statuses = {r[0]: r[1] for r in s.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("hours.")}
    assert statuses["hours.cycle_total"] == "fail"
    pct = [c for row in s.iter_rows() for c in row if c.number_format == "0.00%"]
    assert pct and pct[0].value is not None
    t = values["Teachers"]
    last = t.max_row
    assert t.cell(last, 1).value == "Total"
    assert t.cell(last, 5).value == sum(t.cell(r, 5).value for r in range(3, last)) == 7616
    ledger = wb["Ledger"]
    assert ledger["O2"].number_format.startswith('[=1]"yes"')


def test_exempt_hire_is_not_coloured_as_a_failure(run, tmp_path):
    people = [hire(born=date(1974, 1, 1), honour="特级教师"), hire(edu="大专")] + teachers(6)
    path = write_roster(tmp_path / "r.xlsx", people)
    out = tmp_path / "out.xlsx"
    r = run("staffing", path, "--as-of", "2024-12-31", "-o", out, "--lang", "zh")
    assert r.code in (0, 1), r.stderr
    ws = load_workbook(out)["人员"]
    head = [c.value for c in ws[1]]
    name, hire_col = head.index("姓名") + 1, head.index("调入条件") + 1
    exempt, failed = ws.cell(2, name), ws.cell(3, name)
    assert "免" in str(ws.cell(2, hire_col).value) or "特级教师" in str(ws.cell(2, hire_col).value)
    assert failed.fill.fgColor.rgb.endswith("FFC7CE")
    assert not exempt.fill.fgColor.rgb.endswith("FFC7CE") and exempt.fill.fgColor.rgb.endswith("DDEBF7")
    assert not re.search(r"\b(exempt|fail|pass) by\b", str(ws.cell(2, hire_col).value))
