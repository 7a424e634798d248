"""A clerk on a Chinese Windows machine and a cron script, trying to break the command line:
console encodings, closed pipes, bad option values and the words of every error (spec §4, §5, §9)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from conftest import SAMPLES

CJK = re.compile(r"[\u4e00-\u9fff]")


def _cli(*args, env=None, shell_suffix=""):
    cmd = [sys.executable, "-m", "ttcalc", *map(str, args)]
    base = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "PYTHONIOENCODING")}
    if shell_suffix:
        import shlex

        return subprocess.run(" ".join(map(shlex.quote, cmd)) + shell_suffix, shell=True, capture_output=True, check=False,
                              timeout=120, env=dict(base, **(env or {})))
    return subprocess.run(cmd, capture_output=True, check=False, timeout=120, env=dict(base, **(env or {})))


# -- output encodings: a GBK redirect (Chinese Windows) or an ASCII one must not change JSON/CSV bytes


@pytest.mark.parametrize("encoding", ["gbk", "ascii"])
def test_json_on_a_narrow_redirect_is_the_same_utf8_bytes(encoding):
    args = ("budget", SAMPLES / "payroll.xlsx", "--as-of", "2024-12-31", "--format", "json", "--lang", "zh")
    utf8 = _cli(*args, env={"PYTHONIOENCODING": "utf-8"})
    narrow = _cli(*args, env={"PYTHONIOENCODING": encoding})
    assert utf8.returncode == narrow.returncode == 0, narrow.stderr.decode(errors="replace")
    assert narrow.stdout == utf8.stdout  # was GBK bytes (not JSON) or "?" for every Chinese character
    assert "泉港" in narrow.stdout.decode("utf-8")


def test_csv_on_a_gbk_redirect_keeps_its_utf8_bom():
    done = _cli("budget", SAMPLES / "payroll.xlsx", "--as-of", "2024-12-31", "--format", "csv", "--table", "by_unit",
                env={"PYTHONIOENCODING": "gbk"})
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert done.stdout.startswith(b"\xef\xbb\xbfunit,")  # was "?unit," in GBK: Excel showed a broken header
    assert "泉港区" in done.stdout.decode("utf-8-sig")


@pytest.mark.parametrize("lang", [[], ["--lang", "zh"], ["--lang", "en"]])
def test_help_on_a_latin1_console_is_not_an_internal_error(lang):
    done = _cli(*lang, "budget", "--help", env={"PYTHONIOENCODING": "latin-1"})
    assert done.returncode == 0, done.stderr.decode(errors="replace")  # was exit 3, UnicodeEncodeError
    assert b"ttcalc budget" in done.stdout and not done.stderr


def test_without_a_locale_an_ascii_console_gets_english(monkeypatch):
    from ttcalc.cli.words import locale_lang

    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    assert locale_lang() == "en"  # zh would print every word as "?"
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="gbk"))
    assert locale_lang() == "zh"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BytesIO(), encoding="ascii"))
    assert locale_lang() == "zh"  # a Chinese locale asked for stays Chinese


# -- closed stdout: an environment problem, exit 2, never an internal error


def test_sample_into_a_closed_pipe_is_exit_2(tmp_path):
    done = _cli("sample", tmp_path / "s", shell_suffix=" | (exit 0)")
    assert b"Traceback" not in done.stderr and b"BrokenPipe" in done.stderr
    assert "内部错误" not in done.stderr.decode(errors="replace")  # was exit 3


def test_version_with_stdout_closed_is_exit_2():
    done = _cli("-V", shell_suffix=" >&-")
    assert done.returncode == 2, done.stderr.decode(errors="replace")  # was exit 3 'NoneType' has no 'write'


# -- the system's reasons worded in the run's language


def test_a_folder_path_through_a_file_is_worded_in_chinese(run, tmp_path):
    blocker = tmp_path / "file.xlsx"
    blocker.write_bytes(b"x")
    ran = run("budget", SAMPLES / "payroll.xlsx", "--lang", "zh", "-o", blocker / "out.xlsx")
    assert ran.code == 2 and "路径中有一段不是文件夹" in ran.stderr, ran.stderr  # was "Not a directory"
    ran = run("sample", blocker, "--lang", "zh")
    assert ran.code == 2 and "已有同名的文件" in ran.stderr, ran.stderr  # was "File exists"
    assert not re.search(r"[A-Za-z]{4,}", ran.stderr.replace(str(blocker), "").replace("ttcalc:", "")), ran.stderr


def test_an_unlisted_os_error_is_not_english_in_zh():
    import errno

    from ttcalc.output.i18n import word
    from ttcalc.read.limits import os_why

    text = word(os_why(OSError(errno.EXDEV, "Invalid cross-device link")), "zh")
    assert "Invalid" not in text and "EXDEV" in text


# -- option values that used to be taken silently or worded wrongly


def test_public_funds_naming_no_file_is_exit_2(run):
    ran = run("budget", SAMPLES / "payroll.xlsx", "--public-funds", "nosuch.xlsx", "--lang", "en")
    assert ran.code == 2 and "nosuch.xlsx: no such file" in ran.stderr, ran.stderr  # was ignored, exit 0


def test_budgeted_naming_no_file_says_no_such_file(run):
    ran = run("budget", SAMPLES / "payroll.xlsx", "--budgeted", "预算.xlsx", "--lang", "en")
    assert ran.code == 2 and "预算.xlsx: no such file" in ran.stderr, ran.stderr  # was "expected an amount"


@pytest.mark.parametrize("args", [["--budgeted", "3万", "--to-school", "4万"], ["--budgeted", "1", "--to-school", "1.01"]])
def test_more_to_the_school_than_the_fund_is_exit_2(run, args):
    ran = run("budget", SAMPLES / "payroll.xlsx", *args, "--lang", "zh")
    assert ran.code == 2 and "--to-school" in ran.stderr and "不能多于" in ran.stderr, ran.stderr  # was exit 0


def test_the_fund_all_to_the_school_is_allowed(run):
    ran = run("budget", SAMPLES / "payroll.xlsx", "--budgeted", "3万", "--to-school", "3万")
    assert ran.code in (0, 1), ran.stderr


@pytest.mark.parametrize("value", ["30,000.005", "27421.849", "0.001"])
def test_an_amount_finer_than_a_fen_is_exit_2(run, value):
    ran = run("budget", SAMPLES / "payroll.xlsx", "--budgeted", value, "--lang", "en")
    assert ran.code == 2 and "fen" in ran.stderr, ran.stderr  # was rounded: 27421.849 passed a 27421.85 floor


@pytest.mark.parametrize("option", ["--as-of", "--hired-since"])
def test_an_empty_date_is_exit_2(run, option):
    ran = run("staffing", SAMPLES / "roster.xlsx", option, "", "--lang", "en")
    assert ran.code == 2 and option in ran.stderr, ran.stderr  # cron's --as-of "$DATE" with DATE unset: was today


def test_password_messages_in_english_carry_no_chinese():
    from ttcalc.core.msg import msg
    from ttcalc.output.i18n import word

    for key in ("read.file.password", "read.file.part_encrypted", "read.file.ods_password",
                "read.file.encrypted_package", "read.book.password"):
        text = word(msg(key, file="a.xlsx"), "en")
        assert "password" in text and not CJK.search(text), text


# -- exit 3 outside a command's guard still says where the log is


def test_an_internal_error_while_formatting_help_names_its_log(run, monkeypatch, tmp_path):
    from ttcalc.cli.surface import Words

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    def boom(self, ctx, formatter):
        raise RuntimeError("boom")

    monkeypatch.setattr(Words, "format_usage", boom)
    ran = run("budget", "--help", "--lang", "en")
    assert ran.code == 3, ran.stderr
    assert "error-" in ran.stderr and str(tmp_path) in ran.stderr, ran.stderr  # was no log path


# -- `-` for standard input


def test_dash_with_stdin_closed_is_exit_2():
    done = _cli("budget", "-", "--lang", "en", shell_suffix=" <&-")
    assert done.returncode == 2 and b"standard input is empty" in done.stderr, done.stderr  # was exit 3


def test_dash_on_a_terminal_does_not_wait(run, monkeypatch):
    import ttcalc.cli.run as cli_run

    class Tty(io.BytesIO):
        def isatty(self):
            return True

    class Stdin:
        buffer = Tty("姓名,应发合计\n甲,1\n".encode())  # would be read only after the clerk pressed Ctrl-D

        def isatty(self):
            return True

    monkeypatch.setattr(cli_run.sys, "stdin", Stdin())
    with pytest.raises(cli_run.InputError), cli_run.stdin_files(["-"]):
        pass


def test_an_error_in_piped_input_names_dash_not_the_temporary():
    from typer.testing import CliRunner

    from ttcalc.cli import app

    result = CliRunner().invoke(app, ["budget", "-", "--lang", "en"], input=(SAMPLES / "roster.xlsx").read_bytes())
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("ttcalc: - [") and "stdin." not in result.stderr, result.stderr


def test_one_warning_is_not_one_warnings():
    from ttcalc.cli.words import say

    assert say("log.tail", "en", warnings=1, seconds="0.1") == ", 1 warning, 0.1 s"
    assert say("log.counts", "en", checks=1, failed=0, partly=0).startswith("1 check,")


def test_a_folder_with_nothing_readable_is_named_not_its_lock_file(run, tmp_path):
    folder = tmp_path / "工资"
    folder.mkdir()
    (folder / "~$工资.xlsx").write_bytes(b"lock")
    (folder / "说明.txt").write_text("备注")
    (folder / "坏.xlsx").write_text("plain text")
    ran = run("budget", folder, "--skip-bad", "--lang", "en")
    assert ran.code == 2, ran.stderr
    assert ran.stderr.startswith(f"ttcalc: {folder}: no file with person rows"), ran.stderr  # was …/~$工资.xlsx


def test_upper_case_choices_as_typed_on_windows(run):
    ran = run("budget", "nosuch.xlsx", "--lang", "EN", "-f", "JSON")
    assert ran.code == 2 and ran.stderr == "ttcalc: nosuch.xlsx: no such file\n", ran.stderr  # was a usage error
    ran = run("--lang=EN", "budget", "--help")
    assert ran.code == 0 and ran.stdout.startswith("Usage: ttcalc budget"), ran.stdout


@pytest.mark.parametrize("args", [["policies"], ["policies", "show", "hebei-2013"]])
def test_policies_csv_has_the_bom_excel_needs(run, args):
    ran = run(*args, "--format", "csv")
    assert ran.code == 0 and ran.stdout.startswith("\ufeffid,"), ran.stdout[:40]  # was no BOM: mojibake in Excel


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_table_without_csv_is_refused_not_ignored(run, samples, fmt):
    """--table picks one table of the CSV output; with another format it was silently ignored."""
    r = run("budget", samples / "payroll.xlsx", "--table", "by_unit", "--format", fmt, "--lang", "en")
    assert r.code == 2 and "--format csv" in r.stderr and r.stdout == ""
    ok = run("budget", samples / "payroll.xlsx", "--table", "by_unit", "--format", "csv", "--lang", "en")
    assert ok.code == 0 and ok.stdout.lstrip("\ufeff").startswith("unit,")


def test_output_dir_naming_a_file_says_so(run, samples, tmp_path):
    afile = tmp_path / "报告"
    afile.write_text("x")
    r = run("check", "--payroll", samples / "payroll.xlsx", "--output-dir", afile, "--lang", "en")
    assert r.code == 2 and "a file, not a folder" in r.stderr and afile.read_text() == "x"
    r = run("check", "--payroll", samples / "payroll.xlsx", "--output-dir", tmp_path / "none", "--lang", "en")
    assert r.code == 2 and "no such folder" in r.stderr


def test_an_unknown_map_field_names_the_kind_in_the_run_language(run, samples):
    zh = run("budget", samples / "payroll.xlsx", "--map", "foo=bar", "--lang", "zh")
    en = run("budget", samples / "payroll.xlsx", "--map", "foo=bar", "--lang", "en")
    assert zh.code == en.code == 2
    assert "工资表没有这个字段" in zh.stderr and "payroll 没有" not in zh.stderr
    assert "a payroll has no such field" in en.stderr


@pytest.mark.parametrize("args", [["budget", "--help"], ["--help"], ["--version"]])
def test_help_into_a_closed_pipe_or_a_full_disk_is_one_line_and_exit_2(args):
    """Typer answers a closed pipe with a silent exit 1 (which reads as 'a check failed'), and
    a full disk was an internal error: both are one worded line and exit 2, as for a report."""
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)
    try:
        closed = subprocess.run([sys.executable, "-m", "ttcalc", *args, "--lang", "en"], stdout=write,
                                stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write)
    said = (b"cannot write the output", "无法写出结果".encode())  # (--version is read before --lang)
    assert closed.returncode == 2 and any(w in closed.stderr for w in said), closed.stderr
    if os.path.exists("/dev/full"):
        with open("/dev/full", "wb") as full:
            r = subprocess.run([sys.executable, "-m", "ttcalc", *args, "--lang", "en"], stdout=full,
                               stderr=subprocess.PIPE, timeout=60)
        assert r.returncode == 2 and any(w in r.stderr for w in said) and b"Traceback" not in r.stderr
