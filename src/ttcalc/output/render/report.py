"""Render a Report as table (terminal), JSON, CSV or Markdown.  Returns text; never prints.

Every word comes from the message catalogs (`messages/*.toml`, tables `[output.*]`): the
report's dict is worded once by `i18n.localize`, labels and headers by `label`/`figure_label`,
and plain values that are terms of the domain (正高, 研究生, 原则上, True …) by `term`.
JSON keys, codes, ids and numbers never depend on the language or the locale."""

from __future__ import annotations

import csv
import io
import json
import re

from ttcalc.core.msg import Msg
from ttcalc.output.i18n import catalog, english_terms, localize, word
from ttcalc.output.render.layout import block, grid, terminal_width

MARK = {"pass": "✔", "fail": "✘", "not_applicable": "–", "not_fully_checked": "◐"}
PLAIN = {"zh": {"pass": "通过", "fail": "未通过", "not_applicable": "不适用", "not_fully_checked": "未完全检查"},
         "en": {"pass": "OK", "fail": "X", "not_applicable": "-", "not_fully_checked": "partly"}}
QUALIFIERS = ("原则上", "左右", "一般", "约")
BOM = "\ufeff"


def marks(encoding: str | None, lang: str) -> dict:
    """✔/✘/– where the output encoding has them, else plain words (a GBK console has no ✔)."""
    try:
        "".join(MARK.values()).encode(encoding or "utf-8")
        return MARK
    except (UnicodeEncodeError, LookupError):
        return PLAIN.get(lang, PLAIN["zh"])


def _t(code: str, lang: str, **params) -> str:
    return word(Msg(code, params), lang)


def label(key: str, lang: str) -> str:
    """A word of the output layer (`[output.word]`), else a table header (`[output.column]`)."""
    cat = catalog(lang if lang in ("zh", "en") else "zh")
    for table in ("output.word.", "output.column.", "output.figure."):
        if table + key in cat:
            return cat[table + key]
    return key


def figure_label(key: str, lang: str) -> str:
    return catalog(lang if lang in ("zh", "en") else "zh").get(f"output.figure.{key}", key)


SEMESTER = re.compile(r"(\d{4})-(autumn|spring)")


def term(value, lang: str, qualifiers: bool = False):
    """A plain value in the language: whole-cell terms (正高 → full senior, True → 是), a semester
    code (2024-autumn → 2024 年秋季学期), and in `qualifiers` text (a required bound) the policy's
    qualifiers (约 0.20 → about 0.20)."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return value
    cat = catalog(lang if lang in ("zh", "en") else "zh")
    hit = cat.get(f"output.term.{value}", cat.get(f"output.value.{value}"))
    if hit is not None:
        return hit
    if f"output.how.{value}" in cat:  # inspect: how a column was recognised
        return cat[f"output.how.{value}"]
    if value.startswith("duplicate of "):  # inspect: a column that repeats a mapped one
        return cat["output.how.duplicate_of"].format(header=value[len("duplicate of "):])
    sem = SEMESTER.fullmatch(value)
    if sem:
        return cat[f"output.semester.{sem.group(2)}"].format(year=sem.group(1))
    if qualifiers and lang == "en":
        value = english_terms(value)
        for q in QUALIFIERS:
            value = value.replace(q + " ", cat[f"output.term.{q}"] + " ").replace(q, cat[f"output.term.{q}"] + " ")
    return value


def render(report, fmt: str, lang: str = "en", *, width: int | None = None, encoding: str | None = "utf-8",
           table: str | None = None) -> str:
    data = localize(report.as_dict(), lang)
    if fmt == "json":
        return to_json(data)
    data["tables"] = localize(report.tables, lang)
    if fmt == "csv":
        return BOM + to_csv(data, table or "checks", lang)
    if fmt == "markdown":
        return to_markdown(data, lang)
    return to_table(data, lang, width or terminal_width(), marks(encoding, lang))


def json_pieces(report, lang: str = "en", size: int = 1 << 20):
    """The report's JSON (render(report, "json", lang)) in pieces of about `size` characters,
    for a writer that sends each on as it comes: a folder's 40,000 warnings are never one
    string (and its UTF-8 bytes) in memory at once."""
    batch, n = [], 0
    for part in _json_parts(localize(report.as_dict(), lang), ""):
        batch.append(part)
        n += len(part)
        if n >= size:
            yield "".join(batch)
            batch, n = [], 0
    batch.append("\n")
    yield "".join(batch)


LONG_LIST = 50  # a list of more objects than this (warnings, units, inputs) is written one object a line


def to_json(data: dict) -> str:
    """Indented JSON, as `json.dumps(indent=2)` writes it, except that a long list of objects
    has one object a line: as readable, and written by json's C encoder (`indent` makes json
    use its pure-Python one: a folder's 40,000 warnings took 0.2 s and 9 MB of small strings)."""
    return "".join(_json_parts(data, "")) + "\n"


_ONE_LINE = json.JSONEncoder(ensure_ascii=False, default=str, separators=(", ", ": "))


def _json_parts(value, pad: str):
    def one(v) -> str:
        return json.dumps(v, ensure_ascii=False, default=str)

    inner = pad + "  "
    if isinstance(value, dict) and value:
        yield "{"
        for n, (k, v) in enumerate(value.items()):
            yield ("\n" if n == 0 else ",\n") + inner + one(k if isinstance(k, str) else json.dumps(k)) + ": "
            yield from _json_parts(v, inner)
        yield "\n" + pad + "}"
    elif isinstance(value, (list, tuple)) and value:
        compact = len(value) > LONG_LIST and all(isinstance(v, dict) for v in value)
        yield "["
        for n, v in enumerate(value):
            yield ("\n" if n == 0 else ",\n") + inner
            if compact:
                yield _ONE_LINE.encode(v)
            else:
                yield from _json_parts(v, inner)
        yield "\n" + pad + "]"
    else:
        yield one(value)


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


# ---- CSV ------------------------------------------------------------------------------------

def csv_tables(data: dict) -> list[str]:
    """The names `--table` accepts for this report."""
    names = ["checks", "figures"]
    names += [k for k in ("by_unit", "by_person", "inputs", "warnings") if data.get(k)]
    return names + [k for k, v in (data.get("tables") or {}).items() if v.get("rows")]


def _head(key: str, lang: str) -> str:
    """CSV headers are the JSON keys, in English whatever the language (spec §4: keys never depend
    on the locale; scripts and spreadsheets rely on them); the cells below follow --lang."""
    return key


def _plain(value, lang: str):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else term(value, lang)


def to_csv(data: dict, table: str = "checks", lang: str = "en") -> str:
    """One table of the report as CSV (sqlite-utils/csvkit style: one table per file)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    pol = (data.get("policy") or {}).get("id", "")
    if table == "checks":
        keys = ["command", "as_of", "policy", "check", "status", "actual", "required", "citation", "remedy", "reason"]
        w.writerow([_head(k, lang) for k in keys])
        for c in data["checks"]:
            w.writerow([safe_cell(x) for x in (data["command"], data["as_of"], pol, c["id"], c["status"], c["actual"],
                                                c["required"], c["citation"], c["remedy"], c.get("reason"))])
    elif table == "figures":
        w.writerow([_head(k, lang) for k in ("key", "label", "value")])
        for k, v in data["figures"].items():
            w.writerow([safe_cell(x) for x in (k, figure_label(k, lang), _plain(v, lang))])
    elif table in ("by_unit", "by_person", "inputs", "warnings"):
        rows = data.get(table) or []
        keys = list(dict.fromkeys(k for r in rows for k in r))
        w.writerow([_head(k, lang) for k in keys])
        for r in rows:
            w.writerow([safe_cell(_plain(r.get(k), lang)) for k in keys])
    else:
        section = (data.get("tables") or {}).get(table)
        if section is None:
            from ttcalc.core.errors import InputError
            from ttcalc.core.msg import msg

            raise InputError(msg("option.error.table", value=table, tables=", ".join(csv_tables(data))))
        w.writerow([safe_cell(term(label(h, lang), lang)) for h in section["headers"]])
        for r in section["rows"]:
            w.writerow([safe_cell(_plain(x, lang)) for x in r])
    return buf.getvalue()


# ---- the parts table and Markdown share -----------------------------------------------------

def command_word(command: str, lang: str) -> str:
    """The command as a title word (budget → 经费测算); the code itself where none is known."""
    return catalog(lang if lang in ("zh", "en") else "zh").get(f"output.command.{command}", command)


def _title(data: dict, lang: str) -> str:
    pol = data.get("policy") or {}
    command = command_word(data["command"], lang)
    if pol:
        return _t("output.line.title", lang, tool="ttcalc", command=command, document=pol.get("document"),
                  policy=pol.get("id"), as_of=data["as_of"])
    return _t("output.line.title_bare", lang, tool="ttcalc", command=command, as_of=data["as_of"])


def _input_lines(data: dict, lang: str) -> list[tuple[int, str]]:
    """(level, line): one line per file (sheets, rows used and skipped by reason), level 1 for a
    sheet skipped."""
    by_file: dict[str, list[dict]] = {}
    for i in data.get("inputs", []):
        by_file.setdefault(i["file"], []).append(i)
    lines = []
    for name, items in by_file.items():
        used = [i for i in items if i["status"] == "used"]
        reasons: dict[str, int] = {}
        for i in used:
            for skip in i.get("rows_skipped", []):
                reasons[str(skip["reason"])] = reasons.get(str(skip["reason"]), 0) + 1
        sheets = "，".join(i["sheet"] for i in used) if len(used) <= 3 else f"{used[0]['sheet']} … {used[-1]['sheet']}"
        line = _t("output.line.input_file", lang, file=name, n=len(used), sheets=sheets,
                  rows=sum(i["rows_used"] for i in used))
        if reasons:
            line += _t("output.line.rows_skipped", lang, n=sum(reasons.values()),
                       reasons=", ".join(f"{n} × {r}" for r, n in reasons.items()))
        lines.append((0, line))
        for i in items:
            if i["status"] != "used":
                lines.append((1, _t("output.line.sheet_skipped", lang, sheet=i["sheet"],
                                    reason=str(i.get("reason")).split(";")[0])))
    return lines


def _fmt(value, lang: str = "zh") -> str:
    if isinstance(value, str) and value.replace(".", "", 1).lstrip("-").isdigit() and "." in value \
            and len(value.split(".")[1]) == 2:
        whole, frac = value.split(".")
        return f"{int(whole):,}.{frac}"
    return str(term(value, lang))


def _figure_rows(data: dict, lang: str) -> list[list[str]]:
    return [[figure_label(k, lang), k, _fmt(v, lang)] for k, v in data["figures"].items()
            if not isinstance(v, (dict, list))]


def _unit_table(data: dict, lang: str) -> tuple[list[str], list[list[str]]]:
    keys = list(dict.fromkeys(k for u in data["by_unit"] for k in u))
    return [figure_label(k, lang) if f"output.figure.{k}" in catalog(lang if lang in ("zh", "en") else "zh")
            else label(k, lang) for k in keys], \
        [[_fmt(u.get(k), lang) for k in keys] for u in data["by_unit"]]


def _check_rows(data: dict, lang: str, mark: dict) -> list[list[str]]:
    rows = []
    for c in data["checks"]:
        actual = _fmt(c["actual"], lang) if c["status"] != "not_applicable" else mark["not_applicable"]
        cid = c["id"] + (label("advisory", lang) if c.get("advisory") else "")
        rows.append([mark.get(c["status"], "?"), cid, actual, term(c["required"] or "", lang, True),
                     c["citation"] or ""])
    return rows


def _check_heads(lang: str) -> list[str]:
    return ["", label("check", lang), label("actual", lang), label("required", lang), label("clause", lang)]


def _explained(data: dict, lang: str) -> list[tuple[str, str, str]]:
    """(kind, id, text): every check's reason (not applicable) and remedy, whole."""
    out = []
    for c in data["checks"]:
        if c.get("reason") and c["status"] == "not_applicable":
            out.append(("reason", c["id"], str(c["reason"])))
        if c.get("remedy"):
            out.append(("remedy", c["id"], str(c["remedy"])))
    return out


def _where(w: dict, lang: str) -> str:
    parts = [w.get("file") or "", f"[{w['sheet']}]" if w.get("sheet") else "",
             _t("output.line.row_at", lang, row=w["row"]) if w.get("row") else ""]
    return " ".join(p for p in parts if p)


def _sections(data: dict) -> list[tuple[str, dict]]:
    return [(str(s.get("title") or k), s) for k, s in (data.get("tables") or {}).items() if s.get("rows")]


# ---- table ----------------------------------------------------------------------------------

def to_table(data: dict, lang: str, width: int = 100, mark: dict = MARK) -> str:
    out = block(_title(data, lang), width) + [""]
    inputs = _input_lines(data, lang)
    if inputs:
        out.append(label("inputs", lang) + ":")
        for level, line in inputs:
            out += block(line, width, "  " * (level + 1), "  " * (level + 2))
        out.append("")
    if data["figures"]:
        out += grid([label("label", lang), label("key", lang), label("value", lang)], _figure_rows(data, lang),
                    width, right={2})
        out.append("")
    if data.get("by_unit"):
        heads, rows = _unit_table(data, lang)
        out.append(label("by_unit", lang) + ":")
        out += grid(heads, rows, width, right=set(range(1, len(heads))))
        out.append("")
    if data["checks"]:
        out.append(label("checks", lang) + ":")
        out += grid(_check_heads(lang), _check_rows(data, lang, mark), width, keep={0, 1})
        explained = _explained(data, lang)
        for kind in ("reason", "remedy"):
            items = [(cid, text) for k, cid, text in explained if k == kind]
            if items:
                out += ["", label("reasons" if kind == "reason" else "remedy", lang) + ":"]
                sign = mark["not_applicable"] if kind == "reason" else mark["fail"]
                for cid, text in items:
                    out += block(f"{cid}: {text}", width, f"  {sign} ", "    ")
        out.append("")
    for key, section in _sections(data):
        out.append(term(label(key, lang), lang) + ":")
        out += grid([term(label(h, lang), lang) for h in section["headers"]],
                    [[_fmt(x, lang) for x in r] for r in section["rows"]], width)
        out.append("")
    warnings = data.get("warnings") or []
    if warnings:
        out.append(_t("output.line.warnings", lang, n=len(warnings)) + ":")
        for w in warnings[:15]:
            where = _where(w, lang)
            out += block(f"{where}: {w['message']}" if where else str(w["message"]), width, "  ! ", "    ")
        if len(warnings) > 15:
            out += block(_t("output.line.more", lang, n=len(warnings) - 15), width, "  ")
    notes = data.get("notes") or []
    if notes:
        out.append(label("notes", lang) + ":")
        for note in notes:
            out += block(str(note), width, "  * ", "    ")
    return "\n".join(out).rstrip() + "\n"


# ---- Markdown -------------------------------------------------------------------------------

def _md_cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", "<br>")


def _md_table(headers: list[str], rows: list[list]) -> list[str]:
    """A GitHub Markdown table (tabulate's "github" format), cells escaped for Markdown."""
    from tabulate import tabulate

    text = tabulate([[_md_cell(x) for x in r] for r in rows], headers=[_md_cell(h) for h in headers],
                    tablefmt="github", disable_numparse=True)
    return text.splitlines()


def to_markdown(data: dict, lang: str, mark: dict = MARK) -> str:
    """Everything the table shows, as GitHub Markdown."""
    out = [f"# {_title(data, lang)}", ""]
    inputs = _input_lines(data, lang)
    if inputs:
        out += [f"## {label('inputs', lang)}", ""] + [("  " * level) + f"- {line}" for level, line in inputs] + [""]
    if data["figures"]:
        out += [f"## {label('figures', lang)}", ""]
        out += _md_table([label("label", lang), label("key", lang), label("value", lang)], _figure_rows(data, lang))
        out.append("")
    if data.get("by_unit"):
        out += [f"## {label('by_unit', lang)}", ""] + _md_table(*_unit_table(data, lang)) + [""]
    if data["checks"]:
        out += [f"## {label('checks', lang)}", ""] + _md_table(_check_heads(lang), _check_rows(data, lang, mark)) + [""]
        explained = _explained(data, lang)
        for kind in ("reason", "remedy"):
            items = [(cid, text) for k, cid, text in explained if k == kind]
            if items:
                out += [f"### {label('reasons' if kind == 'reason' else 'remedy', lang)}", ""]
                out += [f"- **{cid}**: {_md_cell(text)}" for cid, text in items] + [""]
    for key, section in _sections(data):
        out += [f"## {term(label(key, lang), lang)}", ""]
        out += _md_table([term(label(h, lang), lang) for h in section["headers"]],
                         [[_fmt(x, lang) for x in r] for r in section["rows"]]) + [""]
    if data.get("warnings"):
        out += [f"## {_t('output.line.warnings', lang, n=len(data['warnings']))}", ""]
        for w in data["warnings"]:
            where = _where(w, lang)
            out.append(f"- {_md_cell(where + ': ' if where else '')}{_md_cell(w['message'])}")
        out.append("")
    if data.get("notes"):
        out += [f"## {label('notes', lang)}", ""] + [f"- {_md_cell(n)}" for n in data["notes"]]
    return "\n".join(out).rstrip() + "\n"
