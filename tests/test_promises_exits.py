"""Spec §9 and §5, exit codes: bad input and a hostile environment are exit 2 with one line,
never exit 3, 134 or a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import SAMPLES

HEAD = ["单位", "姓名", "应发合计"]


def _cli(*args, env=None, stdout=subprocess.PIPE, shell_suffix=""):
    cmd = [sys.executable, "-m", "ttcalc", *map(str, args)]
    if shell_suffix:
        import shlex

        return subprocess.run(" ".join(map(shlex.quote, cmd)) + shell_suffix, shell=True, capture_output=True,
                              timeout=120, env=dict(os.environ, **(env or {})))
    return subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE, timeout=120, env=dict(os.environ, **(env or {})))


@pytest.mark.parametrize("gross", [350521199001011234, 3.5052119900101e17, "350521199001011234", 1e308, "1e308",
                                   "-1e308", "1E+400"])
def test_an_id_or_a_huge_number_as_gross_is_exit_2(run, xlsx, gross):
    ran = run("budget", "--lang", "en", xlsx("p.xlsx", {"工资": [HEAD, ["一小", "甲", gross], ["一小", "乙", 100]]}))
    assert ran.code == 2 and "row 2" in ran.stderr, ran.stderr
    assert "350521199001011234" not in ran.stderr


@pytest.mark.parametrize("value", ["1e308", "1E+400", "9" * 400, "1E-999999999", "nan", "inf"])
@pytest.mark.parametrize("option", ["--budgeted", "--to-school"])
def test_a_huge_budget_amount_is_exit_2(run, option, value):
    args = ["--budgeted", "100"] if option == "--to-school" else []
    ran = run("budget", SAMPLES / "payroll.xlsx", option, value, *args)
    assert ran.code == 2, ran.stderr


def test_a_huge_amount_in_a_budget_sheet_is_exit_2(run, xlsx):
    sheet = xlsx("b.xlsx", {"s": [["培训经费预算", "1e308"]]})
    ran = run("budget", SAMPLES / "payroll.xlsx", "--budgeted", sheet)
    assert ran.code == 2, ran.stderr


def test_a_zip_member_flagged_encrypted_is_exit_2(run, xlsx, tmp_path):
    src = xlsx("p.xlsx", {"工资": [HEAD, ["一小", "甲", 1]]})
    out = tmp_path / "enc.xlsx"
    raw = bytearray(src.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    central = raw.find(b"PK\x01\x02")
    while central >= 0:  # set the "encrypted" flag of the member in the central directory
        if raw[central + 46:central + 46 + len(name)] == name:
            raw[central + 8] |= 0x1
        central = raw.find(b"PK\x01\x02", central + 4)
    local = raw.find(b"PK\x03\x04")
    while local >= 0:  # and in its local header
        if raw[local + 30:local + 30 + len(name)] == name:
            raw[local + 6] |= 0x1
        local = raw.find(b"PK\x03\x04", local + 4)
    out.write_bytes(bytes(raw))
    ran = run("budget", out)
    assert ran.code == 2 and "enc.xlsx" in ran.stderr, ran.stderr


def test_a_folder_with_a_gbk_file_name_is_read(run, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    gbk = os.path.join(os.fsencode(folder), "工资".encode("gbk") + b".csv")
    with open(gbk, "wb") as fh:
        fh.write("单位,姓名,应发合计\n一小,甲,100\n".encode("utf-8"))
    (folder / "b.csv").write_text("单位,姓名,应发合计\n二中,乙,200\n", encoding="utf-8")
    ran = run("budget", folder, "--format", "json")
    assert ran.code in (0, 1), ran.stderr
    assert ran.json()["figures"]["payroll_total"] == "300.00"


@pytest.mark.parametrize("option", ["--hired-since", "--as-of"])
@pytest.mark.parametrize("value", ["2024-13-01", "2024-02-30", "tomorrow"])
def test_a_bad_date_names_its_own_option(run, option, value):
    ran = run("staffing", SAMPLES / "roster.xlsx", option, value)
    assert ran.code == 2 and f"{option} {value}" in ran.stderr, ran.stderr


def test_a_read_only_output_folder_is_exit_2(run, tmp_path):
    ran = run("budget", SAMPLES / "payroll.xlsx", "-o", "/proc/ttcalc-out.xlsx", "--lang", "en")
    assert ran.code == 2 and "cannot write" in ran.stderr, ran.stderr
    ran = run("check", "--payroll", SAMPLES / "payroll.xlsx", "--output-dir", "/proc", "--as-of", "2026-11-21")
    assert ran.code == 2, ran.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder_by_permission_is_exit_2(run, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    ran = run("budget", SAMPLES / "payroll.xlsx", "-o", folder / "out.xlsx")
    assert ran.code == 2, ran.stderr


@pytest.mark.parametrize("encoding", ["gbk", "big5", "ascii", "latin-1"])
@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_a_narrow_stdout_encoding_gets_plain_marks(encoding, fmt):
    done = _cli("budget", SAMPLES / "payroll.xlsx", "--budgeted", "30000", "--format", fmt,
                env={"PYTHONIOENCODING": encoding})
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")
    assert done.stdout


def test_a_closed_stdout_is_exit_2():
    done = _cli("budget", SAMPLES / "payroll.xlsx", shell_suffix=" >&-")
    assert done.returncode == 2, done.stderr
    assert b"stdout" in done.stderr and b"Traceback" not in done.stderr


def test_a_broken_pipe_is_not_an_internal_error():
    done = _cli("budget", SAMPLES / "payroll.xlsx", "--format", "json", shell_suffix=" | head -c 10 >/dev/null")
    assert b"internal error" not in done.stderr and b"Traceback" not in done.stderr


def test_memory_error_inside_a_command_is_exit_2(run, monkeypatch):
    from ttcalc import api

    def boom(*a, **k):
        raise MemoryError

    monkeypatch.setattr(api, "budget", boom)
    ran = run("budget", "x.xlsx", "--lang", "en")
    assert ran.code == 2 and "memory" in ran.stderr


def test_stderr_is_restored_after_reading(run, tmp_path):
    """The reader mutes the Rust library's own stderr while it reads; it is restored after, and
    a fatal abort still reaches the real stderr (faulthandler on a copy of it)."""
    import faulthandler

    from ttcalc.read import excel

    with excel._native_stderr_muted():
        pass
    assert excel._REAL_STDERR and faulthandler.is_enabled()
