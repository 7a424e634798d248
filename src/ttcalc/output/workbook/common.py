"""Shared pieces of every annotated workbook: safe creation, formats, the checks sheet.

Text that came from an input workbook is always written as a string, never as a formula
(xlsxwriter's strings_to_formulas is off), so "=HYPERLINK(…)" in a name stays text.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from ttcalc.cells.privacy import ID_KEYS, NAME_KEYS, mask_id, mask_name, scrub
from ttcalc.output.safeio import atomic_path

MAX_ROWS = 1_048_575  # an .xlsx sheet holds 1,048,576 rows, one of them the header


MARK_SHEET, MARK_TEXT = "ttcalc", "ttcalc annotated workbook"  # read.layout.own_output looks for it


@contextmanager
def open_workbook(target: Path, overwrite: bool = False, big: bool = False):
    """Yield (workbook, formats); the file appears whole at `target` or not at all."""
    import xlsxwriter

    from ttcalc.core.errors import InputError
    from ttcalc.core.msg import msg

    if str(target) == "-":  # stdout carries the report; a binary workbook there would corrupt both
        raise InputError(msg("output.refuse.stdout", example="-o 测算表.xlsx"))
    if Path(target).suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(msg("output.refuse.not_xlsx", file=str(target)))
    with atomic_path(Path(target), overwrite) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False, "constant_memory": big,
                                            "use_future_functions": False})
        try:
            yield wb, formats(wb)
            mark = wb.add_worksheet(MARK_SHEET)  # how ttcalc knows its own output if it is given back
            mark.write_string(0, 0, MARK_TEXT)
            mark.very_hidden()
        finally:
            wb.close()


def one(key: str, lang: str) -> str:
    """A header or label of a workbook in the chosen language, from [output.head] (its key is the
    old bilingual text); a key missing from the catalog shows as it is (the tests catch it)."""
    from ttcalc.output.i18n import catalog

    return catalog(lang if lang in ("zh", "en") else "zh").get(f"output.head.{key}", key)


def sheet(key: str, lang: str) -> str:
    """A sheet name in the chosen language ([output.sheet]); formulas must use the same name."""
    from ttcalc.output.i18n import catalog

    return catalog(lang if lang in ("zh", "en") else "zh").get(f"output.sheet.{key}", key)


def fitted_height(value, width: int, line: float = 15.0) -> float:
    """The height (points) of a row whose cell wraps `value` in a column `width` characters wide
    (a CJK character counts two): Excel and LibreOffice keep the stored height of a written row."""
    from wcwidth import wcswidth

    cols = max(wcswidth(str(value)), len(str(value)))
    return line * max(1, -(-cols // max(width - 2, 1)))


def formats(wb) -> dict:
    return {
        "head": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "money": wb.add_format({"num_format": "#,##0.00"}),
        "money_bold": wb.add_format({"num_format": "#,##0.00", "bold": True}),
        "ratio": wb.add_format({"num_format": "0.0000"}),
        "pct": wb.add_format({"num_format": "0.00%"}),
        "int": wb.add_format({"num_format": "0"}),
        "text": wb.add_format({"num_format": "@"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "fail": wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
        "fail_money": wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "#,##0.00"}),
        "pass": wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"}),
        "muted": wb.add_format({"font_color": "#808080"}),
        "muted_money": wb.add_format({"font_color": "#808080", "num_format": "#,##0.00"}),
        "int_bold": wb.add_format({"num_format": "0", "bold": True}),
        "pct_bold": wb.add_format({"num_format": "0.00%", "bold": True}),
        "fail_pct": wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006", "num_format": "0.00%"}),
        "pass_pct": wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100", "num_format": "0.00%"}),
        "bold": wb.add_format({"bold": True}),
        "line": wb.add_format({"bottom": 1}),
        "exempt": wb.add_format({"bg_color": "#DDEBF7", "font_color": "#1F4E78"}),
    }


def print_setup(ws, header: int | None = None) -> None:
    """A4 landscape, one page wide, the header row repeated on every printed page."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    if header is not None:
        ws.repeat_rows(header)


DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ("", "拾", "佰", "仟")
_BIG = ("", "万", "亿", "万亿")


def rmb_upper(fen: int) -> str:
    """An amount in 大写金额, as on a cheque: 1234.56 元 → 壹仟贰佰叁拾肆元伍角陆分."""
    fen = int(fen)
    if fen < 0:
        return "负" + rmb_upper(-fen)
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    out = ""
    if yuan:
        groups = []
        while yuan:
            yuan, g = divmod(yuan, 10000)
            groups.append(g)
        zero = False
        for i in range(len(groups) - 1, -1, -1):
            g = groups[i]
            if g == 0:
                zero = bool(out)
                continue
            if out and (zero or g < 1000):
                out += "零"
            zero = False
            digits = f"{g:04d}"
            part, gap = "", False
            for k, ch in enumerate(digits):
                d = int(ch)
                if d == 0:
                    gap = bool(part)
                    continue
                if gap:
                    part += "零"
                    gap = False
                part += DIGITS[d] + _SMALL[3 - k]
            out += part.lstrip() + _BIG[i]
        out += "元"
    if not jiao and not cents:
        return (out or "零元") + "整"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif out:
        out += "零"
    if cents:
        out += DIGITS[cents] + "分"
    else:
        out += "整"
    return out


def sign_lines(ws, row: int, fmt, lang: str) -> None:
    """制表人 / 审核人 / 日期 lines for a sheet a clerk hands up."""
    from ttcalc.output.render.report import label

    for k, key in enumerate(("prepared_by", "reviewed_by", "date")):
        ws.write_string(row, k * 2, label(key, lang) + ("：" if lang == "zh" else ":"), fmt.get("bold"))
        ws.write_blank(row, k * 2 + 1, None, fmt.get("line"))


def header_row(ws, row: int, headers: list[str], fmt, widths: list[int] | None = None) -> None:
    for col, text in enumerate(headers):
        ws.write_string(row, col, text, fmt["head"])
        if widths:
            ws.set_column(col, col, widths[col])
    ws.freeze_panes(row + 1, 0)
    print_setup(ws, row)


def text(ws, row: int, col: int, value, fmt=None) -> None:
    """Write a cell that came from an input as text (or blank), never as a formula."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, str(value), fmt) if fmt else ws.write_string(row, col, str(value))


def checks_sheet(wb, fmt: dict, report, lang: str, name: str | None = None) -> None:
    """One row per check: verdict, figures, bound, clause, the verbatim sentence, formula, remedy."""
    from ttcalc.output.i18n import english_terms, word
    from ttcalc.output.render.report import label

    ws = wb.add_worksheet(name or sheet("检查 Checks", lang))
    headers = [label(k, lang) for k in ("check", "status", "actual", "required", "citation", "quote", "formula",
                                         "inputs", "remedy")]
    header_row(ws, 0, headers, fmt, [24, 14, 14, 22, 30, 60, 28, 40, 50])
    for r, c in enumerate(report.checks, start=1):
        status_fmt = fmt["fail"] if c.status == "fail" else fmt["pass"] if c.status == "pass" else fmt["muted"]
        ws.write_string(r, 0, c.id)
        status = label(c.status, lang) if c.status != "not_applicable" else label("not_applicable", lang)
        ws.write_string(r, 1, status + (label("advisory", lang) if c.advisory else ""), status_fmt)
        c = copy.copy(c)
        for attr in ("actual", "required", "citation", "quote", "formula", "remedy", "reason"):
            setattr(c, attr, word(getattr(c, attr, None), lang) if getattr(c, attr, None) is not None else None)
        text(ws, r, 2, c.actual)
        text(ws, r, 3, english_terms(c.required) if lang == "en" else c.required)
        text(ws, r, 4, c.citation)
        english = word(getattr(c, "label", None), lang) if lang == "en" else None
        text(ws, r, 5, with_translation(c.quote, english, lang), fmt["wrap"])
        text(ws, r, 6, c.formula)
        text(ws, r, 7, inputs_text(c.inputs, lang) if c.inputs else None)
        text(ws, r, 8, word(c.remedy or c.reason, lang), fmt["wrap"])
        if c.status == "fail":
            ws.write_comment(r, 1, f"{c.rule}: {c.citation}\n{with_translation(c.quote, english, lang) or ''}"[:2000])


def notes_sheet(wb, fmt: dict, report, name: str | None = None, lang: str = "zh") -> None:
    """Definitions and warnings, so the workbook explains itself."""
    from ttcalc.core.msg import Msg
    from ttcalc.output.i18n import word
    from ttcalc.output.render.report import label

    ws = wb.add_worksheet(name or sheet("说明 Notes", lang))
    print_setup(ws)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 100)
    row = 0
    pol = report.policy or {}
    for key, value in [("policy", f"{pol.get('document', '')} ({pol.get('id', '')})"), ("as_of", report.as_of.isoformat())]:
        ws.write_string(row, 0, label(key, lang), fmt["head"])
        text(ws, row, 1, value)
        row += 1
    for key, value in report.definitions.items():
        ws.write_string(row, 0, named(key, lang, "output.definition.", "output.figure.", "output.column."), fmt["head"])
        text(ws, row, 1, word(value, lang), fmt["wrap"])
        row += 1
    for w in report.warnings[:5000]:
        ws.write_string(row, 0, label("warnings", lang), fmt["muted"])
        where = " ".join(str(x) for x in (w.get("file"), w.get("sheet") and f"[{w['sheet']}]",
                                          w.get("row") and word(Msg("output.line.row_at", {"row": w["row"]}), lang))
                         if x)
        message = word(w["message"], lang)
        text(ws, row, 1, f"{where}: {message}" if where else message)
        row += 1


def with_translation(quote, english, lang: str):
    """A policy's verbatim sentence; in English with the rule's English wording under it (spec §4:
    quoted policy sentences go with their translation)."""
    if not quote or lang != "en" or not english:
        return quote
    return f"{quote}\n(in English: {english})"


def rule_note(rule, lang: str, sep: str = " — ") -> str:
    """"id: citation — quote" for a rule, the quote with its translation in English."""
    return f"{rule.id}: {rule.citation()}{sep}{with_translation(rule.quote, rule.label(lang), lang)}"


def named(key: str, lang: str, *tables: str) -> str:
    """A key's words from the first catalog table that has it; the key itself where none does."""
    from ttcalc.output.i18n import catalog

    cat = catalog(lang if lang in ("zh", "en") else "zh")
    return next((cat[t + key] for t in tables if t + key in cat), key)


def inputs_text(inputs: dict, lang: str) -> str:
    """A check's inputs as "在职教职工 = 41；…": keys and values in the chosen language."""
    from ttcalc.output.render.report import term

    parts = []
    for k, v in inputs.items():
        if isinstance(v, (list, tuple)):
            v = "、".join(str(term(x, lang)) for x in v) if lang == "zh" else ", ".join(str(term(x, lang)) for x in v)
        elif k == "window" and isinstance(v, str):
            v = v.replace(" join ", f" {named('join', lang, 'output.column.')} ")
        else:
            v = term(v, lang)
        parts.append(f"{named(k, lang, 'output.input.', 'output.figure.', 'output.definition.')} = {v}")
    return ("；" if lang == "zh" else "; ").join(parts)


Writer = Callable[..., None]


class Shown:
    """What the workbook shows of a person: everything as read, or with `redact` names and ID
    numbers masked — in their own columns (张*, 350521********123X), and wherever one of the
    input's names or ID numbers appears in other text (any other ID number too, as in
    redact.scrub).  Repeated texts (units, courses, reasons) are masked once."""

    def __init__(self, redact: bool, people=()):
        """`people`: (name, ID number) pairs of everyone in the input."""
        self.redact = redact
        people = list(people) if redact else []
        self.names = {n.strip() for n, _i in people if isinstance(n, str) and len(n.strip()) >= 2}
        self.ids = {i.strip() for _n, i in people if isinstance(i, str) and len(i.strip()) >= 6}
        self.lengths = sorted({len(w) for w in self.names | self.ids})
        self.seen: dict[str, str] = {}

    def name(self, value):
        return mask_name(value) if self.redact else value

    def id(self, value):
        return mask_id(value) if self.redact else value

    def text(self, value):
        if not self.redact or not isinstance(value, str) or not value:
            return value
        if value not in self.seen:
            parts = {value[i:i + n] for n in self.lengths for i in range(len(value) - n + 1)}
            out = value
            for found in sorted(parts & self.ids, key=len, reverse=True):
                out = out.replace(found, mask_id(found))
            self.seen[value] = scrub(out, sorted(parts & self.names, key=len, reverse=True))
        return self.seen[value]

    def value(self, value, key=None):
        """A name, an ID number or text, by its key, inside dicts and lists (details, warnings)."""
        if isinstance(value, dict):
            return {k: self.value(v, k) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(self.value(v, key) for v in value)
        if isinstance(value, str):
            k = str(key).lower() if key is not None else ""
            return self.name(value) if k in NAME_KEYS else self.id(value) if k in ID_KEYS else self.text(value)
        return value

    def report(self, report):
        """The report as the checks and notes sheets show it: masked in a copy, the caller's as it is."""
        if not self.redact:
            return report
        shown = copy.copy(report)
        shown.warnings = self.value(report.warnings)
        shown.checks = []
        for check in report.checks:
            c = copy.copy(check)
            for attr in ("label", "actual", "required", "remedy", "reason", "quote", "formula", "qualifier",
                         "inputs", "details"):
                if hasattr(c, attr):
                    setattr(c, attr, self.value(getattr(c, attr), attr))
            shown.checks.append(c)
        return shown
