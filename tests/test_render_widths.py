"""Rendering of every command on the samples — duties, institutions and policies included —
at 80 and 100 columns in both languages, and the Chinese output free of English words that the
output layer writes; the small wording defects of issue 16."""

from __future__ import annotations

import re

import pytest

from ttcalc.output.render.layout import dw

AS_OF = "2026-12-31"
PROFILES = ("quangang-2022", "district-2021", "hebei-2013", "shanxi-2023", "wenzhou-2012")


def commands(d):
    return {"budget": ["budget", d / "payroll.xlsx", "--as-of", AS_OF, "--budgeted", "3万"],
            "staffing": ["staffing", d / "roster.xlsx", "--as-of", AS_OF],
            "hours": ["hours", d / "hours.xlsx", "--as-of", AS_OF, "--cycle", "2022-2026"],
            "inspect": ["inspect", d / "payroll.xlsx"],
            "duties": ["duties", d / "activities.xlsx", "--as-of", AS_OF, "--roster", d / "roster.xlsx"],
            "institutions": ["institutions", d / "institutions.xlsx", "--as-of", AS_OF],
            "check": ["check", "--payroll", d / "payroll.xlsx", "--roster", d / "roster.xlsx", "--hours",
                      d / "hours.xlsx", "--activities", d / "activities.xlsx", "--institutions",
                      d / "institutions.xlsx", "--as-of", AS_OF, "--format", "table"],
            "policies": ["policies"]} | {f"show {p}": ["policies", "show", p] for p in PROFILES}


@pytest.mark.parametrize("columns", [80, 100])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["duties", "institutions", "policies"] + [f"show {p}" for p in PROFILES])
def test_every_command_fits_the_terminal(run, samples, monkeypatch, columns, lang, name):
    monkeypatch.setenv("COLUMNS", str(columns))
    r = run(*commands(samples)[name], "--lang", lang)
    assert r.code in (0, 1), r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) > 3
    wide = [line for line in lines if dw(line) > columns]
    assert not wide, wide[:3]


def test_policies_show_keeps_every_rule_id_whole(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    lines = run("policies", "show", "quangang-2022", "--lang", "en").stdout.splitlines()
    starts = {line.split()[0] for line in lines if line.strip()}
    rules = run("policies", "show", "quangang-2022", "--format", "json").json()["rules"]
    assert all(rule["id"] in starts for rule in rules), [r["id"] for r in rules if r["id"] not in starts]


def _output_layer_text(stdout: str) -> str:
    """The zh output without the inputs block and the warnings (their text is the reader's)."""
    out, skip = [], False
    for line in stdout.splitlines():
        if line.startswith(("输入", "提示（")):
            skip = True
        elif not line.strip():
            skip = False
        if not skip:
            out.append(line)
    return "\n".join(out)


CODE = re.compile(r"--[a-z-]+|[A-Za-z_]+\.[a-z_.]+|\S+\.xlsx|ttcalc [a-z]+|ttcalc|\b[A-Z]{2,}\b|[a-z]+-\d{4}|"
                  r"\d{4}-[a-z]+")


@pytest.mark.parametrize("name", ["budget", "staffing", "hours", "inspect", "duties", "institutions", "check",
                                  "policies", "show quangang-2022"])
def test_chinese_words_of_the_output_layer(run, samples, monkeypatch, name):
    """Labels, headers, figure names, verdicts, help lines: Chinese; codes (the figure keys of the
    代码 column, check ids, how a column was found) and file stems used as units may stay."""
    monkeypatch.setenv("COLUMNS", "100")
    args = commands(samples)[name]
    zh = _output_layer_text(run(*args, "--lang", "zh").stdout)
    codes = {"alias", "exact", "fuzzy", "derived", "payroll", "roster", "hours", "activities", "institutions"}
    if name not in ("policies", "show quangang-2022"):
        data = run(*[a for a in args if a not in ("--format", "table")], "--format", "json").json()
        codes |= set(data.get("figures") or {})
        codes |= {k for u in data.get("by_unit") or [] for k in u}
        codes |= {c["id"] for c in data.get("checks") or []} | {"by_person"}  # ids and JSON keys named
        codes |= {c.get("field") or "" for s in data.get("sheets") or [] for c in s.get("columns") or []}
        codes |= {str(i.get("file") or "") for i in data.get("inputs") or []}  # paths, wrapped in pieces
    bare = CODE.sub("", zh)
    # a long id wrapped in a narrow column comes in pieces: a piece of a code is a code
    words = [w for w in re.findall(r"\b[a-z_]{3,}\b", bare) if not any(w in c for c in codes)]
    assert not words, words[:10]


def test_wording_defects(run, samples, tmp_path):
    r = run("check", "--as-of", AS_OF, "--lang", "en")
    assert r.code == 2 and "ttcalc: ttcalc" not in r.stderr and "check: give at least one" in r.stderr
    from ttcalc.output.i18n import word
    from ttcalc.core.msg import msg

    one = msg("hours.remedy.share", unit="二中", year=2015, need=1, sent=1, total=6)
    assert "1 more teacher needed" in word(one, "en")
    assert "2 more teachers needed" in word(msg("hours.remedy.share", unit="二中", year=2015, need=2, sent=1,
                                                total=6), "en")


def test_one_header_row_says_row(run, xlsx):
    book = xlsx("p.xlsx", {"S": [["姓名", "身份证号", "应发合计"], ["张三", "", 100], ["李四", "", 200]]})
    r = run("inspect", book, "--lang", "en")
    assert "header row 1" in r.stdout and "header rows 1–1" not in r.stdout


def test_stdin_reads_a_csv_and_stdout_refuses_a_workbook(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from ttcalc.cli import app

    text = "姓名,身份证号,单位,应发合计\n张三,,一小,1000.00\n李四,,一小,2000.50\n"
    runner = CliRunner()
    r = runner.invoke(app, ["budget", "-", "--format", "json", "--as-of", AS_OF], input=text.encode("utf-8"))
    assert r.exit_code in (0, 1), r.stderr
    import json

    assert json.loads(r.stdout)["figures"]["payroll_total"] == "3000.50"
    monkeypatch.setenv("TTCALC_MAX_CSV_MB", "0")  # 0: no cap; the cap itself is the reader's
    empty = runner.invoke(app, ["budget", "-", "--lang", "en"], input=b"")
    assert empty.exit_code == 2 and "standard input is empty" in empty.stderr
    book = tmp_path / "p.csv"
    book.write_text(text, encoding="utf-8")
    out = runner.invoke(app, ["budget", str(book), "-o", "-", "--lang", "en"])
    assert out.exit_code == 2 and "-o -" in out.stderr and "standard output" in out.stderr
