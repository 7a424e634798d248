"""Errors of the words branch as a user sees them (spec §4, the bad-input rule): each is one line
on stderr, exit 2, worded in --lang — Chinese with no English word but the file, the ids and
the options it names; English with no Chinese but the file, sheet and column names it quotes —
and never the person of the row."""

from __future__ import annotations

import re
import zipfile

import pytest
from builders import make_csv, make_xlsx

from ttcalc.core.errors import InputError

AS_OF = "2026-12-31"
PROFILES = ("district-2021", "hebei-2013", "quangang-2022", "shanxi-2023", "wenzhou-2012")
CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"\b[a-z]{3,}\b")


def _zh_clean(line: str, allowed) -> bool:
    for a in sorted((str(a) for a in allowed), key=len, reverse=True):
        line = line.replace(a, "")
    line = re.sub(r"--[a-z-]+|[A-Za-z_]+\.[A-Za-z_.]+|\b[A-Z_]{2,}\b", "", line.removeprefix("ttcalc: "))
    return not LATIN_WORD.search(line)


def _en_clean(line: str, allowed) -> bool:
    for a in sorted((str(a) for a in allowed), key=len, reverse=True):
        line = line.replace(a, "")
    return not CJK.search(line)


def _both(run, args, zh_has, en_has, zh_ok=(), en_ok=(), names_file=None):
    """Run in zh and en: exit 2, one line, the words expected, clean of the other language."""
    out = {}
    for lang, has in (("zh", zh_has), ("en", en_has)):
        r = run(*args, "--lang", lang)
        err = r.stderr.strip()
        assert r.code == 2, (lang, r.code, r.stdout, err)
        assert "\n" not in err and err.startswith("ttcalc: ") and "Traceback" not in err, err
        if names_file is not None:
            assert str(names_file) in err, err
        assert has in err, (lang, err)
        out[lang] = err
    assert _zh_clean(out["zh"], [names_file or "", *zh_ok]), out["zh"]
    assert _en_clean(out["en"], [names_file or "", *en_ok]), out["en"]
    return out


def _payroll(xlsx, name="p.xlsx", sheets=("工资",)):
    return xlsx(name, {s: [["单位", "姓名", "应发合计"], ["一小", "王小明", 5000]] for s in sheets})


def test_a_sheet_that_is_not_there_and_too_many_sheets(run, xlsx, monkeypatch):
    p = _payroll(xlsx, sheets=("工资", "津贴"))
    _both(run, ["budget", p, "--as-of", AS_OF, "--sheet", "奖金"], "没有名为“奖金”的工作表；工作表有：工资, 津贴",
          "no sheet named '奖金'; sheets are: 工资, 津贴", names_file=p, en_ok=("奖金", "工资", "津贴"))
    monkeypatch.setenv("TTCALC_MAX_SHEETS", "1")
    out = _both(run, ["budget", p, "--as-of", AS_OF], "拒绝读取：工作簿有 2 个工作表（上限 1）",
                "refused: the workbook has 2 sheets (limit 1)", names_file=p)
    assert "TTCALC_MAX_SHEETS" in out["zh"] and "--sheet" in out["zh"]


def test_a_damaged_workbook_says_why_in_both_languages(run, tmp_path):
    p = tmp_path / "坏.xlsx"
    with zipfile.ZipFile(p, "w") as zf:  # a workbook part list, but no workbook: the reader cannot follow it
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='x' r:id='rId1'/></sheets>")
    r = {lang: run("budget", p, "--as-of", AS_OF, "--lang", lang) for lang in ("zh", "en")}
    assert r["zh"].code == r["en"].code == 2
    assert _zh_clean(r["zh"].stderr.strip(), [p]) and _en_clean(r["en"].stderr.strip(), [p]), \
        (r["zh"].stderr, r["en"].stderr)


@pytest.mark.parametrize("body, zh, en, ok", [
    ('[profile]\nid = "my"\nextends = "quangang-2022"\ncolour = "blue"\n',
     "profile.colour：未知的键（允许：", "profile.colour: unknown key (allowed: ", ()),
    ('[profile]\nid = "my"\nextends = "quangang-2022"\n[rules."fund.rate_min"]\nvalue = 0.015\nreason = "x"\n',
     "应为带引号的小数，如 \"0.015\"，实为 0.015（浮点数会丢失精度）",
     'expected a decimal string like "0.015", got 0.015 (a float loses exactness)', ()),
    ('[profile\n', "不是有效的 TOML 文件（第 1 行第 9 列）", "not valid TOML (line 1, column 9)", ()),
    ('[profile]\nid = "quangang-2022"\nextends = "quangang-2022"\n',
     "“quangang-2022”是内置配置的标识；请给你的配置另起一个标识",
     "'quangang-2022' is a built-in profile id; give your profile its own id", ()),
])
def test_a_bad_profile_file(run, tmp_path, xlsx, body, zh, en, ok):
    pol = tmp_path / "my.toml"
    pol.write_text(body, encoding="utf-8")
    p = _payroll(xlsx)
    allowed = ["advisory", "document", "effective_note", "effective", "extends", "issued", "issuer", "note", "scope",
               "source", "title", 'rules."fund.rate_min".value', *PROFILES]
    _both(run, ["budget", p, "--as-of", AS_OF, "--policy", pol], zh, en, zh_ok=allowed, names_file=pol)


def test_an_unknown_profile_names_the_built_in_ones(run, xlsx):
    p = _payroll(xlsx)
    _both(run, ["budget", p, "--as-of", AS_OF, "--policy", "nowhere-2020"], "未知的政策配置“nowhere-2020”：内置配置有",
          "unknown policy profile 'nowhere-2020': built-in profiles are", zh_ok=("nowhere-2020", *PROFILES))


def _log(tmp_path, rows):
    return make_xlsx(tmp_path / "log.xlsx", {"记录": [["姓名", "岗位", "活动类型", "日期", "天数", "节数"], *rows]})


def test_a_bad_cell_of_an_activity_log_names_file_sheet_row_column_not_the_person(run, tmp_path):
    path = _log(tmp_path, [["王小明", "教研员", "下校", "上周三"]])
    out = _both(run, ["duties", path, "--as-of", AS_OF], "[记录] 第 2 行，日期 列：应为日期或日期范围",
                "[记录] row 2, column 日期: expected a date or a date range", names_file=path,
                en_ok=("[记录]", "日期", "2024年3月5日", "'上*'", "'上周三'"))
    assert "王小明" not in out["zh"] + out["en"]
    path = _log(tmp_path, [["王小明", "教研员", "打球", "2024-03-05"]])
    out = _both(run, ["duties", path, "--as-of", AS_OF], "活动类型 列：应为活动类型（下校、听课",
                "column 活动类型: expected an activity type (下校, 听课", names_file=path,
                en_ok=("[记录]", "活动类型", "下校, 听课, 教研活动, 挂职, 示范课", "'打球'", "'打*'"))
    assert "王小明" not in out["zh"] + out["en"]


def test_an_activity_log_given_to_budget(run, tmp_path):
    path = _log(tmp_path, [["甲", "教研员", "下校", "2024-03-05", "2天"], ["乙", "教研员", "听课", "2024-03-06", None, "4节"]])
    _both(run, ["budget", path, "--as-of", AS_OF], "这是一份活动记录", "an activity log (", names_file=path,
          zh_ok=("ttcalc duties",), en_ok=("[记录]", "下校, 听课, 教研活动 …"))


def test_a_bad_calendar_line(run, tmp_path):
    path = _log(tmp_path, [["甲", "教研员", "下校", "2024-03-05", "2天"]])
    cal = tmp_path / "假日.txt"
    cal.write_text("2024-10-01\n国庆\n", encoding="utf-8")
    _both(run, ["duties", path, "--as-of", AS_OF, "--calendar", cal], f"--calendar {cal} 第 2 行：应为日期",
          f"--calendar {cal} line 2: expected a date", zh_ok=(cal,), en_ok=(cal, "'国庆'", "'国*'"))


def test_an_unknown_rating(run, tmp_path):
    path = make_csv(tmp_path / "名单.csv", [["地市", "机构名称", "评估等级", "评估时间"], ["甲市", "甲", "优秀", "2013-11-26"]])
    _both(run, ["institutions", path, "--as-of", AS_OF], "评估等级 列：应为评定等级（国家级示范",
          "column 评估等级: expected a rating (国家级示范", names_file=path,
          en_ok=("[名单]", "评估等级", "国家级示范, 省级示范, 标准化, 不达标", "'优秀'", "'优*'"))


@pytest.mark.parametrize("args, zh, en", [
    (["budget", "{p}", "--sector", "school"], "--sector school：应为以下之一：k12, university",
     "--sector school: expected one of k12, university"),
    (["budget", "{p}", "--sector", "university", "--policy", "quangang-2022"], "没有可计算的规则 fund.university_rate_min",
     "has no computable rule fund.university_rate_min"),
    (["hours", "{p}", "--school-type", "mars"], "--school-type mars：应为以下之一：", "--school-type mars: expected one of "),
    (["inspect", "{p}", "--kind", "menu"], "--kind menu：应为以下之一：", "--kind menu: expected one of "),
    (["hours", "{p}", "--cycle", "2026-2022"], "--cycle 2026-2022：应为“起始年-结束年”", "--cycle 2026-2022: expected START-END years"),
    (["budget", "{p}", "-o", "-"], "-o -：带注释的工作簿不能输出到标准输出", "-o -: the annotated workbook cannot go to standard output"),
    (["budget", "{p}", "-o", "{tmp}/out.csv"], "带注释的工作簿以 XLSX 格式写出：请命名为 out.xlsx",
     "the annotated workbook is written as .xlsx: name it out.xlsx"),
    (["budget", "{p}", "--format", "csv", "--table", "nope"], "--table nope：本报告的表有", "--table nope: this report has the tables"),
])
def test_option_errors(run, xlsx, tmp_path, args, zh, en):
    p = _payroll(xlsx)
    args = [a.format(p=p, tmp=tmp_path) for a in args] + (["--as-of", AS_OF] if args[0] != "inspect" else [])
    ids = ["k12", "university", "auto", "basic", "vocational", "payroll", "roster", "hours", "activities",
           "institutions", "school", "mars", "menu", "nope", "quangang-2022", "shanxi-2023", "checks", "figures",
           "by_unit", "by_person", "inputs", "warnings", "out.csv", "out.xlsx", str(tmp_path), "-o 测算表.xlsx"]
    _both(run, args, zh, en, zh_ok=ids, en_ok=("测算表.xlsx",))


def test_check_and_sample_errors(run, tmp_path, monkeypatch):
    _both(run, ["check", "--as-of", AS_OF], "请至少给出 --payroll", "check: give at least one of --payroll")
    d = tmp_path / "s"
    assert run("sample", d).code == 0
    for loc, has in (("zh_CN.UTF-8", "：文件已存在；如需替换请加 --overwrite"), ("en_US.UTF-8", ": already exists; add --overwrite")):
        monkeypatch.setenv("LC_ALL", loc)  # sample has no --lang: the locale words it
        r = run("sample", d)
        assert r.code == 2 and has in r.stderr and str(d / "payroll.xlsx") in r.stderr, r.stderr


def test_the_api_words_its_errors_in_either_language(tmp_path):
    import ttcalc

    with pytest.raises(InputError) as exc:
        ttcalc.budget(tmp_path / "p.xlsx", as_of="2024-13-01")
    assert exc.value.exit_code == 2
    assert exc.value.words("en") == "as_of='2024-13-01': expected a date like 2024-12-31"
    assert exc.value.words("zh") == "as_of='2024-13-01'：应为日期，如 2024-12-31"


def test_the_before_effective_warning_follows_the_language(run, xlsx):
    import json

    p = _payroll(xlsx)
    for lang, has in (("zh", " 的生效日期（"), ("en", "is before ")):
        r = run("budget", p, "--as-of", "2015-01-01", "--format", "json", "--lang", lang)
        warning = next(w for w in json.loads(r.stdout)["warnings"] if w["code"] == "before_effective")
        assert has in warning["message"], warning


def test_an_error_keeps_file_sheet_row_and_column_as_data(tmp_path):
    from ttcalc import api

    path = _log(tmp_path, [["王小明", "教研员", "下校", "上周三"]])
    with pytest.raises(InputError) as exc:
        api.duties(path, as_of=AS_OF)
    assert exc.value.where() == {"file": str(path), "sheet": "记录", "row": 2, "column": "日期"}
    assert exc.value.exit_code == 2 and "王小明" not in str(exc.value) + exc.value.words("zh")
