"""Checks of the person rows read: ID numbers, the same person twice (in a sheet, or in two
sheets or files for the same month).  Doubts become warnings, never errors."""

from __future__ import annotations

from ttcalc.core.msg import msg
from ttcalc.core.warn import Warn
from ttcalc.read.extent import col_letters
from ttcalc.read.rows import OWN_MAX_ROWS

WARN_CAP = 200  # warnings listed per code and sheet; the rest are counted


ID_PROBLEMS = ("checksum", "numeric", "length", "characters", "birth_date")  # warning codes id_*


def _across(s) -> bool:
    """Whether a sheet takes part in `duplicates_across`: used, with IDs and months."""
    return bool(s.used and s.column("id") and s.column("month"))


def across_keys(s, n: int):
    """(n, the keys id+month of a used sheet's person rows, their sheet rows) for
    `duplicates_across`, or None: what it needs of a sheet, taken before its rows are dropped."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not _across(s):
        return None
    d = s.data.filter(pc.and_(pc.is_null(s.data["_skip"]), pc.is_valid(s.data["id"])))
    key = pc.binary_join_element_wise(d["id"], pc.fill_null(d["month"], ""), "\x1f")
    return n, key.combine_chunks() if isinstance(key, pa.ChunkedArray) else key, d["_row"].to_numpy()


def duplicates_across(reads: list, keyed: list | None = None) -> None:
    """The same 身份证号 paid for the same month in two sheets or files (a school's file sent
    twice, a month copied into another): warned, with where the first one is.  `keyed`: the
    sheets' `across_keys`, taken as a folder was read (their rows dropped since)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if keyed is None:
        if sum(1 for s in reads if _across(s)) < 2:
            return  # one sheet: nothing to look across (and no keys to build for a million rows)
        keyed = [k for n, s in enumerate(reads) if (k := across_keys(s, n)) is not None]
    parts = [key for _, key, _ in keyed]
    origin = [(n, rows) for n, _, rows in keyed]
    if len(parts) < 2:
        return
    codes = pc.dictionary_encode(pa.concat_arrays(parts)).indices.to_numpy(zero_copy_only=False)
    sheet_of = np.concatenate([np.full(len(rows), n) for n, rows in origin])
    row_of = np.concatenate([rows for _, rows in origin])
    _, first = np.unique(codes, return_index=True)
    first_of = first[np.unique(codes, return_inverse=True)[1]]
    again = np.flatnonzero((np.arange(len(codes)) != first_of) & (sheet_of != sheet_of[first_of]))
    for i in again[:WARN_CAP]:
        s, f = reads[sheet_of[i]], reads[sheet_of[first_of[i]]]
        s.warnings.append(Warn("duplicate_person", str(s.file), s.sheet, int(row_of[i]), None,
                               {"detail": msg("read.duplicate.across", first_file=str(f.file), first_sheet=f.sheet,
                                              first_row=int(row_of[first_of[i]]))}))


def warn(read, code: str, rows: list[int], **params) -> None:
    """One warning per row, capped as core.warn.Warnings caps them: the first WARN_CAP, then
    one "and N more" (made here at once: the rows are one code of one sheet)."""
    file = str(read.file)
    read.warnings.extend([Warn(code, file, read.sheet, None if r is None else int(r), None, dict(params))
                          for r in rows[:WARN_CAP]])
    if len(rows) > WARN_CAP:
        read.warnings.append(Warn("more", file, read.sheet, None, None, {"code": code, "n": len(rows) - WARN_CAP}))


def check_ids(read) -> None:
    """Warn about the IDs validate_array found wrong (on person rows only)."""
    import pyarrow.compute as pc

    if "_id_problem" not in read.data.column_names:
        return
    problems = read.data["_id_problem"]
    read.data = read.data.drop_columns(["_id_problem"])
    if problems.null_count == len(problems):
        return
    flagged = read.data.select(["_row", "_skip"]).append_column("problem", problems).filter(
        pc.and_(pc.is_valid(problems), pc.is_null(read.data["_skip"])))
    for code in ID_PROBLEMS:  # in bulk: only the rows listed become Python objects, the rest are counted
        rows = flagged["_row"].filter(pc.fill_null(pc.equal(flagged["problem"], code), False))
        if len(rows):
            warn(read, f"id_{code}", rows.slice(0, WARN_CAP).to_pylist())
            if len(rows) > WARN_CAP:
                read.warnings.append(Warn("more", str(read.file), read.sheet, None, None,
                                          {"code": f"id_{code}", "n": len(rows) - WARN_CAP}))


def check_duplicates(read, grid, kind: str) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    if kind in ("hours", "activities"):  # a ledger or a log holds many rows a person
        return
    names = read.data.column_names
    key_cols = [c for c in ("id",) if c in names] or [c for c in ("name", "unit") if c in names]
    if kind == "payroll" and "month" in names:
        key_cols.append("month")
    if not key_cols or read.data.num_rows == 0:
        return
    import numpy as np

    data = read.data  # the person rows with a key, by position: no copy of the sheet's text
    used = pc.and_(pc.is_null(data["_skip"]), pc.is_valid(data[key_cols[0]]))
    at = np.flatnonzero(pa.chunked_array([used]).to_numpy() if isinstance(used, pa.Array) else used.to_numpy())
    codes = _person_keys(data, key_cols)[at]
    _, first = np.unique(codes, return_index=True)
    if len(first) == len(codes):  # the common case: nobody twice
        return
    again = np.ones(len(codes), dtype=bool)
    again[first] = False  # rows are in sheet order, so the first appearance is not the duplicate
    rows = data["_row"].to_numpy()[at[again]].tolist()
    what = "month" if kind == "payroll" else "roster"
    by = msg(f"read.field.{key_cols[0]}")
    for c in key_cols[1:]:
        by = msg("read.field.plus", a=by, b=msg(f"read.field.{c}"))
    warn(read, "duplicate_person", rows, detail=msg(f"read.duplicate.{what}", by=by))


def _person_keys(keyed, key_cols: list[str]):
    """One int64 per row, equal where the rows' keys are equal (on rows with a first key): a
    text by its place in a dictionary; on a sheet past OWN_MAX_ROWS an 18-character ID by its
    number (cells.idcard.id_codes: less memory than a dictionary of a million IDs' text, the
    same rows equal); a month (or a second column) numbered the same way and paired with it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from ttcalc.cells.idcard import id_codes

    def dense(name: str):
        col = keyed[name]
        col = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        if name == "id" and len(col) > OWN_MAX_ROWS:
            code, odd = id_codes(col)
            if len(odd):  # the other IDs (few): numbered past every 18-character one
                code[code == -2] = (1 << 62) + pc.dictionary_encode(odd).indices.to_numpy(zero_copy_only=False).astype(np.int64)
            return np.unique(code, return_inverse=True)[1].reshape(-1).astype(np.int64)
        return pc.dictionary_encode(pc.fill_null(col, "")).indices.to_numpy(zero_copy_only=False).astype(np.int64)

    codes = dense(key_cols[0])
    for name in key_cols[1:]:
        other = dense(name)
        codes = codes * (int(other.max(initial=0)) + 1) + other
    return codes


def range_text(m) -> str:
    """(0, 0, 4, 0) -> "A1:A5"."""
    return f"{col_letters(m[1] + 1)}{m[0] + 1}:{col_letters(m[3] + 1)}{m[2] + 1}"
