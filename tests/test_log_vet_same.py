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

SCHOOL = ["下校", "听课", "教研活动", "挂职", "示范课", "下校指导", " 听课 ", "\u3000下校", "下校\u00a0", "上课", "teaching",
          "School Visit", "TEACHING\t", "送教下乡", "蹲点\u0301", "\u0301蹲点"]
# school types only once squashed (NFKC, whitespace out, lower case), the plain alias nowhere in the
# text as written — or not school types even then (下\u200b校: a zero-width space is no whitespace)
DISGUISED = ["听\u3000课", "ＶＩＳＩＴ", "教\u3000研", "授课（中小学）", "Ⓥisit", "ｓｅｃｏｎｄｍｅｎｔ", "视\n导", "挂 职",
             "下\u200b校", "ＤＥＭＯＮＳＴＲＡＴＩＯＮ  ＬＥＳＳＯＮ"]
OTHER = ["培训", "会议", "网络研修", "校本", "ｘ", "Ⅻ", "ﬁ", "①", "\u200b", "课", "0", "课？", "授课"]
BLANKISH = [None, "", " ", "\u3000", "\u00a0", "\t"]
HEADS = [["姓名", "岗位", "活动类型", "日期", "天数"], ["教研员", "类型", "日期"], ["姓名", "活动", "活动日期", "节数"],
         ["姓名", "身份证号", "应发合计"], ["单位", "姓名", "培训类型", "年度", "学时"]]


def cells(visits, typed=False):
    """Any cell; of the school types, only those of `visits` (a disguised sheet: none written plainly)."""
    free = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
    if visits is DISGUISED:  # random text spelling an alias plainly would undo the disguise
        free = free.filter(lambda t: not any(w in t.lower() for w in ("课", "校", "研", "职", "教", "导", "点", "visit")))
    out = st.one_of(st.sampled_from(visits), st.sampled_from(OTHER), st.sampled_from(BLANKISH),
                    st.integers(-5, 10**6), st.sampled_from([2.5, 0.1, 1e20]), free)
    return st.one_of(out, st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)), st.booleans()) if typed else out


@st.composite
def sheet(draw, typed=False):
    visits = draw(st.sampled_from([SCHOOL, DISGUISED, SCHOOL + DISGUISED]))
    cell = cells(visits, typed)
    head = draw(st.sampled_from(HEADS))
    width = len(head)
    rows = [[None] * draw(st.integers(0, 3))] * draw(st.integers(0, 3))  # blank rows above
    if draw(st.booleans()):
        rows.append(["2024年下\u3000校记录" if visits is DISGUISED else "2024年下校记录"])
    left = draw(st.integers(0, 2))  # blank columns to the left
    rows.append([None] * left + head)
    type_col = next((i for i, h in enumerate(head) if "类型" in h or h == "活动"), 0)
    school_share = draw(st.floats(0, 1))
    for _ in range(draw(st.integers(0, 60))):  # around the 40 rows judged
        row = [draw(cell) for _ in range(width)]
        row[type_col] = draw(st.sampled_from(visits)) if draw(st.floats(0, 1)) < school_share else draw(cell)
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
@given(books=st.lists(sheet(typed=True), min_size=1, max_size=3))
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
    for i, visits in enumerate((SCHOOL, DISGUISED)):
        log = make_xlsx(tmp_path / f"log{i}.xlsx", {"记录": [HEADS[0], *[["甲", "教研员", s, "2024-03-05", "1"]
                                                                    for s in visits]]})
        assert _same(log, parsed(log, None)) is not None
    pay = make_xlsx(tmp_path / "pay.xlsx", {"工资": [HEADS[3], ["甲", None, 5000]]})
    assert _same(pay, parsed(pay, None)) is None
