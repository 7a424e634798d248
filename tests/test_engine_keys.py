"""The DuckDB engine's integer ID keys, per-unit pass and slim table against the columnar
reader: persons met in two units, rows without an ID taking the least ID of their name and
unit (an 18-digit key against a text of another shape, X check characters), duplicates within
a file and across files of one month, a CSV and a Parquet in one data set, a note word in a
leading column of a person row, and a folder of CSVs whose 256 KB head ends inside a
character (each was read the usual way, or differently, before)."""

from __future__ import annotations

import random

import pytest
from builders import with_check
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine import _csv, _report, both, used  # noqa: F401 — `used` is a fixture

from ttcalc.read import engine


def _pool(rnd: random.Random, n: int) -> list[str]:
    """n distinct valid IDs, some with an X check character."""
    out: list[str] = []
    while len(out) < n:
        body = f"3505{rnd.randint(10, 99)}19{rnd.randint(50, 99)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}"
        ident = with_check(body + f"{rnd.randint(0, 999):03d}")
        if ident not in out and (len(out) % 3 or ident.endswith("X") or rnd.random() < 0.2):
            out.append(ident)
    return out


def _spelled(rnd: random.Random, ident: str) -> str:
    """The same ID as a clerk may type it — or another shape altogether."""
    return rnd.choice([ident, ident, ident, ident.lower(), f" {ident} ", "'" + ident,
                       ident.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
                       ident[:6] + ident[8:17] if ident[6:8] == "19" else ident,  # 15 digits
                       ident[:16], ident + "0", "", "", ident[:17] + ("0" if ident[17] != "0" else "1")])


def _keys_shape(seed: int, month: str | None = None) -> list[list]:
    rnd = random.Random(seed)
    ids = _pool(rnd, rnd.randint(2, 8))
    names = [f"教师{k}" for k in range(len(ids))]
    units = ["一中", "二中", "三小"]
    header = ["序号", "单位", "姓名", "身份证号"] + (["月份"] if month == "column" else []) + ["应发合计"]
    rows = [header]
    for i in range(rnd.randint(3, 40)):
        k = rnd.randrange(len(ids))
        row = [i + 1, rnd.choice(units[: rnd.randint(1, 3)]), rnd.choice([names[k], names[k], ""]),
               _spelled(rnd, ids[k])]
        if month == "column":
            row.append(rnd.choice(["2025-01", "2025-02"]))
        rows.append(row + [f"{rnd.randint(0, 500_000) / 100:.2f}"])
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), month=st.sampled_from([None, "column"]))
def test_keys_units_and_rows_without_an_id(run, monkeypatch, used, tmp_path, seed, month):  # noqa: F811
    """Few persons, many rows: the same ID in two or three units, spelled in every way, rows
    without an ID (or a name) — figures, by unit, warnings and row numbers as the columnar
    reader's."""
    used.clear()
    both(run, monkeypatch, used, [_csv(tmp_path / "p.csv", _keys_shape(seed, month))])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_duplicates_across_files_of_one_month(run, monkeypatch, used, tmp_path, seed):  # noqa: F811
    """Two schools' files of the same month and one of the next: a person in both files of a
    month is warned across files, a person in every month is not."""
    used.clear()
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    for k, name in enumerate(["一中2025-01.csv", "二中2025-01.csv", "一中2025-02.csv"]):
        _csv(folder / name, _keys_shape(seed + k))
    got = both(run, monkeypatch, used, [folder])
    assert got["figures"]["payroll_rows"] >= 0


def test_a_row_without_an_id_takes_the_least_id_as_text(run, monkeypatch, used, tmp_path):  # noqa: F811
    """甲 of 一中 carries an 18-digit ID ending in X and a 16-character one (another shape,
    held as text): the row without an ID takes the least of them as text compares — and the
    person then has two units' rows."""
    x_id = next(with_check(f"1101051949123100{d}") for d in range(10)
                if with_check(f"1101051949123100{d}").endswith("X"))
    rows = [["姓名", "身份证号", "单位", "应发合计"], ["甲", x_id, "一中", "1.00"], ["甲", "1101051949123100", "一中", "2.00"],
            ["甲", "", "一中", "4.00"], ["甲", x_id, "二中", "8.00"], ["乙", "", "二中", "16.00"],
            ["乙", "", "二中", "32.00"]]
    got = both(run, monkeypatch, used, [_csv(tmp_path / "p.csv", rows)])
    assert got["figures"]["people"] == 3 and got["figures"]["payroll_total"] == "63.00"


def test_a_note_word_in_a_leading_column_of_a_person_row(run, monkeypatch, used, tmp_path):  # noqa: F811
    """A leading column no header maps, saying "注：补发" on a complete person row: the person
    stays in the payroll (the engine skipped the row as a note line: a smaller fund)."""
    rows = [["杂项", "序号", "单位", "姓名", "公民身份号码", "应发合计"],
            ["x", 1, "一中", "张三", "350505198107130004", "100.00"],
            ["注：补发", 2, "一中", "李四", "350505198205120045", "200.00"],
            ["y", 3, "一中", "王五", with_check("35050519820512004"), "200.00"],
            ["注：本表由财务室填报", "", "", "", "", ""]]
    got = both(run, monkeypatch, used, [_csv(tmp_path / "p.csv", rows)])
    assert got["figures"]["payroll_total"] == "500.00"


def test_a_csv_and_a_parquet_in_one_data_set(run, monkeypatch, used, tmp_path):  # noqa: F811
    """Row numbers from the Parquet's own positions, the CSV's from the table's order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _keys_shape(7)
    folder = tmp_path / "d"
    folder.mkdir()
    _csv(folder / "a.csv", rows)
    table = pa.table({h: [str(r[j]) if r[j] != "" else None for r in rows[1:]] for j, h in enumerate(rows[0])})
    pq.write_table(table, folder / "b.parquet")
    both(run, monkeypatch, used, [folder])


@pytest.mark.parametrize("inside", [1, 2])
def test_a_head_cut_inside_a_character_is_still_utf8(run, monkeypatch, used, tmp_path, inside):  # noqa: F811
    """The planning reads the first 256 KB: when they end inside a Chinese character (after
    its first or second byte) the head was taken for another encoding and the data set read
    the usual way."""
    import csv
    import io

    body = [["序号", "单位", "姓名", "身份证号", "应发合计"]]
    body += [[i + 1, "第一实验小学", f"教师{i}", with_check(f"3505051980010{i % 10000:04d}"), "100.00"]
             for i in range(6000)]
    for pad in range(64):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([["工资表" + "x" * pad]] + body)
        data = buf.getvalue().encode("utf-8")
        cut = 256 * 1024
        if all(0x80 <= b < 0xC0 for b in data[cut - inside + 1: cut + 1]) and data[cut - inside] >= 0xE0:
            break
    else:
        raise AssertionError("no padding puts the cut inside a character")
    path = tmp_path / "p.csv"
    path.write_bytes(data)
    got = _report(run, monkeypatch, [path], on=True)
    assert used == [True]
    assert got["figures"]["payroll_rows"] == 6000


@pytest.mark.parametrize(("amount", "engine_reads"), [
    ("999999999.99", True), ("-999999999.99", True), ("1,234.5", True), ("０.０１", True), ("-0.10", True),
    ("1000000000.00", False), ("-1000000000", False), ("1,000,000,000.00", False), ("12.345", False)])
def test_amounts_at_the_edges(run, monkeypatch, used, tmp_path, amount, engine_reads):  # noqa: F811
    """Integer fen from 元 text: exact up to the largest amount the columnar path takes; past
    it, or finer than a fen, the data set is read the usual way — the same answer either way."""
    rows = [["姓名", "身份证号", "单位", "应发合计"], ["甲", with_check("11010519491231002"), "一中", "1.00"],
            ["乙", with_check("11010519491231003"), "一中", amount]]
    path = _csv(tmp_path / "p.csv", rows)
    monkeypatch.setenv(engine.ENV_MIN, "0")
    first = run("budget", path, "--format", "json", "--lang", "en")
    assert used == [engine_reads]
    monkeypatch.setenv(engine.ENV_MIN, str(10**15))
    second = run("budget", path, "--format", "json", "--lang", "en")
    assert first.code == second.code and first.stdout == second.stdout


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), seq=st.sampled_from(["int32", "uint16", "string"]),
       money=st.sampled_from(["decimal(12,2)", "decimal(18,2)", "int64", "string", "float64"]),
       dictionary=st.booleans(), twice=st.booleans())
def test_parquet_types(run, monkeypatch, used, tmp_path, seed, seq, money, dictionary, twice):  # noqa: F811
    """Parquet planned from DuckDB's view of the file (no pyarrow): integer, decimal, text,
    dictionary-encoded columns read by the engine, floats, wide decimals and a name given
    twice read the usual way — the same report either way."""
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    used.clear()
    rows = _keys_shape(seed)
    header, body = rows[0], rows[1:]
    cols = {}
    for j, name in enumerate(header):
        values = [r[j] if r[j] != "" else None for r in body]
        if name == "序号":
            cols[name] = pa.array([str(v) for v in values] if seq == "string" else values,
                                  pa.string() if seq == "string" else getattr(pa, seq)())
        elif name == "应发合计":
            if money.startswith("decimal"):
                cols[name] = pa.array([decimal.Decimal(v) for v in values], pa.decimal128(int(money[8:10]), 2))
            elif money == "int64":
                cols[name] = pa.array([int(float(v)) for v in values], pa.int64())
            else:
                cols[name] = pa.array(values if money == "string" else [float(v) for v in values])
        else:
            cols[name] = pa.array([None if v is None else str(v) for v in values], pa.string())
            if dictionary and name == "单位":
                cols[name] = cols[name].dictionary_encode()
    names = list(cols)
    if twice:
        names[names.index("单位")] = "姓名"
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table(list(cols.values()), names=names), path)
    monkeypatch.setenv(engine.ENV_MIN, "0")
    first = run("budget", path, "--format", "json", "--lang", "en")
    assert used == [not twice and money not in ("decimal(18,2)", "float64")]
    monkeypatch.setenv(engine.ENV_MIN, str(10**15))
    second = run("budget", path, "--format", "json", "--lang", "en")
    assert first.code == second.code and first.stdout == second.stdout


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_persons_grouped_in_parts(run, monkeypatch, used, tmp_path, seed):  # noqa: F811
    """per_unit grouped in parts by the key's remainder (memory): the same figures."""
    from ttcalc.read import engine_lists

    monkeypatch.setattr(engine_lists, "PART_ROWS", 3)
    both(run, monkeypatch, used, [_csv(tmp_path / "p.csv", _keys_shape(seed))])
