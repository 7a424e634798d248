"""`ttcalc inspect`: how ttcalc reads a workbook — sheets, header rows, which column became
which field, rows used and skipped with reasons, warnings.  The first thing to run on a
new file."""

from __future__ import annotations

from datetime import date

from ttcalc.core.command import callable_module
from ttcalc.core.errors import InputError
from ttcalc.core.report import Report
from ttcalc.core.msg import msg
from ttcalc.core.warn import Warnings
from ttcalc.read import reader
from ttcalc.read.summary import inputs_block


def run(paths: list[str], kind: str = "auto", maps: dict | None = None, sheet_names: list[str] | None = None,
        as_of: date | None = None) -> Report:
    if kind != "auto" and kind not in reader.KINDS:
        raise InputError(msg("option.error.one_of", option="--kind", value=kind, allowed=", ".join(reader.KINDS)))
    dataset = reader.read(paths, kind, maps, sheet_names, allow_empty=True)
    kind = dataset.kind
    report = Report("inspect", as_of or date.today())
    report.inputs = inputs_block(dataset)
    report.warnings = [w.as_dict() for w in dataset.warnings]
    if kind == "roster":
        report.warnings += _title_warnings(dataset)
    sheets_out = []
    groups: dict[tuple, list[str]] = {}  # sheets with the same mapping are listed once
    for s in dataset.sheets:
        item = {"file": str(s.file), "sheet": s.sheet, "status": s.status, "reason": s.reason}
        if s.header:
            item["header_rows"] = [s.header.first_row, s.header.last_row]
            item["columns"] = [{"column": c.index + 1, "header": c.header, "field": c.field,
                                "how": c.how or None, "scale": c.scale} for c in s.header.columns if c.header]
            if s.used:
                key = ((s.header.first_row, s.header.last_row),) + \
                    tuple((c.header, c.field, c.how, c.scale) for c in s.header.columns if c.header)
                groups.setdefault(key, []).append(s.sheet)
        sheets_out.append(item)
    rows = []
    for key, names in groups.items():
        where = names[0] if len(names) == 1 else f"{names[0]} … {names[-1]} ({len(names)})"
        first, last = key[0]
        rows.append([where, msg("output.line.header_row", first=first) if first == last else
                     msg("output.line.header_rows", first=first, last=last), "", "", ""])
        where = ""
        for header, field, how, scale in key[1:]:
            rows.append([where, header, field or "–", how or "unmapped", "" if scale == 1 else f"× {scale}"])
            where = ""
    report.figures = {"kind": kind, "files": len({s.file for s in dataset.sheets}),
                      "sheets_used": len(dataset.used), "sheets_skipped": len(dataset.sheets) - len(dataset.used),
                      "rows_used": sum(s.rows_used() for s in dataset.used)}
    report.extra = {"sheets": sheets_out}
    report.tables = {"columns": {"headers": ["sheets", "header", "field", "how", "unit"], "rows": rows},
                     "layout": _layout_table(report.inputs)}
    return report


def _sourced(value, source):
    """"泉港区第一小学 (title)" as a message: the value and where it came from, worded."""
    if not source:
        return value or ""
    where = msg(f"inspect.source.{source}")
    return msg("inspect.source.valued", value=value, source=where) if value else where


def _layout_table(inputs: list[dict]) -> dict:
    """Per sheet: header rows and repeats, where the unit and month came from, merged ranges
    filled down; per file left out: why (issue 12)."""
    rows = []
    for i in inputs:
        where = f"{i['file']} [{i['sheet']}]" if i["sheet"] else i["file"]
        if i["status"] != "used":
            rows.append([where, "", "", "", "", "", i.get("reason") or ""])
            continue
        head = i.get("header_rows")
        rows.append([where, f"{head[0]}–{head[1]}" if head else "", i.get("header_repeats", 0),
                     _sourced(i.get("unit"), i.get("unit_source")), _sourced(i.get("month"), i.get("month_source")),
                     ", ".join(i.get("merged_filled", [])), ""])
    return {"headers": ["layout_sheet", "layout_header_rows", "layout_header_repeats", "layout_unit",
                        "layout_month", "layout_merged", "layout_skipped"], "rows": rows}


def _title_warnings(dataset) -> list[dict]:
    """Title and 学历 strings ttcalc does not know, by row: they would count as "none"."""
    import pyarrow.compute as pc

    from ttcalc.cells.titles import education_level, title_level

    out = Warnings()
    for s in dataset.used:
        rows = s.data["_row"].to_pylist()
        used = pc.is_null(s.data["_skip"]).to_pylist()
        for column, read, code in (("title", title_level, "unknown_title"),
                                   ("education", education_level, "unknown_education")):
            if not s.column(column):
                continue
            for row, ok, raw in zip(rows, used, s.data[column].to_pylist()):
                if ok and raw and read(raw).status in ("unknown", "ambiguous"):
                    # the same warning, with the same words, as `ttcalc staffing` gives for the row
                    extra = ({"why": "", "fallback": msg("staffing.title.fallback_none")} if column == "title"
                             else {"why": msg("staffing.education.unknown")})
                    out.add(code, s.file, s.sheet, row, s.header_of(column), value=repr(str(raw)), **extra)
    return [w.as_dict() for w in out.items()]


callable_module(__name__, "inspect")  # ttcalc.inspect(…) is ttcalc.api.inspect
