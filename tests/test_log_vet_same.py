"""The judgement of an activity log from the grids the reader loads (LogVet(path, grids): the
look-ahead's parse, a file read on its own) is the judgement refuse_log makes from the file's
own head (LogVet(path)): the same refusal — file, sheet, counts — or none, on generated
sheets with titles, blank rows and columns above and beside the table, tables crossing the
40 rows judged, odd spaces, NFKC-changing characters, numbers, dates, long cells; .xlsx and
text files (UTF-8, GB18030, UTF-16), small and past the bytes a head reads."""

from __future__ import annotations

import datetime as dt

from builders import make_csv, make_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ttcalc.duties.sniff import LogVet
from ttcalc.read.files import sheets
from ttcalc.read.stream import parsed

SCHOOL = ["下校", "听课", "教研活动", "挂职", "示范课", "下校指导", " 听课 ", "听\u3000课", "\u3000下校", "下校\u00a0"]
OTHER = ["培训", "会议", "网络研修", "校本", "ｘ", "Ⅻ", "ﬁ", "①", "\u200b", "下校" * 400, "课", "0", "听课？"]
BLANKISH = [None, "", " ", "\u3000", "\u00a0", "\t"]
HEADS = [["姓名", "岗位", "活动类型", "日期", "天数"], ["教研员", "类型", "日期"], ["姓名", "活动", "活动日期", "节数"],
         ["姓名", "身份证号", "应发合计"], ["单位", "姓名", "培训类型", "年度", "学时"]]

cell = st.one_of(st.sampled_from(SCHOOL), st.sampled_from(OTHER), st.sampled_from(BLANKISH),
                 st.integers(-5, 10**6), st.sampled_from([2.5, 0.1, 1e20]),
                 st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12))
xlsx_cell = st.one_of(cell, st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)), st.booleans())


@st.composite
def sheet(draw, cells=cell):
    head = draw(st.sampled_from(HEADS))
    width = len(head)
    rows = [[None] * draw(st.integers(0, 3))] * draw(st.integers(0, 3))  # blank rows above
    if draw(st.booleans()):
        rows.append(["2024年下校记录"])
    left = draw(st.integers(0, 2))  # blank columns to the left
    rows.append([None] * left + head)
    type_col = next((i for i, h in enumerate(head) if "类型" in h or h == "活动"), 0)
    school_share = draw(st.floats(0, 1))
    for _ in range(draw(st.integers(0, 60))):  # around the 40 rows judged
        row = [draw(cells) for _ in range(width)]
        row[type_col] = draw(st.sampled_from(SCHOOL)) if draw(st.floats(0, 1)) < school_share else draw(cells)
        rows.append([None] * left + row)
    return rows


def _same(path, grids):
    def key(error):
        return None if error is None else (error.message.code, {k: v for k, v in error.message.params.items()
                                                                 if k != "expected"})

    head = LogVet("budget")(path)
    assert key(LogVet("budget")(path, grids)) == key(head), path
    return head


SET = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SET
@given(books=st.lists(sheet(xlsx_cell), min_size=1, max_size=3))
def test_an_xlsx_is_judged_the_same_from_its_grids(tmp_path, books):
    path = make_xlsx(tmp_path / "book.xlsx", {f"表{i}": rows for i, rows in enumerate(books)})
    _same(path, parsed(path, None))
    _same(path, list(sheets(path, None, typed=True)))


@SET
@given(rows=sheet(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
       pad=st.sampled_from([0, 3000]))
def test_a_text_file_is_judged_the_same_from_its_grid(tmp_path, rows, encoding, pad):
    """pad: rows enough below to take the file past the 64 KB a head reads."""
    rows = [["" if v is None else str(v) for v in r] for r in rows]
    rows += [["填充", "x" * 30, "y" * 20]] * pad
    path = tmp_path / "log.csv"
    try:
        make_csv(path, rows, encoding)
    except UnicodeEncodeError:
        return
    _same(path, parsed(path, None))


def test_the_examples_are_judged_as_logs_and_not(tmp_path):
    """The generator reaches both verdicts (a test that never sees a log proves nothing)."""
    log = make_xlsx(tmp_path / "log.xlsx", {"记录": [HEADS[0], *[["甲", "教研员", s, "2024-03-05", "1"]
                                                             for s in SCHOOL]]})
    assert _same(log, parsed(log, None)) is not None
    pay = make_xlsx(tmp_path / "pay.xlsx", {"工资": [HEADS[3], ["甲", None, 5000]]})
    assert _same(pay, parsed(pay, None)) is None
