"""Total sheets and files that repeat the others' people (a 全年合计 sheet beside the monthly
sheets, a 汇总 file beside the monthly files): skipped only when their persons are those of
the others — a sheet or file so named with other persons is counted, never dropped."""

from __future__ import annotations

from ttcalc.core.msg import msg


def people_of(sheets: list) -> set:
    """The persons of the rows used: by ID where there is one, else by name and unit."""
    keys = set()
    for s in sheets:
        if not s.used or s.data is None or not s.data.num_rows:
            continue
        cols = s.data.column_names
        rows = s.data.select([c for c in ("_skip", "id", "name", "unit") if c in cols]).to_pylist()
        for r in rows:
            if r["_skip"] is None:
                key = r.get("id") or ((r.get("name") or "") + "|" + (r.get("unit") or "")).strip("|")
                if key:
                    keys.add(key)
    return keys


def repeats(candidate: list, others: list, share: float = 0.9) -> bool:
    """A 合计/汇总/全年 sheet or file is a total of the others only when (nearly) all its persons are
    theirs: one with other persons (another month, another school) is counted, never dropped."""
    mine = people_of(candidate)
    if not mine or not others:
        return False
    return len(mine & people_of(others)) >= share * len(mine)


def skip_year_sheets(file_sheets: list, sch) -> None:
    """A workbook of monthly sheets often adds a 全年合计 sheet of the same persons: counting it
    too would double the year.  It is skipped when its persons are those of the other sheets
    (name it with --sheet to read it alone); a sheet so named with other persons counts."""
    used = [s for s in file_sheets if s.used]
    if len(used) < 2:
        return
    for s in used:
        rest = [u for u in used if u is not s]
        if any(w in s.sheet for w in sch.year_sheets) and rest and repeats([s], rest):
            s.status = "skipped"
            s.reason = msg("read.sheet.year_sheet")
            used = rest
