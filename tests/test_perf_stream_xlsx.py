"""A big .xlsx streamed by DuckDB's Excel reader (issue 17, read.xlsxstream).  The report —
figures, warnings, skipped rows — must be exactly that of the general (fastexcel, all-text)
read on every layout; where DuckDB would render a cell otherwise (dates, booleans, errors,
numbers it writes with an exponent, escapes, a wrong <dimension>) the sheet must go the old
way, and the report still be the same."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile

import pytest
from builders import make_xlsx
from hypothesis import given, settings
from hypothesis import strategies as st

from ttcalc.read import excel, xlsxfast, xlsxstream

pytestmark = pytest.mark.skipif(xlsxstream.extension() is None, reason="duckdb-extension-excel not installed")


def _report(run, command, path) -> str:
    r = run(command, path, "--format", "json", "--quiet", "--lang", "en")
    assert r.code in (0, 1, 2), r.stdout + r.stderr + str(r.exception)
    if r.code == 2:
        return "exit 2: " + r.stderr
    data = r.json()
    data.pop("as_of", None)
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def _both(run, monkeypatch, path, command="budget", general=True) -> tuple[str, str]:
    """The report with the stream offered, and without it: the general all-text read, or (when
    the stream must step aside) the typed fastexcel read it hands the sheet to."""
    new = _report(run, command, path)
    monkeypatch.setattr(xlsxstream, "STREAM_MIN_CELLS", 10**15)
    if general:
        monkeypatch.setattr(xlsxfast, "TYPED_MIN_CELLS", 10**15)
    old = _report(run, command, path)
    return new, old


def _id(i: int) -> str:
    body = f"350521{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    good = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + (good if i % 3 else ("0" if good != "0" else "1"))  # a third fail their check digit


def _people(n: int, start: int = 0) -> list[list]:
    return [[f"张{i}", _id(i), f"第{i % 3}学校", 1000 + i + (i % 100) / 100] for i in range(start, start + n)]


HEAD = ["姓名", "身份证号", "单位", "应发合计"]


def _layouts() -> dict:
    people = _people(1500)
    late = [r[:] for r in people]
    for at, text in ((1100, "1,234.00"), (1300, "１２３４.５０"), (1499, "￥88")):
        late[at][3] = text
    as_text = [r[:3] + [f"{r[3]:.2f}"] for r in people]  # numbers stored as text
    gaps = []
    for i, r in enumerate(people):
        gaps.append(r)
        if i % 200 == 0:
            gaps += [[None, None, None, None], [None, None, None, None]]
    spaces = [r[:] for r in people]
    spaces[5][2], spaces[6][0], spaces[7][2] = "   ", "\u3000", ""
    totals = [["某县教育局"], ["2024年3月工资表"], ["姓名", "身份证号", "单位", "工资", None],
              [None, None, None, "应发合计", "备注"]] + [p + [None] for p in people[:700]] + \
        [["小计", None, None, 1, None]] + [p + [None] for p in people[700:]] + \
        [["合计", None, None, 2, None], ["注：单位为元", None, None, None, None]]
    wan = [["姓名", "身份证号", "单位", "应发合计（万元）"]] + [[r[0], r[1], r[2], round(r[3] / 10000, 6)] for r in people]
    wan2 = [["姓名", "身份证号", "单位", "应发合计（万元）"]] + [[r[0], r[1], r[2], round(r[3] / 10000, 2) or 0.01]
                                                       for r in people]
    ids_as_numbers = [[r[0], int(r[1][:15]), r[2], r[3]] for r in people]  # 15 digits: no exponent
    ids_lost = [[r[0], int(r[1][:17] + "0"), r[2], r[3]] for r in people]  # 18 digits through a float
    month = [["姓名", "身份证号", "单位", "月份", "应发合计"]] + \
        [[r[0], r[1], r[2], "2024-03" if i % 2 else "2024年3月", r[3]] for i, r in enumerate(people)]
    dates = [["姓名", "身份证号", "单位", "发放日期", "应发合计"]] + \
        [[r[0], r[1], r[2], datetime.date(2024, 3, 1 + i % 28), r[3]] for i, r in enumerate(people)]
    flags = [HEAD + ["在编"]] + [r + [bool(i % 2)] for i, r in enumerate(people)]
    huge = [r[:] for r in people]
    huge[1200][3] = 1e21
    slips = []
    for i in range(600):
        slips += [HEAD, people[i]]
    merged = [["单位", "姓名", "身份证号", "应发合计"]]
    merges = []
    for b in range(4):
        first = len(merged) + 1
        for i in range(300):
            merged.append([f"第{b}学校" if i == 0 else None, f"李{b}-{i}", _id(b * 300 + i), 2000 + i * 1.1])
        merges.append(f"A{first}:A{first + 299}")
    return {
        "numbers": ({"3月": [HEAD] + people}, None, True),
        "late text amounts": ({"3月": [HEAD] + late}, None, True),
        "numbers stored as text": ({"3月": [HEAD] + as_text}, None, True),
        "blank rows": ({"3月": [HEAD] + gaps}, None, True),
        "whitespace cells": ({"3月": [HEAD] + spaces}, None, True),
        "titles, two-row header, subtotals, totals, notes": ({"3月": totals}, None, True),
        # 万元 amounts read as text: a long decimal DuckDB passes on as written may not be what
        # calamine writes of the same float, so the stream steps aside; short ones stream
        "万元 header": ({"3月": wan}, None, False),
        "万元 header, two decimals": ({"3月": wan2}, None, True),
        "IDs as 15-digit numbers": ({"3月": [HEAD] + ids_as_numbers}, None, True),
        "IDs through a float": ({"3月": [HEAD] + ids_lost}, None, False),
        "month column": ({"3月": month}, None, True),
        "several sheets": ({"1月": [HEAD] + people[:800], "2月": [HEAD] + people[700:],
                            "说明": [["本表由财务科编制"]]}, None, True),
        "payslips": ({"工资条": slips}, None, True),
        "merged units": ({"Sheet1": merged}, {"Sheet1": merges}, True),
        "dates": ({"3月": dates}, None, False),
        "booleans": ({"3月": flags}, None, False),
        "a number written with an exponent": ({"3月": [HEAD] + huge}, None, False),
    }


@pytest.mark.parametrize("layout", list(_layouts()))
def test_streamed_and_general_reads_give_the_same_report(run, tmp_path, monkeypatch, streamed, layout):
    sheets, merges, streams = _layouts()[layout]
    path = make_xlsx(tmp_path / "book.xlsx", sheets, merges)
    new, old = _both(run, monkeypatch, path, general=streams)
    assert new == old
    used = [t for t in streamed if t is not None]
    if streams:
        assert used, "the stream was not used"
    else:
        assert not used, "the stream was used where DuckDB renders a cell otherwise"


def test_a_hidden_sheet_is_still_left_out(run, tmp_path, monkeypatch, streamed):
    from openpyxl import load_workbook

    path = make_xlsx(tmp_path / "h.xlsx", {"3月": [HEAD] + _people(1200), "old": [HEAD] + _people(5)})
    wb = load_workbook(path)
    wb["old"].sheet_state = "hidden"
    wb.save(path)
    new, old = _both(run, monkeypatch, path)
    assert new == old and any(t is not None for t in streamed)


def test_a_roster_with_dates_reads_the_same(run, tmp_path, monkeypatch, streamed):
    rows = [["序号", "姓名", "身份证号", "调入本校时间", "最高学历", "专业技术职务"]] + \
        [[i + 1, f"教师{i}", _id(i), datetime.date(2010 + i % 15, 9, 1), "大学本科", "一级教师"] for i in range(1200)]
    path = make_xlsx(tmp_path / "roster.xlsx", {"Sheet1": rows})
    new, old = _both(run, monkeypatch, path, "staffing")
    assert new == old


def _rewrite(path, member_pattern: str, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if re.fullmatch(member_pattern, info.filename):
                assert old in body
                body = body.replace(old, new)
            zout.writestr(info, body)
    path.write_bytes(out.getvalue())


@pytest.mark.parametrize("dim", [b"A1:D2", b"A1:C1501", b"A1"])
def test_a_wrong_dimension_never_loses_rows_or_columns(run, tmp_path, monkeypatch, streamed, dim):
    """The range DuckDB reads comes from the sheet's <dimension>: when it says less than the
    sheet holds, the sheet is read the old way."""
    path = make_xlsx(tmp_path / "dim.xlsx", {"3月": [HEAD] + _people(1500)})
    _rewrite(path, r"xl/worksheets/sheet\d+\.xml", b'<dimension ref="A1:D1501"/>', b'<dimension ref="' + dim + b'"/>')
    new, old = _both(run, monkeypatch, path)
    assert new == old
    assert not [t for t in streamed if t is not None]


def test_escaped_characters_go_the_old_way(run, tmp_path, monkeypatch, streamed):
    people = _people(1200)
    people[3][0] = "王_x000D_五"
    path = make_xlsx(tmp_path / "esc.xlsx", {"3月": [HEAD] + people})
    new, old = _both(run, monkeypatch, path)
    assert new == old
    assert not [t for t in streamed if t is not None]


def test_date_styles_are_found_in_the_styles_part(tmp_path):
    path = make_xlsx(tmp_path / "d.xlsx", {"S": [["a", "b"], [datetime.date(2024, 1, 1), 1.5]]})
    with zipfile.ZipFile(path) as zf:
        assert xlsxstream.date_styles(zf)
    plain = make_xlsx(tmp_path / "p.xlsx", {"S": [["a", "b"], ["x", 1.5]]})
    with zipfile.ZipFile(plain) as zf:
        assert not xlsxstream.date_styles(zf)


def test_the_scan_finds_the_merges_the_general_reader_finds(tmp_path):
    rows = [["单位", "姓名"]] + [[f"第{i // 50}学校" if i % 50 == 0 else None, f"李{i}"] for i in range(3000)]
    merges = [f"A{2 + b * 50}:A{51 + b * 50}" for b in range(60)] + ["C1:D3"]
    path = make_xlsx(tmp_path / "m.xlsx", {"S": rows}, {"S": merges})
    with zipfile.ZipFile(path) as zf:
        member = next(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet"))
        scan = xlsxstream.Scan(zf, member, 2, set())
        assert scan.result()
        assert sorted(scan.merges) == sorted(xlsxfast.merge_ranges(zf, member)) and len(scan.merges) == 61
        assert scan.last_row == 3001


def test_several_big_sheets_are_parsed_one_at_a_time(run, tmp_path, monkeypatch, streamed):
    """Only the first big sheet is parsed before it is asked for: a workbook of twelve monthly
    sheets never has twelve parses (and their batches) in memory at once."""
    started: list = []
    original = xlsxstream.Stream.__init__

    def spy(self, *args, **kwargs):
        alive = [s for s in started if s.thread.is_alive()]
        assert len(alive) <= 1, "two sheets parsed at once"
        started.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(xlsxstream.Stream, "__init__", spy)
    sheets = {f"{m}月": [HEAD] + _people(1100, m * 50) for m in range(1, 7)}
    sheets["说明"] = [["本表由财务科编制"]]
    path = make_xlsx(tmp_path / "year.xlsx", sheets)
    new, old = _both(run, monkeypatch, path)
    assert new == old
    assert len([t for t in streamed if t is not None]) == 6


def _sheet_zip(tmp_path, cells: str, name: str = "s.xlsx") -> zipfile.ZipFile:
    body = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c>{cells if r == 40 else ""}</row>' for r in range(1, 81))
    xml = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
           f'spreadsheetml/2006/main"><dimension ref="A1:B80"/><sheetData>{body}</sheetData></worksheet>')
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    return zipfile.ZipFile(path)


ODD_CELLS = [
    '<c r="B40" t="b"><v>1</v></c>', '<c r="B40" t="e"><v>#N/A</v></c>', '<c r="B40" t="d"><v>2024-01-01</v></c>',
    '<c r="B40"><v>1E+21</v></c>', '<c r="B40"><v>3.5e-7</v></c>', '<c r="B40"><v>1234567890123456</v></c>',
    '<c r="B40" t="str"><v>abc </v></c>', '<c r="B40" t="str"><v> abc</v></c>', '<c r="B40" t="str"><v>\tabc</v></c>',
    '<c r="B40" t="str"><v>a\x0b</v></c>', '<c r="B40" t="inlineStr"><is><t>a_x000D_b</t></is></c>',
    '<c r="B40" t="inlineStr"><is><t>a</t><rPh sb="0" eb="1"><t>b</t></rPh></is></c>',
    '<c r="B40" s="7"><v>45000</v></c>',
    '<c r="B40" t="str"><v>' + "x" * 6000 + " </v></c>",  # an open value longer than the overlap
]


@pytest.mark.parametrize("cell", ODD_CELLS, ids=range(len(ODD_CELLS)))
def test_the_scan_sees_every_odd_cell_wherever_a_chunk_ends(tmp_path, monkeypatch, cell):
    """The scan reads the sheet in chunks: a cell the two readers render differently is found
    whichever byte of it the chunk ends on (chunks far smaller than the cell, here)."""
    with _sheet_zip(tmp_path, "") as plain:
        assert xlsxstream.Scan(plain, "xl/worksheets/sheet1.xml", 2, {7}).result()
    with _sheet_zip(tmp_path, cell, "odd.xlsx") as zf:
        size = zf.getinfo("xl/worksheets/sheet1.xml").file_size
        at = zf.read("xl/worksheets/sheet1.xml").find(cell.encode())
        for chunk in sorted({7, 64, 500, 4096, at, at + 3, at + len(cell) // 2, size}):
            monkeypatch.setattr(xlsxstream, "_CHUNK", max(1, chunk))
            for cut in range(0, 12):  # the chunk boundary moved across the cell's first bytes
                monkeypatch.setattr(xlsxstream, "_CHUNK", max(1, chunk + cut))
                assert not xlsxstream.Scan(zf, "xl/worksheets/sheet1.xml", 2, {7}).result(), (chunk, cut)


def test_a_big_workbook_is_named_from_its_workbook_part_without_calamine(run, tmp_path, monkeypatch, streamed):
    """Sheet names (and the refusal of a sheet not there) come from the workbook part: calamine
    is not opened for a workbook whose sheets are all streamed."""
    import fastexcel

    rows = [["序号", "姓名", "身份证号", "应发工资"]] + [[i, f"李{i}", None, 100 + i] for i in range(1, 300)]
    path = make_xlsx(tmp_path / "w.xlsx", {"说明": [["本表说明"]], "工资": rows})
    opened = []
    real = fastexcel.read_excel
    monkeypatch.setattr(fastexcel, "read_excel", lambda *a, **k: opened.append(1) or real(*a, **k))
    r = run("budget", path, "--sheet", "工资", "--format", "json", "--quiet", "--lang", "en")
    assert r.code in (0, 1), r.stderr
    assert r.json()["figures"]["payroll_rows"] == 299 and not opened
    r = run("budget", path, "--sheet", "工资表", "--lang", "en")
    assert r.code == 2 and "工资表" in r.stderr and "说明, 工资" in r.stderr


@pytest.mark.parametrize("batch", [1, 5, 64 * 1024])
@pytest.mark.parametrize("layout", ["titles, two-row header, subtotals, totals, notes", "merged units", "payslips",
                                    "IDs as 15-digit numbers", "several sheets"])
def test_row_checks_done_batch_by_batch_give_the_same_report(run, tmp_path, monkeypatch, streamed, batch, layout):
    """The skip reasons and ID checks of a streamed sheet are computed on each batch while the
    next is parsed (read.ahead): with batches of any size — a header cut across them, one row
    each — the report is the general read's; after merged cells are filled down they are not
    used (they were computed on the cells before the fill)."""
    from ttcalc.read import ahead

    used = []
    real = ahead.Ahead.result
    monkeypatch.setattr(ahead.Ahead, "result", lambda self, n: used.append(real(self, n)) or used[-1])
    monkeypatch.setattr(xlsxstream.Stream, "BATCH_ROWS", batch)
    sheets, merges, _ = _layouts()[layout]
    path = make_xlsx(tmp_path / "book.xlsx", sheets, merges)
    new, old = _both(run, monkeypatch, path)
    assert new == old
    if layout == "merged units":
        assert not [u for u in used if u is not None]
    else:
        assert [u for u in used if u is not None], "the batch results were not used"


def _agree_by_regex_alone(col, kind: str) -> bool:
    """numbers_agree as it was written before its prefilter: the regexes over every cell."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind == "strings":
        return not pc.any(pc.fill_null(pc.match_substring_regex(col, xlsxstream._REWRITTEN), False)).as_py()
    hit = pc.fill_null(pc.match_substring_regex(col, xlsxstream._LONG_DECIMAL), False)
    if not pc.any(hit).as_py():
        return True
    scaled = pc.cast(pc.filter(col, hit), pa.float64()).to_numpy(zero_copy_only=False) * 100
    return not (np.abs(scaled - np.floor(scaled) - 0.5) <= np.maximum(1e-6, np.abs(scaled) * 1e-12)).any()


@given(st.lists(st.none() | st.text(alphabet="0123456789.+-eE 中X", max_size=8), max_size=8),
       st.sampled_from(["strings", "money"]))
@settings(max_examples=400, deadline=None)
def test_the_numbers_prefilter_changes_no_judgement(values, kind):
    import pyarrow as pa

    col = pa.array(values, pa.string())
    ours = xlsxstream.numbers_agree([col], 0, {0} if kind == "strings" else set(), {0} if kind == "money" else set())
    assert ours == _agree_by_regex_alone(col, kind)


def test_a_fallback_after_the_bytes_were_let_go_reads_the_file_again(run, tmp_path, monkeypatch, streamed):
    """The last sheet streams from the file and the bytes in hand are let go; when the stream
    steps aside (here: long decimals in a 万元 column) fastexcel reads the file again — the
    report is the general read's — and a file changed meanwhile is refused, never read."""
    sheets, merges, _ = _layouts()["万元 header"]
    path = make_xlsx(tmp_path / "book.xlsx", sheets, merges)
    detached = []
    real = excel._Reopen.detach
    monkeypatch.setattr(excel._Reopen, "detach", lambda self, p, seen: detached.append(seen) or real(self, p, seen))
    new, old = _both(run, monkeypatch, path)
    assert new == old and "exit 2" not in new
    assert detached and detached[0] is not None, "the bytes were not let go"
    monkeypatch.setattr(xlsxstream, "STREAM_MIN_CELLS", 0)
    monkeypatch.setattr(xlsxfast, "TYPED_MIN_CELLS", 0)
    calls = []
    ident = excel._identity
    monkeypatch.setattr(excel, "_identity", lambda p: (calls.append(p), ident(p))[1] if len(calls) < 1
                        else (ident(p)[0], -1, -1))
    r = run("budget", path, "--format", "json", "--lang", "en")
    assert r.code == 2 and "changed while it was being read" in r.stderr


def test_merged_units_of_a_sheet_read_the_general_way_survive_the_bytes_let_go(run, tmp_path, monkeypatch, streamed):
    """In a big workbook the bytes in hand are let go once every sheet is listed; a sheet read
    the general way (its table does not start in column A) still finds its merged unit cells
    — from the file — and every person keeps a unit."""
    import json

    merged = [[None, "单位", "姓名", "身份证号", "应发合计"]]
    merges = []
    for b in range(4):
        first = len(merged) + 1
        for i in range(300):
            merged.append([None, f"第{b}学校" if i == 0 else None, f"李{b}-{i}", _id(b * 300 + i), 2000 + i])
        merges.append(f"B{first}:B{first + 299}")
    sheets = {"Sheet1": merged, "3月": [HEAD] + _people(1100, 7)}
    path = make_xlsx(tmp_path / "book.xlsx", sheets, {"Sheet1": merges})
    new = _report(run, "budget", path)
    monkeypatch.setattr(excel, "LAZY_READER_BYTES", 10**15)  # the bytes kept to the end: the reference
    monkeypatch.setattr(xlsxstream, "STREAM_MIN_CELLS", 10**15)
    monkeypatch.setattr(xlsxfast, "TYPED_MIN_CELLS", 10**15)
    old = _report(run, "budget", path)
    assert new == old
    assert [t for t in streamed if t is not None], "the other sheet did not stream"
    rows = {u["unit"]: u["payroll_rows"] for u in json.loads(new)["by_unit"]}
    assert rows.get("第3学校", 0) >= 300, rows
