"""Issue 16, spec §4: the command line itself is bilingual — every command's --help (click's own
words too: Usage, Options, [default: …], metavars) and the usage errors are in the chosen
language: --lang, else the locale, else zh.  Help fits 80 columns; --help starts fast."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
import typer
from typer.testing import CliRunner

from ttcalc.cli import app
from ttcalc.cli.layout import cells, wrap
from ttcalc.cli.words import argv_lang, locale_lang

NO_LOCALE = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": None}


def _paths(command, prefix=()):
    yield list(prefix)
    for name, sub in getattr(command, "commands", {}).items():
        yield from _paths(sub, (*prefix, name))


PATHS = list(_paths(typer.main.get_command(app)))
IDS = [" ".join(p) or "ttcalc" for p in PATHS]


def _ids() -> set[str]:
    """Words that are ids, not English: command names, profile ids, option values, table names."""
    from ttcalc.policy.profile import builtin_ids

    return ({"ttcalc", "table", "json", "csv", "markdown", "zh", "en", "k12", "university", "auto", "vocational",
             "basic", "payroll", "roster", "hours", "activities", "institutions", "checks", "figures", "by_unit",
             "by_person", "inputs", "warnings", "budget", "staffing", "XLSX", "XLSM", "XLS", "ODS", "CSV", "TOML",
             "JSON"} | {n for p in PATHS for n in p} | set(builtin_ids()))


def _help(path, *extra, env=None) -> str:
    out = CliRunner().invoke(app, [*path, *extra, "--help"], env=env)
    assert out.exit_code == 0, (path, out.stdout, out.stderr)
    assert out.stdout.strip(), path
    return out.stdout


def _body(text: str, heading: str) -> str:
    """The help without its examples (command lines, kept as written)."""
    return text.split(f"\n{heading}\n")[0]


def _english_words(text: str) -> list[str]:
    text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", text)  # option names
    bad = []
    for token in re.findall(r"[A-Za-z][\w.\-]*", text):
        token = token.rstrip(".-")
        if "." in token or token in _ids() or len(re.findall(r"[A-Za-z]", token)) < 3:
            continue  # a file or dotted name, an id, no word
        bad.append(token)
    return bad


@pytest.mark.parametrize("path", PATHS, ids=IDS)
@pytest.mark.parametrize("how", ["--lang", "LANG"])
def test_help_in_chinese_has_no_english_words(path, how):
    text = _help(path, "--lang", "zh") if how == "--lang" else _help(path, env={**NO_LOCALE, "LANG": "zh_CN.UTF-8"})
    assert text.startswith("用法：ttcalc") and "选项：" in text, text
    assert _english_words(_body(text, "示例：")) == [], text


@pytest.mark.parametrize("path", PATHS, ids=IDS)
@pytest.mark.parametrize("how", ["--lang", "LANG"])
def test_help_in_english_has_no_chinese(path, how):
    text = _help(path, "--lang", "en") if how == "--lang" else _help(path, env={**NO_LOCALE, "LANG": "en_US.UTF-8"})
    assert text.startswith("Usage: ttcalc") and "Options:" in text and "Show this message and exit." in text, text
    body = _body(text, "Examples:")
    assert not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", body), body
    for line in text.split("\nExamples:\n")[1].splitlines() if "\nExamples:\n" in text else ():
        assert line.strip().startswith("ttcalc "), line  # example command lines only


def test_no_locale_means_chinese_and_the_locale_wins_over_nothing():
    assert "选项：" in _help(["budget"], env=NO_LOCALE)
    assert "Options:" in _help(["budget"], env={**NO_LOCALE, "LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"})
    assert "选项：" in _help(["budget"], env={**NO_LOCALE, "LANG": "C"})
    assert "Options:" in _help(["budget"], "--lang", "en", env={**NO_LOCALE, "LANG": "zh_CN.UTF-8"})
    assert "选项：" in _help(["budget"], "--lang", "zh", env={**NO_LOCALE, "LANG": "en_US.UTF-8"})


def test_the_words_click_writes_itself_are_translated():
    zh = _help(["budget"], "--lang", "zh")
    for word in ("用法：ttcalc budget [选项] 文件...", "参数：", "选项：", "示例：", "[默认：table]", "[必填]",
                 "--as-of 日期", "-f, --format [table|json|csv|markdown]", "显示本帮助并退出。"):
        assert word in zh, (word, zh)
    en = _help(["budget"], "--lang", "en")
    for word in ("Usage: ttcalc budget [OPTIONS] FILE...", "Arguments:", "[default: table]", "[required]",
                 "--as-of DATE", "Examples:"):
        assert word in en, (word, en)
    assert "命令：" in _help([], "--lang", "zh") and "Commands:" in _help([], "--lang", "en")
    assert "<str>" not in en and "list[str]" not in en and "{files}" not in en  # Typer's own metavars


@pytest.mark.parametrize("path", PATHS, ids=IDS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_fits_80_columns(path, lang):
    text = _help(path, "--lang", lang)
    wide = [line for line in text.splitlines() if cells(line) > 80]
    assert not wide, wide


def _commands(command, prefix=()):
    yield prefix, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*prefix, name))


def test_every_command_and_parameter_has_its_words_in_both_catalogs():
    from ttcalc.cli.surface import key_of
    from ttcalc.cli.words import help_text

    missing = []
    for lang in ("zh", "en"):
        for path, command in _commands(typer.main.get_command(app)):
            key = key_of(command)
            if not help_text(f"command.{key}", lang) or not help_text(f"brief.{key}", lang):
                missing.append((lang, key))
            for param in command.params:
                if not (help_text(f"own.{key}.{param.name}", lang) or help_text(f"option.{param.name}", lang)):
                    missing.append((lang, key, param.name))
                takes_value = param.param_type_name == "argument" or not getattr(param, "is_flag", False)
                choices = getattr(getattr(param, "type_descriptor", None), "choices", None)
                if takes_value and not choices and not help_text(f"metavar.{param.name}", lang):
                    missing.append((lang, key, param.name, "metavar"))
    assert not missing, missing


@pytest.mark.parametrize("args,zh,en", [
    (["budget", "--bogus"], "没有这个选项：--bogus", "No such option: --bogus"),
    (["policies", "show"], "缺少参数：配置", "Missing argument PROFILE"),
    (["budget", "x.xlsx", "--format", "xml"], "的值无效：'xml'", "Invalid value for --format / -f: 'xml'"),
    (["budgte"], "没有这个命令：budgte。是不是 budget？", "No such command 'budgte'. Did you mean 'budget'?"[:31]),
    (["sample", "a", "b"], "多出了参数（b）", "Got unexpected extra argument(s) (b)"),
    (["budget", "x.xlsx", "--as-of"], "选项 --as-of 需要一个值", "Option --as-of requires a value"),
    (["budget", "x.xlsx", "--quiet=yes"], "选项 --quiet 不带值", "Option --quiet does not take a value"),
])
def test_usage_errors_are_one_worded_line_and_exit_2(args, zh, en):
    runner = CliRunner()
    out = runner.invoke(app, args, env=NO_LOCALE)
    assert out.exit_code == 2 and out.stdout == "", out.stdout
    line = out.stderr.strip()
    assert len(line.splitlines()) == 1 and line.startswith("ttcalc: ") and zh in line, line
    said = line.split("帮助：")[0].removeprefix("ttcalc: ")
    for arg in args:  # what the user typed is quoted as typed
        said = re.sub(rf"(?<![\w-]){re.escape(arg)}(?![\w-])", " ", said)
    assert "帮助：ttcalc" in line and not _english_words(said), line
    out = runner.invoke(app, ["--lang", "en", *args], env=NO_LOCALE)
    assert out.exit_code == 2 and en in out.stderr and "(see ttcalc" in out.stderr, out.stderr


def test_usage_error_from_the_console_script_is_chinese_by_default():
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")}
    out = subprocess.run([sys.executable, "-m", "ttcalc", "budget", "--bogus"], check=False, capture_output=True, text=True, env=env)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip() == "ttcalc: 没有这个选项：--bogus（帮助：ttcalc budget --help）", out.stderr


def test_root_lang_applies_to_the_command_below():
    out = CliRunner().invoke(app, ["--lang", "en", "policies", "show"], env=NO_LOCALE)
    assert out.exit_code == 2 and "Missing argument" in out.stderr
    listed = CliRunner().invoke(app, ["--lang", "en", "policies", "--format", "markdown"], env=NO_LOCALE)
    assert listed.exit_code == 0 and "| Profile |" in listed.stdout, listed.stdout
    for lang, said in (("zh", "ttcalc: 缺少命令。（帮助：ttcalc --help）"), ("en", "ttcalc: Missing command. (see ttcalc --help)")):
        alone = CliRunner().invoke(app, ["--lang", lang], env=NO_LOCALE)
        assert alone.exit_code == 2 and alone.stderr.strip() == said, alone.stderr


def test_the_log_line_is_worded_in_the_runs_language(samples):
    runner = CliRunner()
    zh = runner.invoke(app, ["budget", str(samples / "payroll.xlsx"), "--format", "json"], env=NO_LOCALE)
    assert re.search(r"^ttcalc budget: \d+ 项核查，\d+ 项不合格，\d+ 项未能完全核查，\d+ 条警告，用时 [\d.]+ 秒$",
                     zh.stderr.strip()), zh.stderr
    en = runner.invoke(app, ["budget", str(samples / "payroll.xlsx"), "--format", "json", "--lang", "en"])
    assert re.search(r"^ttcalc budget: \d+ checks, \d+ failed, \d+ not fully checked, \d+ warnings, [\d.]+ s$",
                     en.stderr.strip()), en.stderr
    empty = runner.invoke(app, ["budget", "-"], input=b"", env=NO_LOCALE)
    assert empty.exit_code == 2 and "标准输入是空的" in empty.stderr, empty.stderr


def test_version_and_completion_still_work():
    runner = CliRunner()
    assert runner.invoke(app, ["-V"]).stdout.startswith("ttcalc ")
    assert runner.invoke(app, ["--version", "--lang", "zh"]).stdout.startswith("ttcalc ")
    env = {**os.environ, "_TTCALC_COMPLETE": "complete_bash", "COMP_WORDS": "ttcalc bud", "COMP_CWORD": "1"}
    out = subprocess.run([sys.executable, "-c", "import sys; sys.argv[0] = 'ttcalc'; from ttcalc.cli import main; main()"],
                         check=False, capture_output=True, text=True, env=env)
    assert out.returncode == 0 and "budget" in out.stdout, (out.stdout, out.stderr)


def test_a_bug_while_parsing_or_helping_is_one_line_exit_3(monkeypatch):
    from ttcalc.cli import surface

    def boom(*args):
        raise KeyError("x")

    monkeypatch.setattr(surface.Words, "format_options", boom)
    out = CliRunner().invoke(app, ["budget", "--help"], env=NO_LOCALE)
    assert out.exit_code == 3 and out.stderr.startswith("ttcalc: 内部错误：KeyError") and "Traceback" not in out.stderr


def test_language_from_argv_and_locale():
    assert argv_lang(["budget", "--lang", "en", "x"]) == "en" and argv_lang(["--lang=zh"]) == "zh"
    assert argv_lang(["budget", "--", "--lang", "en"]) is None and argv_lang(["--lang", "fr"]) is None
    assert argv_lang(["--map", "--lang"]) is None


def test_locale_lang(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert locale_lang() == "zh"  # no locale: zh (Python's own C.UTF-8 is not a choice of language)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert locale_lang() == "en"
    monkeypatch.setenv("LC_MESSAGES", "zh_TW.UTF-8")
    assert locale_lang() == "zh"
    monkeypatch.setenv("LC_ALL", "POSIX")
    assert locale_lang() == "zh"


def test_wrap_breaks_between_cjk_characters_never_before_a_closing_mark():
    text = wrap("一二三四五，六七八（九）。", 10)
    assert all(cells(line) <= 10 for line in text.splitlines())
    assert not any(line[0] in "，。）" for line in text.splitlines()), text
    assert wrap("abc defgh ij", 9) == "abc defgh\nij"


@pytest.mark.slow
def test_help_starts_fast():
    exe = os.path.join(os.path.dirname(sys.executable), "ttcalc")
    cmd = [exe] if os.path.exists(exe) else [sys.executable, "-m", "ttcalc"]
    times = []
    for args in (["--help"], ["budget", "--help"], ["--help"], ["budget", "--help", "--lang", "en"], ["--help"]):
        started = time.perf_counter()
        done = subprocess.run([*cmd, *args], check=False, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        assert done.returncode == 0 and done.stdout
    assert min(times) < 0.3, times  # the fastest of five: what start-up costs, not what a busy machine adds
