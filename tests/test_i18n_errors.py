"""Input errors of the read layer, the budget inputs and the staffing command are message codes:
worded in --lang (Chinese with no English word, or the English of before), one line naming the
file (and sheet), exit 2."""

from __future__ import annotations

import re
import zipfile

import pytest

from ttcalc.core.errors import InputError

AS_OF = "2026-12-31"
LATIN_WORD = re.compile(r"\b[a-z]{3,}\b")


def _no_english(line: str, *allowed: str) -> bool:
    """No lowercase English word outside the file path, options and names like TTCALC_…"""
    line = line.removeprefix("ttcalc: ")
    for a in allowed:
        line = line.replace(str(a), "")
    line = re.sub(r"--[a-z-]+|[A-Za-z_]+\.[A-Za-z_.]+|\b[A-Z_]{2,}\b", "", line)
    return not LATIN_WORD.search(line)


def _both(run, args, path, zh_has: str, en_has: str, allowed=()):
    """Run the command in zh and in en: exit 2, one line naming `path`, the words expected."""
    out = {}
    for lang, has in (("zh", zh_has), ("en", en_has)):
        r = run(*args, "--lang", lang)
        assert r.code == 2, (lang, r.code, r.stdout, r.stderr)
        err = r.stderr.strip()
        assert "\n" not in err and err.startswith("ttcalc: "), err
        assert "Traceback" not in err
        if path is not None:
            assert str(path) in err, err
        assert has in err, (lang, err)
        out[lang] = err
    assert _no_english(out["zh"], path or "", *allowed), out["zh"]
    return out


def _budget(p):
    return ["budget", p, "--as-of", AS_OF]


@pytest.mark.parametrize("name, content, zh, en", [
    ("a.pdf", b"%PDF-1.4 whatever", "是 PDF 文件，不是表格", "a PDF, not a spreadsheet"),
    ("b.slk", b"ID;P\r\n", "不支持 SYLK 文件", "SYLK (.slk) files are not supported"),
    ("c.docx", b"PK\x03\x04 not really", "是 Word 文档", "a Word document, not a spreadsheet"),
    ("d.fods", b"<?xml version='1.0'?>", "不支持平面 ODS 文件", "flat ODS (.fods) is not supported"),
])
def test_a_foreign_format_by_its_name(run, tmp_path, name, content, zh, en):
    p = tmp_path / name
    p.write_bytes(content)
    _both(run, _budget(p), p, zh, en)


@pytest.mark.parametrize("head, zh, en", [
    (b"<?xml version='1.0'?><root/>", "不是 Excel 2003 XML", "an XML file that is not Excel 2003 XML"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\n", "网页存档（MHT）",
     "a web archive (MHT) saved with an Excel name"),
    (b"ID;PWXL;N;E\r\nC;Y1;X1;K1\r\n", "SYLK 或 DIF 文本", "SYLK or DIF text saved with an Excel name"),
    (b"\x00\x01\x02\x03\x04binary\xff\xfe" * 20, "内容不是 Excel 或 ODS 工作簿", "the content is not an Excel or ODS workbook"),
])
def test_a_file_with_an_excel_name_that_is_no_workbook(run, tmp_path, head, zh, en):
    p = tmp_path / "工资.xls"
    p.write_bytes(head)
    _both(run, _budget(p), p, zh, en)


def test_zip_files_that_are_no_workbook(run, tmp_path):
    p = tmp_path / "ppt.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("ppt/presentation.xml", "<p/>")
    _both(run, _budget(p), p, "是 PowerPoint 文件，不是表格", "a PowerPoint file, not a spreadsheet")
    q = tmp_path / "nothing.xlsx"
    with zipfile.ZipFile(q, "w") as zf:
        zf.writestr("readme.txt", "hello")
    _both(run, _budget(q), q, "压缩包，其中没有工作簿", "a zip archive without a workbook inside")
    r = tmp_path / "cut.xlsx"
    r.write_bytes(p.read_bytes()[:40])
    _both(run, _budget(r), r, "文件不完整或已损坏", "truncated or damaged file")


def test_an_encrypted_part_and_an_encrypted_package(run, tmp_path):
    p = tmp_path / "enc.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("EncryptedPackage", "x")
        zf.writestr("[Content_Types].xml", "<Types/>")
    _both(run, _budget(p), p, "受密码保护的工作簿，请先在 Excel 中取消密码", "password-protected workbook")


def test_a_folder_given_as_a_file_and_a_device(run, tmp_path):
    from ttcalc.read import limits

    with pytest.raises(InputError) as exc:
        limits.regular_file(tmp_path)
    assert exc.value.words("zh").endswith("是文件夹") and str(exc.value).endswith(": is a folder")
    with pytest.raises(InputError) as exc:
        limits.regular_file(__import__("pathlib").Path("/dev/null"))
    zh = exc.value.words("zh")
    assert "不是普通文件" in zh and _no_english(zh, "/dev/null")
    assert str(exc.value) == "/dev/null: not a regular file (a device, pipe or socket): refused"


def test_a_text_file_over_the_cap_and_a_bad_cap(run, tmp_path, monkeypatch):
    p = tmp_path / "big.csv"
    p.write_text("单位,姓名,应发合计\n" + "一小,王小明,5000\n" * 80000, encoding="utf-8")
    monkeypatch.setenv("TTCALC_MAX_CSV_MB", "1")
    out = _both(run, _budget(p), p, "拒绝读取：文本文件大小为", "refused: the text file is", ("TTCALC_MAX_CSV_MB",))
    assert "TTCALC_MAX_CSV_MB" in out["zh"] and "MB" in out["en"]
    monkeypatch.setenv("TTCALC_MAX_CSV_MB", "lots")
    _both(run, _budget(p), None, "应为非负整数", "TTCALC_MAX_CSV_MB=lots: expected a whole number (default",
          ("lots",))


def test_a_zip_bomb_ratio(tmp_path, monkeypatch):
    from ttcalc.read import limits

    monkeypatch.setattr(limits, "RATIO_FROM", 1 << 20)
    p = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\x00" * (4 << 20))
    lim = limits.Limits(**{**limits.current().__dict__, "ratio": 50})
    with zipfile.ZipFile(p) as zf, pytest.raises(InputError) as exc:
        limits.check_zip(p, zf, lim)
    en, zh = str(exc.value), exc.value.words("zh")
    assert en.startswith(f"{p}: refused: the part xl/worksheets/sheet1.xml would unpack from ") and \
        "to 4 MB (" in en and en.endswith("a zip bomb or a damaged file; raise TTCALC_MAX_ZIP_RATIO if it is genuine")
    assert "部件 xl/worksheets/sheet1.xml 将从" in zh and "解压为 4 MB" in zh and "可能是压缩炸弹或损坏的文件" in zh
    assert _no_english(zh, p, "xl/worksheets/sheet1.xml")


def test_the_sheet_size_words_in_both_languages():
    from ttcalc.read import limits

    lim = limits.Limits(**{**limits.current().__dict__, "cells": 100}) if hasattr(limits.current(), "__dict__") \
        else None
    if lim is None:
        pytest.skip("Limits is not a plain dataclass")
    for how, zh_how in (("", ""), (" or more", "或更多"), (" (counting its repeats)", "（计入重复单元格）")):
        with pytest.raises(InputError) as exc:
            limits.check_cells("f.xlsx", "工资", 1000, 10, lim, how)
        en, zh = str(exc.value), exc.value.words("zh")
        assert en.startswith(f"f.xlsx [工资]: refused: the sheet would span 1,000 rows × 10 columns = 10,000 cells{how} ")
        assert zh.startswith(f"f.xlsx [工资]：拒绝读取：该工作表将达 1,000 行 × 10 列 = 10,000 个单元格{zh_how}（上限 100）")
        assert _no_english(zh, "f.xlsx")


def test_csv_problems(run, tmp_path):
    p = tmp_path / "bin.csv"
    p.write_bytes(b"a,b\x00\x01,c\n" * 10)
    _both(run, _budget(p), p, "文本文件中含有二进制内容", "binary content in a text file")
    q = tmp_path / "wide.csv"
    q.write_text(",".join(["x"] * 20000) + "\n", encoding="utf-8")
    _both(run, _budget(q), q, "分隔符不对", "a line has 20,000 fields")


def test_web_page_and_excel_2003_xml_without_data(run, tmp_path):
    p = tmp_path / "export.xls"
    p.write_text("<html><body><p>没有数据</p></body></html>", encoding="utf-8")
    _both(run, _budget(p), p, "网页（HTML）中没有表格", "a web page (HTML) without a table: no data to read")
    q = tmp_path / "x2003.xls"
    q.write_text('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
                 'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>', encoding="utf-8")
    _both(run, _budget(q), q, "Excel 2003 XML 中没有工作表", "Excel 2003 XML without a worksheet")
    r = tmp_path / "dtd.xls"
    r.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Workbook '
                 'xmlns="urn:schemas-microsoft-com:office:spreadsheet">&a;</Workbook>', encoding="utf-8")
    _both(run, _budget(r), r, "声明了实体（DTD）", "the XML declares entities (a DTD)")


def test_a_budget_sheet_without_the_amount(run, tmp_path, xlsx):
    sheet = xlsx("预算.xlsx", {"预算": [["项目", "金额"], ["办公费", 1000]]})
    pay = xlsx("p.xlsx", {"工资": [["单位", "姓名", "应发合计"], ["一小", "王小明", 5000]]})
    _both(run, [*_budget(pay), "--budgeted", sheet], sheet, "没有找到教师培训经费金额", "no training-fund amount found")


def test_staffing_errors(run, tmp_path, xlsx):
    p = xlsx("r.xlsx", {"名单": [["单位", "姓名", "备注"], ["一小", "王小明", "无"]]})
    out = _both(run, ["staffing", p, "--as-of", AS_OF], p, "不是花名册", "not a roster", ("名单",))
    assert "[名单]" in out["zh"] and "王小明" not in out["zh"] + out["en"]
    assert "专业技术职务、岗位类别、最高学历、专职/兼职 或 调入时间" in out["zh"]
    assert "专业技术职务, 岗位类别, 最高学历, 专职/兼职 or 调入时间 column" in out["en"]
    r = run("sample", tmp_path / "s")
    assert r.code == 0
    _both(run, ["staffing", tmp_path / "s" / "roster.xlsx", "--as-of", AS_OF, "--hired-since", "2027-01-01"], None,
          "--hired-since 2027-01-01 晚于 --as-of 2026-12-31", "--hired-since 2027-01-01 is after --as-of 2026-12-31")


def test_the_graduate_check_reason_is_a_code():
    from ttcalc.output.i18n import localize
    from ttcalc.policy.profile import load_profile
    from ttcalc.staffing.checks import graduate_check

    check = graduate_check(load_profile("district-2021"), {"counts": {"graduates": None}}, "en", {})
    assert check.reason.code == "staffing.reason.no_education"
    assert localize({"r": check.reason}, "zh")["r"] == "花名册没有学历列"
    assert localize({"r": check.reason}, "en")["r"] == "the roster has no 学历 (education) column"


def test_a_file_the_system_will_not_open_says_why_in_both_languages(run, tmp_path):
    import os

    if os.geteuid() == 0:
        p = tmp_path / "loop.csv"  # root reads any file: a symlink loop is the refusal to show
        p.symlink_to(tmp_path / "loop.csv")
        zh_why, en_why = "符号链接层数过多", "Too many levels of symbolic links"
    else:
        p = tmp_path / "locked.csv"
        p.write_text("单位,姓名,应发合计\n一小,王小明,5000\n", encoding="utf-8")
        p.chmod(0)
        zh_why, en_why = "没有访问权限", "Permission denied"
    out = _both(run, _budget(p), p, f"无法读取（{zh_why}）", f": cannot be read ({en_why})")
    assert "王小明" not in out["zh"] + out["en"]
