"""`ttcalc check` as a sysadmin's cron job sees it: every combination of inputs, stdout/stderr
split, exit codes, determinism, --output-dir that never overwrites."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import pytest

from conftest import SAMPLES

INPUTS = {"--payroll": SAMPLES / "payroll.xlsx", "--roster": SAMPLES / "roster.xlsx", "--hours": SAMPLES / "hours.xlsx"}
PART_CHECKS = {"--payroll": "fund.rate", "--roster": "staff.fulltime_share", "--hours": "hours.cycle_total"}
COMBOS = [c for n in range(1, 4) for c in itertools.combinations(INPUTS, n)]


@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: "+".join(x.strip("-") for x in c))
def test_every_combination_of_inputs(run, combo):
    args = ["check", "--as-of", "2026-11-21", "--hours-policy", "wenzhou-2012"]
    for opt in combo:
        args += [opt, INPUTS[opt]]
    out = run(*args)
    assert out.code in (0, 1), out.stderr
    data = out.json()
    checks = {c["id"]: c for c in data["checks"]}
    for opt, check_id in PART_CHECKS.items():
        if opt not in combo:
            assert checks[check_id]["status"] == "not_applicable"
            assert opt in checks[check_id]["reason"]
    failed = [c for c in data["checks"] if c["status"] == "fail" and not c.get("advisory")]
    assert out.code == (1 if failed else 0)
    assert {i["role"] for i in data["inputs"]} == {{"--payroll": "budget", "--roster": "staffing",
                                                    "--hours": "hours"}[o] for o in combo}


def test_no_input_is_a_usage_error(run):
    out = run("check")
    assert out.code == 2 and out.stdout == ""


def _cron(args, cwd):
    """Run as cron does: no terminal, no stdin, a bare environment."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(cwd), "LANG": "C"}
    return subprocess.run([sys.executable, "-m", "ttcalc", *map(str, args)], cwd=cwd, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def test_stdout_is_only_the_result_and_stderr_one_log_line(tmp_path):
    out = _cron(["check", "--payroll", INPUTS["--payroll"], "--roster", INPUTS["--roster"], "--as-of", "2026-11-21",
                 "--lang", "en"], tmp_path)
    assert out.returncode == 1  # the sample roster fails title ratios
    json.loads(out.stdout)  # one JSON object, nothing else
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ttcalc check: ") and "failed" in lines[0]
    assert "\x1b[" not in out.stdout + out.stderr and "\r" not in out.stderr  # no colour, no progress bar


def test_deterministic_json(tmp_path):
    args = ["check", "--payroll", INPUTS["--payroll"], "--roster", INPUTS["--roster"], "--hours", INPUTS["--hours"],
            "--hours-policy", "wenzhou-2012", "--as-of", "2026-11-21"]
    first, second = _cron(args, tmp_path), _cron(args, tmp_path)
    assert first.stdout == second.stdout and first.stdout


def test_csv_format_for_pipelines(run):
    out = run("check", "--payroll", INPUTS["--payroll"], "--format", "csv", "--as-of", "2026-11-21", "--lang", "en")
    assert out.stdout.startswith("\ufeff")  # UTF-8 with BOM, so Excel on Chinese Windows reads it
    lines = out.stdout.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("command,as_of,policy,check,status")
    assert any(",fund.rate," in line for line in lines[1:])


def test_output_dir_writes_dated_files_and_never_overwrites(run, tmp_path):
    args = ["check", "--payroll", INPUTS["--payroll"], "--roster", INPUTS["--roster"], "--as-of", "2026-11-21",
            "--output-dir", tmp_path]
    out = run(*args)
    assert out.code in (0, 1), out.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["ttcalc-budget-2026-11-21.xlsx", "ttcalc-check-2026-11-21.json", "ttcalc-staffing-2026-11-21.xlsx"]
    report = tmp_path / "ttcalc-check-2026-11-21.json"
    assert json.loads(report.read_text(encoding="utf-8")) == out.json()
    before = report.read_bytes()
    again = run(*args)
    assert again.code == 2 and "--overwrite" in again.stderr and again.stdout == ""
    assert report.read_bytes() == before
    assert run(*args, "--overwrite").code in (0, 1)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_readme_crontab_line_works_as_written(tmp_path):
    """The README's crontab line, run by sh from the repository root as cron would."""
    from conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    line = next(l for l in readme.splitlines() if l.startswith("0 6 1 * * "))
    command = line.split(" ", 5)[5]
    command = command.replace("/srv/ttcalc", str(REPO)).replace("/var/lib/ttcalc/reports", str(tmp_path))
    command = command.replace(".venv/bin/ttcalc", f"{sys.executable} -m ttcalc")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "LANG": "C"}
    out = subprocess.run(["sh", "-c", command], env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode in (0, 1), out.stderr
    assert any(p.name.startswith("ttcalc-check-") for p in tmp_path.iterdir())


def test_redacted_check_writes_masked_outputs(run, tmp_path):
    import openpyxl

    out = run("check", "--payroll", INPUTS["--payroll"], "--roster", INPUTS["--roster"], "--as-of", "2026-11-21",
              "--output-dir", tmp_path, "--redact")
    assert out.code in (0, 1), out.stderr
    plain = run("check", "--payroll", INPUTS["--payroll"], "--format", "json", "--as-of", "2026-11-21").json()
    names = {str(c.value) for c in openpyxl.load_workbook(INPUTS["--payroll"])["1月"]["C"][4:10]}
    assert names and plain
    texts = out.stdout + (tmp_path / "ttcalc-check-2026-11-21.json").read_text(encoding="utf-8")
    for ws in openpyxl.load_workbook(tmp_path / "ttcalc-budget-2026-11-21.xlsx").worksheets:
        texts += "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert not [n for n in names if n in texts]
