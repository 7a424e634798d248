"""Hostile review 4 (2026-12-02): today's cell-cap scan (read.extent), JSON rendering, message
wording and the folder heap settings.  Every test here failed on main 27b42f8 when written;
each says what is wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from builders import make_id
from h4build import rows_xml, sheet, write


def _cli(*args, env=None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run([sys.executable, "-m", "ttcalc", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


# ---------------------------------------------------------------- 1. the merges kept by the scan

def _two_schools_merged(path: Path, lt_at: int, prefix: str = "") -> Path:
    """380 people, the 单位 column merged over two blocks of 190 (C2:C191 一小's, C192:C381
    二中's); the `<mergeCells` tag's first byte placed at `lt_at` of the sheet part by padding
    whitespace after </sheetData>."""
    rows = [["姓名", "身份证号", "单位", "应发合计"]]
    for i in range(380):
        unit = ("第一小学", "第二中学")[i // 190] if i % 190 == 0 else None
        rows.append([f"师{i}", make_id("19800101", i + 1), unit, 4000 + i])
    body = rows_xml(rows)
    merges = ["C2:C191", "C192:C381"]
    tag = f"<{prefix}:mergeCells" if prefix else "<mergeCells"
    base = sheet(body, "A1:D381", merges, prefix=prefix)
    pad = lt_at - base.index(tag.encode())
    assert pad >= 0
    xml = sheet(body, "A1:D381", merges, between=" " * pad, prefix=prefix)
    assert xml.index(tag.encode()) == lt_at
    return write(path, {"工资表": xml})


# WRONG: when the `<` of `<mergeCells` is the last byte before the scan's first cut (offset
# 65471 of the sheet part: 64 KiB head minus the 64-byte overlap, minus one), extent._merges_at
# sees "mergeCells" at offset 0 of the next buffer and skips it (`if at and …`), so the scan
# keeps b"" — "this sheet has no merges" — and read.xlsxfast.LazyMerges trusts it.  The merged
# 单位 column is not filled down: 378 of 380 people are put under the file's name and the
# per-unit figures are silently wrong (one byte earlier or later they are right).
@pytest.mark.parametrize("lt_at", [65470, 65471, 65472])
def test_merges_whose_tag_straddles_the_scans_first_cut_are_kept(tmp_path, lt_at):
    from ttcalc import api
    from ttcalc.output.render.report import render

    path = _two_schools_merged(tmp_path / "merged.xlsx", lt_at)
    report = json.loads(render(api.budget([str(path)], as_of="2025-06-30", lang="en", keep_rows=False), "json", "en"))
    units = {u["unit"]: (u["payroll_total"], u["people"]) for u in report["by_unit"]}
    assert units == {"第一小学": (str(sum(4000 + i for i in range(190))) + ".00", 190),
                     "第二中学": (str(sum(4000 + i for i in range(190, 380))) + ".00", 190)}


# WRONG (same cause, seen at the scan itself): the section kept is empty although the part has
# merges; read.xlsxfast.merge_ranges (the no-scan path) finds them.  Every later cut too
# (65,472 + k x 4 MiB), and `<x:mergeCells` with its ":" as the byte before the cut (there the
# section kept starts at the closing `</x:mergeCells>`: no range at all).
@pytest.mark.parametrize("lt_at,prefix", [(65471, ""), (65471 + 4 * 2**20, ""), (65469, "x")])
def test_scan_keeps_the_merges_when_the_tag_starts_one_byte_before_the_cut(tmp_path, lt_at, prefix):
    import zipfile

    from ttcalc.read import extent, xlsxfast

    path = _two_schools_merged(tmp_path / "m.xlsx", lt_at, prefix)
    zf = zipfile.ZipFile(path)
    with zf.open("xl/worksheets/sheet1.xml") as fh:
        head = fh.read(64 * 1024)
        found: list = []
        assert extent._inside(fh, head, extent.declared_dimension(head), 10**9, found)
    assert found and xlsxfast.parse_merges(found[0]) == xlsxfast.merge_ranges(zf, "xl/worksheets/sheet1.xml")


# ---------------------------------------------------------------- 2. cells calamine places elsewhere

_HDR = ('<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>应发合计</t></is></c></row>')


def _person(r: int, i: int, amount: int) -> str:
    return (f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>师{i}</t></is></c><c r="B{r}" t="inlineStr"><is><t>'
            f'{make_id("19800101", i)}</t></is></c><c r="C{r}"><v>{amount}</v></c></row>')


# WRONG: a cell tag whose attribute value holds a `>` before its r (legal XML: only `<` must be
# escaped in an attribute value) — `<c s=">" r="XFD1048576">`.  The scan sends it to the walk
# (another attribute first), but the walk's _TOKEN ends the tag at the quoted `>`, sees no r and
# places the cell next in line (column 1); calamine places it at XFD1048576 and allocates
# 1,048,576 x 16,384 cells: the process dies with SIGABRT ("Fatal Python error: Aborted"),
# no worded line, instead of the cell cap's refusal (exit 2, one line).  With no <dimension>
# at all the same.
# WRONG too: a cell with its r attribute twice `<c r="A3" r="XFD1048576">`: scan and walk take
# the first, calamine the last: the same abort.
@pytest.mark.parametrize("cell,dim", [('<c s=">" r="XFD1048576"><v>5</v></c>', "A1:C4"),
                                      ('<c s=">" r="XFD1048576"><v>5</v></c>', None),
                                      ('<c r="A3" r="XFD1048576"><v>5</v></c>', "A1:C4")])
def test_a_cell_far_outside_written_oddly_is_refused_in_one_line(tmp_path, cell, dim):
    body = _HDR + _person(2, 1, 100) + f'<row r="3">{cell}</row>' + _person(4, 2, 200)
    path = write(tmp_path / "bomb.xlsx", {"工资表": sheet(body, dim)})
    ran = _cli("--lang", "en", "budget", path, "--format", "json")
    assert ran.returncode == 2, ran.stderr[-2000:]
    assert len(ran.stderr.strip().splitlines()) == 1 and "cells" in ran.stderr, ran.stderr[-2000:]


# WRONG: whether a sheet is scanned at all is decided by the uncompressed size the zip
# directory *declares* (info.file_size > TTCALC_SCAN_MB: "too big to scan, trusted").  Four
# bytes of the directory set to 100 MB (the ratio cap passes: ~0.9 MB packed, 110:1) make a
# 1.2 MB sheet "too big to scan": its <dimension ref="A1:C3"> is trusted, the cell at
# XFD1048576 reaches calamine and the process dies with SIGABRT instead of the cell cap's
# one-line refusal.  The size should be the bytes actually inflated (or a declared size that
# disagrees with them refused), not the directory's word.
def test_a_sheet_whose_zip_directory_overstates_its_size_is_still_checked(tmp_path):
    import base64
    import os
    import struct
    import zipfile

    pad = "<!--" + base64.b64encode(os.urandom(900_000)).decode() + "-->"
    body = _HDR + _person(2, 1, 100) + _person(3, 2, 200) + '<row r="1048576"><c r="XFD1048576"><v>5</v></c></row>'
    path = write(tmp_path / "lie.xlsx", {"工资表": sheet(body, "A1:C3", between=pad)})
    raw = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    big = struct.pack("<I", 100 * 2**20)
    raw[info.header_offset + 22:info.header_offset + 26] = big  # local header
    at = raw.find(b"PK\x01\x02")
    while at >= 0:  # central directory
        n = struct.unpack("<H", raw[at + 28:at + 30])[0]
        if raw[at + 46:at + 46 + n] == b"xl/worksheets/sheet1.xml":
            raw[at + 24:at + 28] = big
        at = raw.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(raw))
    ran = _cli("--lang", "en", "budget", path, "--format", "json")
    assert ran.returncode == 2, ran.stderr[-2000:]
    assert len(ran.stderr.strip().splitlines()) == 1, ran.stderr[-2000:]


# WRONG: a <mergeCell> whose ref is written in another legal way — single quotes, spaces around
# "=", lower-case or $-anchored references — is not seen (read.xlsxfast._MERGE wants exactly
# ref="C2:C7"; openpyxl reads all four as merges).  The merged 单位 is not filled down: ten of
# twelve people go under the file's name, the per-unit figures are silently wrong.  Both the
# scan's kept section and merge_ranges go through the same parse_merges.
@pytest.mark.parametrize("merges", ["<mergeCell ref='C2:C7'/><mergeCell ref='C8:C13'/>",
                                    '<mergeCell ref = "C2:C7"/><mergeCell ref = "C8:C13"/>',
                                    '<mergeCell ref="c2:c7"/><mergeCell ref="c8:c13"/>',
                                    '<mergeCell ref="$C$2:$C$7"/><mergeCell ref="$C$8:$C$13"/>'])
def test_merge_ranges_written_another_legal_way_are_filled_down(tmp_path, merges):
    from ttcalc import api
    from ttcalc.output.render.report import render

    rows = [["姓名", "身份证号", "单位", "应发合计"]]
    for i in range(12):
        rows.append([f"师{i}", make_id("19800101", i + 1), ("一小", "二小")[i // 6] if i % 6 == 0 else None, 4000 + i])
    xml = sheet(rows_xml(rows), "A1:D13", between=f'<mergeCells count="2">{merges}</mergeCells>')
    path = write(tmp_path / "m.xlsx", {"工资表": xml})
    import openpyxl

    assert {str(r) for r in openpyxl.load_workbook(path).worksheets[0].merged_cells.ranges} == {"C2:C7", "C8:C13"}
    report = json.loads(render(api.budget([str(path)], as_of="2025-06-30", lang="en", keep_rows=False), "json", "en"))
    assert {u["unit"]: u["people"] for u in report["by_unit"]} == {"一小": 6, "二小": 6}
