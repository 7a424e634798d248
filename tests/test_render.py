"""Rendering: every command on the samples, in both languages, fits 80 and 100 columns; JSON
never depends on the locale; CSV has a BOM and every table; Markdown carries every section."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ttcalc.output.render.layout import dw, grid, wrap
from ttcalc.output.render.report import marks

AS_OF = "2026-12-31"


def commands(d):
    return {"budget": ["budget", d / "payroll.xlsx", "--as-of", AS_OF, "--budgeted", "3万", "--to-school", "18,000"],
            "staffing": ["staffing", d / "roster.xlsx", "--as-of", AS_OF],
            "hours": ["hours", d / "hours.xlsx", "--as-of", AS_OF, "--cycle", "2022-2026"],
            "inspect": ["inspect", d / "payroll.xlsx"],
            "check": ["check", "--payroll", d / "payroll.xlsx", "--roster", d / "roster.xlsx", "--hours",
                      d / "hours.xlsx", "--as-of", AS_OF, "--format", "table"],
            "policies": ["policies", "--format", "table"]}


@pytest.mark.parametrize("columns", [80, 100])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", ["budget", "staffing", "hours", "inspect", "check"])
def test_every_table_fits_the_terminal(run, samples, monkeypatch, columns, lang, name):
    monkeypatch.setenv("COLUMNS", str(columns))
    r = run(*commands(samples)[name], "--lang", lang)
    assert r.code in (0, 1), r.stderr
    wide = [line for line in r.stdout.splitlines() if dw(line) > columns]
    assert not wide, wide[:3]


def test_reasons_and_remedies_are_printed_whole(run, samples, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    r = run("budget", samples / "payroll.xlsx", "--as-of", AS_OF, "--lang", "en", "--format", "json")
    table = run("budget", samples / "payroll.xlsx", "--as-of", AS_OF, "--lang", "en")
    flat = re.sub(r"\s+", "", table.stdout)
    for c in r.json()["checks"]:
        for text in (c.get("reason"), c.get("remedy")):
            if text:
                assert re.sub(r"\s+", "", text) in flat  # whole, only wrapped
    assert "…" not in table.stdout.split("Checks:")[1].split("Warnings")[0]


@pytest.mark.parametrize("name", ["budget", "staffing", "hours", "check"])
def test_json_is_the_same_bytes_in_every_locale(run, samples, monkeypatch, name):
    outs = []
    for loc in ("C.UTF-8", "zh_CN.UTF-8", "en_US.UTF-8"):
        monkeypatch.setenv("LC_ALL", loc)
        monkeypatch.setenv("LANG", loc)
        args = [a for a in commands(samples)[name] if a not in ("table",)]
        args = args[:-2] if args[-2:] == ["--format", "table"] else args
        args = [a for a in args if a != "--format"]
        outs.append(run(*args, "--format", "json").stdout)
    assert outs[0] and outs[0] == outs[1] == outs[2]


ENGLISH_LABELS = ("Checks", "Actual", "Required", "Clause", "Remedy", "Inputs", "By unit", "sheet(s)", "rows used",
                  "True", "False", "none")
LEVELS = ("正高", "副高", "中级", "初级", "研究生", "本科", "原则上", "左右")


@pytest.mark.parametrize("name", ["budget", "staffing", "hours", "check"])
def test_labels_follow_the_language(run, samples, name):
    zh = run(*commands(samples)[name], "--lang", "zh").stdout
    en = run(*commands(samples)[name], "--lang", "en").stdout
    for word in ENGLISH_LABELS:
        assert not re.search(rf"(?<![A-Za-z_.]){re.escape(word)}(?![A-Za-z_])", zh), word
    assert "检查" in zh and "Checks" in en
    if name == "staffing":  # the title-level and education tables are worded in English
        tables = en.split("Remedy:")[1].split("Hire")[0]
        assert not any(level in tables for level in LEVELS), tables
        assert "full senior" in en and "postgraduate" in en and "about 0.20" in en


def _ids(data: dict) -> set[str]:
    """The ids a table shows beside their words: the command, figure keys, file stems."""
    out = {data.get("command") or ""} | set(data.get("figures") or {})
    out |= {Path(i["file"]).stem for i in data.get("inputs") or []}
    return {i for i in out if i}


@pytest.mark.parametrize("name", ["budget", "staffing", "hours", "check"])
def test_chinese_output_has_no_english_word(run, samples, name):
    zh = run(*commands(samples)[name], "--lang", "zh").stdout
    as_json = [a for a in commands(samples)[name] if a not in ("--format", "table")]
    ids = _ids(run(*as_json, "--format", "json", "--lang", "zh").json())
    bare = re.sub(r"--[a-z-]+|[A-Za-z_]+\.[a-z_.]+|\S+\.xlsx|ttcalc|\b[A-Z]{2,}\b|[a-z]+-\d{4}", "", zh)
    bare = re.sub(r"\b(?:" + "|".join(map(re.escape, sorted(ids, key=len, reverse=True))) + r")\b", "", bare)
    assert not re.search(r"\b[a-z]{3,}\b", bare), re.findall(r"\b[a-z]{3,}\b", bare)[:10]


def test_csv_has_a_bom_and_every_table(run, samples):
    base = commands(samples)["staffing"]
    for table, expect in (("checks", "staff.fulltime_share"), ("figures", "staff_total"),
                          ("hire.eligibility", "2025-09-01")):
        r = run(*base, "--format", "csv", "--table", table, "--lang", "en")
        assert r.stdout.startswith("\ufeff"), table
        rows = list(csv.reader(io.StringIO(r.stdout.lstrip("\ufeff"))))
        assert len(rows) > 1 and any(expect in c for row in rows for c in row), (table, rows[:3])
    units = run(*commands(samples)["budget"], "--format", "csv", "--table", "by_unit", "--lang", "zh")
    rows = list(csv.reader(io.StringIO(units.stdout.lstrip("\ufeff"))))
    assert rows[0][0] == "unit" and len(rows) == 5  # keys stay English in every language (spec §4)
    bad = run(*base, "--format", "csv", "--table", "nope")
    assert bad.code == 2 and "--table nope" in bad.stderr


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_markdown_carries_what_the_table_does(run, samples, lang):
    budget = run(*commands(samples)["budget"], "--format", "markdown", "--lang", lang).stdout
    assert "泉港区第一小学" in budget  # the per-unit table
    staffing = run(*commands(samples)["staffing"], "--format", "markdown", "--lang", lang).stdout
    assert "郭春梅" in staffing and "2025-09-01" in staffing  # the hire list
    for c in run(*commands(samples)["staffing"], "--format", "json", "--lang", lang).json()["checks"]:
        if c.get("remedy"):
            assert c["remedy"] in staffing


def test_marks_fall_back_where_the_encoding_lacks_them():
    assert marks("utf-8", "zh")["pass"] == "✔"
    for enc in ("gbk", "gb2312", "ascii", "cp1252"):
        m = marks(enc, "en")
        "".join(m.values()).encode(enc)
    assert marks("gbk", "zh")["fail"] == "未通过"


@given(st.text(alphabet="abc 中文字，,.-xyz", max_size=60), st.integers(min_value=4, max_value=30))
def test_wrap_never_exceeds_the_width_and_keeps_every_character(text, width):
    lines = wrap(text, width)
    assert all(dw(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace("\n", "").replace(" ", "")


@given(st.lists(st.lists(st.text(alphabet="ab 中文", max_size=30), min_size=3, max_size=3), max_size=5),
       st.integers(min_value=40, max_value=120))
def test_grid_fits_any_width(rows, width):
    assert all(dw(line) <= width for line in grid(["一", "two", "三三"], rows, width))


@pytest.mark.parametrize("text,yuan", [("30000", "30000"), ("30,000", "30000"), ("30,000.50", "30000.50"),
                                       ("3万", "30000"), ("3.5万元", "35000.0"), ("¥1,200元", "1200"),
                                       ("0.01", "0.01")])
def test_amounts_accept_wan_and_separators(text, yuan):
    from ttcalc.cells.money import parse_amount

    assert parse_amount(text) == Decimal(yuan)


@pytest.mark.parametrize("text", ["", "3x", "1,00", "3万万", "1.2.3", "abc元", "12,3456"])
def test_bad_amounts_are_refused(text):
    from ttcalc.cells.money import parse_amount

    with pytest.raises(ValueError):
        parse_amount(text)


@given(st.integers(min_value=0, max_value=10**11 - 1))  # below the billion-yuan cap (cells.money.MAX_FEN)
def test_amount_round_trip(fen):
    from ttcalc.cells.money import parse_amount

    yuan = Decimal(fen) / 100
    assert parse_amount(f"{yuan:,.2f}") == yuan
    assert parse_amount(f"{yuan / 10000}万") == yuan


def test_version_and_completion(run):
    assert run("-V").stdout.startswith("ttcalc ")
    assert "--install-completion" in run("--help").stdout
    for cmd in ("budget", "staffing", "hours", "inspect", "check"):
        assert "Examples:" in run(cmd, "--help", "--lang", "en").stdout
