"""A folder read as a stream (issue 17 §5): `ttcalc budget folder/` digests each file as it is
read and drops its rows.  Whatever the folder holds, the report — figures, inputs (header rows,
rows used and skipped with reasons), warnings, by_unit — is the one the whole data set gives
(the API with keep_rows=True reads it the old way, every row kept), people are distinct across
files, and the memory held does not grow with the number of files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from builders import make_csv, make_id, make_xlsx, payroll_rows

from ttcalc import api
from ttcalc.core.errors import InputError
from ttcalc.output.render.report import render

AS_OF = "2025-06-30"


def both(folder, **kw) -> tuple[dict, dict]:
    """(the report streamed, the report of every row kept) as JSON data, both in English."""
    out = []
    for keep in (False, True):
        report = api.budget([str(folder)], as_of=AS_OF, lang="en", keep_rows=keep, **kw)
        out.append(json.loads(render(report, "json", "en")))
    streamed, whole = out
    assert streamed == whole
    return streamed, whole


def school(folder: Path, name: str, people: list[tuple], **kw) -> Path:
    return make_xlsx(folder / name, {"工资表": payroll_rows(people, **kw)})


@pytest.fixture
def mixed(tmp_path) -> Path:
    """Varied layouts: a title line, a unit column with two units, two header rows, components
    without a gross total, a CSV file, a total row, blank and note rows, failing check digits."""
    f = tmp_path / "城区"
    f.mkdir()
    school(f, "a-实验小学.xlsx", [(f"甲{i}", make_id(seq=i), "实验小学", 5000 + i) for i in range(30)],
           title="实验小学2025年6月工资表", total=True)
    rows = [["序号", "姓名", "身份证号", "单位", "应发合计"]]
    rows += [[i + 1, f"乙{i}", make_id("19850101", i), "二中" if i % 3 else "三中", f"{4000 + i}.50"]
             for i in range(20)]
    rows += [[None] * 5, ["注：本表由财务科制作"], ["合计", None, None, None, "99999"]]
    make_xlsx(f / "b-中学.xlsx", {"Sheet1": rows})
    two = [["某县教育局工资表"], ["基本信息", None, None, "工资项目", None], ["姓名", "身份证号", "单位", "岗位工资", "薪级工资"]]
    two += [[f"丙{i}", make_id("19900101", i)[:-1] + ("0" if i % 4 == 0 else make_id("19900101", i)[-1]), "幼儿园",
             3000, 200 + i] for i in range(12)]
    make_xlsx(f / "c-幼儿园.xlsx", {"工资": two}, merges={"工资": ["A2:C2", "D2:E2"]})
    make_csv(f / "d-职校.csv", [["姓名", "身份证号", "应发合计"]] + [[f"丁{i}", make_id("19700101", i), 6100]
                                                                 for i in range(8)])
    return f


def test_mixed_layouts_stream_as_the_whole_data_set(mixed):
    data, _ = both(mixed)
    assert data["figures"]["payroll_rows"] == 30 + 20 + 12 + 8
    assert data["figures"]["people"] == 70
    assert len(data["inputs"]) == 4 and all(i["status"] == "used" for i in data["inputs"])
    b = next(i for i in data["inputs"] if i["file"].endswith("b-中学.xlsx"))
    assert b["rows_used"] == 20 and {r["code"] for r in b["rows_skipped"]} >= {"total_row"}
    assert {u["unit"] for u in data["by_unit"]} >= {"实验小学", "二中", "三中"}
    assert any(w["code"] == "id_checksum" for w in data["warnings"])


def test_bad_file_skipped_with_skip_bad(mixed):
    import pyarrow as pa

    (mixed / "e-坏文件.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    pool = pa.default_memory_pool().backend_name
    switch = sys.getswitchinterval()
    with pytest.raises(InputError):
        api.budget([str(mixed)], as_of=AS_OF, keep_rows=False)
    assert pa.default_memory_pool().backend_name == pool  # the folder's allocator was for the folder only
    assert sys.getswitchinterval() == switch  # and so was the short GIL switch interval
    data, _ = both(mixed, skip_bad=True)
    bad = next(i for i in data["inputs"] if i["file"].endswith("e-坏文件.xlsx"))
    assert bad["status"] == "skipped" and bad["code"] == "unreadable"
    assert data["figures"]["payroll_rows"] == 70


def test_same_person_in_two_files_is_one_person(tmp_path):
    f = tmp_path / "f"
    f.mkdir()
    shared = [(f"共{i}", make_id("19750101", i), None, 1000) for i in range(5)]
    school(f, "一小.xlsx", [(n, i, "一小", g) for n, i, _, g in shared] + [("甲", make_id("19800101", 1), "一小", 10)])
    school(f, "二小.xlsx", [(n, i, "二小", g) for n, i, _, g in shared] + [("乙", make_id("19800101", 2), "二小", 20)])
    data, _ = both(f)
    assert data["figures"]["payroll_rows"] == 12
    assert data["figures"]["people"] == 7  # the five paid by both schools count once
    assert {u["unit"]: u["people"] for u in data["by_unit"]} == {"一小": 6, "二小": 6}


def test_month_files_people_once_and_same_month_warned(tmp_path):
    f = tmp_path / "月"
    f.mkdir()
    people = [(f"月{i}", make_id("19880101", i), "四小", 3000 + i) for i in range(6)]
    school(f, "2025-01.xlsx", people)
    school(f, "2025-02.xlsx", people[:5])
    make_xlsx(f / "2025-02补.xlsx", {"工资表": [["月份", "姓名", "身份证号", "单位", "应发合计"],
                                               ["2025-02", "月0", people[0][1], "四小", 100]]})
    data, _ = both(f)
    assert data["figures"]["people"] == 6 and data["figures"]["payroll_rows"] == 12
    dup = [w for w in data["warnings"] if w["code"] == "duplicate_person"]
    assert len(dup) == 1 and dup[0]["file"].endswith("2025-02补.xlsx")


def test_rows_without_an_id_and_odd_ids(tmp_path):
    """A row without an ID takes the ID its name and unit carry in another file; a name alone
    is a person of its own; an ID that is not 18 characters counts as given."""
    f = tmp_path / "缺号"
    f.mkdir()
    a, b = make_id("19800101", 7), make_id("19800101", 3)
    school(f, "1.xlsx", [("张三", a, "五小", 100), ("张三", b, "五小", 100), ("李四", "E-0001", "五小", 50)])
    school(f, "2.xlsx", [("张三", None, "五小", 100), ("王五", None, "五小", 70), ("李四", "E-0001", "五小", 50),
                         ("赵六", "e-0001", "六小", 1)])
    data, _ = both(f)
    assert data["figures"]["people"] == 5  # 张三 ×2 IDs, 李四, 王五, 赵六; the row without an ID is a 张三
    assert data["figures"]["payroll_rows"] == 7
    assert {u["unit"]: u["people"] for u in data["by_unit"]} == {"五小": 4, "六小": 1}


def test_an_unreadable_amount_stops_the_run_the_same_way(tmp_path):
    f = tmp_path / "错"
    f.mkdir()
    school(f, "1.xlsx", [("甲", make_id(seq=1), "七小", "abc")])
    school(f, "2.xlsx", [("乙", make_id(seq=2), "七小", 100)])
    errors = []
    for keep in (False, True):
        with pytest.raises(InputError) as exc:
            api.budget([str(f)], as_of=AS_OF, keep_rows=keep)
        errors.append(str(exc.value))
    assert errors[0] == errors[1] and "1.xlsx" in errors[0]


def test_a_year_total_file_is_still_left_out(tmp_path):
    """A 汇总 file repeating the others' people is dropped at the end: that folder is read whole."""
    f = tmp_path / "年"
    f.mkdir()
    people = [(f"年{i}", make_id("19820101", i), "八小", 1000) for i in range(4)]
    school(f, "1月.xlsx", people)
    school(f, "全年汇总.xlsx", people)
    data, _ = both(f)
    assert data["figures"]["payroll_rows"] == 4


def test_cli_streams_and_matches(mixed, run):
    streamed = run("budget", mixed, "--format", "json", "--as-of", AS_OF, "--lang", "en").json()
    whole = json.loads(render(api.budget([str(mixed)], as_of=AS_OF, lang="en"), "json", "en"))
    streamed.pop("elapsed", None), whole.pop("elapsed", None)
    assert streamed["figures"] == whole["figures"] and streamed["inputs"] == whole["inputs"]
    assert streamed["warnings"] == whole["warnings"] and streamed["by_unit"] == whole["by_unit"]


def _held(folder: Path, stream: bool) -> int:
    """The most memory held (Python objects and numpy arrays as tracemalloc sees them, plus
    Arrow's own pool) at the end of each file while a folder is read and summed."""
    import tracemalloc

    import pyarrow as pa

    from ttcalc.budget.digest import PayrollDigest
    from ttcalc.budget.payroll import sum_payroll
    from ttcalc.read.reader import read

    peak = [0]

    def tick(_path):
        peak[0] = max(peak[0], tracemalloc.get_traced_memory()[0] + pa.total_allocated_bytes())

    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0] + pa.total_allocated_bytes()
        dataset = read([str(folder)], "payroll", keep={"unit", "name", "id", "month", "gross", "component"},
                       progress=tick, digest=PayrollDigest() if stream else None)
        tick(None)
        sum_payroll(dataset)
        tick(None)
        del dataset
    finally:
        tracemalloc.stop()
    return peak[0] - base


WIDE = ("姓名", "身份证号", "岗位工资", "薪级工资", "绩效工资", "津贴补贴", "应发合计")


def test_memory_held_grows_by_a_few_bytes_a_person_not_by_the_rows(tmp_path, monkeypatch):
    from ttcalc.read import stream as streamed

    # the files one after the other: parsed ahead, what a look-ahead thread holds when a file is
    # ticked depends on the machine's load (this measure then swung from 30 to 70 bytes a person)
    monkeypatch.setattr(streamed, "load_ahead", lambda files, load, *a, **k: ((p, load(p)) for p in files))
    rows, held = 300, {}
    for n in (10, 40):
        f = tmp_path / f"n{n}"
        f.mkdir()
        for k in range(n):
            people = [(f"师{k}-{i}", make_id("19800101", i, region=f"35{k:04d}"), 1234.5, 567.25, 2100, 88.8,
                       3990.55) for i in range(rows)]
            school(f, f"{k:03d}.xlsx", people, header=WIDE, title=f"第{k}小学工资表", total=True)
        for stream in (True, False):
            _held(f, stream)  # imports and first-use caches out of the measure
            held[n, stream] = _held(f, stream)
    per_person = {s: (held[40, s] - held[10, s]) / (30 * rows) for s in (True, False)}
    # streamed, a person keeps a unit code, a person key and a name (~30 bytes here), whatever
    # the columns; every row kept whole holds every column the command reads
    assert per_person[True] < 48, (per_person, held)
    assert per_person[False] > 1.5 * per_person[True], (per_person, held)


def test_progress_counts_every_file_found_once(mixed):
    """The progress bar's total is the files found once folders are expanded: each of them
    advances it once, whether it is read, skipped as unreadable or a copy of another."""
    import shutil

    from ttcalc.read.files import expand

    (mixed / "e-坏文件.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    shutil.copy(mixed / "a-实验小学.xlsx", mixed / "f-副本.xlsx")
    (mixed / "~$a-实验小学.xlsx").write_bytes(b"lock")
    ticks = []
    api.budget([str(mixed)], as_of=AS_OF, keep_rows=False, skip_bad=True, progress=ticks.append)
    found = expand([str(mixed)])
    assert len(ticks) == len(found) == 6
    assert sorted(map(str, ticks)) == sorted(map(str, found))


def test_ids_that_are_not_eighteen_characters(tmp_path):
    """IDs kept as text (a 16-digit one, one with a "|"): the same in two files is one person;
    a row without an ID whose name|unit is written as an ID elsewhere is that person."""
    f = tmp_path / "异号"
    f.mkdir()
    school(f, "1.xlsx", [("甲", "1101051949123100", "九小", 10), ("乙", make_id(seq=5), "九小", 20),
                         ("某", "张三|九小", "九小", 1)])
    school(f, "2.xlsx", [("甲", "1101051949123100", "九小", 10), ("丙", "ABC|DEF", "九小", 5)])
    data, _ = both(f)
    assert data["figures"]["people"] == 4
    school(f, "3.xlsx", [("张三", None, "九小", 3)])
    data, _ = both(f)
    assert data["figures"]["people"] == 4  # 张三 of 九小 is the person whose ID reads 张三|九小


def test_a_one_sheet_note_file_in_a_folder_is_listed_once(tmp_path, samples):
    """A 说明.txt beside the payroll: one inputs entry with its reason, not a file line and a sheet line."""
    import shutil

    from ttcalc import api

    shutil.copy(samples / "payroll.xlsx", tmp_path / "payroll.xlsx")
    (tmp_path / "说明.txt").write_text("本文件夹为 2025 年工资表\n", encoding="utf-8")
    report = api.budget([str(tmp_path)])
    listed = [i for i in report.inputs if i["file"].endswith("说明.txt")]
    assert len(listed) == 1 and listed[0]["status"] == "skipped" and listed[0]["reason"]
