"""Shared builders for fixture workbooks: ID numbers, payroll/roster/ledger sheets, and the
files that hold them.  Every test module builds its inputs through these, so a real-file
shape (a title line, a merged header, a total row) is written once."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from ttcalc.cells.idcard import check_char


def make_id(born: date | str = "19800101", seq: int = 1, region: str = "350505") -> str:
    """A valid 18-digit 身份证号: region, birth date (YYYYMMDD or a date), sequence, check char."""
    birth = born.strftime("%Y%m%d") if isinstance(born, date) else born
    body = f"{region}{birth}{seq % 1000:03d}"
    return body + check_char(body)


def with_check(body17: str) -> str:
    """The first 17 digits with their GB 11643 check character."""
    return body17 + check_char(body17)


def make_xlsx(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """Write a workbook: {sheet name: rows}; merges: {sheet name: ["A1:C1", …]}."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def make_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding=encoding)
    return path


PAYROLL_HEADER = ("姓名", "身份证号", "单位", "应发合计")


def payroll_rows(people: list[tuple], header=PAYROLL_HEADER, title: str | None = None,
                 total: bool = False) -> list[list]:
    """A payroll sheet's rows: an optional title line, the header, one row per person
    (name, ID, unit, gross …), and an optional 合计 row summing the last column exactly."""
    rows = ([[title]] if title else []) + [list(header)] + [list(p) for p in people]
    if total:
        from decimal import Decimal

        rows.append(["合计"] + [None] * (len(header) - 2) + [str(sum(Decimal(str(p[-1])) for p in people))])
    return rows
