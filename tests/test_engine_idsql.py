"""The GB 11643 check and the birth date in the engine's SQL (read.engine_sql: chunks of
digits looked up) against the Python of cells.idcard, on random 17-digit bodies and on every
edge of the calendar: month 0 and 13 to 99, day 0, 29 February of leap and common years
(1900, 2000), years before 1900."""

from __future__ import annotations

import datetime

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from ttcalc.cells.idcard import check_char
from ttcalc.read import engine_sql


def _python(body: str) -> tuple[int, int, bool]:
    char = check_char(body)
    y, m, d = int(body[6:10]), int(body[10:12]), int(body[12:14])
    try:
        ok = y >= 1900 and datetime.date(y, m, d) is not None
    except ValueError:
        ok = False
    return int(body), 10 if char == "X" else int(char), ok


def _sql(bodies: list[str]) -> list[tuple[int, int, bool]]:
    rows = ", ".join(f"({int(b)})" for b in bodies)
    halves = (f"SELECT (m // 1000000000)::INTEGER AS h, (m % 1000000000)::INTEGER AS l, m "
              f"FROM (VALUES {rows}) v(m)")
    sql = (f"SELECT m, (12 - ({engine_sql._weighted('h', 'l')}) % 11) % 11, {engine_sql._birth_ok('h', 'l')} "
           f"FROM ({halves}) ORDER BY m")
    return [tuple(r) for r in duckdb.connect().execute(sql).fetchall()]


DATES = [f"{y:04d}{m:02d}{d:02d}" for y in (1899, 1900, 1904, 1999, 2000, 2023, 2024, 2100, 9999)
         for m in (0, 1, 2, 4, 9, 11, 12, 13, 19, 31, 99) for d in (0, 1, 28, 29, 30, 31, 32, 99)]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 999_999), st.sampled_from(DATES) | st.from_regex(r"\d{8}", fullmatch=True),
                          st.integers(0, 999)), min_size=1, max_size=200))
def test_check_value_and_birth_date_as_python(parts):
    bodies = [f"{a:06d}{date}{c:03d}" for a, date, c in parts]
    assert _sql(bodies) == sorted(_python(b) for b in bodies)


def test_every_month_and_day_edge():
    bodies = [f"350521{date}123" for date in DATES]
    assert _sql(bodies) == sorted(_python(b) for b in bodies)
