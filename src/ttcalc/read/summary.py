"""What a read tells the report: the JSON `inputs` block (sheets used or skipped, rows used,
rows skipped with their codes and reasons), and the one-line refusal of an unreadable amount."""


from __future__ import annotations


from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg
from ttcalc.read.rowchecks import WARN_CAP, range_text

__all__ = ["WARN_CAP", "inputs_block", "refuse_bad"]


def refuse_bad(sheet, mask, bad: list[tuple[int, str]], column: str) -> None:
    """An unreadable amount on a row that counts stops the run: a total must not silently
    leave it out.  The message names file, sheet, row and column, never the person."""

    rows = sheet.data["_row"].to_numpy()
    for i, text in bad:
        if mask[i]:
            from ttcalc.cells.privacy import mask_params

            raise InputError(msg("read.error.amount", file=str(sheet.file), sheet=sheet.sheet, row=int(rows[i]),
                                 column=sheet.header_of(column), **mask_params({"value": repr(text[:30])})))


def inputs_block(dataset, list_cap: int = 1000) -> list[dict]:
    out = []
    for s in dataset.sheets:
        item = {"file": str(s.file), "sheet": s.sheet, "status": s.status}
        if s.header:
            item["header_row"] = s.header.last_row
            item["header_rows"] = [s.header.first_row, s.header.last_row]
            item["header_repeats"] = s.header_repeats
        if s.unit_source:
            item["unit"], item["unit_source"] = s.unit, s.unit_source
        if s.month_source:
            item["month"], item["month_source"] = s.month, s.month_source
        if s.merged:
            item["merged_filled"] = [range_text(m) for m in s.merged[:list_cap]]
        if s.used:
            skipped = s.skipped()
            item["rows_used"] = s.rows_used()
            item["rows_skipped"] = skipped[:list_cap]
            if len(skipped) > list_cap:
                item["rows_skipped_more"] = len(skipped) - list_cap
            if s.blank_rows:
                item["blank_rows"] = s.blank_rows
        else:
            item["code"], item["reason"] = s.reason_code, s.reason
        out.append(item)
    return out


