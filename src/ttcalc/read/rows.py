"""Row classification of one sheet, column-wise: blank, note (注/说明/制表人…), total (合计/小计…)
or a person row; and the text form of a sheet's columns."""

from __future__ import annotations

OWN_MAX_ROWS = 250_000


def own_memory(table):
    """Copy the columns kept into memory of their own: a column sliced from the reader's batch
    keeps the whole batch — every column of the sheet — alive.  Worth it for a folder of school
    workbooks; a single huge sheet is left as it is (the copy would cost more than it saves)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if table.num_rows > OWN_MAX_ROWS:
        return table
    index = pa.array(range(table.num_rows), pa.int32())
    return pa.table([pc.take(table.column(i), index) for i in range(table.num_columns)], names=table.column_names)


def as_text(column, money: bool = False):
    """Grids are text; a typed (Parquet) column becomes text too, except amounts stored as
    numbers, which money.column_fen sums exactly as they are."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_string(column.type) or (money and (pa.types.is_floating(column.type)
                                                      or pa.types.is_integer(column.type))):
        return column
    return pc.cast(column, pa.string())


def skip_reason(code: str):
    """The words of a row's skip code (the `_skip` column holds codes: blank, note_row,
    total_row, no_person, header_repeat), worded by the output layer."""
    from ttcalc.core.msg import msg

    return msg(f"read.row.{code}")


def classify(scan: list, cols: dict, sch):
    """Per row: null when the row is a person row, else the code of why it is skipped
    (blank, note_row, total_row, no_person; see `skip_reason`).  `scan`: the
    leading unmapped columns, where notes ("注：…") and total labels ("合计") sit."""
    import pyarrow as pa
    import pyarrow.compute as pc

    # enough columns to tell a blank row: the label columns, the leading unmapped ones and a
    # few more (a row with data only further right is "no name or ID", skipped all the same)
    key_cols = [cols[k] for k in ("seq", "unit", "name", "id") if k in cols]
    others = [c for k, c in cols.items() if k not in ("seq", "unit", "name", "id")][:3]
    columns = scan + key_cols + others
    if len(columns[0]) == 0:
        return pa.array([], pa.string())
    texts = [c for c in columns if pa.types.is_string(c.type)]
    numbers = [c for c in columns if not pa.types.is_string(c.type)]  # Parquet amounts
    first = pc.coalesce(*texts) if len(texts) > 1 else texts[0] if texts else pa.nulls(len(columns[0]), pa.string())
    blank = pc.is_null(first)  # the grid reads whitespace-only cells as empty
    for c in numbers:
        blank = pc.and_(blank, pc.is_null(c))
    # CJK words have no full-width forms, so no normalisation is needed: "合  计", "合\u3000计"
    # and "合\u00a0计" are matched by allowing any Unicode space between the characters
    # totals and signature lines ("制表人：…", "审核：…") may stand in any label column
    total_re = "(?i)" + "|".join([_spaced(w) for w in sch.total_words] + [any_space(p) for p in sch.total_patterns])
    note_re = "(?i)(?:^|\x1f)" + SPACE + "*(?:" + "|".join(_spaced(w) for w in sch.note_words) + ")"
    strings = [c for c in scan if pa.types.is_string(c.type)]
    total = pc.fill_null(pc.match_substring_regex(first, total_re), False)
    note = pc.fill_null(pc.match_substring_regex(first, note_re), False)
    for c in strings[1:] + [cols[k] for k in ("seq", "unit", "name") if k in cols and pa.types.is_string(cols[k].type)]:
        total = pc.or_(total, pc.fill_null(pc.match_substring_regex(c, total_re), False))
    for c in strings[1:]:
        note = pc.or_(note, pc.fill_null(pc.match_substring_regex(c, note_re), False))
    person_cols = [cols[k] for k in sch.required[0] if k in cols]
    has_person = pc.is_valid(pc.coalesce(*person_cols)) if len(person_cols) > 1 else pc.is_valid(person_cols[0])
    # "注：补发" in a person's 备注 column is a remark, not a note line: a note found outside the
    # name and ID columns does not count on a row naming a person with an amount (or an ID
    # where the table has no amounts); one in them ("注：以上…" written across the name
    # column) is a note whatever else the row holds
    amounts = [c for k, c in cols.items() if k.split(":")[0] in ("gross", "component", "hours", "days", "credits")]
    substance = pc.is_valid(pc.coalesce(*amounts)) if len(amounts) > 1 else pc.is_valid(amounts[0]) if amounts \
        else pc.is_valid(cols["id"]) if "id" in cols else pa.repeat(False, len(first))
    note = pc.and_(note, pc.invert(pc.and_(has_person, substance)))
    for c in [cols[k] for k in ("name", "id") if k in cols and pa.types.is_string(cols[k].type)]:
        note = pc.or_(note, pc.fill_null(pc.match_substring_regex(c, note_re), False))
    none = pa.scalar(None, pa.string())
    reason = pc.if_else(blank, "blank",
             pc.if_else(note, "note_row",
             pc.if_else(total, "total_row",
             pc.if_else(pc.invert(has_person), "no_person", none))))
    return reason.combine_chunks() if hasattr(reason, "combine_chunks") else reason


# any space a clerk's keyboard or a converter puts in a label: ASCII, the full-width U+3000, the
# no-break U+00A0/U+202F, the typographic U+2000–U+200A, zero-width U+200B and a stray BOM (RE2)
SPACE = r"[\s\p{Z}\x{200b}\x{feff}]"


def any_space(pattern: str) -> str:
    """A total/note regex of the profile with its `\\s` widened to every Unicode space."""
    return pattern.replace(r"\s", SPACE)


def _spaced(word: str) -> str:
    """A regex for a word whose characters may be spaced out by any space: 合计 -> 合␣*计."""
    import re

    chars = [re.escape(ch) for ch in word]
    if word.isascii():
        return (SPACE + "+").join(re.escape(w) for w in word.split()) if " " in word else re.escape(word)
    return (SPACE + "*").join(chars)

