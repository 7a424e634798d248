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
    from ttcalc.read.reader import refuse_bad

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
    monthly sheets, or by two schools, is one person.  In bulk (issue 17): keys dictionary-
    encoded, sums and counts by integer code with numpy, exact int64 fen."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pay.parts:
        return
    table = pa.concat_tables(pay.parts)
    pay.parts = []
    keys = _person_keys(table)
    k_enc = keys.dictionary_encode()
    k_valid = pc.is_valid(keys).to_numpy(zero_copy_only=False)
    k_idx = k_enc.indices.fill_null(0).to_numpy().astype(np.int64)
    n_keys = len(k_enc.dictionary)
    pay.people = n_keys + (1 if k_enc.null_count else 0)  # a missing key counts once, as pc.unique did
    u_enc = table["unit"].combine_chunks().dictionary_encode(null_encoding="encode")
    u_idx = u_enc.indices.to_numpy().astype(np.int64)
    n_units = len(u_enc.dictionary)
    fen = table["fen"].combine_chunks().to_numpy(zero_copy_only=False).astype(np.int64)
    sums = np.zeros(n_units, dtype=np.int64)
    np.add.at(sums, u_idx, fen)  # integer, exact (bincount would add in float)
    rows = np.bincount(u_idx, minlength=n_units)
    pairs = np.unique(u_idx[k_valid] * max(n_keys, 1) + k_idx[k_valid])
    people = np.bincount(pairs // max(n_keys, 1), minlength=n_units)
    for code, unit in enumerate(u_enc.dictionary.to_pylist()):
        pay.units[unit] = [int(sums[code]), int(rows[code]), int(people[code])]


def _person_keys(table):
    """The key of each row's person: their ID; a row without one (blank on one sheet) takes
    the least ID its name and unit carry on another row, else name and unit stand for them."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = table["id"].combine_chunks()
    if not ids.null_count:
        return ids
    who = pc.binary_join_element_wise(pc.fill_null(table["name"], ""), table["unit"], "|").combine_chunks()
    if ids.null_count == len(ids):
        return who
    has = pc.is_valid(ids).to_numpy(zero_copy_only=False)
    i_enc = ids.dictionary_encode()
    i_idx = i_enc.indices.fill_null(0).to_numpy().astype(np.int64)
    order = pc.sort_indices(i_enc.dictionary).to_numpy().astype(np.int64)  # IDs in string order: rank → code
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    w_enc = who.dictionary_encode()  # a null name-and-unit matches nothing, as in a join
    w_idx = w_enc.indices.fill_null(len(w_enc.dictionary)).to_numpy().astype(np.int64)
    least = np.full(len(w_enc.dictionary) + 1, len(order), dtype=np.int64)
    np.minimum.at(least, w_idx[has], rank[i_idx[has]])
    least[-1] = len(order)
    found = least[w_idx]  # per row: the rank of the least ID its name and unit carry, or len(order)
    taken = np.where(found < len(order), order[np.minimum(found, len(order) - 1)], -1)
    borrowed = i_enc.dictionary.take(pa.array(taken, mask=taken < 0))
    return pc.coalesce(ids, borrowed, who)
