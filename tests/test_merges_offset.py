"""Merged unit cells in a table that does not start in column A (or row 1).

calamine — and so the general reader's grid — starts at the sheet's first column with a
value, while merge ranges count from column A: the ranges must be shifted with the grid,
or a 单位 merged over each school's block is not filled down and its people land in the
file's name as a unit (a per-unit figure silently wrong, found on 2026-12-02)."""

from __future__ import annotations

import json

import pytest
from builders import make_xlsx



def _id(n: int) -> str:
    from ttcalc.cells.idcard import check_char as check

    body = f"350521{1960 + n % 40}0101{n % 1000:03d}"
    return body + check(body)


def _book(tmp_path, lead_cols: int, lead_rows: int, name: str = "book.xlsx"):
    pad = [None] * lead_cols
    rows = [[None] for _ in range(lead_rows)] + [pad + ["单位", "姓名", "身份证号", "应发合计"]]
    merges = []
    letter = chr(ord("A") + lead_cols)
    for b in range(3):
        first = len(rows) + 1
        for i in range(4):
            rows.append(pad + [f"第{b}学校" if i == 0 else None, f"李{b}-{i}", _id(b * 4 + i), 1000 + 100 * b + i])
        merges.append(f"{letter}{first}:{letter}{first + 3}")
    return make_xlsx(tmp_path / name, {"工资": rows}, {"工资": merges})


def _units(run, path) -> dict:
    r = run("budget", path, "--format", "json", "--quiet", "--lang", "en")
    assert r.code in (0, 1), r.stderr
    return {u["unit"]: u["payroll_rows"] for u in json.loads(r.stdout)["by_unit"]}


@pytest.mark.parametrize("lead_cols,lead_rows", [(0, 0), (1, 0), (2, 0), (3, 2), (0, 3)])
def test_merged_units_are_filled_wherever_the_table_starts(run, tmp_path, lead_cols, lead_rows):
    units = _units(run, _book(tmp_path, lead_cols, lead_rows))
    assert units == {"第0学校": 4, "第1学校": 4, "第2学校": 4}, units


@pytest.mark.parametrize("ext", ["xls", "ods"])
def test_the_same_in_legacy_and_open_formats(run, tmp_path, soffice, ext):
    converted = soffice(_book(tmp_path, 2, 1), ext)
    units = _units(run, converted)
    assert units == {"第0学校": 4, "第1学校": 4, "第2学校": 4}, units
