"""Spec §9, nothing leaked: no message, warning or log repeats a name or an ID number; --redact
masks every output; the exit-3 log is owner-only in the user's own folder; cell text never
reaches a terminal as escape sequences."""

from __future__ import annotations

import os
import stat

import pytest

NAME, PID = "徐明辉", "350521199001011234"
ROSTER_HEAD = ["单位", "姓名", "身份证号", "性别", "出生日期", "职称", "参加工作时间", "学历"]


@pytest.fixture
def roster(xlsx):
    return xlsx("r.xlsx", {"r": [ROSTER_HEAD,
                                 ["一小", "张三", "11010519491231002X", "男", PID, NAME, "2000-01-01", "本科"],
                                 ["一小", "李四", "110105195001010037", "女", "1950-01-01", "欧阳娜娜", "35052168143",
                                  "本科"]]})


@pytest.mark.parametrize("fmt", ["json", "table", "csv", "markdown"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_warnings_never_repeat_cell_text_that_is_a_person(run, roster, fmt, lang):
    ran = run("staffing", roster, "--format", fmt, "--lang", lang)
    text = ran.stdout + ran.stderr
    for secret in (NAME, PID, "欧阳娜娜", "35052168143"):
        assert secret not in text, secret


def test_redact_masks_warnings_too(run, roster):
    data = run("staffing", roster, "--format", "json", "--redact").json()
    text = str(data["warnings"])
    assert NAME not in text and PID not in text and "张三" not in str(data)


@pytest.mark.parametrize("cell", ["王小明", "欧阳娜娜", PID, "3.50521199001E+17"])
def test_errors_never_repeat_a_person(run, xlsx, cell):
    rows = [["单位", "姓名", "应发合计"], ["一小", "甲", cell]]
    ran = run("budget", "--lang", "en", xlsx("p.xlsx", {"工资": rows}))
    assert ran.code == 2
    assert cell not in ran.stderr and "row 2" in ran.stderr


def test_headerless_sheet_text_seen_masks_names(run, xlsx):
    rows = [["王小明", "李大红"], [PID, "欧阳娜娜"]]
    data = run("budget", xlsx("p.xlsx", {"说明": rows, "工资": [["姓名", "应发合计"], ["甲", 1]]}),
               "--format", "json").json()
    text = str(data["inputs"])
    for secret in ("王小明", "李大红", PID, "欧阳娜娜"):
        assert secret not in text


def test_mask_text_rules():
    from ttcalc.cells.privacy import mask_text

    assert mask_text("cannot read '3505…6814' as a date") == "cannot read '35**…****' as a date"
    assert "徐明辉" not in mask_text("title '徐明辉' not recognised")
    assert "王小明" not in mask_text('expected an amount in yuan, got "王小明"')
    assert mask_text("row 3: 12345678901234567.89 yuan") == "row 3: 12345678901234567.89 yuan"
    assert mask_text("no sheet named 'Sheet1'") == "no sheet named 'Sheet1'"
    assert mask_text("headers are: 姓名, 应发合计") == "headers are: 姓名, 应发合计"


def test_internal_error_log_is_private(run, monkeypatch, tmp_path):
    from ttcalc import api

    def boom(*a, **k):
        raise RuntimeError(f"failed on {NAME} {PID}")

    monkeypatch.setattr(api, "budget", boom)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    ran = run("budget", "x.xlsx")
    assert ran.code == 3
    assert NAME not in ran.stderr and PID not in ran.stderr
    logs = list((tmp_path / "state" / "ttcalc").iterdir())
    assert len(logs) == 1 and str(logs[0]) in ran.stderr
    assert stat.S_IMODE(os.stat(logs[0]).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(logs[0].parent).st_mode) == 0o700
    text = logs[0].read_text(encoding="utf-8")
    assert "RuntimeError" in text and NAME not in text and PID not in text
    assert not (tmp_path / "ttcalc-error.log").exists()


def test_internal_error_log_never_follows_a_symlink(run, monkeypatch, tmp_path):
    from ttcalc import api

    monkeypatch.setattr(api, "budget", lambda *a, **k: 1 / 0)
    state = tmp_path / "state"
    state.mkdir()
    victim = tmp_path / "victim"
    victim.mkdir()
    (state / "ttcalc").symlink_to(victim)  # planted by someone else
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    ran = run("budget", "x.xlsx")
    assert ran.code == 3
    assert list(victim.iterdir()) == []


@pytest.mark.parametrize("evil", ["\x1b]0;pwned\x07\x1b[2J一小", "\x1b[31m红\x1b[0m", "a\x9b31mb", "x\u202eevil"])
@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_escape_sequences_never_reach_the_terminal(run, tmp_path, evil, fmt):
    path = tmp_path / "p.csv"
    path.write_text(f"单位,姓名,应发合计\n{evil},甲,100\n二中,{evil},200\n", encoding="utf-8")
    ran = run("budget", path, "--format", fmt)
    assert ran.code in (0, 1)
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in ran.stdout


def test_a_warning_with_nothing_to_mask_is_not_copied_one_with_a_name_is():
    from ttcalc.cells.privacy import mask_warnings
    from ttcalc.core.msg import Msg

    plain = {"code": "id_checksum", "row": 5, "message": Msg("warning.id_checksum", {"file": "a.xlsx", "row": 5})}
    named = {"code": "x", "row": 6, "message": Msg("warning.x", {"file": "a.xlsx", "value": "张伟"})}
    out = mask_warnings([plain, named])
    assert out[0] is plain and out[0]["message"] is plain["message"]
    assert out[1] is not named and out[1]["message"].params["value"] != "张伟"
    assert named["message"].params["value"] == "张伟"  # the original is left as it was
