"""Property tests over the reader (issue 8): the way a payroll is laid out never changes what
it adds up to, and no bytes at all can crash ttcalc.

For a random set of people with random gross pay, the workbook is written with random title
lines above the header, blank rows among the data, a one-row or a two-row merged header, pay
written as numbers or as text ("5,123.45", "￥5123.45", full-width digits), a total row or
none, in a random row order — and `ttcalc budget --format json` must report exactly the sum.
Random bytes saved as .xlsx / .xls / .csv (raw, or behind a zip, OLE or BOM signature, or a
real workbook cut short or with bytes changed) must give exit 2 and one line, never more.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ttcalc.cli import app
from builders import make_id

RUNNER = CliRunner()
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "黄敏", "赵强", "吴丽", "周杰", "徐丹", "孙悦", "欧阳明", "司马光"]
UNITS = ["泉港区第一小学", "泉港区第二中学", "泉港区实验幼儿园"]
TITLES = ["2024年泉港区教师工资发放表", "单位：泉港区教育局　　金额单位：元", "（2024年12月）", "制表日期：2025年1月5日"]
FULL = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def pid(i: int) -> str:
    return make_id(f"{1970 + i % 30}{1 + i % 12:02d}{1 + i % 28:02d}", i)


def money_text(fen: int, style: str):
    yuan = Decimal(fen) / 100
    plain = f"{yuan:.2f}"
    if style == "number":
        return float(plain)
    if style == "comma":
        return f"{yuan:,.2f}"
    if style == "yuan":
        return f"￥{yuan:,.2f}"
    if style == "fullwidth":
        return f"{yuan:,.2f}".translate(FULL)
    if style == "suffix":
        return f"{plain} 元"
    return plain  # "text": a plain number stored as text


STYLES = ["number", "text", "comma", "yuan", "fullwidth", "suffix"]


@st.composite
def payrolls(draw):
    n = draw(st.integers(1, 9))
    fen = draw(st.lists(st.integers(100, 3_000_000), min_size=n, max_size=n))
    people = [(NAMES[i % len(NAMES)], pid(i + 1), UNITS[i % len(UNITS)], f) for i, f in enumerate(fen)]
    layout = {
        "titles": draw(st.integers(0, 3)),
        "blank_before_header": draw(st.integers(0, 2)),
        "blanks": draw(st.lists(st.integers(0, n), max_size=4)),
        "two_row_header": draw(st.booleans()),
        "styles": draw(st.lists(st.sampled_from(STYLES), min_size=n, max_size=n)),
        "total_row": draw(st.booleans()),
        "seed": draw(st.integers(0, 2**16)),
        "spaced": draw(st.booleans()),  # "姓  名" as clerks space out headers
    }
    return people, layout


def write_payroll(path: Path, people, layout) -> Path:
    from openpyxl import Workbook

    rows: list[list] = []
    merges: list[str] = []
    for t in TITLES[:layout["titles"]]:
        rows.append([t])
    rows.extend([[]] * layout["blank_before_header"])
    name = "姓  名" if layout["spaced"] else "姓名"
    top = len(rows) + 1  # Excel row of the (first) header row
    if layout["two_row_header"]:
        rows.append(["序号", "单位", name, "身份证号", "工资项目", None, "应发合计（元）"])
        rows.append([None, None, None, None, "基本工资", "绩效工资", None])
        merges += [f"{c}{top}:{c}{top + 1}" for c in "ABCDG"] + [f"E{top}:F{top}"]
    else:
        rows.append(["序号", "单位", name, "身份证号", "基本工资", "绩效工资", "应发合计"])
    order = list(range(len(people)))
    random.Random(layout["seed"]).shuffle(order)
    body = []
    for seq, i in enumerate(order, start=1):
        nm, ident, unit, fen = people[i]
        base = fen // 2
        body.append([seq, unit, nm, ident, money_text(base, "number"), money_text(fen - base, "number"),
                     money_text(fen, layout["styles"][i])])
    for at in sorted(layout["blanks"], reverse=True):
        body.insert(at, [])
    rows.extend(body)
    if layout["total_row"]:
        total = sum(p[3] for p in people)
        rows.append(["合计", None, None, None, None, None, money_text(total, "number")])
    wb = Workbook()
    ws = wb.active
    ws.title = "工资表"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = ws.cell(r, c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def budget_total(path: Path) -> str:
    r = RUNNER.invoke(app, ["budget", str(path), "--format", "json"])
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)["figures"]["payroll_total"]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("properties")


@SETTINGS
@given(payrolls())
def test_layout_never_changes_the_payroll_total(workdir, payroll):
    people, layout = payroll
    expected = f"{Decimal(sum(p[3] for p in people)) / 100:.2f}"
    assert budget_total(write_payroll(workdir / "payroll.xlsx", people, layout)) == expected


@SETTINGS
@given(payrolls(), st.integers(0, 2**16))
def test_row_order_and_blank_rows_never_change_the_total(workdir, payroll, seed):
    people, layout = payroll
    plain = dict(layout, blanks=[], seed=0, titles=0, blank_before_header=0)
    shaken = dict(layout, seed=seed, blanks=[seed % (len(people) + 1)] * 3)
    a = budget_total(write_payroll(workdir / "a.xlsx", people, plain))
    b = budget_total(write_payroll(workdir / "b.xlsx", people, shaken))
    assert a == b


# ------------------------------------------------------------------ random bytes

SIGNATURES = [b"", b"PK\x03\x04", b"PK\x05\x06" + bytes(18), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf",
              b"\xff\xfe", b"<html>", b"\x09\x08\x10\x00\x00\x06\x05\x00"]


def _one_line_refusal(path: Path, allow_computed: bool = False) -> None:
    for cmd in ("budget", "inspect"):
        r = RUNNER.invoke(app, [cmd, str(path), "--format", "json"])
        assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
        if allow_computed and r.exit_code in (0, 1):
            continue
        assert r.exit_code == 2, (cmd, r.exit_code, r.stderr)
        assert r.stdout == ""
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("ttcalc: ") and path.name in lines[0], r.stderr
        assert "Traceback" not in r.stderr and "internal error" not in r.stderr


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SIGNATURES), st.binary(max_size=4096), st.sampled_from([".xlsx", ".xls", ".csv"]))
def test_random_bytes_never_crash(workdir, signature, data, suffix):
    path = workdir / f"random{suffix}"
    path.write_bytes(signature + data)
    _one_line_refusal(path)


@pytest.fixture(scope="module")
def real_workbook(workdir) -> bytes:
    people = [(NAMES[i], pid(i + 1), UNITS[i % 3], 500_000 + i) for i in range(6)]
    layout = {"titles": 1, "blank_before_header": 0, "blanks": [], "two_row_header": True, "styles": ["number"] * 6,
              "total_row": True, "seed": 1, "spaced": False}
    return write_payroll(workdir / "real.xlsx", people, layout).read_bytes()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.data())
def test_damaged_workbooks_never_crash(workdir, real_workbook, data):
    blob = bytearray(real_workbook)
    if data.draw(st.booleans(), label="truncate"):
        blob = blob[:data.draw(st.integers(1, len(blob) - 1), label="cut at")]
    for _ in range(data.draw(st.integers(0, 12), label="flips")):
        at = data.draw(st.integers(0, len(blob) - 1), label="at")
        blob[at] = data.draw(st.integers(0, 255), label="byte")
    assume(bytes(blob) != real_workbook)
    suffix = data.draw(st.sampled_from([".xlsx", ".xls"]), label="suffix")
    path = workdir / f"damaged{suffix}"
    path.write_bytes(bytes(blob))
    _one_line_refusal(path, allow_computed=True)
