"""Spec §9, nothing lost: no input is ever written, by any option and any spelling of its path;
sample and --output-dir never replace a file without --overwrite; one output set per run,
never mixed with a concurrent run's; SIGTERM leaves no temporary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SAMPLES

PAY = [["单位", "姓名", "身份证号", "应发合计"], ["一小", "甲", "11010519491231002X", 500],
       ["二中", "乙", "110105195001010037", 505]]


def _spellings(path: Path, tmp_path: Path) -> list:
    link = tmp_path / "link.xlsx"
    hard = tmp_path / "hard.xlsx"
    if not link.exists():
        link.symlink_to(path)
        os.link(path, hard)
    return [path, path.name, f"./{path.name}", f"../{tmp_path.name}/{path.name}", link, hard]


@pytest.mark.parametrize("option", ["--budgeted", "--public-funds"])
def test_output_never_lands_on_a_budget_input(run, xlsx, tmp_path, monkeypatch, option):
    monkeypatch.chdir(tmp_path)
    pay = xlsx("p.xlsx", {"工资": PAY})
    rows = [["单位", "年度公用经费预算总额", "培训经费支出"], ["一小", 1000, 50]] if option == "--public-funds" \
        else [["培训经费预算", 30000]]
    other = xlsx("b.xlsx", {"s": rows})
    before = other.read_bytes()
    for spelling in _spellings(other, tmp_path):
        ran = run("budget", pay, option, other, "--policy", "hebei-2013", "-o", spelling, "--overwrite", "--lang", "en")
        assert ran.code == 2 and "input" in ran.stderr, (spelling, ran.stderr)
        assert other.read_bytes() == before


def test_output_never_lands_on_the_roster_of_hours(run, tmp_path, monkeypatch):
    import shutil

    monkeypatch.chdir(tmp_path)
    roster = Path(shutil.copy(SAMPLES / "roster.xlsx", tmp_path / "roster.xlsx"))
    before = roster.read_bytes()
    for spelling in _spellings(roster, tmp_path):
        ran = run("hours", SAMPLES / "hours.xlsx", "--roster", roster, "-o", spelling, "--overwrite")
        assert ran.code == 2, (spelling, ran.stderr)
        assert roster.read_bytes() == before


@pytest.mark.parametrize("name", ["x.xlsm", "x.xls", "x.csv", "x.XLSM", "x"])
def test_output_is_named_xlsx(run, xlsx, tmp_path, name):
    ran = run("budget", xlsx("p.xlsx", {"工资": PAY}), "-o", tmp_path / name)
    assert ran.code == 2 and ".xlsx" in ran.stderr
    assert not (tmp_path / name).exists()


def test_sample_never_replaces_files_without_overwrite(run, tmp_path):
    mine = tmp_path / "roster.xlsx"
    mine.write_bytes(b"my own roster")
    ran = run("sample", tmp_path)
    assert ran.code == 2 and "--overwrite" in ran.stderr
    assert mine.read_bytes() == b"my own roster"
    assert not (tmp_path / "payroll.xlsx").exists()  # refused before anything was written
    assert run("sample", tmp_path, "--overwrite").code == 0
    assert mine.read_bytes() != b"my own roster"
    assert run("sample", tmp_path).code == 2


def test_check_that_exits_2_leaves_nothing_and_a_rerun_works(run, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    bad = tmp_path / "hours.csv"
    bad.write_text("姓名,学时\n甲,abc\n", encoding="utf-8")
    args = ["check", "--payroll", SAMPLES / "payroll.xlsx", "--as-of", "2026-11-21", "--output-dir", out]
    ran = run(*args, "--budgeted", "not-a-number")
    assert ran.code == 2
    assert list(out.iterdir()) == []
    assert run(*args).code in (0, 1)
    assert sorted(p.name for p in out.iterdir()) == ["ttcalc-budget-2026-11-21.xlsx", "ttcalc-check-2026-11-21.json"]


def test_two_output_sets_into_one_folder_never_mix(tmp_path):
    from ttcalc.core.errors import InputError
    from ttcalc.output.safeio import OutputSet

    a, b = OutputSet(tmp_path), OutputSet(tmp_path)
    for s, tag in ((a, "A"), (b, "B")):
        for name in ("r.json", "w.xlsx"):
            s.reserve(name, tmp_path / name).write_text(tag)
    a.commit()
    with pytest.raises(InputError):
        b.commit()
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {"r.json": "A", "w.xlsx": "A"}


def test_a_file_that_appears_during_the_run_is_never_replaced(tmp_path):
    from ttcalc.core.errors import InputError
    from ttcalc.output.safeio import OutputSet

    s = OutputSet(tmp_path)
    s.reserve("r", tmp_path / "r.json").write_text("mine")
    s.reserve("w", tmp_path / "w.xlsx").write_text("mine")
    (tmp_path / "w.xlsx").write_text("someone else's")  # another run, or the user
    with pytest.raises(InputError):
        s.commit()
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {"w.xlsx": "someone else's"}


def test_concurrent_check_runs_leave_one_whole_set(tmp_path):
    env = dict(os.environ, LANG="C")
    cmd = [sys.executable, "-m", "ttcalc", "check", "--payroll", str(SAMPLES / "payroll.xlsx"), "--roster",
           str(SAMPLES / "roster.xlsx"), "--as-of", "2026-11-21", "--output-dir", str(tmp_path), "--quiet", "--lang", "en"]
    procs = [subprocess.Popen(cmd + extra, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for extra in ([], [])]
    outs = [p.communicate(timeout=300) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes[0] in (0, 1) and codes[1] == 2, outs  # one commits, the other is refused
    assert any(b"already exists" in err for _, err in outs)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["ttcalc-budget-2026-11-21.xlsx", "ttcalc-check-2026-11-21.json",
                     "ttcalc-staffing-2026-11-21.xlsx"]


def test_sigterm_leaves_no_temporary(tmp_path):
    script = f"""
import os, signal, sys, time
from pathlib import Path
from ttcalc import cli
from ttcalc.output.safeio import atomic_path
signal.signal(signal.SIGTERM, cli.on_sigterm)
try:
    with atomic_path(Path({str(tmp_path)!r}) / "out.xlsx") as tmp:
        tmp.write_text("half")
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(30)
except cli.Terminated:
    sys.exit(143)
"""
    done = subprocess.run([sys.executable, "-c", script], timeout=60, capture_output=True)
    assert done.returncode == 143, done.stderr
    assert list(tmp_path.iterdir()) == []


def test_sigterm_during_a_real_run_leaves_no_temporary(tmp_path):
    import signal
    import time

    big = tmp_path / "p.csv"
    big.write_text("单位,姓名,应发合计\n" + "".join(f"校{i % 50},人{i},{3000 + i % 97}.5\n" for i in range(300_000)),
                   encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "ttcalc", "budget", str(big), "-o", str(out / "b.xlsx"), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(out.iterdir()) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (143, 0), err
    assert [p.name for p in out.iterdir()] in ([], ["b.xlsx"])  # the whole file or nothing, never a temporary
