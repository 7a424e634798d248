"""Hostile round 5 on the province-scale engine (read.engine): what a folder of real county
files holds that DuckDB reads otherwise than the columnar reader.

- A file name holding [, * or ? is a glob pattern to DuckDB: 第[1]中学.csv read 第1中学.csv
  (a silently wrong total), and in one scan over a list a*b.csv read every a…b.csv, so the
  file numbers (file_index) ran past the list (an internal error).
- A Parquet column named file_index hid the scan's own file_index: every row of a scan of
  several files lost its file, and its unit."""

from __future__ import annotations

import decimal

import pytest
from test_engine import _bad_check, _csv, _id, both, used  # noqa: F401 — `used` is a fixture

H = ["序号", "姓名", "身份证号", "应发合计"]


def _school(path, k: int, n: int, yuan: int):
    rows = [H] + [[i + 1, f"教师{k}-{i}", _id(k * 50 + i) if i != 1 else _bad_check(k * 50 + i), f"{yuan}.00"]
                  for i in range(n)]
    return _csv(path, rows)


def test_a_bracket_in_a_file_name_reads_that_file(run, monkeypatch, used, tmp_path):  # noqa: F811
    """第[1]中学.csv beside 第1中学.csv: DuckDB's glob [1] matched 1, and read the other file."""
    used.clear()
    _school(tmp_path / "第[1]中学.csv", 1, 3, 100)
    _school(tmp_path / "第1中学.csv", 2, 5, 7)
    _school(tmp_path / "第2中学.csv", 3, 2, 9)
    got = both(run, monkeypatch, used, [tmp_path])
    assert got["figures"]["payroll_total"] == "353.00"
    units = {u["unit"]: u["payroll_total"] for u in got["by_unit"]}
    assert units == {"第[1]中学": "300.00", "第1中学": "35.00", "第2中学": "18.00"}


@pytest.mark.parametrize("folder", ["县[一]", "plain"])
def test_stars_and_question_marks_in_names_of_one_scan(run, monkeypatch, used, tmp_path, folder):  # noqa: F811
    """a*b.csv and a?b.csv among files of one layout (and a folder named with brackets): each
    name reads its own file, and the scan numbers the files it was given."""
    used.clear()
    where = tmp_path / folder
    where.mkdir()
    for k, name in enumerate(["a*b.csv", "a?b.csv", "ab.csv", "aXb.csv", "a[b].csv", "it's [1].csv"]):
        _school(where / name, k, 2 + k, 10 * (k + 1))
    got = both(run, monkeypatch, used, [where])
    assert got["figures"]["payroll_rows"] == sum(2 + k for k in range(6))
    bad = sorted((w["file"].rsplit("/", 1)[-1], w["row"]) for w in got["warnings"] if w["code"] == "id_checksum")
    assert bad == sorted((name, 3) for name in ["a*b.csv", "a?b.csv", "ab.csv", "aXb.csv", "a[b].csv", "it's [1].csv"])


def test_a_backslash_beside_a_glob_character_falls_back(run, monkeypatch, used, tmp_path):  # noqa: F811
    """x\\y[1].csv cannot be spelled as a DuckDB glob on POSIX: the columnar reader reads it."""
    import os

    if os.sep != "/":
        pytest.skip("a backslash is a separator here")
    used.clear()
    _school(tmp_path / "x\\y[1].csv", 1, 3, 100)
    _school(tmp_path / "y1.csv", 2, 4, 5)
    got = both(run, monkeypatch, used, [tmp_path], engine_expected=False)
    assert got["figures"]["payroll_total"] == "320.00"


def _parquet(path, k: int, n: int, extra: dict):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({**{name: pa.array(values(n), pa.int64()) for name, values in extra.items()},
                      "序号": pa.array(range(1, n + 1), pa.int64()),
                      "姓名": [f"教师{k}-{i}" for i in range(n)],
                      "身份证号": [_id(k * 50 + i) if i != 1 else _bad_check(k * 50 + i) for i in range(n)],
                      "应发合计": pa.array([decimal.Decimal(f"{100 * (k + 1)}.00")] * n, pa.decimal128(12, 2))})
    pq.write_table(table, path)


def test_a_bracket_in_a_parquet_name(run, monkeypatch, used, tmp_path):  # noqa: F811
    used.clear()
    _parquet(tmp_path / "第[1]中学.parquet", 0, 3, {})
    _parquet(tmp_path / "第1中学.parquet", 1, 5, {})
    got = both(run, monkeypatch, used, [tmp_path])
    assert got["figures"]["payroll_total"] == "1300.00"


@pytest.mark.parametrize("column", ["file_index", "FILE_INDEX"])
@pytest.mark.parametrize("values", [lambda n: [7] * n, lambda n: [i % 2 for i in range(n)]])
def test_a_parquet_column_named_file_index(run, monkeypatch, used, tmp_path, column, values):  # noqa: F811
    """A column file_index (any case) in Parquet files of one layout: DuckDB binds s.file_index
    to it, not to the scan's number of the file — each such file is read by a scan of its own."""
    used.clear()
    for k in range(3):
        _parquet(tmp_path / f"第{k + 1}中学.parquet", k, 5, {column: values})
    got = both(run, monkeypatch, used, [tmp_path])
    units = {u["unit"]: u["payroll_total"] for u in got["by_unit"]}
    assert units == {f"第{k + 1}中学": f"{500 * (k + 1)}.00" for k in range(3)}


@pytest.mark.parametrize("ends", ["\r\r\n", "\r"])
def test_empty_lines_of_any_line_end(run, monkeypatch, used, tmp_path, ends):  # noqa: F811
    """Lines ending "\\r\\r\\n" (a CRLF file written through a text mode again: an empty line
    after each to the columnar reader) or an empty line of a CR-only file ("\\r\\r"): DuckDB
    skips them, and numbered the rows below otherwise — the columnar reader reads the file."""
    used.clear()
    lines = ["某县第1中学2025年3月工资表", ",".join(H), f"1,甲,{_id(1)},100.00"] + \
        ([""] if ends == "\r" else []) + [f"2,乙,{_id(2)}1,50.00", f"3,丙,{_bad_check(3)},25.00", "合计,,,175"]
    (tmp_path / "第1中学.csv").write_bytes((ends.join(lines) + ends).encode())
    _school(tmp_path / "第2中学.csv", 2, 3, 10)
    got = both(run, monkeypatch, used, [tmp_path], engine_expected=False)
    rows = sorted((w["file"].rsplit("/", 1)[-1], w["code"], w["row"]) for w in got["warnings"])
    assert rows[0] == ("第1中学.csv", "id_checksum", 9 if ends == "\r\r\n" else 6)


def test_a_folder_named_tilde_is_not_the_home_folder(run, monkeypatch, used, tmp_path):  # noqa: F811
    """A relative path "~/第1中学.csv" names a folder "~" in the working folder; DuckDB read
    ~ as the home folder, and a file of the same name there."""
    used.clear()
    (tmp_path / "~").mkdir()
    (tmp_path / "home").mkdir()
    for k in (1, 2):
        _school(tmp_path / "~" / f"第{k}中学.csv", k, 3, 10 * k)
        _school(tmp_path / "home" / f"第{k}中学.csv", k + 5, 4, 9999)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    from pathlib import Path

    got = both(run, monkeypatch, used, [Path("~")])
    assert got["figures"]["payroll_total"] == "90.00"
