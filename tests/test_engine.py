"""The DuckDB engine (read.engine, budget.province) against the columnar reader it replaces on
big files: the same JSON report — figures, by unit, inputs (skipped rows and their row
numbers, blank rows), warnings — on many generated payroll shapes.  The engine is forced on
small files (TTCALC_ENGINE_MIN_BYTES=0); the reference is the columnar path with the engine
off, and the csv-module path where both readers agree."""

from __future__ import annotations

import csv
import io
import random

import pytest
from builders import make_id, with_check
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ttcalc.read import bigfiles, engine

OFF = str(10**15)


@pytest.fixture
def used(monkeypatch):
    """How many data sets the engine read (not fallen back)."""
    calls = []
    real = engine.read_payroll

    def spy(*args, **kwargs):
        got = real(*args, **kwargs)
        calls.append(got is not None)
        return got

    monkeypatch.setattr(engine, "read_payroll", spy)
    return calls


def _report(run, monkeypatch, paths, *args, on: bool, columnar: bool = True):
    monkeypatch.setenv(engine.ENV_MIN, "0" if on else OFF)
    monkeypatch.setattr(bigfiles, "BIG_CSV_BYTES", 1 if columnar else 32 * 2**20)
    ran = run("budget", *paths, "--format", "json", "--lang", "en", *args)
    assert ran.code in (0, 1), (ran.stdout, ran.stderr, ran.exception)
    return ran.json()


def both(run, monkeypatch, used, paths, *args, engine_expected=True):
    got = _report(run, monkeypatch, paths, *args, on=True)
    assert used == [engine_expected], "the engine was not used" if engine_expected else "the engine was used"
    want = _report(run, monkeypatch, paths, *args, on=False)
    for key in ("figures", "by_unit", "inputs", "warnings"):
        assert got.get(key) == want.get(key), key
    return got


def _csv(path, rows, encoding="utf-8", newline="\n"):
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _id(i: int) -> str:
    return make_id(f"19{70 + i % 30}{i % 12 + 1:02d}{i % 28 + 1:02d}", i % 999 + 1, region="350521")


def _bad_check(i: int) -> str:
    good = _id(i)
    return good[:17] + ("0" if good[17] != "0" else "1")


def _shape(seed: int):
    """A payroll of one random shape: title lines, a unit and a month column or not, gross or
    components (元 or 万元), and rows of every kind."""
    rnd = random.Random(seed)
    unit_col, month_col = rnd.random() < 0.7, rnd.random() < 0.3
    gross = rnd.random() < 0.8
    wan = not gross and rnd.random() < 0.3
    header = ["序号"] + (["单位"] if unit_col else []) + ["姓名", "身份证号"] + (["月份"] if month_col else [])
    header += ["岗位工资", "薪级工资"] + (["应发合计"] if gross else []) + ["实发合计", "备注"]
    if wan:
        header = [h + "(万元)" if h in ("岗位工资", "薪级工资") else h for h in header]
    rows = [[f"{rnd.choice(['某县', '某市'])}教职工工资表"]] * rnd.randint(0, 2) + [header]
    n = rnd.randint(5, 60)
    for i in range(n):
        kind = rnd.random()
        pid = rnd.randint(0, 25)
        ident = (_id(pid) if kind < 0.55 else _bad_check(pid) if kind < 0.7 else
                 rnd.choice(["", _id(pid).lower(), " " + _id(pid) + " ", _id(pid)[:6] + _id(pid)[8:17],
                             "3.50521E+17", "１２３", _id(pid)[:17], "'" + _id(pid)]))
        yuan = rnd.randint(0, 900_000) / 100
        text = rnd.choice([f"{yuan:.2f}", f"{yuan:,.2f}", str(int(yuan)), f"{yuan:.1f}"])
        if rnd.random() < 0.1:
            text = text.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
        comp = [f"{rnd.randint(0, 90000) / 100:.2f}", f"{rnd.randint(0, 90000) / 100:.2f}"]
        if wan:
            comp = [f"{rnd.randint(0, 900) / 10000:.4f}", f"{rnd.randint(0, 900) / 10000:.4f}"]
        row = [i + 1] + ([rnd.choice(["一中", "二中", " 三小 ", "四小"])] if unit_col else [])
        row += [rnd.choice([f"教师{pid}", f"教师{pid}", ""]), ident] + ([rnd.choice(["2025-01", "2025-02"])]
                                                                        if month_col else [])
        row += comp + ([text] if gross else []) + ["100.00", rnd.choice(["", "x"])]
        rows.append(row)
        extra = rnd.random()
        if extra < 0.05:
            rows.append(["", "小计"] + [""] * (len(header) - 3) + ["1.00"])
        elif extra < 0.08:
            rows.append([""] * len(header))  # blank row
        elif extra < 0.10:
            rows.append(["", "", "", "", "5"])  # no name or ID: skipped
        elif extra < 0.12:
            rows.append(["注：", "本表"])  # a short note line
    if rnd.random() < 0.7:
        rows.append(["合计"] + [""] * (len(header) - 2) + ["999"])
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_engine_matches_the_columnar_reader(run, monkeypatch, used, tmp_path, seed):
    used.clear()
    path = _csv(tmp_path / "p.csv", _shape(seed))
    both(run, monkeypatch, used, [path])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), files=st.integers(2, 4))
def test_many_files_are_one_data_set(run, monkeypatch, used, tmp_path, seed, files):
    """A folder of one CSV per month or county: one data set (people once across files,
    duplicates across files warned), as the reader sees it file by file."""
    used.clear()
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    for k in range(files):
        _csv(folder / f"2025-{k + 1:02d}月.csv", _shape(seed + k))
    both(run, monkeypatch, used, [folder])


def test_the_csv_module_path_agrees_too(run, monkeypatch, used, tmp_path):
    """On an ordinary shape the engine also agrees with the small-file reader."""
    rows = [["2025年全县工资表"], ["序号", "单位", "姓名", "身份证号", "应发合计"]]
    rows += [[i + 1, f"第{i % 3}小学", f"教师{i}", _id(i) if i % 5 else _bad_check(i), f"{1000 + i:,}.50"]
             for i in range(40)]
    rows += [["合计", "", "", "", "1.00"], ["注：单位为元"]]
    path = _csv(tmp_path / "p.csv", rows)
    got = _report(run, monkeypatch, [path], on=True, columnar=False)
    assert used == [True]
    want = _report(run, monkeypatch, [path], on=False, columnar=False)
    assert got == want
    assert got["figures"]["payroll_rows"] == 40 and got["figures"]["units"] == 3


def _small(tmp_path, name="p.csv", **kw):
    rows = [["序号", "单位", "姓名", "身份证号", "应发合计"]]
    rows += [[i + 1, "一中", f"教师{i}", _id(i), "100.00"] for i in range(10)]
    return _csv(tmp_path / name, rows, **kw)


def test_gbk_falls_back(run, monkeypatch, used, tmp_path):
    """DuckDB reads UTF-8 only: a GBK/GB18030 file is read the usual way, with the same answer."""
    got = both(run, monkeypatch, used, [_small(tmp_path, encoding="gbk")], engine_expected=False)
    assert got["figures"]["payroll_rows"] == 10


def test_bom_and_crlf(run, monkeypatch, used, tmp_path):
    path = _small(tmp_path, newline="\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert both(run, monkeypatch, used, [path])["figures"]["payroll_rows"] == 10


@pytest.mark.parametrize("odd", ["¥100.00", "1000,50", "100.005", "  ", "12345678901234.00", "(12.00)"])
def test_amounts_sql_cannot_take_fall_back(run, monkeypatch, used, tmp_path, odd):
    """An amount that is not a plain number is read the usual way: the same total, the same
    warning or the same refusal — never a different figure."""
    rows = [["序号", "单位", "姓名", "身份证号", "应发合计"], [1, "一中", "甲", _id(1), "100.00"],
            [2, "一中", "乙", _id(2), odd]]
    path = _csv(tmp_path / "p.csv", rows)
    monkeypatch.setenv(engine.ENV_MIN, "0")
    first = run("budget", path, "--format", "json", "--lang", "en")
    assert used == [False]
    monkeypatch.setenv(engine.ENV_MIN, OFF)
    second = run("budget", path, "--format", "json", "--lang", "en")
    assert first.code == second.code
    import re

    def timeless(text):
        return re.sub(r", [\d.]+ s\n", "", text or "")
    assert (first.stdout, timeless(first.stderr)) == (second.stdout, timeless(second.stderr))


def test_empty_line_falls_back(run, monkeypatch, used, tmp_path):
    """DuckDB skips empty lines and would misnumber the rows below: read the usual way."""
    path = _small(tmp_path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:4] + ["\n"] + lines[4:]), encoding="utf-8")
    both(run, monkeypatch, used, [path], engine_expected=False)


def test_check_digits_in_sql(run, monkeypatch, used, tmp_path):
    """GB 11643 in SQL: the worked example of domain.md passes, one digit off fails, a
    15-digit ID is upgraded (the same person as its 18-digit form)."""
    rows = [["姓名", "身份证号", "单位", "应发合计"], ["甲", "11010519491231002X", "一中", "1.00"],
            ["乙", "110105194912310021", "一中", "2.00"], ["甲", "110105491231002", "一中", "3.00"],
            ["丙", with_check("35052119850301123"), "一中", "4.00"]]
    got = both(run, monkeypatch, used, [_csv(tmp_path / "p.csv", rows)])
    assert got["figures"]["people"] == 3 and got["figures"]["payroll_total"] == "10.00"
    assert [(w["code"], w["row"]) for w in got["warnings"] if w["code"].startswith("id_")] == [("id_checksum", 3)]


def test_parquet(run, monkeypatch, used, tmp_path):
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    n = 50
    table = pa.table({"序号": list(range(1, n + 1)), "单位": [f"第{i % 4}小学" for i in range(n)],
                      "姓名": [f"教师{i % 45}" for i in range(n)],
                      "身份证号": [_id(i % 45) if i % 7 else _bad_check(i) for i in range(n)],
                      "应发合计": pa.array([decimal.Decimal(f"{1000 + i}.{i % 100:02d}") for i in range(n)],
                                       pa.decimal128(12, 2))})
    path = tmp_path / "p.parquet"
    pq.write_table(table, path)
    got = both(run, monkeypatch, used, [path])
    assert got["figures"]["payroll_rows"] == n


def test_parquet_float_amounts_fall_back(run, monkeypatch, used, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"姓名": ["甲", "乙"], "身份证号": [_id(1), _id(2)], "应发合计": [1000.5, 0.25]})
    pq.write_table(table, tmp_path / "p.parquet")
    got = both(run, monkeypatch, used, [tmp_path / "p.parquet"], engine_expected=False)
    assert got["figures"]["payroll_total"] == "1000.75"


def test_no_network_and_no_files_left(tmp_path, monkeypatch):
    """The engine's DuckDB never installs or loads an extension by itself, and its spill
    folder goes when it is closed."""
    import os

    e = engine.Engine(None, str(tmp_path / "spill"))
    os.mkdir(e.temp_dir)
    e.con = engine.connect(e.temp_dir)
    settings_ = dict(e.query("SELECT name, value FROM duckdb_settings() WHERE name IN "
                             "('autoinstall_known_extensions', 'autoload_known_extensions')"))
    assert settings_ == {"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"}
    e.close()
    assert not os.path.exists(e.temp_dir)


def test_columnar_reader_places_repeated_short_lines(run, monkeypatch, used, tmp_path):
    """The same short line twice ("注：,本表" after two blocks): the columnar reader found both
    at the first one's line and dropped a person row; now it agrees with the csv module (and
    the engine)."""
    path = _csv(tmp_path / "p.csv", _shape(262))
    assert path.read_text(encoding="utf-8").count("注：,本表\n") == 3
    small = _report(run, monkeypatch, [path], on=False, columnar=False)
    big = _report(run, monkeypatch, [path], on=False, columnar=True)
    assert big["inputs"] == small["inputs"] and big["figures"] == small["figures"]


def test_an_annotated_workbook_reads_the_usual_way(run, monkeypatch, used, tmp_path):
    """--output writes every row into the workbook: the rows must be in hand, not in DuckDB."""
    monkeypatch.setenv(engine.ENV_MIN, "0")
    ran = run("budget", _small(tmp_path), "--output", tmp_path / "out.xlsx", "--quiet")
    assert ran.code in (0, 1) and used == []
    import openpyxl

    assert openpyxl.load_workbook(tmp_path / "out.xlsx")["明细"].max_row > 10


def test_a_corrupt_parquet_is_worded_by_the_usual_reader(run, monkeypatch, used, tmp_path):
    path = tmp_path / "p.parquet"
    path.write_bytes(b"PAR1" + b"\0" * 100 + b"PAR1")
    monkeypatch.setenv(engine.ENV_MIN, "0")
    ran = run("budget", path, "--format", "json", "--lang", "en")
    assert ran.code == 2 and used == [False], (ran.stdout, ran.stderr)
