"""Issue 16 "Done when": every command's output is wholly in the chosen language (spec §4).

Every command runs on the bundled samples in every format — table, markdown, every `--table` of
csv, the human text of JSON, and the annotated workbook (every sheet name, cell, cached formula
value, string inside a formula and comment) — in zh and in en:

- zh: no ASCII word of two or more letters, except an explicit allow-list: check and rule ids,
  figure keys (the 代码 column), profile ids, file names, option names (--budgeted), the tool's
  name, CSV header keys and code columns (spec §4: keys, ids, status values and codes are English).
- en: no run of Chinese characters, except file and sheet names, the names of persons, units and
  cities read from the inputs, policy document numbers, titles, issuers and clause numbers, and
  quoted policy sentences (only beside their English label); a source value kept in brackets
  after its English word ("senior (高级)"); in a workbook, cells copied from the input as they were.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ttcalc.cli import app
from ttcalc.policy.profile import builtin_ids, load_profile

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
TOKEN = re.compile(r"(?<![\w.\-/\\])(-{0,2})([A-Za-z0-9_]+(?:[.\-/\\][A-Za-z0-9_]+)*)")

SAMPLE_FILES = ("payroll.xlsx", "roster.xlsx", "hours.xlsx", "activities.xlsx", "institutions.xlsx")

RUNS = {
    "budget": ["budget", "{s}/payroll.xlsx"],
    "staffing": ["staffing", "{s}/roster.xlsx"],
    "hours": ["hours", "{s}/hours.xlsx", "--cycle", "2022-2026"],
    "duties": ["duties", "{s}/activities.xlsx", "--as-of", "2024-12-31"],
    "duties_district": ["duties", "{s}/activities.xlsx", "--as-of", "2024-12-31", "--policy", "district-2021"],
    "institutions": ["institutions", "{s}/institutions.xlsx", "--as-of", "2020-12-31"],
    "check": ["check", "--payroll", "{s}/payroll.xlsx", "--roster", "{s}/roster.xlsx", "--hours", "{s}/hours.xlsx",
              "--activities", "{s}/activities.xlsx", "--institutions", "{s}/institutions.xlsx"],
    **{f"inspect_{f.split('.')[0]}": ["inspect", f"{{s}}/{f}"] for f in SAMPLE_FILES},
}
WORKBOOK_RUNS = ("budget", "staffing", "hours", "duties", "duties_district", "institutions")

# JSON fields that hold human text (spec §4: they follow --lang); everything else is keys and codes
HUMAN_JSON = {"label", "labels", "remedy", "reason", "message", "formula", "note", "notes", "definitions",
              "remedies", "why", "text", "title_text", "meaning"}
# CSV columns that hold codes, ids, keys or file names (spec §4: English whatever the language)
CODE_COLUMNS = {"command", "as_of", "policy", "check", "status", "key", "id", "code", "file", "rule",
                "role", "unit_source", "month_source", "failed", "kind", "field", "source"}


# ---------------------------------------------------------------- what is allowed

def _profiles():
    return [load_profile(p) for p in builtin_ids()]


# ids that the definitions cite for a script or a profile writer: JSON status and detail keys,
# the data files and profile keys they name (every warning code is allowed too, below)
CITED_IDS = {"domain.md", "not_fully_checked", "hire_breaks", "excluded_hours", "training_types.toml", "hours.credit_hours",
             "hours.day_hours"}


def _field_ids() -> set[str]:
    """The fields `--map FIELD=列名` names (read/fields.toml): ids in inspect's 字段 column."""
    import tomllib
    from importlib.resources import files

    data = tomllib.loads((files("ttcalc.read") / "fields.toml").read_text(encoding="utf-8"))
    return {f for kind in data.values() if isinstance(kind, dict) for f in kind}


def _field_aliases() -> set[str]:
    import tomllib
    from importlib.resources import files

    data = tomllib.loads((files("ttcalc.read") / "fields.toml").read_text(encoding="utf-8"))
    out: set[str] = set()

    def walk(v) -> None:
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, str) and CJK.search(v) and len(v) >= 2:
            out.add(v)

    walk(data)
    return out


def _warning_codes() -> set[str]:
    from ttcalc.output.i18n import catalog

    return {k.split(".", 1)[1] for k in catalog("zh") if k.startswith("warning.")}


def zh_allowed(extra: set[str]) -> set[str]:
    allowed = {"ttcalc"} | set(builtin_ids()) | extra | CITED_IDS | _warning_codes()
    for f in SAMPLE_FILES:
        allowed |= {f, f.split(".")[0]}
    for p in _profiles():
        allowed |= set(p.rules)
        if p.source:
            allowed.add(p.source)
    return {a.lower() for a in allowed}


def zh_offenders(text: str, allowed: set[str]) -> list[str]:
    """ASCII words of two or more letters that are not on the allow-list."""
    bad = []
    text = (text or "").replace("\\_", "_").replace("\\*", "*")  # Markdown's escaped underscores
    text = re.sub(r"ttcalc [a-z]+|--[a-z-]+ [a-z0-9-]+|“[^”]*”|[a-z_]+\.\*[a-z0-9_*.]*", " ", text)  # commands,
    # option values, quoted source text (OCR noise kept verbatim), id patterns (duty.*_semester_*)
    for dashes, tok in TOKEN.findall(text):
        if dashes or not re.search(r"[A-Za-z]{2,}", tok):
            continue  # an option name, a number, a date, a unit letter
        if tok.lower() in allowed or re.fullmatch(r"[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?", tok):
            continue  # an id, a file name, a cell reference (A1, B2:B9)
        bad.append(tok)
    return bad


def _source_values(samples: Path) -> tuple[set[str], set[str]]:
    """(names: persons, units, cities, sheets, the inputs' headers as quoted; cells: every text
    cell of the inputs)."""
    import openpyxl

    names: set[str] = set()
    cells: set[str] = set()
    name_heads = ("姓名", "姓  名", "单位", "工作单位", "学校", "设区市", "机构名称")
    for f in SAMPLE_FILES:
        wb = openpyxl.load_workbook(samples / f, read_only=True)
        for ws in wb.worksheets:
            names.add(ws.title)
            cols: list[int] = []
            below = False
            for row in ws.iter_rows(values_only=True):
                texts = [str(v).strip() for v in row if isinstance(v, str)]
                cells.update(texts)
                if any(v in name_heads for v in row):
                    cols = [i for i, v in enumerate(row) if v in name_heads]
                    names.update(t for t in texts)  # the header, as inspect and warnings quote it
                    names.update(re.sub(r"\s+", "", t) for t in texts)
                    below = True
                    continue
                if below and row and row[0] is None:
                    names.update(texts)  # a second header row (the payroll's pay items)
                below = False
                for i in cols:
                    if i < len(row) and isinstance(row[i], str):
                        names.add(row[i].strip())
        wb.close()
    names |= {"泉港区教育局", "泉港区教师进修学校"}  # the payroll's and roster's title lines
    return names, cells


def en_allowed(samples: Path) -> tuple[set[str], dict[str, set[str]], set[str]]:
    """(names and documents allowed anywhere, quotes (with their English label), source cells)."""
    names, cells = _source_values(samples)
    quotes: dict[str, set[str]] = {}
    for p in _profiles():
        names |= {p.document, p.title, p.issuer}
        for r in p.rules.values():
            names |= {r.source_document, r.clause, r.citation()}
            quotes.setdefault(r.quote, set()).add(r.label_en)
    names |= _field_aliases()  # the headers ttcalc looks for, as inspect's messages quote them
    names |= {c for c in cells if len(c) >= 8}  # sentences and titles of the inputs, as messages quote them
    return {n for n in names if n}, quotes, cells


DOC_NO = re.compile(r"[\u4e00-\u9fff]*〔\d{4}〕\d+号|《[^》]*》|[一二三四五六七八九十]+（[一二三四五六七八九十]+）"
                    r"|[一二三四五六七八九十]+、\d*|（[一二三四五六七八九十\d]+）|\d+号")


UNITS = re.compile(r"(?<![\u4e00-\u9fff])(学时|课时|小时|学分|天|日|元|万元|节|次)(?![\u4e00-\u9fff])")


# an amount in 大写金额 (a cheque's form, which Chinese finance papers require whatever the language)
RMB = re.compile(r"负?[零壹贰叁肆伍陆柒捌玖拾佰仟万亿]+元(?:[零壹贰叁肆伍陆柒捌玖]角)?零?(?:[壹贰叁肆伍陆柒捌玖]分)?整?")


def en_offenders(text: str, names: set[str], extra: set[str] = frozenset()) -> list[str]:
    """Runs of Chinese that are not names, documents, clause numbers or a source value in brackets
    after its English word."""
    text = text or ""
    for n in sorted(names | set(extra), key=len, reverse=True):
        if n and CJK.search(n):
            text = text.replace(n, " ")
    text = DOC_NO.sub(" ", text)
    # a source word quoted or in brackets (as the catalogs' own test allows): “一个学期”, (岗位类别)
    text = re.sub(r"“[^”]*”|‘[^’]*’|「[^」]*」|\"[^\"\n]*\"|'[^'\n]*'|（[^）]*）|\([^()\n]*\)", " ", text)
    text = UNITS.sub(" ", text)
    text = RMB.sub(" ", text)
    # the source's own word kept beside the English one: "senior (高级)", "exempt by 特级教师 (special-grade)"
    text = re.sub(r"([A-Za-z][A-Za-z\- ]*) ?[(（][^()（）]*[)）]",
                  lambda m: m.group(1) if re.search(r"[A-Za-z]{2,}", m.group(1)) else m.group(0), text)
    return CJK.findall(text)


# ---------------------------------------------------------------- running the commands

def _args(name: str, samples: Path) -> list[str]:
    return [a.replace("{s}", str(samples)) for a in RUNS[name]]


def _run(args: list[str]):
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), (args, result.exit_code, result.stdout, result.stderr, result.exception)
    return result


def _capture(args: list[str]):
    """Run the command and keep the Report the CLI renders (to list its csv tables)."""
    import ttcalc.output.render.report as rr

    seen = {}
    original, pieces = rr.render, rr.json_pieces

    def spy(report, fmt, *a, **k):
        seen["report"] = report
        return original(report, fmt, *a, **k)

    def spy_pieces(report, *a, **k):  # --format json is written piece by piece
        seen["report"] = report
        return pieces(report, *a, **k)

    rr.render, rr.json_pieces = spy, spy_pieces
    try:
        result = _run(args)
    finally:
        rr.render, rr.json_pieces = original, pieces
    return result, seen.get("report")


def _csv_texts(report, lang: str) -> dict[str, list[list[str]]]:
    from ttcalc.output.i18n import localize
    from ttcalc.output.render.report import csv_tables, render

    data = localize(report.as_dict(), lang)
    data["tables"] = localize(report.tables, lang)
    out = {}
    for name in csv_tables(data):
        text = render(report, "csv", lang, table=name)
        assert text.startswith("\ufeff")
        out[name] = list(csv.reader(io.StringIO(text[1:])))
    return out


def _nested_json(text: str):
    """A cell that holds a JSON list or object (a nested part of the report), else None."""
    if text[:1] not in ("[", "{"):
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _json_texts(data, key: str = "") -> list[str]:
    """The human-text fields of a JSON report."""
    out = []
    if isinstance(data, dict):
        for k, v in data.items():
            if k in HUMAN_JSON:
                out += [s for s in _strings(v)]
            else:
                out += _json_texts(v, k)
    elif isinstance(data, list):
        for v in data:
            out += _json_texts(v, key)
    return out


def _strings(v) -> list[str]:
    if isinstance(v, str):
        return [v]
    if isinstance(v, dict):
        return [s for x in v.values() for s in _strings(x)]
    if isinstance(v, list):
        return [s for x in v for s in _strings(x)]
    return []


def _workbook_texts(path: Path) -> list[tuple[str, str]]:
    """(where, text): sheet names, every text cell (cached values), strings inside formulas, comments."""
    import openpyxl

    out: list[tuple[str, str]] = []
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    for ws in formulas.worksheets:
        if ws.sheet_state == "veryHidden":
            continue  # ttcalc's own marker (how it knows its output if given back), never shown
        out.append((f"{path.name}: sheet name", ws.title))
        cached = values[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                where = f"{path.name}[{ws.title}]!{cell.coordinate}"
                v = cell.value
                if isinstance(v, str) and v.startswith("="):
                    out += [(where + " (formula)", s) for s in re.findall(r'"([^"]*)"', v)]
                    c = cached[cell.coordinate].value
                    if isinstance(c, str):
                        out.append((where + " (value)", c))
                elif isinstance(v, str):
                    out.append((where, v))
                if cell.comment is not None:
                    out.append((where + " (comment)", cell.comment.text))
    return out


def _formula_criteria_match(path: Path) -> list[str]:
    """Every text a COUNTIF(S)/SUMIF(S) formula compares against occurs in the workbook's cells
    (a translated column is counted by its translated value)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    texts = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and not c.value.startswith("=")}
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, str) and re.search(r"(COUNT|SUM)IFS?\(", v):
                    for lit in re.findall(r'"([^"]*)"', v):
                        if lit and not re.match(r"[<>=]", lit) and lit not in texts and CJK.search(lit + "x") \
                                and not re.fullmatch(r"[\d.]+", lit):
                            bad.append(f"{ws.title}!{cell.coordinate}: {lit!r} counted but never written")
    return bad


# ---------------------------------------------------------------- the tests

LANGS = ["zh", "en"]



@pytest.fixture(scope="module")
def en_lists(samples):
    return en_allowed(samples)


def _check_zh(where: str, text: str, allowed: set[str], problems: list[str]) -> None:
    bad = zh_offenders(text, allowed)
    if bad:
        at = text.find(bad[0])
        problems.append(f"{where}: {sorted(set(bad))} in {text[max(0, at - 50):at + 60]!r}")


def _check_en(where: str, text: str, names: set[str], problems: list[str], extra=frozenset()) -> None:
    bad = en_offenders(text, names, extra)
    if bad:
        at = text.find(bad[0])
        problems.append(f"{where}: {sorted(set(bad))} in {text[max(0, at - 50):at + 60]!r}")


def _report_ids(report) -> set[str]:
    data = report.as_dict()
    ids = {str(k) for k in data.get("figures", {})}
    ids |= {c["id"] for c in data.get("checks", [])}
    ids |= {str(c.get("rule")) for c in data.get("checks", []) if c.get("rule")}
    return ids


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(RUNS))
def test_every_format_is_in_the_chosen_language(name, lang, samples, en_lists, tmp_path):
    names, _quotes, _cells = en_lists
    args = _args(name, samples) + ["--lang", lang]
    problems: list[str] = []
    result, report = _capture(args + ["--format", "table"])
    assert report is not None
    allowed = zh_allowed(_report_ids(report) | (_field_ids() if name.startswith("inspect") else set()))
    texts = [("table", result.stdout), ("markdown", _run(args + ["--format", "markdown"]).stdout)]
    for table, rows in _csv_texts(report, lang).items():
        head = rows[0] if rows else []
        code = {i for i, h in enumerate(head) if h in CODE_COLUMNS} if table != "figures" else {0}
        keys = table not in (None,) and head and all(re.fullmatch(r"[a-z_0-9]+", h or "") for h in head)
        for r, row in enumerate(rows):
            if r == 0 and keys:
                continue  # JSON keys as CSV headers (spec §4)
            for i, x in enumerate(row):
                if i in code:
                    continue
                nested = _nested_json(x)
                texts += [(f"csv --table {table} row {r + 1}", t) for t in (_json_texts(nested) if nested else [x])]
    data = json.loads(_run(args + ["--format", "json"]).stdout)
    texts += [("json", t) for t in _json_texts(data)]
    for where, text in texts:
        if lang == "zh":
            _check_zh(f"{name} {where}", text, allowed, problems)
        else:
            _check_en(f"{name} {where}", text, names, problems)
    assert not problems, f"{len(problems)} places not in {lang}:\n" + "\n".join(problems[:300])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", WORKBOOK_RUNS + ("check",))
def test_annotated_workbooks_are_in_the_chosen_language(name, lang, samples, en_lists, tmp_path):
    names, quotes, cells = en_lists
    args = _args(name, samples) + ["--lang", lang, "--format", "json"]
    if name == "check":
        (tmp_path / "out").mkdir()
        result, report = _capture(args + ["--output-dir", str(tmp_path / "out")])
        books = sorted((tmp_path / "out").glob("*.xlsx"))
    else:
        result, report = _capture(args + ["--output", str(tmp_path / "out.xlsx")])
        books = [tmp_path / "out.xlsx"]
    assert books, result.stderr
    allowed = zh_allowed(_report_ids(report) | {b.name for b in books})
    problems: list[str] = []
    for book in books:
        problems += _formula_criteria_match(book)
        for where, text in _workbook_texts(book):
            if lang == "zh":
                _check_zh(where, text, allowed, problems)
            else:
                extra = set(cells) if text in cells else set()
                extra |= {q for q, labels in quotes.items() if q in text and
                          (any(x in text for x in labels) or re.search(r"\(in English: [A-Za-z]", text))}
                _check_en(where, text, names, problems, extra)
    assert not problems, f"{len(problems)} places not in {lang}:\n" + "\n".join(problems[:300])


def _policies_problems(lang: str, formats: tuple[str, ...], en_lists) -> list[str]:
    names, quotes, _cells = en_lists
    problems: list[str] = []
    allowed = zh_allowed(set())
    runs = [["policies"]] + [["policies", "show", p] for p in builtin_ids()]
    for args in runs:
        for fmt in formats:
            text = _run(args + ["--lang", lang, "--format", fmt]).stdout
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
                head = rows[0]
                code = {i for i, h in enumerate(head) if h in CODE_COLUMNS | {"topic", "op", "unit", "inclusive",
                                                                             "advisory", "computable", "default",
                                                                             "issued", "effective", "value"}}
                text = "\n".join(x for row in rows[1:] for i, x in enumerate(row) if i not in code)
            where = " ".join(args) + f" --format {fmt}"
            if lang == "zh":
                _check_zh(where, text, allowed, problems)
            else:
                # a quote counts as translated when its rule's English label is in the same output
                shown = {q for q, labels in quotes.items() if any(x in text for x in labels)}
                _check_en(where, text, names, problems, shown)
    return problems


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_policies_tables_are_in_the_chosen_language(lang, en_lists):
    problems = _policies_problems(lang, ("table",), en_lists)
    assert not problems, f"{len(problems)} places not in {lang}:\n" + "\n".join(problems[:300])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_policies_documents_are_in_the_chosen_language(lang, en_lists):
    problems = _policies_problems(lang, ("markdown", "csv"), en_lists)
    assert not problems, f"{len(problems)} places not in {lang}:\n" + "\n".join(problems[:300])


@pytest.mark.parametrize("name", ["staffing", "hours"])
def test_translated_columns_are_still_counted_right(name, samples, soffice, tmp_path):
    """In English the counted columns hold the English words ("full-time teacher (专任教师)",
    "school-based training"): LibreOffice recomputes every formula to the value ttcalc stored."""
    import openpyxl

    book = tmp_path / f"{name}-en.xlsx"
    _run(_args(name, samples) + ["--lang", "en", "--output", str(book), "--quiet"])
    recalc = openpyxl.load_workbook(soffice(book, "xlsx"), data_only=True)
    formulas, stored = openpyxl.load_workbook(book), openpyxl.load_workbook(book, data_only=True)
    checked = 0
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("=") and ws.title in recalc.sheetnames:
                    a, b = stored[ws.title][c.coordinate].value, recalc[ws.title][c.coordinate].value
                    assert a == b or (a in (None, "") and b in (None, "")) or abs(float(a) - float(b)) < 1e-9, \
                        (ws.title, c.coordinate, c.value, a, b)
                    checked += 1
    assert checked > 20
