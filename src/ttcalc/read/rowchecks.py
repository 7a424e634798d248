"""Checks of the person rows read: ID numbers, the same person twice (in a sheet, or in two
sheets or files for the same month).  Doubts become warnings, never errors."""

from __future__ import annotations

from dataclasses import dataclass

from ttcalc.read.extent import col_letters

WARN_CAP = 200  # warnings listed per code and sheet; the rest are counted


_ID_MESSAGES = {
    "checksum": "ID check digit does not match (GB 11643)",
    "numeric": "ID stored as a number: its last digits are lost; store the column as text",
    "length": "ID has the wrong length (18 or 15 characters expected)",
    "characters": "ID has characters other than digits and a final X",
    "birth_date": "ID holds an impossible birth date",
}


@dataclass
class Warning_:
    code: str
    file: str
    sheet: str
    row: int | None
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "file": self.file, "sheet": self.sheet, "row": self.row,
                "message": self.message}


def duplicates_across(reads: list) -> None:
    """The same 身份证号 paid for the same month in two sheets or files (a school's file sent
    twice, a month copied into another): warned, with where the first one is."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    parts, origin = [], []
    for n, s in enumerate(reads):
        if s.used and s.column("id") and s.column("month"):
            d = s.data.filter(pc.and_(pc.is_null(s.data["_skip"]), pc.is_valid(s.data["id"])))
            key = pc.binary_join_element_wise(d["id"], pc.fill_null(d["month"], ""), "\x1f")
            parts.append(key.combine_chunks() if isinstance(key, pa.ChunkedArray) else key)
            origin.append((n, d["_row"].to_numpy()))
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
        s.warnings.append(Warning_("duplicate_person", str(s.file), s.sheet, int(row_of[i]),
                                   f"same 身份证号 and month as {f.file} [{f.sheet}] row {int(row_of[first_of[i]])}: "
                                   "paid twice, or the same file given twice?"))


def warn(read, code: str, rows: list[int], message: str) -> None:
    for r in rows[:WARN_CAP]:
        read.warnings.append(Warning_(code, str(read.file), read.sheet, r, message))
    if len(rows) > WARN_CAP:
        read.warnings.append(Warning_(code, str(read.file), read.sheet, None,
                                      f"{len(rows) - WARN_CAP} more rows: {message}"))


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
    by_code: dict[str, list[int]] = {}
    for row, code in zip(flagged["_row"].to_pylist(), flagged["problem"].to_pylist()):
        by_code.setdefault(code, []).append(row)
    for code, message in _ID_MESSAGES.items():
        if by_code.get(code):
            warn(read, f"id_{code}", by_code[code], message)


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
    data = read.data.select(key_cols + ["_row", "_skip"])  # filter only what is needed: a copy
    data = data.filter(pc.is_null(data["_skip"]))
    keyed = data.filter(pc.is_valid(data[key_cols[0]]))
    key = keyed[key_cols[0]] if len(key_cols) == 1 else pc.binary_join_element_wise(
        *[pc.fill_null(keyed[c], "") for c in key_cols], "\x1f")
    key = key.combine_chunks() if isinstance(key, pa.ChunkedArray) else key
    import numpy as np

    codes = pc.dictionary_encode(key).indices.to_numpy(zero_copy_only=False)
    _, first = np.unique(codes, return_index=True)
    if len(first) == len(codes):  # the common case: nobody twice
        return
    again = np.ones(len(codes), dtype=bool)
    again[first] = False  # rows are in sheet order, so the first appearance is not the duplicate
    rows = keyed["_row"].to_numpy()[again].tolist()
    what = "in the same month" if kind == "payroll" else "on the roster"
    warn(read, "duplicate_person", rows, f"same person appears twice {what} (by {'+'.join(key_cols)})")


def range_text(m) -> str:
    """(0, 0, 4, 0) -> "A1:A5"."""
    return f"{col_letters(m[1] + 1)}{m[0] + 1}:{col_letters(m[3] + 1)}{m[2] + 1}"
