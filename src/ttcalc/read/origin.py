"""Where a sheet's unit (school) and month are written, when no column holds them.

A unit comes from, in order: a unit column; a title line naming a school ("XX区第二中学2024年
3月教职工工资发放表", "单位：泉港一小"); the sheet name when sheets are named by unit; the file
name (or its folder) last.  A month comes from a column, the sheet name, the file name, or a
title line.  Pure functions of text.
"""

from __future__ import annotations

import re
from pathlib import Path

from ttcalc.cells.text import squash

NO_UNIT = "（未注明单位）"

# what a school's or office's name ends with
_UNIT_END = ("学校", "中学", "小学", "幼儿园", "中心校", "中心小学", "学院", "完小", "学区", "教学点", "一中", "二中",
             "三中", "四中", "五中", "六中", "七中", "八中", "九中", "十中", "附中", "分校", "校区", "教育局", "进修学校",
             "职校", "职专", "特校", "高中", "初中", "九年制", "一小", "二小", "三小", "四小", "五小", "六小", "实小",
             "中专", "技校", "教研室", "教育中心", "幼儿园", "托儿所", "学校本部")
# words after which a title stops naming the unit
_TITLE_STOP = re.compile(r"(?:教职工|职工|教职员|教师|在职|在编|人员|工资|薪酬|薪资|绩效|花名册|名册|发放|统计|明细|汇总|"
                         r"培训|学时|登记|信息|基本情况|一览|台账)")
_DATE = re.compile(r"(?:(?:19|20)\d{2}\s*(?:年度|年|[-./_])?\s*(?:\d{1,2}\s*(?:月份|月)?)?|\d{1,2}\s*(?:月份|月))")
_LABEL = re.compile(r"(?<!金额)(?:单位名称|单位|学校名称|学校)\s*[:：]\s*([^\s:：]{2,40})")
_DEFAULT_SHEET = re.compile(r"(?i)^(?:sheet|工作表|表|页|table|tabelle|feuil)\s*\d*$")
_MONTH_FULL = re.compile(r"((?:19|20)\d{2})\s*(?:年|[-./_])\s*(\d{1,2})(?:\s*(?:月份|月)|(?!\d))")
_MONTH_ONLY = re.compile(r"(?<!\d)(\d{1,2})\s*(?:月份|月)")


def unit_in_title(lines: list[str]) -> str | None:
    """The school a title line names, or None."""
    for line in lines:
        text = squash(line)
        if not text:
            continue
        m = _LABEL.search(text)
        if m:
            return m.group(1)
        head = _TITLE_STOP.split(text, 1)[0]
        head = _DATE.sub("", head).strip("（）()·-_ ")
        if 2 <= len(head) <= 40 and head.endswith(_UNIT_END):
            return head
    return None


def unit_like(name: str) -> bool:
    text = squash(name)
    return 2 <= len(text) <= 40 and text.endswith(_UNIT_END)


def plain_sheet_name(name: str) -> bool:
    """A name that says nothing of a unit: Sheet1, 工作表2, a month, a year, 合计, 工资表 …"""
    text = squash(name)
    return (not text or bool(_DEFAULT_SHEET.match(text)) or month_in(text) is not None
            or bool(re.fullmatch(r"[\d\s._\-年月日份度]*", text)) or bool(_TITLE_STOP.search(text))
            or any(w in text for w in ("合计", "汇总", "全年", "说明", "备注", "目录", "封面", "总表")))


def month_in(text: str) -> str | None:
    """"2024年3月", "2024-03", "3月份" → "2024-03" / "03月"; None when no month is named."""
    t = squash(text)
    m = _MONTH_FULL.search(t)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{m.group(1)}-{int(m.group(2)):02d}"
    m = _MONTH_ONLY.search(t)
    if m and 1 <= int(m.group(1)) <= 12:
        return f"{int(m.group(1)):02d}月"
    return None


def unit_of_file(path) -> str:
    """The unit a file's name gives: its stem — unless the stem is a month or a date
    ("2024-01.xlsx"), then its folder when the folder is named like a school, else none."""
    p = Path(path)
    stem = p.stem
    if re.fullmatch(r"[\d\s._\-年月日份]*", stem) or re.search(r"\d{1,2}月", stem):
        folder = p.parent.name
        return folder if folder and unit_like(folder) else NO_UNIT
    return stem
