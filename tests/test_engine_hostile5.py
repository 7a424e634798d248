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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_engine import _bad_check, _csv, _id, _report, both, used  # noqa: F401 — `used` is a fixture

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


NAMES = ["第{m}中学.csv", "第[{m}]中学.csv", "2025-0{m}.csv", "2025-0{m}*.csv", "2025年{m}月.csv", "2025年?月.csv",
         "it's {m}.csv", "~{m}.csv", "第{m}中学.parquet", "第[{m}]中学.parquet", "2025-0{m}[{k}].parquet"]
TITLES = ["××区第{k}中学2024年{m}月工资表", "某县教育局{m}月工资发放表", "第{k}小学", "2025年{m}月 工资表"]


def _folder_file(rnd, folder, k: int, lay: dict):
    """One county file of the layout `lay`: CSV (title lines, BOM, CRLF or not) or Parquet."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    m = rnd.randint(1, 3)
    name = rnd.choice(NAMES).format(k=k, m=m)
    if (folder / name).exists():
        name = f"{k}-{name}"
    header = ["序号"] + (["单位"] if lay["unit"] else []) + ["姓名", "身份证号", "应发合计"]
    rows = []
    for i in range(rnd.randint(1, 8)):
        pid = rnd.randint(0, 6)
        ident = rnd.choice([_id(pid)] * 4 + [_bad_check(pid), "", _id(pid)[:6] + _id(pid)[8:17]]) if i else _id(pid)
        rows.append([str(i + 1)] + ([rnd.choice(["一中", "", "二中"])] if lay["unit"] else [])
                    + [rnd.choice([f"教师{pid}"] * 3 + [""]), ident, f"{rnd.randint(0, 90000) / 100:.2f}"])
    if name.endswith(".parquet"):
        cols = list(zip(*rows))
        data = {h: pa.array([int(v) for v in c], pa.int64()) if h == "序号" else
                pa.array([decimal.Decimal(v) for v in c], pa.decimal128(12, 2)) if h == "应发合计" else
                pa.array([v or None for v in c], pa.string()) for h, c in zip(header, cols)}
        pq.write_table(pa.table(data), folder / name)
        return
    extra = []
    for r in rows:
        extra.append(r)
        if rnd.random() < 0.1:
            extra.append(["小计"] + [""] * (len(header) - 2) + ["1.00"])
    title = [[rnd.choice(TITLES).format(k=k, m=m)]] * lay["titles"]
    _csv(folder / name, title + [header] + extra, rnd.choice(["utf-8", "utf-8-sig"]), rnd.choice(["\n", "\r\n"]))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), files=st.integers(2, 8))
def test_county_folders_with_odd_names(run, monkeypatch, used, tmp_path, seed, files):  # noqa: F811
    """Folders as county offices send them: names with brackets, stars, question marks,
    quotes and a leading ~, titles naming the school and month, CSV and Parquet of two layouts
    interleaved, people met in several files: the engine reports what the columnar reader does."""
    import random
    import tempfile
    from pathlib import Path

    used.clear()
    rnd = random.Random(seed)
    folder = Path(tempfile.mkdtemp(dir=tmp_path)) / "某县教育局"
    folder.mkdir()
    layouts = [{"unit": rnd.random() < 0.5, "titles": rnd.randint(0, 2)} for _ in range(2)]
    for k in range(files):
        _folder_file(rnd, folder, k + 1, rnd.choice(layouts))
    both(run, monkeypatch, used, [folder])


def test_a_space_after_each_delimiter_of_the_first_line(run, monkeypatch, used, tmp_path):  # noqa: F811
    """"序号, 姓名, 身份证号, 应发合计": the sniffed dialect skips the space after a delimiter, and
    the columnar reader reads its first lines so (" 甲" is 甲, and the 甲 without an ID below is
    the same person); DuckDB kept " 甲", another person — the data set is read the usual way."""
    used.clear()
    (tmp_path / "第1中学.csv").write_text("序号, 姓名, 身份证号, 应发合计\n"
                                        f"1, 甲,{_id(1)},100.00\n2,甲,,5.00\n3, 乙,{_id(3)},7\n", "utf-8")
    _school(tmp_path / "第2中学.csv", 2, 2, 10)
    assert _report(run, monkeypatch, [tmp_path], on=True)["figures"]["people"] == 2 + 2  # not 3 + 2
    used.clear()
    both(run, monkeypatch, used, [tmp_path], engine_expected=False)


def _long(path, k: int, n: int, cells: dict):
    """A school's CSV of n rows below its header; `cells`: row index -> the line written there."""
    lines = ["序号,姓名,身份证号,应发合计,备注"]
    lines += [cells.get(i, f"{i + 1},人{k}-{i},{_id(k * 1000 + i)},{i + 1}.00,") for i in range(n)]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def _agree(run, monkeypatch, used, paths, engine_expected: bool):  # noqa: F811
    """As test_engine.both, the reports compared before whether the engine read is."""
    got = _report(run, monkeypatch, paths, on=True)
    want = _report(run, monkeypatch, paths, on=False)
    for key in ("figures", "by_unit", "inputs", "warnings"):
        assert got.get(key) == want.get(key), key
    assert used[:1] == [engine_expected]
    return got


@pytest.mark.parametrize("line", [
    '101,人100,{id},101.00,"注：补发',  # a quote never closed: DuckDB read on to the next one, rows lost
    '101,人100,{id},"1"01.00,',  # text after a closing quote: DuckDB dropped it (101.00 read 1, or 101.0)
    '101,"人100"(借调),{id},101.00,',  # and a name so: 人100(借调) to the others
    '101, "人100",{id},101.00,',  # a space before an opening quote: DuckDB dropped it and the quotes
])
def test_quotes_duckdb_reads_otherwise(run, monkeypatch, used, tmp_path, line):  # noqa: F811
    """Quotes where no quoted field opens or closes, far below the head (the columnar reader
    reads such lines with pyarrow, as the csv module does): DuckDB (strict_mode off) read them
    otherwise — the data set is read the usual way.  Row 141 names 人100 without an ID: the
    same person as row 101 only where its name reads 人100."""
    used.clear()
    _long(tmp_path / "第1中学.csv", 1, 150, {100: line.format(id=_id(1100)), 110: f'111,人1-110,{_id(1110)},111.00,"注"',
                                            140: "141,人100,,141.00,"})
    _school(tmp_path / "第2中学.csv", 2, 2, 10)
    _agree(run, monkeypatch, used, [tmp_path], engine_expected=False)


def test_well_formed_quotes_keep_the_engine(run, monkeypatch, used, tmp_path):  # noqa: F811
    """Quoted fields as spreadsheets write them (every field quoted, doubled quotes inside, a
    delimiter inside, empty ones) are read by the engine."""
    used.clear()
    rows = [["序号", "单位", "姓名", "身份证号", "应发合计", "备注"]]
    rows += [[i + 1, '第"一"中学', f"教师{i}", _id(i), f"{1000 + i:,}.50", ["", "a,b", '"x"', ","][i % 4]]
             for i in range(120)]
    import csv as csv_module

    for k, quoting in enumerate([csv_module.QUOTE_ALL, csv_module.QUOTE_MINIMAL]):
        with (tmp_path / f"第{k}中学.csv").open("w", newline="", encoding="utf-8") as fh:
            csv_module.writer(fh, quoting=quoting).writerows(rows)
    got = both(run, monkeypatch, used, [tmp_path])
    assert got["figures"]["payroll_rows"] == 240


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.lists(st.text(alphabet='a1," \u5f20', max_size=6), min_size=1, max_size=4),
                      min_size=1, max_size=5))
def test_lines_bad_quotes_passes_read_alike(tmp_path, lines):
    """Whatever lines bad_quotes lets through, DuckDB (as the engine reads a CSV) and the csv
    module read into the same cells."""
    import csv as csv_module
    import io

    import duckdb

    from ttcalc.read.engine_plan import bad_quotes

    text = "\n".join(",".join(cells) for cells in lines) + "\n"
    if bad_quotes(",", '"')(b"\n" + text.encode()) or any(not ",".join(cells) for cells in lines):
        return  # quotes the engine does not read, or an empty line (engine._LineChecks)
    want = list(csv_module.reader(io.StringIO(text, newline="")))
    width = max(len(r) for r in want)
    path = tmp_path / "x.csv"
    path.write_text(text, "utf-8")
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    got = duckdb.connect().execute(
        f"SELECT * FROM read_csv('{path}', header=false, auto_detect=false, columns={{{cols}}}, delim=',', "
        f"quote='\"', escape='\"', null_padding=true, strict_mode=false, encoding='utf-8', parallel=true)").fetchall()
    assert [[c or None for c in r] for r in got] == [[(r[i] if i < len(r) else "") or None for i in range(width)]
                                                     for r in want]


def test_a_short_line_below_the_head_with_a_space_after_a_delimiter(run, monkeypatch, used, tmp_path):  # noqa: F811
    """A one-cell title line: the sniffed dialect skips the space after a delimiter.  pyarrow
    reads the lines below the head as DuckDB does, but a line of another width goes to the csv
    module (read.bigfiles), which reads ", 人100" as 人100 — the same person as the row without
    an ID below; DuckDB kept " 人100", another person."""
    used.clear()
    lines = ["某县第1中学工资表", "序号,姓名,身份证号,应发合计,备注"]
    lines += [f"{i + 1},人{i},{_id(1000 + i)},{i + 1}.00," for i in range(150)]
    lines[102] = f"101, 人100,{_id(1100)},101.00"  # four fields of five
    lines[142] = "141,人100,,141.00,"
    (tmp_path / "第1中学.csv").write_text("\n".join(lines) + "\n", "utf-8")
    _agree(run, monkeypatch, used, [tmp_path], engine_expected=False)
    lines[102] = f"101, 人100,{_id(1100)},101.00,"  # of the head's width: pyarrow keeps the space too
    (tmp_path / "第1中学.csv").write_text("\n".join(lines) + "\n", "utf-8")
    used.clear()
    _agree(run, monkeypatch, used, [tmp_path], engine_expected=True)


def test_doubled_quotes_past_the_sniffed_sample(run, monkeypatch, used, tmp_path):  # noqa: F811
    """Lines wide enough that line 61 lies past the 8 KB the dialect is sniffed from: no ""
    there, so the sniffed dialect does not read "张""三" as 张"三 — the columnar reader reads its
    first 64 lines so (张"三"), DuckDB and pyarrow as 张"三, the name of the row without an ID
    further down (one person counted once, not twice)."""
    used.clear()
    pad = "," + ",".join(f"{k}.00" for k in range(30))
    lines = ["序号,姓名,身份证号,应发合计," + ",".join(f"项目{k}" for k in range(30))]
    lines += [f"{i + 1},人{i},{_id(1000 + i)},{i + 1}.00{pad}" for i in range(150)]
    lines[60] = f'60,"张""三",{_id(1060)},60.00{pad}'
    lines[120] = f'120,"张""三",,120.00{pad}'
    (tmp_path / "第1中学.csv").write_text("\n".join(lines) + "\n", "utf-8")
    _agree(run, monkeypatch, used, [tmp_path], engine_expected=False)
