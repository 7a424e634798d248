"""An activity log given to `budget` or `hours` is refused (duties.error.log_given, exit 2) —
judged from the grids the reader loads (a folder: in the look-ahead worker, beside the parse;
issue 17), not by opening every file again before the read.  Whichever file of a folder is the
log, with or without --skip-bad, whatever else is wrong with the run, the run ends in that
refusal and no report is shown or written; the judgement is the one refuse_log makes from a
file's head."""

from __future__ import annotations

import threading

import pytest
from builders import make_csv, make_id, make_xlsx, payroll_rows

from ttcalc import api
from ttcalc.core.errors import InputError
from ttcalc.duties import sniff

AS_OF = "2025-06-30"
LOG_HEAD = ["姓名", "岗位", "活动类型", "日期", "天数"]
LOG = [["甲", "教研员", "下校", "2024-03-05", "2"], ["乙", "教研员", "听课", "2024-03-06", "1"],
       ["丙", "教研员", "教研活动", "2024-03-07", "1"]]
HOURS_HEAD = ["单位", "姓名", "身份证号", "培训项目", "培训类型", "年度", "学时"]


def _payroll(folder, i, ext="xlsx"):
    rows = payroll_rows([(f"师{i}-{k}", make_id("19800101", i * 10 + k), f"学校{i}", 5000 + k) for k in range(6)])
    if ext == "csv":
        return make_csv(folder / f"school-{i:02d}.csv", rows)
    return make_xlsx(folder / f"school-{i:02d}.xlsx", {"工资表": rows})


def _hours(folder, i):
    rows = [HOURS_HEAD] + [["一小", f"师{i}-{k}", make_id("19800101", i * 10 + k), "校本研修", "校本", 2024, 24]
                           for k in range(4)]
    return make_xlsx(folder / f"school-{i:02d}.xlsx", {"学时": rows})


def _log(folder, name, ext="xlsx", rows=LOG):
    if ext == "csv":
        return make_csv(folder / f"{name}.csv", [LOG_HEAD, *rows])
    return make_xlsx(folder / f"{name}.xlsx", {"记录": [LOG_HEAD, *rows]})


def _folder(tmp_path, where: int, ext="xlsx", files=6, hours=False):
    """A folder of `files` payrolls (hours ledgers); the one at `where` (in name order) an activity log."""
    folder = tmp_path / "学校"
    folder.mkdir()
    for i in range(files):
        if i == where:
            log = _log(folder, f"school-{i:02d}", ext)
        elif hours:
            _hours(folder, i)
        else:
            _payroll(folder, i, ext)
    return folder, log


def _refused(res, log, sheet="记录", school=3, n=3):
    assert res.code == 2, (res.code, res.stdout, res.stderr)
    assert f"{log} [{sheet}]: an activity log" in res.stderr, res.stderr
    assert f"{school} of {n} rows" in res.stderr and "read it with ttcalc duties" in res.stderr
    assert res.stdout == ""  # no report, no figure


@pytest.mark.parametrize("skip_bad", [False, True])
@pytest.mark.parametrize("where", [0, 3, 5])  # the log first, in the middle, last
@pytest.mark.parametrize("ext", ["xlsx", "csv"])
def test_a_log_in_a_folder_is_refused_wherever_it_is(run, tmp_path, where, skip_bad, ext):
    folder, log = _folder(tmp_path, where, ext)
    out = tmp_path / "测算.xlsx"
    for args in ([], ["-o", out]):
        res = run("budget", folder, "--as-of", AS_OF, "--lang", "en", "-f", "json",
                  *(["--skip-bad"] if skip_bad else []), *args)
        _refused(res, log, sheet="记录" if ext == "xlsx" else log.stem)
        assert not out.exists()


@pytest.mark.parametrize("where", [0, 2, 4])
def test_a_log_among_hours_ledgers_is_refused(run, tmp_path, where):
    folder, log = _folder(tmp_path, where, files=5, hours=True)
    for extra in ([], ["--skip-bad"]):
        _refused(run("hours", folder, "--as-of", AS_OF, "--lang", "en", *extra), log)


def test_the_refusal_wins_over_an_earlier_file_that_does_not_read(run, tmp_path):
    """hours given payrolls and a log: the first payroll has no hours header (the read stops
    there without --skip-bad), yet the run ends in the refusal of the log, as when every file
    was judged before the read."""
    folder, log = _folder(tmp_path, 4)
    (folder / "school-01.xlsx").write_bytes(b"PK\x03\x04 not a zip at all")
    for command in ("hours", "budget"):
        _refused(run(command, folder, "--as-of", AS_OF, "--lang", "en"), log)


def test_a_log_that_does_not_read_as_a_payroll_or_at_all(tmp_path, monkeypatch):
    """A log is no payroll (no header): the refusal, not the 'no header' error.  A log whose
    full read fails (here: the loader raising for it) is judged from its head: the refusal."""
    single = _log(tmp_path, "log")
    with pytest.raises(InputError, match="activity log") as exc:
        api.budget(single, as_of=AS_OF)
    assert exc.value.message.code == "duties.error.log_given"
    folder, log = _folder(tmp_path, 2)
    from ttcalc.read import stream

    real = stream.parsed

    def parsed(path, sheet_names):
        if path.name == log.name:
            raise InputError("cannot read this one")
        return real(path, sheet_names)

    monkeypatch.setattr(stream, "parsed", parsed)
    for skip_bad in (False, True):
        with pytest.raises(InputError, match="activity log"):
            api.budget(folder, as_of=AS_OF, skip_bad=skip_bad, keep_rows=False)


@pytest.mark.parametrize("keep_rows", [True, False])
def test_the_api_refuses_a_log(tmp_path, keep_rows):
    folder, log = _folder(tmp_path, 3)
    with pytest.raises(InputError) as exc:
        api.budget(folder, as_of=AS_OF, keep_rows=keep_rows)
    assert exc.value.message.code == "duties.error.log_given"
    assert exc.value.message.params | {"expected": None} == {
        "file": str(log), "sheet": "记录", "school": 3, "n": 3, "expected": None, "command": "ttcalc duties"}
    with pytest.raises(InputError, match="activity log"):
        api.hours(folder, as_of=AS_OF)


def test_the_refusal_comes_before_option_and_output_errors(tmp_path):
    """Judged before anything else, as before: a bad option or an output already there is not
    what a clerk who gave the wrong table is told first."""
    folder, log = _folder(tmp_path, 1)
    with pytest.raises(InputError, match="activity log") as exc:
        api.budget(folder, as_of=AS_OF, sector="no-such-sector")
    assert exc.value.message.params["file"] == str(log)
    existing = tmp_path / "已有.xlsx"
    existing.write_bytes(b"x")
    with pytest.raises(InputError, match="activity log") as exc:
        api.budget(folder, as_of=AS_OF, output=existing)
    assert exc.value.message.params["file"] == str(log)
    assert existing.read_bytes() == b"x"


def test_a_folder_is_judged_beside_the_parse_never_opened_again(tmp_path, monkeypatch):
    """Every file of a folder is judged once, from the grids the look-ahead worker parsed, in
    that worker's thread; no file's head is read a second time (sniff.sheets, the whole-file
    way, and the head reader are not called)."""
    folder = tmp_path / "学校"
    folder.mkdir()
    files = [_payroll(folder, i) for i in range(5)] + [_payroll(folder, 9, "csv")]
    seen = []
    judge = sniff.LogVet.__call__

    def recording(self, path, grids=None):
        seen.append((path, grids is not None, threading.current_thread().name))
        return judge(self, path, grids)

    def no_second_read(*_a, **_k):
        raise AssertionError("a file opened again to be judged")

    monkeypatch.setattr(sniff.LogVet, "__call__", recording)
    monkeypatch.setattr(sniff, "sheets", no_second_read)
    monkeypatch.setattr("ttcalc.read.xlsxfast.head_rows", no_second_read)
    report = api.budget(folder, as_of=AS_OF, keep_rows=False)
    assert report.figures["payroll_total"]
    assert sorted(p for p, _, _ in seen) == sorted(files)
    assert all(with_grids and thread.startswith("ttcalc-ahead") for _, with_grids, thread in seen), seen


def test_a_single_file_and_sheet_named_are_judged_as_before(run, tmp_path):
    """One file (read on its own, not looked ahead): judged from its grids; --sheet naming the
    payroll sheet of a workbook that also holds a log: every sheet judged first, as before."""
    log = _log(tmp_path, "log", "csv")
    _refused(run("budget", log, "--as-of", AS_OF, "--lang", "en"), log, sheet="log")
    both = make_xlsx(tmp_path / "both.xlsx", {
        "工资表": payroll_rows([("甲", make_id(), "一小", 5000)]), "记录": [LOG_HEAD, *LOG]})
    _refused(run("budget", both, "--sheet", "工资表", "--as-of", AS_OF, "--lang", "en"), both)
    _refused(run("budget", both, "--as-of", AS_OF, "--lang", "en"), both)


def test_a_log_among_files_duckdb_reads_is_refused_first(run, tmp_path, monkeypatch):
    """CSV files DuckDB would read (read.engine): each judged from its head before it reads."""
    monkeypatch.setenv("TTCALC_ENGINE_MIN_BYTES", "0")
    from ttcalc.read import engine

    def no_engine(*_a, **_k):
        raise AssertionError("DuckDB read a folder holding a log")

    for where in (0, 2):
        (tmp_path / str(where)).mkdir()
        folder, log = _folder(tmp_path / str(where), where, "csv", files=3)
        with monkeypatch.context() as m:
            m.setattr(engine, "read_payroll", no_engine)
            for extra in ([], ["--skip-bad"]):
                _refused(run("budget", folder, "--as-of", AS_OF, "--lang", "en", *extra), log, sheet=log.stem)
    folder = tmp_path / "pay"
    folder.mkdir()
    for i in range(3):
        _payroll(folder, i, "csv")
    assert api.budget(folder, as_of=AS_OF, keep_rows=False).figures["payroll_total"]


def test_payrolls_and_a_mixed_log_pass(tmp_path):
    """Visits a minority of the types: not an activity log (nothing refused)."""
    folder = tmp_path / "学校"
    folder.mkdir()
    for i in range(3):
        _payroll(folder, i)
    _log(folder, "school-09", rows=[LOG[0], *[["丁", "教师", "培训", "2024-03-08", "1"]] * 3])
    report = api.budget(folder, as_of=AS_OF, keep_rows=False, skip_bad=True)
    assert report.figures["payroll_total"]


@pytest.mark.parametrize("where", ["alone", "beside a folder"])
def test_a_fifo_is_never_opened_to_be_judged(tmp_path, where):
    """A FIFO the reader refuses (not a regular file) is not judged from its head either: opening
    it would wait for a writer forever (a process with a time limit, not to hang the tests)."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "f"
    folder.mkdir()
    _payroll(folder, 0)
    path = tmp_path / "p.csv"
    os.mkfifo(path)
    args = [str(path)] if where == "alone" else [str(folder), str(path)]
    res = subprocess.run([sys.executable, "-m", "ttcalc", "budget", *args, "--lang", "en"], capture_output=True,
                         text=True, timeout=60, check=False)
    assert res.returncode == 2 and "not a regular file" in res.stderr, res.stderr
