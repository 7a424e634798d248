"""Real offices' layouts (issue 12): payslips, merged unit cells, where a unit and a month are
written, system exports (HTML, SpreadsheetML), year folders, the same data twice, English
headers.  Every figure is summed by hand from the rows the test writes."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import make_xlsx
from ttcalc.cells.idcard import check_char


def ident(n: int) -> str:
    """A valid 18-character ID, distinct for each n."""
    body = f"11010519800101{n:03d}"
    return body + check_char(body)


def fen(values) -> str:
    return f"{sum(Decimal(str(v)) for v in values):.2f}"


def units_of(data: dict) -> dict:
    return {u["unit"]: (u["payroll_total"], u["people"]) for u in data["by_unit"]}


# ---- 1. payslip layout ------------------------------------------------------------------

PAY_HEADERS = [["单位", "姓名", "身份证号", "岗位工资", "应发工资"],
               ["单位名称", "姓  名", "公民身份号码", "岗位工资（元）", "应发合计（元）"],
               ["Unit", "Name", "ID No.", "Base Pay", "Gross Pay"]]


@pytest.mark.parametrize("header", range(len(PAY_HEADERS)))
@pytest.mark.parametrize("size,blanks", [(1, 1), (3, 1), (7, 2), (5, 0)])
def test_payslip_layout_repeats_the_header_above_every_person(run, xlsx, header, size, blanks):
    head = PAY_HEADERS[header]
    rows: list[list] = [["某区2024年3月教职工工资条"]]
    amounts = []
    for i in range(size):
        unit = "第一中学" if i % 2 else "实验小学"
        gross = Decimal("1000.10") + 37 * i
        amounts.append((unit, gross))
        rows += [head, [unit, f"人{i}", ident(i), 800, gross]] + [[None] * 5] * blanks
    path = xlsx("工资条.xlsx", {"工资条": rows})
    out = run("budget", path, "--format", "json")
    assert out.code == 0, out.stderr
    data = out.json()
    assert data["figures"]["payroll_total"] == fen(g for _, g in amounts)
    assert data["figures"]["people"] == size
    for unit in {u for u, _ in amounts}:
        assert units_of(data)[unit] == (fen(g for u, g in amounts if u == unit), sum(1 for u, _ in amounts if u == unit))
    item = data["inputs"][0]
    assert item["header_repeats"] == size - 1 and item["rows_used"] == size
    assert item["month"] == "2024-03" and item["month_source"] == "title"
    shown = run("inspect", path, "--format", "json").json()
    assert shown["inputs"][0]["header_repeats"] == size - 1


# ---- 2. merged unit cells -----------------------------------------------------------------

def _merged_book(blocks: list[int]) -> tuple[list[list], list[str], dict]:
    rows = [["单位", "姓名", "身份证号", "应发合计"]]
    merges, expect, n = [], {}, 0
    for b, length in enumerate(blocks):
        unit = f"第{b + 1}学校"
        first = len(rows) + 1
        for k in range(length):
            amount = 1000 + 100 * n
            rows.append([unit if k == 0 else None, f"人{n}", ident(n), amount])
            expect.setdefault(unit, []).append(amount)
            n += 1
        if length > 1:
            merges.append(f"A{first}:A{first + length - 1}")
    return rows, merges, expect


@pytest.mark.parametrize("blocks", [[3, 1, 2], [1, 1, 4], [5], [2, 2, 1, 3]])
def test_unit_merged_down_fills_every_row_it_covers_xlsx(run, xlsx, blocks):
    rows, merges, expect = _merged_book(blocks)
    path = xlsx("merged.xlsx", {"S": rows}, {"S": merges})
    data = run("budget", path, "--format", "json").json()
    assert units_of(data) == {u: (fen(a), len(a)) for u, a in expect.items()}
    assert data["figures"]["payroll_total"] == fen(a for v in expect.values() for a in v)
    assert data["inputs"][0]["merged_filled"] == merges


@pytest.mark.libreoffice
@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_unit_merged_down_in_xls_and_ods(run, xlsx, soffice, ext):
    rows, merges, expect = _merged_book([3, 1, 2])
    path = soffice(xlsx("merged.xlsx", {"S": rows}, {"S": merges}), ext)
    data = run("budget", path, "--format", "json").json()
    assert units_of(data) == {u: (fen(a), len(a)) for u, a in expect.items()}
    assert data["inputs"][0]["merged_filled"] == merges


def test_header_merges_keep_working(run, xlsx):
    rows = [["姓名", "身份证号", "工资项目", None, "应发合计"], [None, None, "岗位工资", "薪级工资", None],
            ["甲", ident(1), 500, 300, 800], ["乙", ident(2), 600, 300, 900]]
    path = xlsx("h.xlsx", {"S": rows}, {"S": ["A1:A2", "B1:B2", "C1:D1", "E1:E2"]})
    data = run("budget", path, "--format", "json").json()
    assert data["figures"]["payroll_total"] == "1700.00" and data["figures"]["people"] == 2


# ---- 3. where a unit and a month are written ---------------------------------------------

def _school_rows(title: str | None, people: list[tuple[int, int]]) -> list[list]:
    rows = [[title]] if title else []
    return rows + [["姓名", "身份证号", "应发合计"]] + [[f"人{n}", ident(n), amount] for n, amount in people]


@pytest.mark.parametrize("title,unit", [("XX区第二中学2024年3月教职工工资发放表", "XX区第二中学"),
                                        ("泉港区实验小学工资表", "泉港区实验小学"),
                                        ("2024年度 城关幼儿园 在职人员工资", "城关幼儿园")])
def test_unit_from_a_title_line(run, tmp_path, title, unit):
    folder = tmp_path / "year"
    folder.mkdir()
    make_xlsx(folder / "2024-03.xlsx", {"Sheet1": _school_rows(title, [(1, 1000), (2, 2000)])})
    make_xlsx(folder / "2024-04.xlsx", {"Sheet1": _school_rows("某县第九中学2024年4月工资表", [(3, 500)])})
    data = run("budget", folder, "--format", "json").json()
    assert units_of(data) == {unit: ("3000.00", 2), "某县第九中学": ("500.00", 1)}
    assert {i["unit_source"] for i in data["inputs"]} == {"title"}


def test_unit_from_sheet_names_one_sheet_per_school(run, xlsx):
    path = xlsx("2024年3月.xlsx", {"城关小学": _school_rows(None, [(1, 100), (2, 200)]),
                                   "第二中学": _school_rows(None, [(3, 300)]),
                                   "东山幼儿园": _school_rows(None, [(4, 400), (5, 500), (6, 600)])})
    data = run("budget", path, "--format", "json").json()
    assert units_of(data) == {"城关小学": ("300.00", 2), "第二中学": ("300.00", 1), "东山幼儿园": ("1500.00", 3)}
    assert {i["unit_source"] for i in data["inputs"]} == {"sheet"}
    assert {i["month"] for i in data["inputs"]} == {"2024-03"}
    assert not [w for w in data["warnings"] if w["code"] == "unit_from_file"]


def test_unit_from_the_file_name_is_a_warning(run, xlsx):
    path = xlsx("城南中学.xlsx", {"Sheet1": _school_rows(None, [(1, 100)])})
    data = run("budget", path, "--format", "json").json()
    assert units_of(data) == {"城南中学": ("100.00", 1)}
    assert data["inputs"][0]["unit_source"] == "file"
    assert [w["code"] for w in data["warnings"]].count("unit_from_file") == 1


def test_month_from_file_or_sheet_feeds_paid_twice(run, tmp_path):
    a = make_xlsx(tmp_path / "一中2024年3月.xlsx", {"S": _school_rows(None, [(1, 100), (2, 200)])})
    b = make_xlsx(tmp_path / "二中2024年3月.xlsx", {"S": _school_rows(None, [(1, 150)])})
    c = make_xlsx(tmp_path / "二中2024年4月.xlsx", {"S": _school_rows(None, [(1, 170)])})
    data = run("budget", a, b, c, "--format", "json").json()
    dup = [w for w in data["warnings"] if w["code"] == "duplicate_person"]
    assert len(dup) == 1 and dup[0]["file"].endswith(b.name) and a.name in dup[0]["message"]
    assert data["figures"]["payroll_total"] == "620.00"
    assert {i["month_source"] for i in data["inputs"]} == {"file"}


# ---- 4. system exports ---------------------------------------------------------------------

def _html(rows: list[list], charset: str | None) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    body = "".join("<tr>" + "".join(f"<td>{'' if v is None else v}</td>" for v in r) + "</tr>" for r in rows)
    return f"<html><head>{meta}</head><body><table border=1>{body}</table></body></html>"


@pytest.mark.parametrize("encoding,charset", [("gb2312", "gb2312"), ("gbk", "GBK"), ("utf-8", "utf-8"),
                                              ("utf-8", None), ("gb18030", None)])
def test_html_table_saved_as_xls(run, tmp_path, encoding, charset):
    rows = [["城关小学2024年3月工资表"], ["姓名", "身份证号", "岗位工资", "应发合计"],
            ["张三", ident(1), 800, "1234.56"], ["李四", ident(2), 900, "2000.04"], ["合计", None, None, "3234.60"]]
    path = tmp_path / "export.xls"
    path.write_bytes(_html(rows, charset).encode(encoding))
    data = run("budget", path, "--format", "json").json()
    assert data["figures"]["payroll_total"] == "3234.60" and data["figures"]["people"] == 2
    assert units_of(data) == {"城关小学": ("3234.60", 2)}


def test_html_rowspan_unit_fills_its_rows(run, tmp_path):
    page = ("<html><head><meta charset='gb2312'></head><body><table>"
            "<tr><th>单位</th><th>姓名</th><th>身份证号</th><th>应发合计</th></tr>"
            f"<tr><td rowspan=2>一中</td><td>甲</td><td>{ident(1)}</td><td>100</td></tr>"
            f"<tr><td>乙</td><td>{ident(2)}</td><td>200</td></tr>"
            f"<tr><td>二中</td><td>丙</td><td>{ident(3)}</td><td>400</td></tr></table></body></html>")
    path = tmp_path / "x.xls"
    path.write_bytes(page.encode("gb2312"))
    assert units_of(run("budget", path, "--format", "json").json()) == {"一中": ("300.00", 2), "二中": ("400.00", 1)}


def _spreadsheetml(sheets: dict[str, list[list]], merge_down: dict | None = None) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<?mso-application progid="Excel.Sheet"?>',
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">']
    for name, rows in sheets.items():
        out.append(f'<Worksheet ss:Name="{name}"><Table>')
        for r, row in enumerate(rows):
            cells = []
            for c, v in enumerate(row):
                if v is None:
                    continue
                kind = "Number" if isinstance(v, (int, float)) else "String"
                down = (merge_down or {}).get((name, r, c))
                attr = f' ss:Index="{c + 1}"' + (f' ss:MergeDown="{down}"' if down else "")
                cells.append(f'<Cell{attr}><Data ss:Type="{kind}">{v}</Data></Cell>')
            out.append("<Row>" + "".join(cells) + "</Row>")
        out.append("</Table></Worksheet>")
    return "\n".join(out + ["</Workbook>"])


@pytest.mark.parametrize("name", ["export.xml", "export.xls"])
def test_spreadsheetml_export(run, tmp_path, name):
    sheets = {"一中": [["姓名", "身份证号", "应发合计"], ["甲", ident(1), 1000.5], ["乙", ident(2), 999.5]],
              "二中": [["单位", "姓名", "身份证号", "应发合计"], ["二中本部", "丙", ident(3), 300],
                       [None, "丁", ident(4), 400], ["二中分校", "戊", ident(5), 50]]}
    path = tmp_path / name
    path.write_text(_spreadsheetml(sheets, {("二中", 1, 0): 1}), encoding="utf-8")
    data = run("budget", path, "--format", "json").json()
    assert data["figures"]["payroll_total"] == "2750.00" and data["figures"]["people"] == 5
    assert units_of(data) == {"一中": ("2000.00", 2), "二中本部": ("700.00", 2), "二中分校": ("50.00", 1)}


def test_wps_et_without_a_biff_workbook_is_refused_in_one_line(run, tmp_path):
    path = tmp_path / "工资.et"
    path.write_bytes(b"WPS-ET\x00\x01" + b"\x00" * 600)
    out = run("budget", path)
    assert out.code == 2 and "WPS" in out.stderr and out.stderr.count("\n") == 1


@pytest.mark.libreoffice
def test_wps_et_holding_a_biff_workbook_is_read(run, xlsx, soffice, tmp_path):
    rows, merges, expect = _merged_book([2, 1])
    xls = soffice(xlsx("m.xlsx", {"S": rows}, {"S": merges}), "xls")
    et = tmp_path / "工资.et"
    et.write_bytes(xls.read_bytes())
    data = run("budget", et, "--format", "json").json()
    assert units_of(data) == {u: (fen(a), len(a)) for u, a in expect.items()}


# ---- 5. and 6. folders, summaries, the same data twice ---------------------------------------

def _month(n: int) -> list[list]:
    return [["月份", "姓名", "身份证号", "应发合计"], [f"2024-{n:02d}", "甲", ident(1), 1000 + n],
            [f"2024-{n:02d}", "乙", ident(2), 2000 + n]]


def test_year_folder_skips_summaries_locks_and_documents(run, tmp_path):
    folder = tmp_path / "城关小学"
    folder.mkdir()
    for n in range(1, 13):
        make_xlsx(folder / f"2024年{n}月.xlsx", {"S": _month(n)})
    make_xlsx(folder / "全年合计.xlsx", {"S": [["姓名", "身份证号", "应发合计"], ["甲", ident(1), 12078],
                                               ["乙", ident(2), 24078]]})
    make_xlsx(folder / "分单位.xlsx", {"S": [["单位", "人数", "应发合计"], ["城关小学", 2, 36156]]})
    (folder / "~$2024年1月.xlsx").write_bytes(b"lock")
    (folder / "说明.txt").write_text("这是说明，不是表格。", encoding="utf-8")
    (folder / "通知.docx").write_bytes(b"PK\x03\x04not really")
    (folder / "文件.pdf").write_bytes(b"%PDF-1.4")
    out = run("budget", folder, "--format", "json")
    assert out.code == 0, out.stderr
    data = out.json()
    assert data["figures"]["payroll_total"] == fen([1000 + n for n in range(1, 13)] + [2000 + n for n in range(1, 13)])
    assert data["figures"]["people"] == 2
    skipped = {Path(i["file"]).name: i["reason"] for i in data["inputs"] if i["status"] == "skipped" and not i["sheet"]}
    assert set(skipped) == {"全年合计.xlsx", "分单位.xlsx", "~$2024年1月.xlsx", "说明.txt", "通知.docx", "文件.pdf"}
    assert all(skipped.values())
    assert units_of(data) == {"城关小学": (data["figures"]["payroll_total"], 2)}  # the folder names the unit


def test_unreadable_file_stops_unless_skip_bad(run, tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    make_xlsx(folder / "一中.xlsx", {"S": _month(1)})
    (folder / "坏文件.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    out = run("budget", folder)
    assert out.code == 2 and "坏文件.xlsx" in out.stderr
    out = run("budget", folder, "--skip-bad", "--format", "json")
    assert out.code == 0, out.stderr
    data = out.json()
    assert data["figures"]["payroll_total"] == "3002.00"
    assert [Path(i["file"]).name for i in data["inputs"] if i["status"] == "skipped"] == ["坏文件.xlsx"]


def test_the_same_data_is_never_counted_twice(run, tmp_path, monkeypatch):
    folder = tmp_path / "pay"
    (folder / "backup").mkdir(parents=True)
    a = make_xlsx(folder / "payroll.xlsx", {"S": _month(3)})
    shutil.copy(a, folder / "payroll (1).xlsx")
    shutil.copy(a, folder / "backup" / "payroll.xlsx")
    monkeypatch.chdir(tmp_path)
    out = run("budget", folder, "pay/payroll.xlsx", str(a), "--format", "json")
    data = out.json()
    assert data["figures"]["payroll_total"] == "3006.00" and data["figures"]["people"] == 2
    codes = [w["code"] for w in data["warnings"]]
    assert codes.count("same_content") == 2 and codes.count("same_path") == 2


def test_own_annotated_workbook_is_skipped(run, tmp_path):
    folder = tmp_path / "pay"
    folder.mkdir()
    make_xlsx(folder / "一中.xlsx", {"S": _month(5)})
    first = run("budget", folder, "-o", str(folder / "result.xlsx"), "--format", "json").json()
    again = run("budget", folder, "--format", "json").json()
    assert again["figures"]["payroll_total"] == first["figures"]["payroll_total"] == "3010.00"
    skipped = [i for i in again["inputs"] if i["status"] == "skipped"]
    assert [Path(i["file"]).name for i in skipped] == ["result.xlsx"]


# ---- 7. IDs as clerks type them ---------------------------------------------------------------

@pytest.mark.parametrize("spell", [lambda s: "'" + s, lambda s: " " + s[:6] + " " + s[6:] + " ",
                                   lambda s: s.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),
                                   lambda s: "\u3000'" + s])
def test_ids_cleaned_before_checking(run, xlsx, spell):
    rows = [["月份", "姓名", "身份证号", "应发合计"]]
    rows += [["2024-01", f"人{n}", ident(n), 100] for n in range(3)]
    rows += [["2024-02", f"人{n}", spell(ident(n)), 100] for n in range(3)]
    data = run("budget", xlsx("ids.xlsx", {"S": rows}), "--format", "json").json()
    assert data["figures"]["people"] == 3 and data["figures"]["payroll_total"] == "600.00"
    assert not [w for w in data["warnings"] if w["code"].startswith("id_")]


# ---- 8. English headers; 学位 holding 学历 ---------------------------------------------------

ROSTER_EN = [["Full Name", "Employee Name", "Name"], ["ID No.", "Identity Card Number", "Citizen ID"],
             ["Date Joined", "Hire Date", "Date of Joining"], ["Date Left", "Termination Date", "Leave Date"],
             ["Highest Education", "Education Level", "Academic Qualification"],
             ["Full-time/Part-time", "Employment Type", "Employment Type"]]


@pytest.mark.parametrize("variant", range(3))
def test_english_roster_headers(run, xlsx, variant):
    head = [spellings[variant] for spellings in ROSTER_EN]
    rows = [head, ["A", ident(1), "2020-09-01", None, "本科", "专职"], ["B", ident(2), "2019-09-01", None, "硕士研究生", "专职"]]
    data = run("inspect", xlsx("r.xlsx", {"S": rows}), "--kind", "roster", "--format", "json").json()
    fields = [c["field"] for c in data["sheets"][0]["columns"]]
    assert fields == ["name", "id", "join", "leave", "education", "employment"]


@pytest.mark.parametrize("header", ["学位", "Degree", "最高学位"])
def test_degree_column_holding_education_terms(run, xlsx, header):
    rows = [["姓名", "身份证号", header], ["A", ident(1), "大专"], ["B", ident(2), "本科"], ["C", ident(3), "硕士研究生"]]
    data = run("inspect", xlsx("r.xlsx", {"S": rows}), "--kind", "roster", "--format", "json").json()
    fields = {c["header"]: c["field"] for c in data["sheets"][0]["columns"]}
    assert fields[header] == "education"
    assert [w["code"] for w in data["warnings"]].count("degree_as_education") == 1
    real = [["姓名", "身份证号", "学历", header], ["A", ident(1), "本科", "学士"], ["B", ident(2), "研究生", "硕士"]]
    data = run("inspect", xlsx("r2.xlsx", {"S": real}), "--kind", "roster", "--format", "json").json()
    fields = {c["header"]: c["field"] for c in data["sheets"][0]["columns"]}
    assert fields["学历"] == "education" and fields[header] == "degree"


@pytest.mark.parametrize("header", ["Gross Pay", "Gross Salary", "Total Earnings", "应发工资"])
def test_english_payroll_headers(run, xlsx, header):
    rows = [["Employee Name", "ID Card No.", "Pay Period", header], ["A", ident(1), "2024-01", "1000.01"],
            ["B", ident(2), "2024-01", "2000.02"]]
    data = run("budget", xlsx("p.xlsx", {"S": rows}), "--format", "json").json()
    assert data["figures"]["payroll_total"] == "3000.03" and data["figures"]["people"] == 2


def test_files_all_named_summary_are_all_read(run, tmp_path):
    """汇总 in every file's name says nothing of a year total: none is skipped."""
    folder = tmp_path / "city"
    folder.mkdir()
    make_xlsx(folder / "一中工资汇总.xlsx", {"S": _school_rows(None, [(1, 100)])})
    make_xlsx(folder / "二中工资汇总.xlsx", {"S": _school_rows(None, [(2, 250)])})
    data = run("budget", folder, "--format", "json").json()
    assert data["figures"]["payroll_total"] == "350.00" and data["figures"]["people"] == 2
    assert units_of(data) == {"一中": ("100.00", 1), "二中": ("250.00", 1)}  # the school, from the file name


def test_every_file_skipped_is_an_error_not_a_zero(run, tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    make_xlsx(folder / "a.xlsx", {"S": [["单位", "人数", "应发合计"], ["一中", 2, 300]]})
    make_xlsx(folder / "b.xlsx", {"S": [["单位", "人数", "应发合计"], ["二中", 1, 100]]})
    out = run("budget", "--lang", "en", folder)
    assert out.code == 2 and "every file was skipped" in out.stderr


def test_a_merged_amount_is_not_copied(run, xlsx):
    """Only text fields are filled down: an amount merged over two persons would double."""
    rows = [["姓名", "身份证号", "应发合计"], ["甲", ident(1), 1000], ["乙", ident(2), None]]
    out = run("budget", xlsx("m.xlsx", {"S": rows}, {"S": ["C2:C3"]}), "--lang", "en")
    assert out.code == 2 and "row 3" in out.stderr


def test_no_education_column_is_unknown_not_zero(run, xlsx):
    rows = [["姓名", "身份证号", "职称", "专兼职"], ["A", ident(1), "一级教师", "专职"], ["B", ident(2), "二级教师", "专职"]]
    data = run("staffing", xlsx("r.xlsx", {"S": rows}), "--format", "json").json()
    assert data["figures"]["graduate_share"] is None and data["figures"]["bachelor_plus_share"] is None
    assert data["figures"]["title_mid_senior_share"] == "0.5000"


@pytest.mark.parametrize("copy", ["payroll (1).xlsx", "payroll - 副本.xlsx", "backup/payroll.xlsx", "备份/payroll.xlsx"])
def test_of_identical_copies_the_original_is_read(run, tmp_path, copy):
    folder = tmp_path / "pay"
    folder.mkdir()
    original = make_xlsx(folder / "payroll.xlsx", {"S": _month(6)})
    (folder / copy).parent.mkdir(exist_ok=True)
    shutil.copy(original, folder / copy)
    data = run("budget", folder, "--format", "json").json()
    assert data["figures"]["payroll_total"] == "3012.00"
    used = [i["file"] for i in data["inputs"] if i["status"] == "used"]
    assert used == [str(original)]
    assert [w["code"] for w in data["warnings"]].count("same_content") == 1


@pytest.mark.parametrize("merged", [True, False])
def test_payslip_with_a_two_row_header(run, xlsx, merged):
    rows, merges, people = [], [], [(1, "1000.00"), (2, "2345.67"), (3, "99.99")]
    for n, gross in people:
        top = len(rows) + 1
        rows += [["姓名", "身份证号", "工资项目", None, "应发合计"], [None, None, "岗位工资", "薪级工资", None],
                 [f"人{n}", ident(n), 1, 2, gross], [None] * 5]
        merges += [f"A{top}:A{top + 1}", f"B{top}:B{top + 1}", f"C{top}:D{top}", f"E{top}:E{top + 1}"]
    data = run("budget", xlsx("p2.xlsx", {"S": rows}, {"S": merges} if merged else None), "--format", "json").json()
    assert data["figures"]["payroll_total"] == fen(g for _, g in people) and data["figures"]["people"] == 3
    assert data["inputs"][0]["header_repeats"] >= 2


# ---- where a unit and month are written: the rule, over generated titles ------------------

from hypothesis import given, strategies as st  # noqa: E402

from ttcalc.read.origin import month_in, unit_in_title  # noqa: E402

PLACES = st.sampled_from(["XX区", "泉港区", "城关镇", "某县", ""])
SCHOOLS = st.sampled_from(["第二中学", "实验小学", "中心幼儿园", "第一中学", "民族中学", "职业技术学校", "山腰中心校"])
STOPS = st.sampled_from(["教职工工资发放表", "工资表", "在职人员工资明细", "绩效工资发放表", "工资条", "教师花名册"])


@given(PLACES, SCHOOLS, st.integers(2000, 2039), st.one_of(st.none(), st.integers(1, 12)), STOPS,
       st.sampled_from(["", " ", "\u3000"]))
def test_unit_and_month_in_any_title(place, school, year, month, stop, gap):
    when = f"{year}年" + (f"{month}月" if month else "")
    for title in (f"{place}{school}{gap}{when}{stop}", f"{when}{gap}{place}{school}{stop}"):
        assert unit_in_title([title]) == place + school
        assert month_in(title) == (f"{year}-{month:02d}" if month else None)


@given(STOPS, st.integers(2000, 2039))
def test_a_title_naming_no_school_gives_no_unit(stop, year):
    assert unit_in_title([f"{year}年泉港区{stop}"]) is None
    assert unit_in_title(["金额单位：元"]) is None


def test_copies_found_by_content_only_among_files_of_one_size(tmp_path, monkeypatch):
    """once_each hashes only files that share their size with another: the others cannot be copies."""
    from ttcalc.read import layout

    a, b, c = tmp_path / "a.csv", tmp_path / "b 副本.csv", tmp_path / "c.csv"
    a.write_bytes(b"x,y\n1,2\n")
    b.write_bytes(b"x,y\n1,2\n")
    c.write_bytes(b"x,y\n1,2,3\n")
    hashed = []
    real = layout._digest
    monkeypatch.setattr(layout, "_digest", lambda p: hashed.append(p.name) or real(p))
    kept, dropped = layout.once_each([a, b, c])
    assert kept == [a, c] and dropped == [(b, a, "content")]
    assert sorted(hashed) == ["a.csv", "b 副本.csv"]
