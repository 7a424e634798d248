"""Every input error of issue 2 item 5: exit 2, one line on stderr naming the file, nothing on
stdout, never a traceback; internal errors exit 3 with a hint to use --debug."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _one_line_error(out, *needles):
    assert out.code == 2, (out.code, out.stdout, out.stderr)
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def test_missing_file(run, tmp_path):
    _one_line_error(run("budget", "--lang", "en", tmp_path / "nope.xlsx"), "nope.xlsx", "no such file")


def test_not_a_spreadsheet(run, tmp_path):
    p = tmp_path / "letter.xlsx"
    p.write_text("Dear clerk, this is not a workbook.", encoding="utf-8")
    _one_line_error(run("inspect", "--lang", "en", p), "letter.xlsx", "not a spreadsheet")


def test_lock_file(run, tmp_path):
    p = tmp_path / "~$payroll.xlsx"
    p.write_bytes(b"\x05clerk" + b"\x00" * 100)
    _one_line_error(run("budget", "--lang", "en", p), "lock file")


def test_password_protected(run, tmp_path, xlsx):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = xlsx("plain.xlsx", {"S": [["姓名", "应发"], ["甲", 1]]})
    enc = tmp_path / "secret.xlsx"
    with plain.open("rb") as f, enc.open("wb") as o:
        OOXMLFile(f).encrypt("secret", o)
    _one_line_error(run("budget", enc), "secret.xlsx", "密码")


def test_empty_sheet(run, xlsx):
    _one_line_error(run("budget", "--lang", "en", xlsx("empty.xlsx", {"Sheet1": []})), "empty.xlsx", "empty sheet")


def test_no_recognisable_header(run, xlsx):
    path = xlsx("h.xlsx", {"S": [["a", "b"], [1, 2]]})
    _one_line_error(run("budget", "--lang", "en", path), "h.xlsx", "[S]", "no table header")


def test_required_field_missing_names_closest_header(run, xlsx):
    path = xlsx("net.xlsx", {"工资": [["姓名", "身份证号", "实发工资"], ["甲", "11010519491231002X", 100]]})
    line = _one_line_error(run("budget", "--lang", "en", path), "net.xlsx", "[工资]", "gross")
    assert "实发工资" in line


def test_bad_amount_names_row_and_column(run, xlsx):
    path = xlsx("bad.xlsx", {"S": [["姓名", "应发合计"], ["甲", 100], ["乙", "待定"]]})
    _one_line_error(run("budget", "--lang", "en", path), "bad.xlsx", "row 3", "应发合计", "待定")


def test_bad_options(run, xlsx):
    path = xlsx("ok.xlsx", {"S": [["姓名", "应发"], ["甲", 1]]})
    _one_line_error(run("budget", path, "--as-of", "someday"), "--as-of")
    _one_line_error(run("budget", path, "--policy", "nowhere-1999"), "nowhere-1999")
    _one_line_error(run("budget", path, "--map", "salary"), "--map")
    _one_line_error(run("budget", path, "--budgeted", "lots"), "--budgeted")
    _one_line_error(run("budget", path, "--sheet", "Nope"), "Nope")


def test_internal_error_exit_3_without_traceback(run, xlsx, monkeypatch):
    import ttcalc.budget.command

    def boom(*a, **k):
        raise RuntimeError("kaput")

    monkeypatch.setattr(ttcalc.budget.command, "sum_payroll", boom)
    path = xlsx("ok.xlsx", {"S": [["姓名", "应发"], ["甲", 1]]})
    out = run("budget", path)
    assert out.code == 3 and "Traceback" not in out.stderr
    assert "--debug" in out.stderr and len(out.stderr.strip().splitlines()) == 1
    out = run("budget", path, "--debug")
    assert out.code == 3 and "Traceback" in out.stderr


def test_console_script_usage_error_is_one_line():
    out = subprocess.run([sys.executable, "-m", "ttcalc", "budget", "--lang", "en"], capture_output=True, text=True)
    assert out.returncode == 2 and out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1 and "Missing argument" in out.stderr


def test_help_does_not_import_pandas_or_readers():
    code = ("import sys\nfrom typer.testing import CliRunner\nfrom ttcalc.cli import app\n"
            "CliRunner().invoke(app, ['--help'])\n"
            "print(sorted(m for m in ('pandas', 'pyarrow', 'fastexcel', 'openpyxl', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_every_format_renders(run, xlsx, fmt):
    path = xlsx("ok.xlsx", {"S": [["姓名", "应发"], ["甲", 100]]})
    out = run("budget", path, "--format", fmt, "--lang", "zh")
    assert out.code == 0 and out.stdout.strip(), out.stderr


def test_redacted_budget_workbook_masks_names_and_ids(run, xlsx, tmp_path):
    import openpyxl

    path = xlsx("ok.xlsx", {"S": [["姓名", "身份证号", "应发"], ["欧阳修", "11010519491231002X", 100]]})
    for redact in (False, True):
        target = tmp_path / f"out-{redact}.xlsx"
        out = run("budget", path, "--output", target, *(["--redact"] if redact else []))
        assert out.code == 0, out.stderr
        cells = {str(c.value) for ws in openpyxl.load_workbook(target).worksheets
                 for row in ws.iter_rows() for c in row if c.value is not None}
        assert ("欧阳修" in cells and "11010519491231002X" in cells) is not redact
        assert any("欧阳修" in c or "11010519491231002X" in c for c in cells) is not redact
