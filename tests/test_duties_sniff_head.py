"""refuse_log judges a file from its first rows only (issue 17): an .xlsx sheet's head streamed
from its XML, a text file's first bytes — the file is never read whole a second time."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from ttcalc.core.errors import InputError
from ttcalc.duties import sniff

HEAD = ["姓名", "职务", "活动类型", "日期", "天数"]
LOG = [("甲", "教研员", "下校", "2024-03-05", "2"), ("乙", "教研员", "听课", "2024-03-06", "1"),
       ("丙", "教研员", "教研活动", "2024-03-07", "1")]
PAY = [["姓名", "身份证号", "岗位工资", "应发合计"], ["甲", None, 3000, 5000], ["乙", None, 3100, 5100]]


def _no_full_read(*_a, **_k):
    raise AssertionError("read whole")


def xlsx(path, sheets):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path


@pytest.mark.parametrize("title", [False, True])
@pytest.mark.parametrize("where", [0, 1])  # the log as the first or the second sheet
def test_an_xlsx_log_is_refused_from_its_head(tmp_path, monkeypatch, where, title):
    monkeypatch.setattr(sniff, "sheets", _no_full_read)
    log = ([["2024年下校记录"]] if title else []) + [HEAD] + [list(r) for r in LOG] * 2000
    book = [("工资", PAY), ("记录", log)] if where else [("记录", log), ("工资", PAY)]
    path = xlsx(tmp_path / "a.xlsx", book)
    with pytest.raises(InputError, match="activity log.*ttcalc duties"):
        sniff.refuse_log([str(tmp_path)], "budget")
    assert "记录" in str(pytest.raises(InputError, sniff.refuse_log, [str(path)], "hours").value)


@pytest.mark.parametrize("encoding, sep", [("utf-8", ","), ("utf-8-sig", "\t"), ("gb18030", ","), ("utf-16", "\t")])
def test_a_text_log_is_refused_from_its_head(tmp_path, monkeypatch, encoding, sep):
    monkeypatch.setattr(sniff, "sheets", _no_full_read)
    lines = [sep.join(HEAD)] + [sep.join(r) for r in LOG] * 20_000  # well past the bytes peeked at
    path = tmp_path / "log.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    with pytest.raises(InputError, match="activity log"):
        sniff.refuse_log([str(path)], "budget")


def test_payrolls_and_mixed_logs_pass(tmp_path, monkeypatch):
    monkeypatch.setattr(sniff, "sheets", _no_full_read)
    xlsx(tmp_path / "pay.xlsx", [("工资", PAY)])
    mixed = [HEAD, *LOG[:1], *[("丁", "教师", "培训", "2024-03-08", "1")] * 3]  # visits a minority
    xlsx(tmp_path / "mixed.xlsx", [("记录", mixed)])
    (tmp_path / "pay.csv").write_text("\n".join(",".join(str(c or "") for c in r) for r in PAY) + "\n")
    sniff.refuse_log([str(tmp_path)], "budget")  # no error


def test_an_unreadable_file_is_left_to_the_reader(tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    sniff.refuse_log([str(tmp_path / "bad.xlsx")], "budget")  # the command's reader says what is wrong
