"""Files of one layout read by one DuckDB scan (read.engine._groups): a folder of one CSV per
county or month, each naming its unit in its title or file name and its month in its name,
read together yet reported file by file — the same report as the columnar reader, row
numbers, units, months and duplicates across files included.  Groups are capped
(GROUP_FILES), may interleave with files of another layout, and Parquet files join a scan
only with the same column types."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine import _bad_check, _csv, _id, both, used  # noqa: F401 — `used` is a fixture

from ttcalc.read import engine


def _county(rnd: random.Random, layout: dict, unit: str) -> list[list]:
    """One file of the layout `layout` (the same header for every file), its own rows."""
    rows = [[f"{unit}2025年教职工工资表"]] * layout["titles"]
    header = ["序号"] + (["单位"] if layout["unit"] else []) + ["姓名", "身份证号", "应发合计", "备注"]
    rows.append(header)
    for i in range(rnd.randint(0, 30)):
        pid = rnd.randint(0, 40)
        ident = rnd.choice([_id(pid), _id(pid), _id(pid), _bad_check(pid), "", _id(pid)[:15]])
        row = [i + 1] + ([rnd.choice(["一中", "二中", ""])] if layout["unit"] else [])
        row += [rnd.choice([f"教师{pid}", ""]), ident, f"{rnd.randint(0, 900_000) / 100:.2f}", ""]
        rows.append(row)
        if rnd.random() < 0.08:
            rows.append(["小计"] + [""] * (len(header) - 2) + ["1.00"])
        elif rnd.random() < 0.05:
            rows.append(["注：", "本表"])
    if rnd.random() < 0.5:
        rows.append(["合计"] + [""] * (len(header) - 2) + ["999"])
    return rows


LAYOUTS = [{"titles": 1, "unit": False}, {"titles": 0, "unit": True}, {"titles": 2, "unit": True}]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), files=st.integers(2, 7), cap=st.sampled_from([2, 3, 500]),
       named=st.sampled_from(["county", "month"]))
def test_files_of_one_layout_read_together(run, monkeypatch, used, tmp_path, seed, files, cap, named):  # noqa: F811
    import tempfile
    from pathlib import Path

    used.clear()
    monkeypatch.setattr(engine, "GROUP_FILES", cap)
    rnd = random.Random(seed)
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "某县教育局"
    folder.mkdir()
    layouts = [rnd.choice(LAYOUTS[:2]) for _ in range(files)]  # two layouts, interleaved
    for k, lay in enumerate(layouts):
        unit = f"第{k + 1}中学"
        name = f"{unit}.csv" if named == "county" else f"2025-{k + 1:02d}月.csv"
        _csv(folder / name, _county(rnd, lay, unit))
    both(run, monkeypatch, used, [folder])


def test_a_scan_of_many_files_numbers_rows_per_file(run, monkeypatch, used, tmp_path):  # noqa: F811
    """Rows of the third file of one scan are numbered in that file, and its title names its
    unit: the warnings and the per-unit figures say so."""
    used.clear()
    for k in range(4):
        rows = [[f"第{k + 1}中学2025年3月工资表"], ["序号", "姓名", "身份证号", "应发合计"]]
        rows += [[i + 1, f"教师{k}-{i}", _id(k * 10 + i) if (k, i) != (2, 3) else _bad_check(k * 10 + i),
                  f"{100 * (k + 1)}.00"] for i in range(5)]
        _csv(tmp_path / f"county-{k + 1}.csv", rows)
    got = both(run, monkeypatch, used, [tmp_path])
    bad = [(w["file"].rsplit("/", 1)[-1], w["row"]) for w in got["warnings"] if w["code"] == "id_checksum"]
    assert bad == [("county-3.csv", 6)]
    units = {u["unit"]: u["payroll_total"] for u in got["by_unit"]}
    assert units == {f"第{k + 1}中学": f"{500 * (k + 1)}.00" for k in range(4)}


@pytest.mark.parametrize("second", ["int64", "int32"])
def test_parquet_files_join_a_scan_only_of_the_same_types(run, monkeypatch, used, tmp_path, second):  # noqa: F811
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    used.clear()
    for k, seq_type in enumerate(["int64", second, "int64"]):
        n = 20 + k
        table = pa.table({"序号": pa.array(range(1, n + 1), getattr(pa, seq_type)()),
                          "单位": [f"第{(i + k) % 3}小学" for i in range(n)],
                          "姓名": [f"教师{i}" for i in range(n)],
                          "身份证号": [_id(i) if (i + k) % 6 else _bad_check(i) for i in range(n)],
                          "应发合计": pa.array([decimal.Decimal(f"{1000 + i}.{k}5") for i in range(n)],
                                           pa.decimal128(12, 2))})
        pq.write_table(table, tmp_path / f"2025-0{k + 1}.parquet")
    got = both(run, monkeypatch, used, [tmp_path])
    assert got["figures"]["payroll_rows"] == 20 + 21 + 22


def test_groups_follow_the_layout(tmp_path):
    """Which files one scan reads: the same layout, whatever their titles and names."""
    from types import SimpleNamespace

    plans = [SimpleNamespace(sql=s, types=t) for s, t in
             [("A", ()), ("B", ()), ("A", ()), ("A", ("x",)), ("A", ()), ("B", ())]]

    def grouped(cap):
        import unittest.mock as m

        with m.patch.object(engine, "select_sql", lambda plan, *a: plan.sql), \
                m.patch.object(engine, "GROUP_FILES", cap):
            return engine._groups(plans, None, "")

    assert grouped(500) == [[0, 2, 4], [1, 5], [3]]
    assert grouped(2) == [[0, 2], [4], [1, 5], [3]]


@pytest.mark.parametrize("spellings", [("utf-8-sig", "\n"), ("utf-8", "\r\n")])
def test_one_scan_over_files_with_and_without_a_bom_or_crlf(run, monkeypatch, used, tmp_path, spellings):  # noqa: F811
    """A byte-order mark or CRLF line ends on some files of one layout only: each file's rows
    still start after its own header."""
    used.clear()
    encoding, newline = spellings
    for k in range(4):
        rows = [["序号", "单位", "姓名", "身份证号", "应发合计"]]
        rows += [[i + 1, f"第{k}中学", f"教师{k}-{i}", _id(k * 10 + i), f"{i + 1}.00"] for i in range(3 + k)]
        _csv(tmp_path / f"county-{k}.csv", rows, *((encoding, newline) if k % 2 else ("utf-8", "\n")))
    got = both(run, monkeypatch, used, [tmp_path])
    assert got["figures"]["payroll_rows"] == 3 + 4 + 5 + 6
