"""The payroll base of `ttcalc budget`: the gross pay (应发) of every person row read, summed
exactly as integer fen, per unit, with every person counted once across sheets and files."""

from __future__ import annotations

from dataclasses import dataclass, field

from ttcalc.core.errors import InputError
from ttcalc.core.warn import Warnings

KEEP = {"unit", "name", "id", "month", "gross", "component"}  # what the fund needs of a payroll row


@dataclass
class Payroll:
    """The payroll base, summed exactly."""
    total_fen: int = 0
    rows: int = 0
    units: dict = field(default_factory=dict)  # unit -> [fen, rows, people]
    people: int = 0
    parts: list = field(default_factory=list)  # per sheet: (unit, fen, person key) of the rows used
    per_sheet: list = field(default_factory=list)  # (SheetRead, numpy fen array, used mask, source label)
    warnings: Warnings = field(default_factory=Warnings)


def sum_payroll(dataset) -> Payroll:
    import numpy as np
    import pyarrow.compute as pc

    from ttcalc.cells.money import column_fen
    from ttcalc.read.summary import refuse_bad

    pay = Payroll()
    for s in dataset.used:
        data = s.data
        used = pc.is_null(data["_skip"]).to_numpy(zero_copy_only=False)
        gross_col = s.column("gross")
        comp_cols = s.columns_of("component")
        fen = np.zeros(data.num_rows, dtype=np.int64)
        have = np.zeros(data.num_rows, dtype=bool)
        if gross_col:
            fen, have, bad, subfen = column_fen(data[gross_col], s.scale(gross_col))
            refuse_bad(s, used, bad, gross_col)
            _subfen(pay, s, data, used, subfen, gross_col)
        missing = used & ~have
        if comp_cols and missing.any():
            comp_total = np.zeros(data.num_rows, dtype=np.int64)
            for col in comp_cols:
                cf, _present, bad, subfen = column_fen(data[col], s.scale(col))
                refuse_bad(s, missing, bad, col)
                _subfen(pay, s, data, missing, subfen, col)
                comp_total += cf
            fen = np.where(missing, comp_total, fen)
            if gross_col:
                rows = data["_row"].to_numpy()[missing]
                for r in rows:
                    pay.warnings.add("gross_empty", s.file, s.sheet, int(r), s.header_of(gross_col),
                                     header=s.header_of(gross_col))
        elif missing.any():
            rows = data["_row"].to_numpy()[missing]
            raise InputError(f"{s.file} [{s.sheet}] row {int(rows[0])}, column {s.header_of(gross_col)}: "
                             "gross pay (应发) is empty for a person row; fill it in or skip the row")
        fen = np.where(used, fen, 0)
        pay.per_sheet.append((s, fen, used))
        pay.total_fen += int(fen.sum())
        pay.rows += int(used.sum())
        _by_unit(pay, s, data, fen, used)
    _tally(pay)
    return pay


def _subfen(pay, s, data, mask, subfen, col) -> None:
    rows = data["_row"].to_numpy()
    for i in subfen:
        if mask[i]:
            pay.warnings.add("sub_fen", s.file, s.sheet, int(rows[i]), s.header_of(col), header=s.header_of(col))


def _by_unit(pay: Payroll, s, data, fen, used) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    n = data.num_rows
    fallback = s.unit or unit_of_file(s.file)  # a title line, the sheet name, else the file's name
    if s.column("unit"):
        units = pc.fill_null(pc.utf8_trim_whitespace(data["unit"]), fallback)
    else:
        units = pa.array([fallback] * n, pa.string())
    names = data["name"] if s.column("name") else pa.nulls(n, pa.string())
    ids = data["id"] if s.column("id") else pa.nulls(n, pa.string())
    pay.parts.append(pa.table([units, pa.array(fen), ids, names], names=["unit", "fen", "id", "name"])
                     .filter(pa.array(used)))


def unit_of_file(path) -> str:
    """The unit of a sheet without a 单位 column: the file's name (one school per file) —
    unless the name is a month or a date ("2024-01.xlsx"), which names no school."""
    from ttcalc.read.origin import unit_of_file as of_file

    return of_file(path)


def _tally(pay: Payroll) -> None:
    """Per unit and overall, over every sheet and file at once: a person paid in twelve
    monthly sheets, or by two schools, is one person."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pay.parts:
        return
    table = pa.concat_tables(pay.parts)
    pay.parts = []
    # a person is their ID; a row without one (blank on one sheet) takes the ID its name and
    # unit carry elsewhere, else name and unit stand for the person
    ids = table["id"]
    if ids.null_count:  # only then is a name and unit needed to stand for a person
        table = table.append_column("who", pc.binary_join_element_wise(pc.fill_null(table["name"], ""),
                                                                        table["unit"], "|"))
        if ids.null_count < len(ids):
            known = table.filter(pc.is_valid(ids)).select(["who", "id"]).group_by("who").aggregate([("id", "min")])
            table = table.join(known, keys="who", join_type="left outer")
            ids = pc.coalesce(table["id"], table["id_min"])
        ids = pc.coalesce(ids, table["who"])
    table = table.select(["unit", "fen"]).append_column("key", ids)
    pay.people = len(pc.unique(table["key"].combine_chunks()))
    grouped = table.group_by("unit").aggregate([("fen", "sum"), ("fen", "count"), ("key", "count_distinct")])
    for unit, total, count, people in zip(grouped["unit"].to_pylist(), grouped["fen_sum"].to_pylist(),
                                          grouped["fen_count"].to_pylist(), grouped["key_count_distinct"].to_pylist()):
        pay.units[unit] = [int(total), int(count), int(people)]

