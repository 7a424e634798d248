"""Hostile differential tests of the new reading paths (DuckDB's Excel stream, the DuckDB
engine for CSV/Parquet, the streamed budget digest) against the readers they replace: the same
report, or the new path steps aside.  Each test forces the new path on a small file."""

from __future__ import annotations

import re
import zipfile

import pytest
from builders import make_id, make_xlsx

from ttcalc.read import engine, xlsxfast, xlsxstream

OFF = 10**15
KEYS = ("figures", "by_unit", "inputs", "warnings")


def _report(run, *paths) -> dict:
    r = run("budget", *paths, "--format", "json", "--lang", "en")
    assert r.code in (0, 1, 2), r.stdout + r.stderr + str(r.exception)
    if r.code == 2:
        return {"exit 2": r.stderr}
    data = r.json()
    return {k: data.get(k) for k in KEYS}


def _stream_and_general(run, monkeypatch, path) -> tuple[dict, dict]:
    new = _report(run, path)
    monkeypatch.setattr(xlsxstream, "STREAM_MIN_CELLS", OFF)
    monkeypatch.setattr(xlsxfast, "TYPED_MIN_CELLS", OFF)
    return new, _report(run, path)


def _xlsxwriter(path, rows):
    """A workbook as xlsxwriter writes it; an int as a formula whose cached value holds every digit."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("1月")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, int):
                ws.write_formula(r, c, f"={value}+0", None, value)
            else:
                ws.write(r, c, value)
    wb.close()
    return path


def _rewrite_values(path, values: dict[str, str]) -> None:
    """Cell values in the sheet's XML written as another program writes them: {old: new}."""
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    for name, data in list(parts.items()):
        if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
            for old, new in values.items():
                data = data.replace(f"<v>{old}</v>".encode(), f"<v>{new}</v>".encode())
            parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


@pytest.mark.skipif(xlsxstream.extension() is None, reason="duckdb-extension-excel not installed")
def test_an_id_stored_as_a_long_number_goes_the_general_way(run, tmp_path, monkeypatch, streamed):
    """A cached formula value holding an 18-digit ID: calamine reads it as a float (the last
    digits lost: id_numeric, one person fewer), DuckDB passed the digits on as written."""
    rows = [["姓名", "身份证号", "应发合计"]]
    rows += [[f"教师{i}", int(make_id(seq=i)) if i % 3 == 0 else make_id(seq=i), 1000 + i] for i in range(1, 12)]
    path = _xlsxwriter(tmp_path / "ids.xlsx", rows)
    new, old = _stream_and_general(run, monkeypatch, path)
    assert new == old
    assert any(w["code"] == "id_numeric" for w in old["warnings"])


@pytest.mark.skipif(xlsxstream.extension() is None, reason="duckdb-extension-excel not installed")
@pytest.mark.parametrize("written", ["1.23456E3", "1234.560", ".5", "+1234.56", " 1234.56", "01234.56"])
def test_numbers_written_unlike_calamine_go_the_general_way(run, tmp_path, monkeypatch, streamed, written):
    """Excel writes 17 significant digits (1234.5599999999999), other programs an exponent or a
    trailing zero: DuckDB hands the text over as it stands, calamine writes the float anew."""
    rows = [["姓名", "身份证号", "单位", "应发合计"]]
    rows += [[f"教师{i}", make_id(seq=i), "一中", 1234.56 if i == 2 else 1000 + i] for i in range(1, 6)]
    rows += [["王五", "350505800101001", 1234.56, 2000]]  # a number as the unit
    path = make_xlsx(tmp_path / "floats.xlsx", {"1月": rows})
    _rewrite_values(path, {"1234.56": written})
    new, old = _stream_and_general(run, monkeypatch, path)
    assert not streamed, "the stream took a sheet holding a number calamine writes otherwise"
    assert new == old


@pytest.mark.skipif(xlsxstream.extension() is None, reason="duckdb-extension-excel not installed")
def test_plain_numbers_are_still_streamed(run, tmp_path, monkeypatch, streamed):
    rows = [["姓名", "身份证号", "应发合计"]]
    rows += [[f"教师{i}", make_id(seq=i), [1234.56, 100, 0.5, -20.1, 7][i % 5]] for i in range(1, 12)]
    path = make_xlsx(tmp_path / "plain.xlsx", {"1月": rows})
    new, old = _stream_and_general(run, monkeypatch, path)
    assert streamed, "the stream stepped aside for plain numbers"
    assert new == old
    assert new["figures"]["payroll_total"] == "2743.92"


def _engine_and_old(run, monkeypatch, *paths) -> tuple[dict, dict]:
    monkeypatch.setenv(engine.ENV_MIN, "0")
    new = _report(run, *paths)
    monkeypatch.setenv(engine.ENV_MIN, str(OFF))
    return new, _report(run, *paths)


@pytest.mark.parametrize("ends", [("\r\n", "\n\n"), ("\n", "\r\n\r\n"), ("\r\n", "\n\r\n")])
def test_an_empty_line_in_other_line_ends_than_the_head_is_still_seen(run, tmp_path, monkeypatch, ends):
    """DuckDB skips an empty line: the engine must step aside whatever line end it is written
    with, or the rows below are misnumbered and the blank row goes uncounted."""
    head_end, empty = ends
    people = [f"教师{i},{make_id(seq=i)},一中,{100 * i}" for i in range(1, 4)]
    text = "姓名,身份证号,单位,应发合计" + head_end + people[0] + head_end + people[1] + empty + people[2] + head_end
    text += "合计,,,600" + head_end
    path = tmp_path / "mixed.csv"
    path.write_bytes(text.encode("utf-8"))
    new, old = _engine_and_old(run, monkeypatch, path)
    assert new == old
    assert old["inputs"][0]["rows_skipped"][0]["row"] == 6


@pytest.mark.skipif(xlsxstream.extension() is None, reason="duckdb-extension-excel not installed")
@pytest.mark.parametrize(("written", "stays"), [
    ("1234.5599999999999", True),  # Excel's 17 digits: the same fen, still streamed
    ("1234.5612000000001", True),  # off the half fen: the same fen however it is written
    ("1234.5650000000001", False),  # on a half fen: float noise decides, the stream steps aside
    ("1.0049999999999999", False),  # the float of 1.005: calamine writes 1.005 (half up: 1.01)
    ("1234.5549999999999", False),
])
def test_long_decimals_in_amounts(run, tmp_path, monkeypatch, streamed, written, stays):
    """Compared with the typed read (xlsxfast) the stream stands in for at this size."""
    rows = [["姓名", "身份证号", "单位", "应发合计"]]
    rows += [[f"教师{i}", make_id(seq=i), "一中", 1234.56 if i == 2 else 1000 + i] for i in range(1, 6)]
    path = make_xlsx(tmp_path / "long.xlsx", {"1月": rows})
    _rewrite_values(path, {"1234.56": written})
    new = _report(run, path)
    assert bool(streamed) == stays
    monkeypatch.setattr(xlsxstream, "STREAM_MIN_CELLS", OFF)
    assert new == _report(run, path)


@pytest.mark.xfail(strict=True, reason="known, not fixed here: the typed read (xlsxfast, big sheets) "
                   "rounds a float on a half fen from its shortest repr (1234.5549999999998: .55), the "
                   "general read from calamine's text (1234.555: .56)")
def test_a_half_fen_float_reads_the_same_typed_and_general(run, tmp_path, monkeypatch):
    rows = [["姓名", "身份证号", "应发合计"], ["教师", make_id(seq=1), 1234.56]]
    path = make_xlsx(tmp_path / "half.xlsx", {"1月": rows})
    _rewrite_values(path, {"1234.56": "1234.5549999999999"})
    monkeypatch.setattr(xlsxstream, "STREAM_MIN_CELLS", OFF)
    monkeypatch.setattr(xlsxfast, "TYPED_MIN_CELLS", 0)
    typed = _report(run, path)
    monkeypatch.setattr(xlsxfast, "TYPED_MIN_CELLS", OFF)
    assert typed == _report(run, path)


@pytest.mark.skipif(xlsxstream.extension() is None, reason="duckdb-extension-excel not installed")
@pytest.mark.parametrize("column", ["unit", "wan"])
def test_long_decimals_in_text_columns_go_the_general_way(run, tmp_path, monkeypatch, streamed, column):
    """A unit (or a 万元 amount) stored as 1.1000000000000001: calamine writes 1.1."""
    head = ["姓名", "身份证号", "单位", "应发合计（万元）" if column == "wan" else "应发合计"]
    rows = [head] + [[f"教师{i}", make_id(seq=i), 1.1 if column == "unit" else "一中", 1.5 + i] for i in range(1, 6)]
    path = make_xlsx(tmp_path / "text.xlsx", {"1月": rows})
    _rewrite_values(path, {"1.1": "1.1000000000000001", "2.5": "2.5000000000000001"})
    new, old = _stream_and_general(run, monkeypatch, path)
    assert not streamed
    assert new == old


@pytest.mark.skipif(xlsxstream.extension() is None, reason="duckdb-extension-excel not installed")
@pytest.mark.parametrize("written", ["1234.560", "1234.5600000000001", ".5", "+1234.56", "01234.56", "1234."])
def test_amounts_rewritten_by_calamine_still_stream_to_the_same_fen(run, tmp_path, monkeypatch, streamed, written):
    rows = [["姓名", "身份证号", "单位", "应发合计"]]
    rows += [[f"教师{i}", make_id(seq=i), "一中", 1234.56 if i == 2 else 1000 + i] for i in range(1, 6)]
    path = make_xlsx(tmp_path / "amounts.xlsx", {"1月": rows})
    _rewrite_values(path, {"1234.56": written})
    new, old = _stream_and_general(run, monkeypatch, path)
    assert streamed
    assert new == old


@pytest.mark.skipif(xlsxstream.extension() is None, reason="duckdb-extension-excel not installed")
def test_a_damaged_workbook_ends_in_one_line_while_duckdb_parses_it(tmp_path):
    """The shared strings part is gone: the general reader refuses the sheet while DuckDB's
    thread still parses it — the process used to abort at exit (C++ terminate, exit 134)."""
    import os
    import subprocess
    import sys

    rows = [["姓名", "身份证号", "应发合计"]] + [[f"教师{i}", make_id(seq=i), 100 + i] for i in range(1, 40)]
    path = _xlsxwriter(tmp_path / "damaged.xlsx", rows)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist() if n != "xl/sharedStrings.xml"}
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    env = dict(os.environ, TTCALC_STREAM_MIN_CELLS="1", TTCALC_TYPED_MIN_CELLS="1")
    for _ in range(2):
        ran = subprocess.run([sys.executable, "-m", "ttcalc", "budget", str(path), "--lang", "en"],
                             capture_output=True, text=True, env=env, timeout=120, check=False)
        assert ran.returncode == 2, ran.stderr
        assert len(ran.stderr.strip().splitlines()) == 1, ran.stderr


@pytest.mark.parametrize("remark", ["注：补发", "注:含上月", "说明：调资", "  注 补发"])
def test_a_person_row_with_a_remark_starting_with_a_note_word_is_counted(tmp_path, remark):
    """A 备注 column saying "注：补发" on a complete person row: the person's pay stays in the
    payroll (it was skipped as a note line, a silently smaller fund)."""
    from ttcalc import api

    p = tmp_path / "p.csv"
    p.write_text("序号,单位,姓名,公民身份号码,应发合计,备注\n"
                 "1,一中,张三,350505198107130004,100.00,\n"
                 f"2,一中,李四,350505198205120045,200.00,{remark}\n"
                 "注：本表由财务室填报,,,,,\n", encoding="utf-8")
    r = api.budget([str(p)])
    assert r.figures["payroll_total"] == "300.00" and r.figures["people"] == 2
    skipped = r.inputs[0]["rows_skipped"]
    assert [s["code"] for s in skipped] == ["note_row"] and skipped[0]["row"] == 4


def test_a_remark_on_a_component_only_payroll_keeps_the_person(tmp_path):
    """No 应发 column, the pay in components: a 备注 "注：补发" still leaves the person counted,
    while a note line written across the name column stays a note."""
    from ttcalc import api

    p = tmp_path / "p.csv"
    p.write_text("序号,姓名,公民身份号码,岗位工资,薪级工资,备注\n"
                 "1,张三,350505198107130004,60.00,40.00,\n"
                 "2,李四,350505198205120045,150.00,50.00,注：补发\n"
                 "注：,本表由财务室填报,,,,\n", encoding="utf-8")
    r = api.budget([str(p)])
    assert r.figures["payroll_total"] == "300.00" and r.figures["people"] == 2
    assert [s["code"] for s in r.inputs[0]["rows_skipped"]] == ["note_row"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_payroll_with_only_a_header_is_refused_not_a_fund_of_zero(run, tmp_path, suffix):
    """Every figure 0.00 and exit 0 from a header-only payroll was a silent wrong fund."""
    head = ["序号", "单位", "姓名", "身份证号", "应发合计"]
    p = tmp_path / f"空表{suffix}"
    if suffix == ".csv":
        p.write_text(",".join(head) + "\n合计,,,,0\n", encoding="utf-8")
    else:
        make_xlsx(p, {"1月": [head]})
    for lang in ("zh", "en"):
        r = run("budget", p, "--lang", lang)
        assert r.code == 2 and r.stderr.count("\n") == 1 and p.name in r.stderr, r.stderr
