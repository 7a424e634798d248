"""A big .xlsx read typed (issue 17, read.xlsxfast): the header from the sheet's first rows,
then the rows below it loaded once with amounts as numbers.  The figures, warnings and skipped
rows must be exactly those of the general (all-text) read, on every layout; a text amount far
below the first 1,000 rows must never turn into an empty cell (a silent wrong sum)."""

from __future__ import annotations

import json

import pytest

from builders import make_xlsx
from ttcalc.read import xlsxfast


@pytest.fixture
def typed(monkeypatch):
    """Every .xlsx sheet goes the typed way; returns the list of typed loads made."""
    calls: list = []
    original = xlsxfast.load_body

    def spy(*args, **kwargs):
        table = original(*args, **kwargs)
        calls.append(table)
        return table

    monkeypatch.setattr(xlsxfast, "TYPED_MIN_CELLS", 0)
    monkeypatch.setattr(xlsxfast, "load_body", spy)
    return calls


def _budget(run, path) -> dict:
    r = run("budget", path, "--format", "json", "--quiet", "--lang", "en")
    assert r.code in (0, 1), r.stdout + r.stderr + str(r.exception)
    data = r.json()
    data.pop("as_of", None)
    return data


def _both(run, monkeypatch, path, typed_calls) -> tuple[dict, dict]:
    fast = _budget(run, path)
    assert typed_calls, "the typed path was not taken"
    monkeypatch.setattr(xlsxfast, "TYPED_MIN_CELLS", 10**15)
    slow = _budget(run, path)
    return fast, slow


def _people(n: int, start: int = 0) -> list[list]:
    return [[f"张{i}", "", f"第{i % 3}学校", 1000 + i + (i % 100) / 100] for i in range(start, start + n)]


@pytest.mark.parametrize("late", [1001, 1500, 2999])
@pytest.mark.parametrize("text", ["1,234.00", "１２３４.００", "￥1234", "1234.00 元"])
def test_a_late_text_amount_is_summed_never_null(run, tmp_path, typed, late, text):
    rows = [["2024年3月 工资表"], ["姓名", "身份证号", "单位", "应发合计"]] + _people(3000)
    rows[1 + late][3] = text
    path = make_xlsx(tmp_path / "late.xlsx", {"3月": rows})
    data = _budget(run, path)
    assert typed
    want = sum(round((1000 + i + (i % 100) / 100) * 100) for i in range(3000) if i != late - 1) + 123400
    total = data["figures"]["payroll_total"]
    assert int(total.replace(".", "")) == want
    assert data["figures"]["payroll_rows"] == 3000


def test_a_late_word_in_an_amount_column_still_stops_the_run(run, tmp_path, typed):
    rows = [["姓名", "身份证号", "单位", "应发合计"]] + _people(2500)
    rows[2200][3] = "待定"
    path = make_xlsx(tmp_path / "word.xlsx", {"Sheet1": rows})
    r = run("budget", path, "--format", "json", "--quiet", "--lang", "en")
    assert typed
    assert r.code == 2 and "row 2201" in (r.stderr + r.stdout)


def _layouts():
    people = _people(1200)
    # title lines and a two-row header, totals and notes at the foot
    two = [["某县教育局"], ["2024年3月工资表"], ["姓名", "身份证号", "单位", "工资", None],
           [None, None, None, "应发合计", "备注"]] + [p + [None] for p in people] + \
        [["合计", None, None, 1, None], ["注：单位为元", None, None, None, None]]
    # a unit merged down each school's block of rows
    merged_rows = [["单位", "姓名", "身份证号", "应发合计"]]
    merges = []
    for b in range(4):
        first = len(merged_rows) + 1
        for i in range(300):
            merged_rows.append([f"第{b}学校" if i == 0 else None, f"李{b}-{i}", "", 2000 + i * 1.1])
        merges.append(f"A{first}:A{first + 299}")
    # the payslip layout: the header repeated above every person
    slips = []
    for i in range(600):
        slips += [["姓名", "身份证号", "单位", "应发合计"], [f"王{i}", "", "一中", 3000.25 + i]]
    # amounts finer than a fen, float noise, negatives, zero, blanks, a duplicate person
    odd = [["姓名", "身份证号", "单位", "应发合计"]] + _people(1100) + \
        [["赵甲", "", "一中", 12.345], ["赵乙", "", "一中", 0.1 + 0.2], ["赵丙", "", "一中", -5.5],
         ["赵丁", "", "一中", 0], ["张3", "", "第0学校", 10]]
    return {"two-row header": ({"3月": two}, None), "merged units": ({"Sheet1": merged_rows}, {"Sheet1": merges}),
            "payslips": ({"工资条": slips}, None), "odd amounts": ({"Sheet1": odd}, None),
            "hidden sheet": ({"3月": [["姓名", "身份证号", "单位", "应发合计"]] + people,
                              "old": [["姓名", "身份证号", "单位", "应发合计"]] + _people(5)}, None)}


@pytest.mark.parametrize("layout", list(_layouts()))
def test_typed_and_general_reads_give_the_same_report(run, tmp_path, monkeypatch, typed, layout):
    sheets, merges = _layouts()[layout]
    path = make_xlsx(tmp_path / "book.xlsx", sheets, merges)
    if layout == "hidden sheet":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        wb["old"].sheet_state = "hidden"
        wb.save(path)
    fast, slow = _both(run, monkeypatch, path, typed)
    assert json.dumps(fast, sort_keys=True, ensure_ascii=False) == json.dumps(slow, sort_keys=True, ensure_ascii=False)


def test_the_typed_load_reads_the_bytes_the_caps_checked(run, tmp_path, monkeypatch, typed):
    """fastexcel is given the bytes read once under the caps, never the path."""
    import fastexcel

    seen = []
    original = fastexcel.read_excel

    def spy(source, *args, **kwargs):
        seen.append(type(source))
        return original(source, *args, **kwargs)

    monkeypatch.setattr(fastexcel, "read_excel", spy)
    path = make_xlsx(tmp_path / "caps.xlsx", {"Sheet1": [["姓名", "身份证号", "单位", "应发合计"]] + _people(1500)})
    _budget(run, path)
    assert typed and seen and all(t is bytes for t in seen)


def test_merge_ranges_from_the_sheet_xml(tmp_path):
    import zipfile

    path = make_xlsx(tmp_path / "m.xlsx", {"S": [["a", "b"], ["x", 1], [None, 2], [None, 3]]},
                     {"S": ["A2:A4", "B1:C1"]})
    with zipfile.ZipFile(path) as zf:
        member = next(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
        assert sorted(xlsxfast.merge_ranges(zf, member)) == [(0, 1, 0, 2), (1, 0, 3, 0)]
