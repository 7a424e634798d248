"""The read layer and the errors in the catalogs: skip reasons and read warnings are worded in
the language of the run with a stable code beside them in JSON; errors are worded in --lang
(else the locale), one line, never a person; English output quotes Chinese only where it is
data, a policy's own words or a gloss in brackets."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg

AS_OF = "2026-12-31"
HAN = re.compile(r"[\u3400-\u9fff]+")
LATIN_WORD = re.compile(r"\b[a-z]{3,}\b")


def _commands(d):
    return {"budget": ["budget", d / "payroll.xlsx", "--as-of", AS_OF, "--budgeted", "3万"],
            "staffing": ["staffing", d / "roster.xlsx", "--as-of", AS_OF],
            "hours": ["hours", d / "hours.xlsx", "--as-of", AS_OF, "--cycle", "2022-2026"],
            "inspect": ["inspect", d / "payroll.xlsx"]}


def _payroll(xlsx, name="p.xlsx", extra_rows=()):
    head = [["2024年1月工资表"], ["单位", "姓名", "身份证号", "应发合计"]]
    rows = [["一小", "王小明", "", 5000], ["一小", "李四", "", 6000], *extra_rows,
            ["合计", "", "", 11000], ["注：本表由财务科填报", "", "", ""]]
    return xlsx(name, {"工资": head + rows})


def _data_words(*paths) -> set[str]:
    """Every run of Chinese in the cells and sheet names of the input workbooks (names, units,
    titles: data quoted back) and in the built-in policy profiles (a policy's own words)."""
    from openpyxl import load_workbook

    out: set[str] = set()
    for p in paths:
        wb = load_workbook(p, read_only=True)
        for ws in wb.worksheets:
            out.update(HAN.findall(ws.title))
            for row in ws.iter_rows(values_only=True):
                for v in row:
                    if isinstance(v, str):
                        out.update(HAN.findall(v))
    # the header words a workbook is expected to hold (field aliases) are the input's vocabulary
    out.update(HAN.findall((files("ttcalc.read") / "fields.toml").read_text(encoding="utf-8")))
    for f in (files("ttcalc.policy") / "profiles").iterdir():
        if f.name.endswith(".toml"):
            out.update(HAN.findall(f.read_text(encoding="utf-8")))
    return out


def _untranslated(text: str, allowed: set[str]) -> list[str]:
    bare = re.sub(r"（[^）]*）|\([^)]*\)|\[[^\]]*\]|“[^”]*”|'[^']*'|\"[^\"]*\"", "", text)
    out = []
    for run in HAN.findall(bare):
        if run in allowed or any(run in a for a in allowed):
            continue
        out.append(run)
    return out


@pytest.mark.parametrize("name", ["budget", "hours", "inspect"])
def test_english_output_quotes_chinese_only_as_data_policy_or_gloss(run, samples, name):
    args = _commands(samples)[name]
    en = run(*args, "--lang", "en").stdout
    allowed = _data_words(*[a for a in args if isinstance(a, Path)])
    assert not _untranslated(en, allowed), _untranslated(en, allowed)[:10]


def test_english_read_lines_and_read_warnings_have_no_untranslated_chinese(run, samples):
    """The input lines and the reader's warnings of every command, staffing included."""
    for name, args in _commands(samples).items():
        data = run(*args, "--format", "json", "--lang", "en").json()
        allowed = _data_words(*[a for a in args if isinstance(a, Path)])
        texts = [s["reason"] for i in data["inputs"] for s in i.get("rows_skipped", [])]
        texts += [i["reason"] for i in data["inputs"] if i.get("reason")]
        texts += [w["message"] for w in data.get("warnings", [])
                  if w["code"].startswith(("id_", "duplicate_person", "same_", "unit_from"))]
        for t in texts:
            assert not _untranslated(t, allowed), (name, t)


def test_skip_reasons_carry_a_stable_code_and_follow_the_language(run, xlsx):
    path = _payroll(xlsx)
    zh = run("budget", path, "--format", "json", "--lang", "zh").json()
    en = run("budget", path, "--format", "json", "--lang", "en").json()
    skipped_zh = {s["row"]: s for i in zh["inputs"] for s in i.get("rows_skipped", [])}
    skipped_en = {s["row"]: s for i in en["inputs"] for s in i.get("rows_skipped", [])}
    assert {r: s["code"] for r, s in skipped_zh.items()} == {r: s["code"] for r, s in skipped_en.items()}
    assert sorted(s["code"] for s in skipped_zh.values()) == ["note_row", "total_row"]
    for s in skipped_zh.values():
        assert not LATIN_WORD.search(s["reason"]), s
    assert {s["code"]: s["reason"].split(" ")[0] for s in skipped_en.values()} == {"total_row": "total",
                                                                                   "note_row": "note"}
    default = run("budget", path, "--format", "json").json()  # JSON defaults to zh, whatever the locale
    assert [s["reason"] for i in default["inputs"] for s in i.get("rows_skipped", [])] == \
        [s["reason"] for i in zh["inputs"] for s in i.get("rows_skipped", [])]


@pytest.mark.parametrize("sheets,code", [
    ({"说明": [["填表说明"], ["1. 本表按月填报"]]}, "no_header"),
    ({"汇总": [["单位", "应发合计"], ["一小", 100]]}, "summary_table"),
    ({"空": []}, "empty"),
])
def test_skipped_sheets_carry_a_code(run, xlsx, sheets, code):
    good = {"工资": [["姓名", "应发合计"], ["甲", 100]]}
    path = xlsx("s.xlsx", {**sheets, **good})
    for lang in ("zh", "en"):
        data = run("inspect", path, "--format", "json", "--lang", lang).json()
        skipped = [i for i in data["inputs"] if i["status"] == "skipped"]
        assert [i["code"] for i in skipped] == [code], skipped
        if lang == "zh":
            assert not LATIN_WORD.search(re.sub(r"--[a-z-]+", "", skipped[0]["reason"])), skipped


@pytest.mark.parametrize("lang,words", [("zh", ["第 2 行", "应发合计", "金额"]), ("en", ["row 2", "应发合计", "amount"])])
def test_errors_are_worded_in_the_run_language_on_one_line_without_the_person(run, xlsx, lang, words):
    path = xlsx("bad.xlsx", {"工资": [["姓名", "身份证号", "应发合计"], ["王小明", "", "王小明"]]})
    r = run("budget", path, "--lang", lang)
    assert r.code == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "bad.xlsx" in r.stderr and "[工资]" in r.stderr
    for w in words:
        assert w in r.stderr, (w, r.stderr)
    assert "王小明" not in r.stderr
    if lang == "zh":
        bare = re.sub(r"\S+\.xlsx|ttcalc", "", r.stderr)
        assert not LATIN_WORD.search(bare), r.stderr


def test_an_id_quoted_back_in_an_error_is_masked(run, xlsx):
    path = xlsx("bad.xlsx", {"工资": [["姓名", "应发合计"], ["甲", "350521199001011234"]]})
    for lang in ("zh", "en"):
        r = run("budget", path, "--lang", lang)
        assert r.code == 2 and "350521199001011234" not in r.stderr, r.stderr


def test_errors_follow_the_locale_without_lang(run, xlsx, monkeypatch):
    path = xlsx("e.xlsx", {"Sheet1": []})
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert "empty sheet" in run("budget", path).stderr
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert "空工作表" in run("budget", path).stderr


def test_input_error_takes_a_message_and_str_still_works():
    e = InputError(msg("read.error.no_sheets", file="a.xlsx"))
    assert str(e) == "a.xlsx: the workbook has no sheets"
    assert e.words("zh") == "a.xlsx：工作簿中没有工作表"
    assert str(InputError("plain text")) == "plain text"


def test_reader_warnings_are_one_type_capped_with_and_n_more(tmp_path):
    """Many bad ID numbers: at most the cap per code and sheet, then one "and N more"."""
    from openpyxl import Workbook

    from ttcalc.core.warn import Warn
    from ttcalc.read import reader

    wb = Workbook()
    ws = wb.active
    ws.title = "工资"
    ws.append(["姓名", "身份证号", "应发合计"])
    n = reader.WARN_CAP + 7
    for i in range(n):
        ws.append([f"人{i}", f"35052119900101{i % 10}23X"[:17] + "9", 100])
    wb.save(tmp_path / "p.xlsx")
    data = reader.read([str(tmp_path / "p.xlsx")], "payroll")
    warns = data.warnings
    assert all(isinstance(w, Warn) for w in warns)
    checks = [w for w in warns if w.code == "id_checksum"]
    more = [w for w in warns if w.code == "more"]
    assert len(checks) <= reader.WARN_CAP
    if len(checks) == reader.WARN_CAP:
        assert more and more[0].params["code"] == "id_checksum"


def test_api_report_warnings_carry_no_raw_person_data(xlsx):
    import ttcalc

    ids = ["350521199001011235", "350521199001011235"]  # bad check digit, and twice in the month
    rows = [["单位", "姓名", "身份证号", "月份", "应发合计"]] + \
        [["一小", nm, i, "2024-01", 100] for nm, i in zip(["王小明", "王小明"], ids)]
    report = ttcalc.budget([str(xlsx("p.xlsx", {"工资": rows}))], as_of=AS_OF)
    text = repr([w.as_dict() if hasattr(w, "as_dict") else w for w in report.warnings])
    assert report.warnings and "王小明" not in text and "350521199001011235" not in text, text
