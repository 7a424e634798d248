"""Province-scale inputs: the columnar CSV path agrees with the csv-module path row for row,
and Parquet payrolls read only the columns they need."""

from __future__ import annotations

import csv

import pytest

import ttcalc.read.bigfiles as bigfiles
from builders import make_id


def _id(i: int) -> str:
    return make_id(f"1985{i % 12 + 1:02d}01", i, region="350521")


def _write(path, encoding="utf-8"):
    rows = [["2025年全省工资表"], ["序号", "单位", "姓名", "身份证号", "应发合计", "实发合计", "备注"]]
    for i in range(300):
        rows.append([i + 1, f"第{i % 7}学校", f"教师{i}", _id(i), f"{1000 + i}.{i % 100:02d}", 900, "x" * (i % 2)])
        if i == 120:
            rows.append(["", "第1学校 小计", "", "", "123456.78"])  # a ragged subtotal in the middle
    rows.append(["合计", "", "", "", "999999"])
    rows.append(["注：金额单位为元"])
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_columnar_csv_matches_the_csv_module(run, tmp_path, monkeypatch, encoding):
    path = _write(tmp_path / "p.csv", encoding)
    small = run("budget", path, "--format", "json").json()
    monkeypatch.setattr(bigfiles, "BIG_CSV_BYTES", 1)
    big = run("budget", path, "--format", "json").json()
    assert big["figures"] == small["figures"]
    assert big["inputs"][0]["rows_skipped"] == small["inputs"][0]["rows_skipped"]
    assert [s["row"] for s in big["inputs"][0]["rows_skipped"]] == [124, 304, 305]
    assert big["warnings"] == small["warnings"]


def test_parquet_payroll(run, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"单位": ["一小", "二中", "二中"], "姓名": ["甲", "乙", "丙"],
                      "身份证号": [_id(1), _id(2), _id(3)], "应发合计": [1000.5, 2000.25, 0.25],
                      "实发合计": [900.0, 1800.0, 0.2], "无关列": [1, 2, 3]})
    path = tmp_path / "p.parquet"
    pq.write_table(table, path)
    data = run("budget", path, "--format", "json").json()
    assert data["figures"]["payroll_total"] == "3001.00" and data["figures"]["people"] == 3
    assert data["inputs"][0]["header_row"] == 1 and data["inputs"][0]["rows_used"] == 3
    assert bigfiles.useful(table.column_names) == [0, 1, 2, 3, 4]  # 无关列 is never read (5th+ unknown)


def test_not_parquet_content(run, tmp_path):
    path = tmp_path / "x.parquet"
    path.write_bytes(b"hello")
    out = run("budget", path)
    assert out.code == 2 and "Parquet" in out.stderr


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_head_cut_inside_a_character_keeps_the_files_encoding(encoding):
    """The first 256 KB of a big CSV may end inside a Chinese character: the head is judged on
    its whole lines, never read as GB18030 mojibake when the file is UTF-8 (or the reverse)."""
    from ttcalc.read.textfiles import decode_head

    text = ("姓名,身份证号,单位\n" + "张三,350521198503011234,实验小学\n" * 500).encode(encoding)
    want = "utf-8-sig" if encoding == "utf-8" else "gb18030"
    for cut in range(len(text) - 400, len(text)):
        assert decode_head(text[:cut])[1] == want, cut
