"""The payroll base of `ttcalc budget`: the gross pay (应发) of every person row read, summed
exactly as integer fen, per unit, with every person counted once across sheets and files."""

from __future__ import annotations

from dataclasses import dataclass, field

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
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
    """The payroll base of a data set; a folder streamed (DataSet.digested, budget.digest)
    was summed sheet by sheet as it was read."""
    if getattr(dataset, "digested", None) is not None:
        return dataset.digested.finish()
    pay = Payroll()
    engine = next((s.engine for s in dataset.used if s.engine is not None), None)
    if engine is not None:  # province scale: the rows are in DuckDB (read.engine), summed there
        from ttcalc.budget.province import engine_sums

        try:
            pay.total_fen, pay.rows, pay.units, pay.people = engine_sums(engine)
        finally:
            engine.close()
        return pay
    for s in dataset.used:
        fen, used = sheet_fen(pay, s)
        pay.per_sheet.append((s, fen, used))
        pay.parts.append(unit_part(s, fen, used))
    _tally(pay)
    return pay


def sheet_fen(pay: Payroll, s):
    """(fen of each row, which rows are used) of one used sheet; its total and rows counted
    into `pay`, its doubts into pay.warnings.  An unreadable amount on a used row stops the run."""
    import numpy as np
    import pyarrow.compute as pc

    from ttcalc.cells.money import column_fen
    from ttcalc.read.summary import refuse_bad

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
        raise InputError(msg("budget.input.gross_empty", file=str(s.file), sheet=s.sheet, row=int(rows[0]),
                             column=s.header_of(gross_col)))
    fen = np.where(used, fen, 0)
    pay.total_fen += int(fen.sum())
    pay.rows += int(used.sum())
    return fen, used


def _subfen(pay, s, data, mask, subfen, col) -> None:
    rows = data["_row"].to_numpy()
    for i in subfen:
        if mask[i]:
            pay.warnings.add("sub_fen", s.file, s.sheet, int(rows[i]), s.header_of(col), header=s.header_of(col))


def unit_part(s, fen, used):
    """The rows used of one sheet as (unit, fen, id, name): what `_tally` needs of it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ttcalc.core.arrays import arrow_of

    data = s.data
    n = data.num_rows
    fallback = s.unit or unit_of_file(s.file)  # a title line, the sheet name, else the file's name
    if s.column("unit"):
        units = pc.fill_null(pc.utf8_trim_whitespace(data["unit"]), fallback)
    else:
        units = pa.array([fallback] * n, pa.string())
    names = data["name"] if s.column("name") else pa.nulls(n, pa.string())
    ids = data["id"] if s.column("id") else pa.nulls(n, pa.string())
    return pa.table([units, arrow_of(fen), ids, names], names=["unit", "fen", "id", "name"]).filter(arrow_of(used))


def unit_of_file(path) -> str:
    """The unit of a sheet without a 单位 column: the file's name (one school per file) —
    unless the name is a month or a date ("2024-01.xlsx"), which names no school."""
    from ttcalc.read.origin import unit_of_file as of_file

    return of_file(path)


def _tally(pay: Payroll) -> None:
    """Per unit and overall, over every sheet and file at once: a person paid in twelve
    monthly sheets, or by two schools, is one person.  In bulk (issue 17): units and person
    keys as integer codes, sums and counts by code with numpy, fen exact in int64."""
    import numpy as np
    import pyarrow as pa

    if not pay.parts:
        return
    table = pa.concat_tables(pay.parts)
    pay.parts = []
    key, valid, n_keys = person_codes(table)
    seen = np.bincount(key[valid], minlength=n_keys)
    pay.people = int(np.count_nonzero(seen)) + (0 if valid.all() else 1)  # no key at all: one more, as before
    u_enc = table["unit"].combine_chunks().dictionary_encode(null_encoding="encode")
    unit = u_enc.indices.to_numpy().astype(np.int64)
    n_units = len(u_enc.dictionary)
    fen = table["fen"].combine_chunks().to_numpy(zero_copy_only=False).astype(np.int64)
    sums = np.zeros(n_units, dtype=np.int64)
    np.add.at(sums, unit, fen)  # in integers: exact (np.bincount would add in float)
    rows = np.bincount(unit, minlength=n_units)
    pairs = np.sort(unit[valid] * max(n_keys, 1) + key[valid])  # (unit, person), distinct after sorting
    first = np.ones(len(pairs), dtype=bool)
    first[1:] = pairs[1:] != pairs[:-1]
    people = np.bincount(pairs[first] // max(n_keys, 1), minlength=n_units)
    for code, name in enumerate(u_enc.dictionary.to_pylist()):
        pay.units[name] = [int(sums[code]), int(rows[code]), int(people[code])]


def person_codes(table):
    """(code of each row's person, which rows have one, how many codes there can be).  A
    person is their ID; a row without one (blank on one sheet) takes the least ID its name and
    unit carry on another row, else its name and unit stand for the person (the same person
    as an ID that is spelled the same)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = table["id"].combine_chunks()
    i_enc = ids.dictionary_encode()
    code = i_enc.indices.fill_null(-1).to_numpy().astype(np.int64)
    n_ids = len(i_enc.dictionary)
    has = code >= 0
    if has.all():
        return code, has, n_ids
    who = pc.binary_join_element_wise(pc.fill_null(table["name"], ""), table["unit"], "|").combine_chunks()
    # the names-and-units of the rows without an ID (few), and each row's place among them
    # (a null name-and-unit matches nothing, as a join did)
    wanted = who.filter(pa.array(~has)).unique().drop_null()
    n_who = len(wanted)
    w = pc.index_in(who, value_set=wanted).fill_null(n_who).to_numpy().astype(np.int64)
    lend = has & (w < n_who)  # rows whose ID a row without one may take
    if lend.any():
        cand = np.unique(code[lend])  # the IDs lent, in string order below: the least is taken
        order = cand[pc.sort_indices(i_enc.dictionary.take(pa.array(cand))).to_numpy()]
        rank = np.full(n_ids, len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        least = np.full(n_who + 1, len(order), dtype=np.int64)
        np.minimum.at(least, w[lend], rank[code[lend]])
        least[n_who] = len(order)
        borrowed = least[w]
        take = ~has & (borrowed < len(order))
        code[take] = order[borrowed[take]]
        has = has | take
    # the rest: their name and unit, coded after the IDs — the same person as an ID spelled so
    as_id = np.full(n_who + 1, -1, dtype=np.int64)
    piped = pc.match_substring(i_enc.dictionary, "|").to_numpy(zero_copy_only=False)
    if piped.any():  # only an ID holding "|" can read like a name and unit
        codes = np.flatnonzero(piped)
        found = pc.index_in(wanted, value_set=i_enc.dictionary.take(pa.array(codes))).fill_null(-1).to_numpy()
        as_id[:n_who] = np.where(found >= 0, codes[np.maximum(found, 0)], -1)
    rest = ~has & (w < n_who)
    code[rest] = np.where(as_id[w[rest]] >= 0, as_id[w[rest]], n_ids + w[rest])
    return code, has | rest, n_ids + n_who
