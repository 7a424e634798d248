"""Render a Report as table (terminal), JSON, CSV or Markdown.  Returns text; never prints."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from functools import cache
from importlib.resources import files

MARK = {"pass": "✔", "fail": "✘", "not_applicable": "–"}


@cache
def _labels() -> dict:
    return tomllib.loads((files("ttcalc.output") / "labels.toml").read_text(encoding="utf-8"))


def word(key: str, lang: str) -> str:
    pair = _labels()["words"].get(key, [key, key])
    return pair[0] if lang == "zh" else pair[1]


def figure_label(key: str, lang: str) -> str:
    pair = _labels()["figures"].get(key)
    return (pair[0] if lang == "zh" else pair[1]) if pair else key


def render(report, fmt: str, lang: str = "en") -> str:
    from ttcalc.output.i18n import localize

    data = localize(report.as_dict(), lang)  # every Msg worded (spec: the output layer words them)
    if fmt in ("table", "markdown"):
        data["tables"] = localize(report.tables, lang)
    if fmt == "json":
        return to_json(data)
    if fmt == "csv":
        return to_csv(data)
    if fmt == "markdown":
        return to_markdown(data, lang)
    return to_table(data, lang)


def to_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def safe_cell(value) -> str:
    """Text from a workbook must never become a formula in a spreadsheet (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def to_csv(data: dict) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["command", "as_of", "policy", "check", "status", "actual", "required", "citation", "remedy", "reason"])
    pol = (data.get("policy") or {}).get("id", "")
    for c in data["checks"]:
        w.writerow([safe_cell(x) for x in (data["command"], data["as_of"], pol, c["id"], c["status"], c["actual"],
                                            c["required"], c["citation"], c["remedy"], c.get("reason"))])
    return buf.getvalue()


def _title(data: dict, lang: str) -> str:
    pol = data.get("policy") or {}
    head = f"ttcalc {data['command']}"
    if pol:
        head += f" — {pol.get('document')} ({pol.get('id')})"
    return head + f" — {word('as_of', lang)} {data['as_of']}"


def _input_lines(data: dict, lang: str) -> list[str]:
    """One line per file: sheets used, rows used and skipped (by reason), sheets skipped."""
    files: dict[str, list[dict]] = {}
    for i in data.get("inputs", []):
        files.setdefault(i["file"], []).append(i)
    lines = []
    for name, items in files.items():
        used = [i for i in items if i["status"] == "used"]
        reasons: dict[str, int] = {}
        for i in used:
            for skip in i.get("rows_skipped", []):
                reasons[skip["reason"]] = reasons.get(skip["reason"], 0) + 1
        sheets = ", ".join(i["sheet"] for i in used) if len(used) <= 3 else \
            f"{used[0]['sheet']} … {used[-1]['sheet']}"
        line = f"{name}: {len(used)} sheet(s) [{sheets}], {word('rows_used', lang)} {sum(i['rows_used'] for i in used)}"
        if reasons:
            line += f"; {word('rows_skipped', lang)} {sum(reasons.values())} (" + \
                    ", ".join(f"{n} × {r}" for r, n in reasons.items()) + ")"
        lines.append(line)
        for i in items:
            if i["status"] != "used":
                lines.append(f"  {word('sheet_skipped', lang)} [{i['sheet']}]: {str(i.get('reason')).split(';')[0]}")
    return lines


def _figure_rows(data: dict, lang: str) -> list[list[str]]:
    return [[figure_label(k, lang), k, _fmt(v)] for k, v in data["figures"].items() if not isinstance(v, (dict, list))]


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, str) and value.replace(".", "", 1).lstrip("-").isdigit() and "." in value \
            and len(value.split(".")[1]) == 2:
        whole, frac = value.split(".")
        return f"{int(whole):,}.{frac}"
    return str(value)


def _check_rows(data: dict, lang: str, labels: bool = False, width: int = 48) -> list[list[str]]:
    rows = []
    for c in data["checks"]:
        actual = c["actual"] if c["status"] != "not_applicable" else (c.get("reason") or "")
        actual = _fmt(actual)
        if len(actual) > width:
            actual = actual[: width - 1] + "…"
        row = [MARK.get(c["status"], "?"), c["id"] + (word("advisory", lang) if c.get("advisory") else "")]
        if labels:
            row.append(c.get("label") or "")
        rows.append(row + [actual, c["required"] or "", c["citation"] or ""])
    return rows


def to_table(data: dict, lang: str) -> str:
    from tabulate import tabulate

    out = [_title(data, lang), ""]
    inputs = _input_lines(data, lang)
    if inputs:
        out += [word("inputs", lang) + ":"] + ["  " + line for line in inputs] + [""]
    if data["figures"]:
        out.append(tabulate(_figure_rows(data, lang), tablefmt="plain", colalign=("left", "left", "right"),
                            disable_numparse=True))
        out.append("")
    if data.get("by_unit"):
        keys = list(data["by_unit"][0].keys())
        out.append(word("by_unit", lang) + ":")
        out.append(tabulate([[_fmt(u.get(k)) for k in keys] for u in data["by_unit"]],
                            headers=[figure_label(k, lang) if k != "unit" else "unit" for k in keys],
                            tablefmt="simple", disable_numparse=True))
        out.append("")
    if data["checks"]:
        out.append(word("checks", lang) + ":")
        out.append(tabulate(_check_rows(data, lang), headers=["", "check", word("actual", lang),
                            word("required", lang), word("clause", lang)], tablefmt="simple", disable_numparse=True))
        remedies = [f"  {MARK['fail']} {c['id']}: {c['remedy']}" for c in data["checks"] if c.get("remedy")]
        if remedies:
            out += ["", word("remedy", lang) + ":"] + remedies
        out.append("")
    for key, section in data.get("tables", {}).items():
        if section["rows"]:
            out.append(key + ":")
            out.append(tabulate(section["rows"], headers=section["headers"], tablefmt="simple", disable_numparse=True))
            out.append("")
    warnings = data.get("warnings") or []
    if warnings:
        out.append(f"{word('warnings', lang)} ({len(warnings)}):")
        for w in warnings[:15]:
            where = " ".join(x for x in (w.get("file") and f"{w['file']}", w.get("sheet") and f"[{w['sheet']}]",
                                         w.get("row") and f"row {w['row']}") if x)
            out.append(f"  ! {where + ': ' if where else ''}{w['message']}")
        if len(warnings) > 15:
            out.append(f"  … {len(warnings) - 15} {word('more', lang)} (--format json lists them all)")
    for note in data.get("notes", []):
        out.append(f"  * {note}")
    return "\n".join(out).rstrip() + "\n"


def to_markdown(data: dict, lang: str) -> str:
    from tabulate import tabulate

    out = [f"# {_title(data, lang)}", ""]
    inputs = _input_lines(data, lang)
    if inputs:
        out += [f"## {word('inputs', lang)}", ""] + \
            [f"  - {line.strip()}" if line.startswith("  ") else f"- {line}" for line in inputs] + [""]
    if data["figures"]:
        out += [f"## {word('figures', lang)}", "",
                tabulate(_figure_rows(data, lang), headers=["", "key", "value"], tablefmt="github",
                         disable_numparse=True), ""]
    if data["checks"]:
        out += [f"## {word('checks', lang)}", "",
                tabulate(_check_rows(data, lang, labels=True, width=200), headers=["", "id", "", word("actual", lang),
                         word("required", lang), word("clause", lang)], tablefmt="github", disable_numparse=True), ""]
        for c in data["checks"]:
            if c.get("remedy"):
                out.append(f"- **{c['id']}**: {c['remedy']}")
        out.append("")
    if data.get("warnings"):
        out += [f"## {word('warnings', lang)}", ""]
        out += [f"- {w.get('file') or ''} {('[' + w['sheet'] + ']') if w.get('sheet') else ''} "
                f"{('row ' + str(w['row'])) if w.get('row') else ''}: {w['message']}" for w in data["warnings"]]
    return "\n".join(out).rstrip() + "\n"
