"""`ttcalc sample DIR`: realistic, messy sample workbooks to try every command on.

They carry what real files carry (spec §3): a title line, a two-row header with merged
group cells, text numbers, subtotal and total rows, a note under the table, a notes sheet,
a per-unit summary sheet, old and new title names, IDs without birth dates, a 15-digit ID,
part-time teachers on a sheet of their own.  Content is fixed (seeded), so the files are
the same every time.
"""

from __future__ import annotations

import os
import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from ttcalc.cells.idcard import check_char

UNITS = ["泉港区第一小学", "泉港区第二中学", "泉港区实验幼儿园", "泉港区职业中专学校"]
SURNAMES = "陈林黄张李王吴刘蔡杨郑许谢洪郭邱曾廖赖徐周叶苏庄吕江何"
GIVEN = ["建华", "丽娟", "志强", "秀英", "晓燕", "文杰", "美玲", "国平", "雅婷", "俊杰", "海峰", "淑芬",
         "少华", "玉兰", "明辉", "春梅", "伟东", "慧敏", "振宇", "丽华", "思远", "婉清", "永福", "碧霞"]


def _id(rng: random.Random, born: date, male: bool) -> str:
    body = "350505" + born.strftime("%Y%m%d") + f"{rng.randint(10, 99)}" + str(rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8]))
    return body + check_char(body)


def _person(rng: random.Random, i: int, born_from: int = 1966, born_to: int = 1998):
    name = rng.choice(SURNAMES) + GIVEN[(i * 7 + rng.randint(0, 23)) % len(GIVEN)]
    born = date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
    male = rng.random() < 0.45
    return name, born, male, _id(rng, born, male)


NAMES = ("payroll.xlsx", "roster.xlsx", "hours.xlsx")


def write_all(directory: Path, overwrite: bool = False) -> list[Path]:
    """The three samples in `directory`; an existing file there is replaced only with
    `overwrite` (refused before anything is written)."""
    from ttcalc.core.errors import InputError
    from ttcalc.core.msg import msg

    directory = Path(directory)
    existing = [directory / n for n in NAMES if os.path.lexists(directory / n)]
    if existing and not overwrite:
        raise InputError(msg("output.error.exists", file=str(existing[0])))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from ttcalc.read.limits import os_why

        raise InputError(msg("output.refuse.no_folder", folder=str(directory), why=os_why(exc))) from None
    _OVERWRITE[0] = overwrite
    return [write_payroll(directory / "payroll.xlsx"), write_roster(directory / "roster.xlsx"),
            write_hours(directory / "hours.xlsx"), write_activities(directory / "activities.xlsx"),
            write_institutions(directory / "institutions.xlsx")]


_OVERWRITE = [False]


def _save(wb, path: Path) -> Path:
    from datetime import datetime

    from ttcalc.output.safeio import atomic_path

    stamp = datetime(2026, 1, 1)  # fixed, so the samples are the same bytes every time
    wb.properties.creator = "ttcalc sample"
    wb.properties.created = stamp
    wb.properties.modified = stamp

    with atomic_path(path, overwrite=_OVERWRITE[0]) as tmp:
        wb.save(tmp)
    return path


def _title(ws, text: str, width: int) -> None:
    from openpyxl.styles import Alignment, Font

    ws.cell(1, 1, text).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)


def write_payroll(path: Path) -> Path:
    """Twelve monthly sheets of 2025, a notes sheet and a per-unit summary sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    rng = random.Random(20250101)
    people = []
    for i in range(48):
        name, born, male, pid = _person(rng, i)
        unit = UNITS[i % len(UNITS)]
        base = Decimal(rng.randrange(180000, 420000, 5)) / 100
        people.append((unit, name, pid, base))
    people[5] = (people[5][0], people[5][1], people[5][2][:6] + people[5][2][8:17], people[5][3])  # 15-digit ID
    people[9] = (people[9][0], people[9][1], people[9][2][:17] + people[9][2][17].lower(), people[9][3])
    people.sort(key=lambda p: UNITS.index(p[0]))
    wb = Workbook()
    notes = wb.active
    notes.title = "填表说明"
    for r, line in enumerate(["填表说明", "1. 本表为 2025 年度教职工工资发放明细，每月一张工作表。",
                              "2. 应发合计 = 工资项目之和；实发工资 = 应发合计 − 代扣项目。",
                              "3. 金额单位：元。"], start=1):
        notes.cell(r, 1, line)
    comps = ["岗位工资", "薪级工资", "基础性绩效", "奖励性绩效", "津贴补贴"]
    deds = ["公积金", "养老保险", "职业年金", "医保", "个税"]
    width = 4 + len(comps) + 1 + len(deds) + 1
    bold = Font(bold=True)
    for month in range(1, 13):
        ws = wb.create_sheet(f"{month}月")
        _title(ws, f"2025年泉港区教职工工资发放表（{month}月）", width)
        ws.cell(2, 1, "单位：泉港区教育局　　　　　　　　金额单位：元")
        top, sub = 3, 4
        for c, h in enumerate(["序号", "单位", "姓  名", "身份证号"], start=1):
            ws.cell(top, c, h).font = bold
            ws.merge_cells(start_row=top, start_column=c, end_row=sub, end_column=c)
        c0 = 5
        ws.cell(top, c0, "工资项目").font = bold
        ws.merge_cells(start_row=top, start_column=c0, end_row=top, end_column=c0 + len(comps) - 1)
        for j, h in enumerate(comps):
            ws.cell(sub, c0 + j, h).font = bold
        cg = c0 + len(comps)
        ws.cell(top, cg, "应发合计（元）").font = bold
        ws.merge_cells(start_row=top, start_column=cg, end_row=sub, end_column=cg)
        cd = cg + 1
        ws.cell(top, cd, "代扣项目").font = bold
        ws.merge_cells(start_row=top, start_column=cd, end_row=top, end_column=cd + len(deds) - 1)
        for j, h in enumerate(deds):
            ws.cell(sub, cd + j, h).font = bold
        cn = cd + len(deds)
        ws.cell(top, cn, "实发工资").font = bold
        ws.merge_cells(start_row=top, start_column=cn, end_row=sub, end_column=cn)
        for row in ws.iter_rows(min_row=top, max_row=sub):
            for cell in row:
                cell.alignment = Alignment(horizontal="center", vertical="center")
        r = sub + 1
        grand = Decimal(0)
        for u, unit in enumerate(UNITS):
            sub_total = Decimal(0)
            for k, (punit, name, pid, base) in enumerate(p for p in people if p[0] == unit):
                parts = [base * Decimal("0.32"), base * Decimal("0.18"), base * Decimal("0.28"),
                         Decimal(rng.randrange(0, 90000, 5)) / 100 if month in (6, 12) else base * Decimal("0.07"),
                         Decimal("386.00")]
                parts = [p.quantize(Decimal("0.01")) for p in parts]
                gross = sum(parts)
                ded = [(gross * Decimal(x)).quantize(Decimal("0.01")) for x in ("0.12", "0.08", "0.04", "0.02", "0.015")]
                net = gross - sum(ded)
                seq = sum(1 for p in people[: people.index((punit, name, pid, base))]) + 1
                ws.cell(r, 1, seq)
                ws.cell(r, 2, unit)
                ws.cell(r, 3, name)
                ws.cell(r, 4, pid).number_format = "@"
                for j, v in enumerate(parts):
                    ws.cell(r, c0 + j, float(v))
                g: object = float(gross)
                if (r + month) % 17 == 0:
                    g = f"{gross:,.2f}"  # a number stored as text, with thousands separators
                elif (r + month) % 23 == 0:
                    g = "￥" + str(gross)
                elif (r + month) % 29 == 0:
                    g = str(gross).translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
                ws.cell(r, cg, g)
                for j, v in enumerate(ded):
                    ws.cell(r, cd + j, float(v))
                ws.cell(r, cn, float(net))
                sub_total += gross
                r += 1
            ws.cell(r, 2, f"{unit} 小计")
            ws.cell(r, cg, float(sub_total)).font = bold
            r += 1
            grand += sub_total
            del u, k
        r += 1  # a blank row before the total
        ws.cell(r, 1, "合  计").font = bold
        ws.cell(r, cg, float(grand)).font = bold
        ws.cell(r + 2, 1, "注：应发合计含绩效工资；代扣项目为个人缴纳部分。")
        ws.cell(r + 3, 1, "制表人：林晓燕　　审核：陈建华")
        ws.column_dimensions["B"].width = 22
        ws.column_dimensions["D"].width = 21
    summary = wb.create_sheet("汇总")
    _title(summary, "2025年各单位工资汇总", 3)
    summary.append(["单位", "人数", "应发合计"])
    for unit in UNITS:
        summary.append([unit, sum(1 for p in people if p[0] == unit), None])
    return _save(wb, path)


TITLES_FULL = ["正高级教师", "高级教师", "中学高级教师", "高级讲师", "一级教师", "中学一级教师", "小学高级教师",
               "讲师", "二级教师", "小学一级教师", "未评"]


def write_roster(path: Path) -> Path:
    """The training school's staff, and its part-time teachers on a sheet of their own."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rng = random.Random(19491001)
    wb = Workbook()
    ws = wb.active
    ws.title = "在职教职工"
    headers = ["序号", "姓名", "性别", "身份证号", "出生年月", "参加工作时间", "调入本校时间", "调出时间",
               "最高学历", "专业技术职务", "岗位类别", "专职/兼职", "任教学科", "荣誉称号"]
    _title(ws, "泉港区教师进修学校教职工花名册（截至2026年9月）", len(headers))
    for c, h in enumerate(headers, start=1):
        ws.cell(2, c, h).font = Font(bold=True)
    titles = (["正高级教师"] * 2 + ["高级教师"] * 9 + ["中学高级教师"] * 5 + ["高级讲师"] * 1 + ["一级教师"] * 6
              + ["中学一级教师"] * 3 + ["小学高级教师"] * 4 + ["讲师"] * 1 + ["二级教师"] * 2 + ["小学一级教师"] * 1
              + ["未评"] * 1)
    edu = ["硕士研究生", "大学本科", "本科", "大学本科", "研究生", "大学本科", "大专", "函授本科"]
    subjects = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "政治", "音乐", "体育", "美术", "信息技术"]
    r = 3
    for i, title in enumerate(titles):
        name, born, male, pid = _person(rng, i, 1966, 1992)
        joined = date(rng.randint(2004, 2025), rng.choice([3, 9]), 1)
        started = date(max(born.year + 21, 1986), 8, 1)
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, name)
        ws.cell(r, 3, "男" if male else "女")
        ws.cell(r, 4, pid).number_format = "@"
        if i % 4:  # a quarter of the rows leave the birth date to the ID
            ws.cell(r, 5, born.strftime("%Y.%m") if i % 3 else born.strftime("%Y%m%d"))
        ws.cell(r, 6, started.strftime("%Y年%m月"))
        ws.cell(r, 7, joined)
        ws.cell(r, 7).number_format = "yyyy-mm-dd"
        ws.cell(r, 9, edu[i % len(edu)])
        ws.cell(r, 10, title)
        ws.cell(r, 11, "专任教师")
        ws.cell(r, 12, "专职")
        ws.cell(r, 13, subjects[i % len(subjects)])
        if i == 3:
            ws.cell(r, 14, "特级教师")
        elif i in (5, 12):
            ws.cell(r, 14, "市级学科带头人")
        r += 1
    others = [("管理人员", "高级教师"), ("管理人员", "一级教师"), ("教辅人员", "未评"), ("教辅人员", "助理馆员"),
              ("工勤人员", ""), ("工勤人员", "")]
    for j, (category, title) in enumerate(others):
        name, born, male, pid = _person(rng, 100 + j, 1970, 1995)
        ws.cell(r, 1, len(titles) + j + 1)
        ws.cell(r, 2, name)
        ws.cell(r, 3, "男" if male else "女")
        ws.cell(r, 4, pid).number_format = "@"
        ws.cell(r, 7, date(rng.randint(2005, 2022), 9, 1)).number_format = "yyyy-mm-dd"
        ws.cell(r, 9, "大学本科")
        ws.cell(r, 10, title)
        ws.cell(r, 11, category)
        ws.cell(r, 12, "专职")
        r += 1
    # two who left: one within the five-year window
    for j, left in enumerate([date(2023, 7, 31), date(2019, 8, 31)]):
        name, born, male, pid = _person(rng, 200 + j, 1968, 1985)
        ws.cell(r, 1, r - 2)
        ws.cell(r, 2, name)
        ws.cell(r, 4, pid).number_format = "@"
        ws.cell(r, 7, date(2010, 9, 1)).number_format = "yyyy-mm-dd"
        ws.cell(r, 8, left).number_format = "yyyy-mm-dd"
        ws.cell(r, 9, "大学本科")
        ws.cell(r, 10, "中学高级教师")
        ws.cell(r, 11, "专任教师")
        ws.cell(r, 12, "专职")
        r += 1
    ws.cell(r + 1, 1, "注：专任教师含教研员；调出人员保留至调出当年。")
    pt = wb.create_sheet("兼职教师名单")
    _title(pt, "泉港区教师进修学校兼职教师名单", 5)
    for c, h in enumerate(["序号", "姓名", "工作单位", "职称", "任教学科"], start=1):
        pt.cell(2, c, h).font = Font(bold=True)
    for k in range(27):
        name, born, male, pid = _person(rng, 300 + k, 1970, 1990)
        pt.append([k + 1, name, UNITS[k % len(UNITS)], ["高级教师", "一级教师", "正高级教师"][k % 3],
                   subjects[k % len(subjects)]])
    return _save(wb, path)


def write_hours(path: Path) -> Path:
    """A training-hour ledger for 2022–2026: one sheet per year, days and hours mixed."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    rng = random.Random(20120417)
    teachers = [_person(rng, i, 1970, 1999) for i in range(24)]
    wb = Workbook()
    wb.remove(wb.active)
    courses_school = ["校本研修：课堂观察", "校本研修：作业设计", "校本研修：听评课", "校本研修：课题研究"]
    courses_conc = ["市级骨干教师集中培训", "区级学科集中研修", "新课标专题集中培训"]
    for year in range(2022, 2027):
        ws = wb.create_sheet(f"{year}年度")
        _title(ws, f"{year}年度教师培训学时登记表", 7)
        for c, h in enumerate(["序号", "姓名", "身份证号", "培训项目", "培训类型", "学时", "天数"], start=1):
            ws.cell(2, c, h).font = Font(bold=True)
        seq = 0
        for t, (name, born, male, pid) in enumerate(teachers):
            if year == 2026 and t % 2:
                continue  # the year is still running: half have logged nothing yet
            short = t in (3, 11)  # two teachers who fall short
            for k in range(2 if short else 3):
                seq += 1
                ws.append([seq, name, pid, courses_school[(k + t) % 4], "校本", 8 if short else 12, None])
            if (t + year) % 5 == 0 and not short:
                seq += 1
                ws.append([seq, name, pid, courses_conc[t % 3], "集中培训", None, 12])  # 12 days = 96 h
            elif not short or year % 2:
                seq += 1
                ws.append([seq, name, pid, "网络研修：" + ["信息技术应用能力", "师德师风", "心理健康教育"][t % 3],
                           "网络", 24 if not short else 12, None])
        ws.append([None, "合计"])
    return _save(wb, path)


def _weekdays(start: date, n: int, step: int = 1) -> list[date]:
    from datetime import timedelta

    out, d = [], start
    while len(out) < n:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=step)
    return out


def write_activities(path: Path) -> Path:
    """An activity log of a training school's people, 2021-09 to 2024-12, dates written every
    way a clerk writes them; judged at --as-of 2024-12-31 it has passes and fails at each rule's
    edge: 20 and 19 days a semester (a day with two activities counted once), 124 and 80 听课
    periods, a placement semester inside and outside three years, an idle person, leaders with
    20 working days that include a Saturday and with 19, 10 and 8 research activities."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "活动记录"
    _title(ws, "教师进修学校人员下校及教研活动登记表（2021—2024）", 8)
    for c, h in enumerate(["序号", "姓名", "职务", "活动类型", "日期", "天数", "听课节数", "学校"], start=1):
        ws.cell(2, c, h).font = Font(bold=True)
    rows: list[list] = []
    school = UNITS[0]

    def add(name, role, kind, when, days=None, periods=None, where=school):
        rows.append([name, role, kind, when, days, periods, where])

    autumn = _weekdays(date(2024, 9, 2), 30, 2)
    for i, d in enumerate(autumn[:22]):  # 22 days, pass; 124 periods, pass
        add("陈建华", "专职教研员", "听课", d, None, "6节" if i < 20 else "2节")
    add("陈建华", "专职教研员", "示范课", autumn[3])
    add("陈建华", "专职教研员", "挂职", "2023.2.13-2023.7.14", None, None, UNITS[1])  # 152 of 181 days: a semester
    for d in autumn[:19]:  # 19 days: one short; 80 periods; placement in 2021 only; no demonstration lesson
        add("林丽娟", "专职教研员", "听课", d, None, "4节")
    add("林丽娟", "专职教研员", "听课", autumn[0], None, "4节")  # the same day again: still 19 days
    add("林丽娟", "专职教研员", "兼任教学", "2021.10.8-2021.12.31", None, None, UNITS[1])  # 85 of 153 days: not a semester
    # 黄志强: 20 days exactly, written every way: a range, 年月日, an Excel serial, "2天", a day twice
    add("黄志强", "专任教师", "下校调研", "10.8-10.11", "4天")
    add("黄志强", "专任教师", "教研活动", "2024年10月15日", "2天")
    add("黄志强", "专任教师", "听课", "2024年10月15日", None, "4节")  # the same day: counted once
    add("黄志强", "专任教师", "指导教学", 45597)  # Excel serial: 2024-11-01
    for d in _weekdays(date(2024, 11, 4), 13):
        add("黄志强", "专任教师", "上课", d.isoformat(), "1天")
    add("黄志强", "专任教师", "展示课", "2024/11/20")
    add("黄志强", "专任教师", "支教", "2022.9.1-2023.1.31", None, None, UNITS[2])
    add("张秀英", "兼职教师", "培训授课", date(2024, 10, 9))
    add("李晓燕", "专任教师", "培训授课", date(2022, 10, 12))  # nothing since: two years idle
    # leaders (calendar year 2024): 20 working days + a Saturday; 19 working days + a Saturday
    visits = _weekdays(date(2024, 3, 4), 20, 3)
    for d in visits:
        add("王文杰", "校长", "下校", d)
    add("王文杰", "校长", "下校", date(2024, 3, 9))  # a Saturday: not a working day
    for d in visits[:10]:  # research activities on visit days: no more days
        add("王文杰", "校长", "教研活动", d)
    visits = _weekdays(date(2024, 3, 5), 19, 3)
    for d in visits:
        add("吴美玲", "副校长", "深入学校", d)
    add("吴美玲", "副校长", "深入学校", date(2024, 6, 15))  # a Saturday: 19 working days
    for d in visits[:8]:
        add("吴美玲", "副校长", "教研活动", d)
    for n, r in enumerate(rows, start=1):
        ws.append([n] + r)
    ws.append([None, "注：日期可写区间（如 10.8-10.11）；听课写节数。"])
    return _save(wb, path)


def write_institutions(path: Path) -> Path:
    """Twenty county institutions in three cities: 8 national (40% exactly: pass), 15 at
    provincial demonstration standard or above (75%: 1 short), one city short, two
    demonstration institutions not merged by the end of 2015, one 不达标, one without a rating."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "县级教师培训机构"
    _title(ws, "县级教师培训机构评估认定及整合情况", 7)
    for c, h in enumerate(["序号", "设区市", "机构名称", "评估等级", "认定时间", "是否整合", "整合时间"], start=1):
        ws.cell(2, c, h).font = Font(bold=True)
    plan = [("石家庄市", "国家级示范", "是", "2015-06-30")] * 5 + [("石家庄市", "省级示范", "是", "2015-10-01")] * 2 + \
        [("保定市", "国家级示范", "是", "2014-12-01")] * 2 + [("保定市", "省级示范性", "否", None)] + \
        [("保定市", "省级示范", "是", "2016-03-01")] + [("保定市", "标准化", None, None)] * 2 + \
        [("保定市", "不达标", None, None)] + [("沧州市", "国家级示范", "是", "2015-12-31")] + \
        [("沧州市", "省级示范", "是", "2015-11-11")] * 3 + [("沧州市", "标准化", None, None)] + [("沧州市", None, None, None)]
    for n, (city, rating, merged, on) in enumerate(plan, start=1):
        ws.append([n, city, f"{city[:-1]}第{n}县教师发展中心", rating, "2013年11月26日" if rating else None, merged, on])
    return _save(wb, path)
