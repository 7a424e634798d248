"""The cell cap's scan of an .xlsx sheet (read.extent, issue 17): one numpy pass that finds
whether every cell lies inside the declared <dimension>, and keeps the <mergeCells> on the way.
It may only say "inside" when the cells really are (a cell outside, however written, sends the
sheet to the cell-by-cell walk); the merges it keeps are the ones read.xlsxfast finds."""

from __future__ import annotations

import io
import itertools
import zipfile

import pytest

from ttcalc.read import extent, xlsxfast
from ttcalc.read.limits import CHUNK, Limits

NO_CAP = Limits(unzipped=1, ratio=1, cells=10**15, csv=1, scan=1)


def part(xml: bytes) -> zipfile.ZipFile:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("s.xml", xml)
    return zipfile.ZipFile(buf)


def scan(zf: zipfile.ZipFile) -> tuple[bool, tuple[int, int], list]:
    """(said inside, the dimension, the merge section kept)."""
    found: list = []
    with zf.open("s.xml") as fh:
        head = fh.read(64 * 1024)
        dim = extent.declared_dimension(head)
        return extent._inside(fh, head, dim, 10**15, found), dim, found


def walked(zf: zipfile.ZipFile) -> tuple[int, int]:
    with zf.open("s.xml") as fh:
        return extent._walk("p", fh, "s", NO_CAP)


@pytest.mark.parametrize("rows,cols", [(5003, 8), (9, 3), (99, 27), (100, 702), (1048576, 16384)])
def test_inside_only_when_every_cell_is(rows, cols):
    letters = {extent.col_letters(c) for c in (1, cols - 1, cols, cols + 1, 27, 703, 16385, 18278) if c >= 1}
    letters |= {"a", "zz", "AAAA"}
    numbers = {str(r) for r in (0, 1, rows, rows + 1, rows * 10 + 9, 99999999)}
    numbers |= {"0" + str(rows + 1), "00" + str(rows), "", "1x", f"{rows} "}
    said = 0
    for col, row in itertools.product(sorted(letters), sorted(numbers)):
        cells = [f'<c r="A{r}"><v>1</v></c>' for r in range(1, 4)]
        cells.insert(1, f'<c r="{col}{row}"><v>1</v></c>')
        zf = part(f'<worksheet><dimension ref="A1:{extent.col_letters(cols)}{rows}"/><sheetData><row r="1">'
                  f'{"".join(cells)}</row></sheetData></worksheet>'.encode())
        inside, _, _ = scan(zf)
        if inside:
            said += 1
            got = walked(zf)
            assert got[0] <= rows and got[1] <= cols, (col, row, got)
    assert said  # the plain references inside are taken on the fast path


@pytest.mark.parametrize("cell", [b"<c><v>1</v></c>", b'<x:c r="A1"><x:v>1</x:v></x:c>', b'<c s="1" r="A1"/>',
                                  b'<c r="AB12C"/>', b'<c r="A1B2"/>', b'<c r="A0001"/>', b'<c r="1"/>'])
def test_cells_not_placed_by_their_reference_go_to_the_walk(cell):
    xml = b'<worksheet><dimension ref="A1:B9"/><sheetData><row r="1">' + cell + b"</row></sheetData></worksheet>"
    assert scan(part(xml))[0] is False


def test_many_buffers_an_outlier_anywhere_and_the_merges_kept():
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="H{r}" t="inlineStr"><is><t>n{r}</t></is></c></row>'
                   for r in range(1, 90001)).encode()
    merges = b'<mergeCells count="2"><mergeCell ref="A1:A3"/><mergeCell ref="B5:C5"/></mergeCells>'
    top = b'<worksheet><dimension ref="A1:H90000"/><sheetData>'
    for at in (64 * 1024 - 70, 64 * 1024 + CHUNK - 66, len(rows) // 2):
        at = rows.find(b"<c ", at)
        for extra, inside in ((b"", True), (b'<c r="I7"><v>1</v></c>', False), (b'<c r="B90001"><v>1</v></c>', False)):
            for pad in (0, 37):
                zf = part(top + rows[:at] + extra + rows[at:] + b"</sheetData><!--" + b"x" * pad + b"-->" + merges
                          + b"</worksheet>")
                said, _, found = scan(zf)
                assert said is inside
                if said:
                    assert sorted(xlsxfast.parse_merges(found[0])) == sorted(xlsxfast.merge_ranges(zf, "s.xml")) \
                        == [(0, 0, 2, 0), (4, 1, 4, 2)]


def test_merges_of_a_scanned_sheet_are_not_looked_for_again(monkeypatch):
    xml = (b'<worksheet><dimension ref="A1:C5"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>'
           b'<mergeCells count="1"><mergeCell ref="A1:A3"/></mergeCells></worksheet>')
    zf = part(xml)
    lim = Limits(unzipped=1 << 30, ratio=200, cells=1000, csv=1, scan=1 << 20)
    assert extent.xlsx_extent("p", zf, "s.xml", "s", lim) == (5, 3)
    monkeypatch.setattr(xlsxfast, "merge_ranges", lambda *a: pytest.fail("inflated twice"))
    assert list(xlsxfast.LazyMerges(zf, "s.xml")) == [(0, 0, 2, 0)]


def test_a_folder_with_units_merged_down_reads_the_same_scanned_or_not(tmp_path, monkeypatch):
    """The merges kept by the scan fill a merged 单位 column as the merges found on their own do
    (TTCALC_SCAN_MB=0: no scan, the merge list inflated for itself)."""
    import json

    from builders import make_id, make_xlsx

    from ttcalc import api
    from ttcalc.output.render.report import render

    folder = tmp_path / "schools"
    folder.mkdir()
    for k in range(3):
        rows = [["姓名", "身份证号", "单位", "应发合计"]]
        rows += [[f"师{k}-{i}", make_id("19800101", k * 40 + i), ("一小", "二小")[i // 6] if i % 6 == 0 else None,
                  4000 + i] for i in range(12)]
        make_xlsx(folder / f"s{k}.xlsx", {"工资表": rows}, merges={"工资表": ["C2:C7", "C8:C13"]})
    out = []
    for scan in ("64", "0"):
        monkeypatch.setenv("TTCALC_SCAN_MB", scan)
        report = api.budget([str(folder)], as_of="2025-06-30", lang="en", keep_rows=False)
        out.append(json.loads(render(report, "json", "en")))
    assert out[0] == out[1]
    assert {u["unit"] for u in out[0]["by_unit"]} == {"一小", "二小"}
    assert out[0]["figures"]["payroll_rows"] == 36


# ============================ the RE2 pattern of a cell outside (extent.outside), against the rule itself
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _inside_rule(ref: str, rows: int, cols: int) -> bool:
    import re

    m = re.fullmatch(r"([A-Z]{1,3})([0-9]+)", ref)
    return bool(m) and len(m.group(2)) <= len(str(rows)) and extent.col_number(m.group(1)) <= cols \
        and int(m.group(2)) <= rows


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 1048576), st.integers(1, 16384),
       st.text(alphabet="ABCHIYZXFDa0123456789 $x", min_size=0, max_size=9), st.data())
def test_the_pattern_finds_exactly_the_cells_outside(rows, cols, noise, data):
    near = [extent.col_letters(max(1, cols + d)) + str(max(0, rows + e)) for d in (-1, 0, 1) for e in (-1, 0, 1)]
    ref = data.draw(st.sampled_from(near + [noise, "A" + str(rows).zfill(len(str(rows)) + 1)]))
    cell = f'<row r="1"><c r="{ref}" t="s"><v>0</v></c></row>'.encode()
    found = extent.matches(cell, extent.outside(rows, cols))
    assert found is not _inside_rule(ref, rows, cols), (ref, rows, cols)


@pytest.mark.parametrize("tail", [b'<c r="A1"', b"<c", b'<x:c r="A1" t="s"', b"<c "])
def test_a_cell_cut_short_at_the_end_goes_to_the_walk(tail):
    xml = b'<worksheet><dimension ref="A1:B9"/><sheetData><row r="1"><c r="A1"><v>1</v></c>' + tail
    assert scan(part(xml))[0] is False
