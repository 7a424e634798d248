"""Hostile inputs and safe outputs (issue 8): limits against zip and allocation bombs, XML
entities never expanded, outputs that never overwrite an input nor appear half-written,
workbook text that never becomes a formula, JSON that escapes, and personal data that stays
out of shared reports and error messages."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from builders import make_csv, payroll_rows, with_check

# ------------------------------------------------------------------ builders

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
       'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_PROLOG = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_WB = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets><sheet name="工资表" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WBRELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_LOL = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
        + "]>\n")


def _cell(ref: str, value) -> str:
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def sheet_xml(rows: dict[int, dict[str, object]], dimension: str | None = "A1:B2", prolog: str = _PROLOG,
              filler: str = "") -> str:
    body = "".join(f'<row r="{r}">' + "".join(_cell(f"{c}{r}", v) for c, v in cells.items()) + "</row>"
                   for r, cells in sorted(rows.items()))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (prolog + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"{dim}<sheetData>{body}</sheetData>{filler}</worksheet>")


def raw_xlsx(path: Path, sheet: str, workbook: str = _PROLOG + _WB) -> Path:
    """A minimal .xlsx written member by member (openpyxl would not write a hostile one)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", _WBRELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def person_id(i: int) -> str:
    return with_check(f"35052119{80 + i % 20:02d}0{1 + i % 9}1{i % 10}{100 + i:03d}"[:17])


PEOPLE = [("张三", person_id(1), "泉港区第一小学", "5123.45"),
          ("欧阳娜娜", person_id(2), "泉港区第一小学", "6234.50"),
          ("李四", person_id(3), "泉港区第二小学", "4800.00")]


def payroll_csv(path: Path, people=PEOPLE, header=("姓名", "身份证号", "单位", "应发合计")) -> Path:
    return make_csv(path, payroll_rows(people, header))


def payroll_xlsx(path: Path, people=PEOPLE) -> Path:
    """An .xlsx payroll whose every cell is a string cell (so '=…' stays text in the input)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "工资表"
    for r, row in enumerate([("姓名", "身份证号", "单位", "应发合计"), *people], start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c)
            cell.value = value
            cell.data_type = "s"
    wb.save(path)
    return path


def ttcalc(*args, env: dict | None = None, timeout: float = 60, memory: int | None = None):
    """ttcalc in a child process (a reader that aborts must not take pytest down with it)."""
    def limit():
        if memory:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    full_env = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "ttcalc", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, env=full_env, preexec_fn=limit)


# ------------------------------------------------------------------ limits

def test_zip_bomb_over_the_unpacked_cap_is_refused_from_the_directory(tmp_path, run, monkeypatch):
    big = "A" * (12 << 20)  # 12 MB of one letter packs to ~12 KB (1000:1)
    bomb = raw_xlsx(tmp_path / "bomb.xlsx", sheet_xml({1: {"A": "姓名", "B": "应发合计"}, 2: {"A": big, "B": 1}}))
    assert bomb.stat().st_size < 100_000
    monkeypatch.setenv("TTCALC_MAX_UNZIPPED_MB", "8")
    r = run("budget", bomb, "--format", "json", "--lang", "en")
    assert r.code == 2 and r.stdout == ""
    line = r.stderr.strip()
    assert len(r.stderr.splitlines()) == 1
    assert "bomb.xlsx" in line and "would unpack to 12" in line and "limit 8 MB" in line
    assert "TTCALC_MAX_UNZIPPED_MB" in line


def test_zip_bomb_over_the_ratio_cap_is_refused_with_default_limits(tmp_path):
    filler = "<!--" + " " * (60 << 20) + "-->"  # a 60 MB member packing about 1000:1
    bomb = raw_xlsx(tmp_path / "ratio.xlsx", sheet_xml({1: {"A": "x"}}, filler=filler))
    started = time.monotonic()
    r = ttcalc("inspect", bomb, "--lang", "en", memory=2 << 30)
    assert r.returncode == 2, r.stderr
    assert "ratio.xlsx" in r.stderr and ":1, limit 200:1" in r.stderr and "zip bomb" in r.stderr
    assert time.monotonic() - started < 15


def test_allocation_bomb_cells_in_far_corners_refused_before_the_reader_allocates(tmp_path):
    # calamine would allocate 1,048,576 × 16,384 cells (512 GB) for two cells and abort the process
    for dim in ("A1:XFD1048576", "A1", None):  # honest, lying and missing <dimension>
        bomb = raw_xlsx(tmp_path / "corner.xlsx", sheet_xml({1: {"A": "姓名"}, 1048576: {"XFD": 1}}, dimension=dim))
        started = time.monotonic()
        r = ttcalc("budget", bomb, "--lang", "en", memory=2 << 30, timeout=30)
        assert r.returncode == 2, (dim, r.returncode, r.stderr[-500:])
        assert r.stderr.count("\n") == 1 and "corner.xlsx [工资表]" in r.stderr
        assert "1,048,576 rows × 16,384 columns" in r.stderr and "TTCALC_MAX_CELLS" in r.stderr
        assert time.monotonic() - started < 10


def test_huge_declared_dimension_with_few_cells_is_read_fast(tmp_path, run):
    """<dimension ref="A1:XFD1048576"/> over a small table: the cells decide, not the claim."""
    xml = sheet_xml({1: {"A": "姓名", "B": "应发合计"}, 2: {"A": "张三", "B": 5000}}, dimension="A1:XFD1048576")
    started = time.monotonic()
    r = run("budget", raw_xlsx(tmp_path / "dim.xlsx", xml), "--format", "json")
    assert r.code == 0, r.stderr
    assert r.json()["figures"]["payroll_total"] == "5000.00"
    assert time.monotonic() - started < 5


def test_cell_cap_is_configurable(tmp_path, run, monkeypatch):
    book = payroll_xlsx(tmp_path / "p.xlsx")
    assert run("budget", book, "--format", "json").code == 0
    monkeypatch.setenv("TTCALC_MAX_CELLS", "10")
    r = run("budget", book, "--format", "json", "--lang", "en")
    assert r.code == 2 and "rows × 4 columns" in r.stderr and "cells or more (limit 10)" in r.stderr
    monkeypatch.setenv("TTCALC_MAX_CELLS", "lots")
    r = run("budget", book, "--lang", "en")
    assert r.code == 2 and "TTCALC_MAX_CELLS=lots: expected a whole number" in r.stderr


def test_lying_dimension_is_checked_against_the_cells(tmp_path, run, monkeypatch):
    monkeypatch.setenv("TTCALC_MAX_CELLS", "1000")
    xml = sheet_xml({1: {"A": "姓名", "B": "应发合计"}, 2: {"A": "张三", "B": 1}, 5000: {"B": 2}}, dimension="A1:B2")
    r = run("budget", raw_xlsx(tmp_path / "lie.xlsx", xml), "--lang", "en")
    assert r.code == 2 and "5,000 rows × 2 columns = 10,000 cells or more (limit 1,000)" in r.stderr


def test_csv_size_cap(tmp_path, run, monkeypatch):
    path = payroll_csv(tmp_path / "p.csv")
    path.write_text(path.read_text(encoding="utf-8") + "\n" * (2 << 20), encoding="utf-8")
    monkeypatch.setenv("TTCALC_MAX_CSV_MB", "1")
    r = run("budget", path, "--lang", "en")
    assert r.code == 2 and "p.csv: refused: the text file is 2 MB (limit 1 MB)" in r.stderr


def test_limits_defaults_pass_a_million_rows_by_twenty_columns():
    from ttcalc.read import limits

    lim = limits.current()
    limits.check_cells(Path("big.xlsx"), "工资表", 1_000_000, 20, lim)
    assert lim.unzipped >= 1 << 30 and lim.csv >= 256 << 20


def test_xls_dimension_estimate_applies_the_cell_cap(run, monkeypatch):
    xls = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "robust" / "sheetjs__merge_cells.xls"
    if not xls.exists():
        pytest.skip("needs the robustness corpus for a legacy .xls file")
    from ttcalc.read import extent

    dims = extent.xls_dimensions(xls)
    assert dims and all(r > 0 and c > 0 for r, c in dims.values())
    monkeypatch.setenv("TTCALC_MAX_CELLS", "2")
    r = run("inspect", xls, "--lang", "en")
    assert r.code == 2 and "refused: the sheet would span" in r.stderr


# ------------------------------------------------------------------ XML entities

def test_entity_bomb_is_not_expanded_by_the_reader(tmp_path):
    xml = sheet_xml({1: {"A": "姓名", "B": "应发合计"}, 2: {"A": "&lol9;", "B": 1}}, prolog=_PROLOG + _LOL)
    book = raw_xlsx(tmp_path / "lol.xlsx", xml)
    started = time.monotonic()
    r = ttcalc("budget", book, "--format", "json", "--lang", "en", memory=1 << 30)
    assert r.returncode == 2 and "lollol" not in r.stdout + r.stderr
    assert "entities" in r.stderr and "lol.xlsx" in r.stderr
    assert time.monotonic() - started < 10


def test_external_entity_is_never_resolved(tmp_path, run):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-4242", encoding="utf-8")
    xxe = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
    xml = sheet_xml({1: {"A": "姓名", "B": "应发合计"}, 2: {"A": "&xxe;", "B": 1}}, prolog=_PROLOG + xxe)
    book = raw_xlsx(tmp_path / "xxe.xlsx", xml)
    for cmd in ("inspect", "budget"):
        r = run(cmd, book, "--format", "json")
        assert "TOPSECRET" not in r.stdout + r.stderr
        assert r.code == 2


def test_entity_in_the_workbook_part_is_refused_by_the_defused_parser(tmp_path, run):
    book = raw_xlsx(tmp_path / "wb.xlsx", sheet_xml({1: {"A": "x"}}), workbook=_PROLOG + _LOL + _WB)
    r = run("inspect", book, "--lang", "en")
    assert r.code == 2 and "declares entities" in r.stderr


def test_openpyxl_parses_with_defusedxml(tmp_path):
    from defusedxml import DefusedXmlException

    from ttcalc.read import limits

    openpyxl = limits.safe_openpyxl()
    assert openpyxl.DEFUSEDXML or openpyxl.LXML
    xml = sheet_xml({1: {"A": "&lol9;"}}, prolog=_PROLOG + _LOL)
    book = raw_xlsx(tmp_path / "lol.xlsx", xml)
    with pytest.raises(Exception) as caught:
        openpyxl.load_workbook(book)
    chain, exc = [], caught.value
    while exc is not None:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    assert any(isinstance(e, DefusedXmlException) for e in chain), chain
    with pytest.raises(DefusedXmlException):
        limits.parse_xml(b'<?xml version="1.0"?>' + _LOL.encode() + b"<a>&lol9;</a>")


# ------------------------------------------------------------------ outputs: nothing lost

def _no_temp_files(folder: Path) -> None:
    leftovers = [p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".")]
    assert not leftovers, leftovers


def test_writing_onto_an_input_is_refused_whatever_the_spelling(tmp_path, run, monkeypatch):
    book = payroll_xlsx(tmp_path / "in.xlsx")
    before = book.read_bytes()
    link = tmp_path / "link.xlsx"
    link.symlink_to(book)
    monkeypatch.chdir(tmp_path)
    for target in (book, link, "./in.xlsx", "sub/../in.xlsx"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        for extra in ([], ["--overwrite"]):
            r = run("budget", "in.xlsx", "--output", target, *extra, "--lang", "en")
            assert r.code == 2, (target, r.stderr)
            assert "refusing to write onto an input file" in r.stderr
    assert book.read_bytes() == before
    r = run("budget", link, "--output", "./in.xlsx", "--overwrite", "--lang", "en")
    assert r.code == 2 and "refusing" in r.stderr
    assert book.read_bytes() == before


def test_existing_output_is_replaced_only_with_overwrite(tmp_path, run):
    book = payroll_xlsx(tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old report")
    r = run("budget", book, "--output", out, "--lang", "en")
    assert r.code == 2 and "already exists; add --overwrite" in r.stderr
    assert out.read_bytes() == b"old report"
    r = run("budget", book, "--output", out, "--overwrite")
    assert r.code == 0, r.stderr
    assert zipfile.is_zipfile(out)
    _no_temp_files(tmp_path)


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_interrupted_write_leaves_the_old_file_and_no_temp_file(tmp_path, run, monkeypatch, error):
    import ttcalc.output.workbook.budget as book_mod

    book = payroll_xlsx(tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"old report")

    def boom(*args, **kwargs):
        raise error("power cut")

    monkeypatch.setattr(book_mod, "_units_sheet", boom)
    r = run("budget", book, "--output", out, "--overwrite")
    assert r.code == (130 if error is KeyboardInterrupt else 3)
    assert out.read_bytes() == b"old report"
    _no_temp_files(tmp_path)


def test_atomic_path_keeps_the_old_file_on_any_exception(tmp_path):
    from ttcalc.output.safeio import atomic_path

    target = tmp_path / "report.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(ZeroDivisionError):
        with atomic_path(target, overwrite=True) as tmp:
            tmp.write_text("half of the new", encoding="utf-8")
            1 / 0
    assert target.read_text(encoding="utf-8") == "old"
    _no_temp_files(tmp_path)
    with atomic_path(target, overwrite=True) as tmp:
        tmp.write_text("new", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "new"
    _no_temp_files(tmp_path)


# ------------------------------------------------------------------ outputs: nothing injected

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1:A9)"]


@pytest.mark.parametrize("make", [payroll_csv, payroll_xlsx], ids=["csv-input", "xlsx-input"])
def test_workbook_text_is_written_as_text_in_the_annotated_workbook(tmp_path, run, make):
    from openpyxl import load_workbook

    people = [(name, person_id(10 + i), unit, "1000.00")
              for i, (name, unit) in enumerate(zip(HOSTILE, ["=1+1", "学校A", "+A1", "学校B"]))]
    src = make(tmp_path / ("in.csv" if make is payroll_csv else "in.xlsx"), people)
    out = tmp_path / "out.xlsx"
    r = run("budget", src, "--output", out)
    assert r.code == 0, r.stderr
    wb = load_workbook(out)
    seen = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (cell.value in HOSTILE or cell.value in ("=1+1", "+A1")):
                    seen[cell.value] = cell.data_type
    assert set(HOSTILE) <= set(seen) and {"=1+1", "+A1"} <= set(seen), seen
    assert all(t == "s" for t in seen.values()), seen


def test_csv_output_never_starts_a_cell_with_a_formula_character(tmp_path, run):
    from openpyxl import load_workbook

    run("sample", tmp_path)
    hours = tmp_path / "hours.xlsx"
    wb = load_workbook(hours)
    names = set()
    for ws in wb.worksheets:  # every teacher's name becomes a formula-like text
        header = None
        for row in ws.iter_rows():
            values = [c.value for c in row]
            if header is None and any(isinstance(v, str) and "姓" in v for v in values):
                header = [i for i, v in enumerate(values) if isinstance(v, str) and "姓" in v.replace(" ", "")][0]
                continue
            if header is not None and isinstance(values[header], str) and values[header].strip():
                cell = row[header]
                names.add(cell.value)
                cell.value = HOSTILE[len(names) % len(HOSTILE)] + cell.value
                cell.data_type = "s"
    assert names, "the sample hours ledger has no name column"
    wb.save(hours)
    r = run("hours", hours, "--as-of", "2026-12-31", "--cycle", "2022-2026", "--format", "csv")  # the sample's years
    assert r.code in (0, 1), r.stderr
    cells = [c for row in csv.reader(io.StringIO(r.stdout)) for c in row]
    assert any("HYPERLINK" in c or "cmd|" in c for c in cells), "no name reached the CSV"
    for c in cells:
        assert not (c[:1] in ("=", "+", "-", "@", "\t", "\r") and not c.lstrip("+-").replace(".", "", 1).isdigit()), c


def test_render_csv_prefixes_formula_text():
    from ttcalc.output.render.report import safe_cell, to_csv

    for text in HOSTILE + ["=1+1", "\t=x", "\r=x"]:
        assert safe_cell(text) == "'" + text
    assert safe_cell("-12.50") == "-12.50" and safe_cell("张三") == "张三"
    data = {"command": "hours", "as_of": "2024-12-31", "policy": {"id": "p"},
            "checks": [{"id": "c", "status": "fail", "actual": "1", "required": ">= 2", "citation": "x",
                        "remedy": HOSTILE[0] + " needs 2 h", "reason": None}]}
    row = list(csv.reader(io.StringIO(to_csv(data))))[1]
    assert row[8] == "'" + HOSTILE[0] + " needs 2 h"


def test_json_output_escapes_quotes_newlines_and_control_characters(tmp_path, run):
    units = ['学校"甲"', "学校\n乙", "学校\t丙\\", "学校\x01丁\x7f", "学校\u2028戊</script>"]
    people = [(f"人{i}", person_id(20 + i), u, "100.00") for i, u in enumerate(units)]
    path = payroll_csv(tmp_path / "p.csv", people)
    r = run("budget", path, "--format", "json")
    assert r.code == 0, r.stderr
    data = json.loads(r.stdout)  # strict: a raw control character would fail here
    assert sorted(u["unit"] for u in data["by_unit"]) == sorted(units)
    assert "\x01" not in r.stdout and "\n乙" not in r.stdout


# ------------------------------------------------------------------ nothing leaked

def _people_in(report: dict) -> tuple[set, set]:
    names, ids = set(), set()

    def walk(v, key=None):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, k)
        elif isinstance(v, list):
            for x in v:
                walk(x, key)
        elif isinstance(v, str) and key == "name" and len(v) >= 2:
            names.add(v)
        elif isinstance(v, str) and key == "id" and sum(ch.isdigit() for ch in v) >= 15:
            ids.add(v)

    walk(report)
    return names, ids


@pytest.mark.parametrize("command,book,extra", [("hours", "hours.xlsx", ["--as-of", "2026-12-31"]),
                                                ("staffing", "roster.xlsx", ["--as-of", "2025-12-31"])])
def test_redact_masks_names_and_ids_in_every_format(tmp_path, run, command, book, extra):
    run("sample", tmp_path)
    src = tmp_path / book
    plain = run(command, src, *extra, "--format", "json")
    assert plain.code in (0, 1), plain.stderr
    names, ids = _people_in(plain.json())
    assert names, "the sample report names nobody: nothing to redact"
    for fmt in ("json", "table", "csv", "markdown"):
        shown = run(command, src, *extra, "--format", fmt).stdout
        masked = run(command, src, *extra, "--format", fmt, "--redact")
        assert masked.code == plain.code
        leaks = [x for x in names | ids if x in masked.stdout]
        assert not leaks, (fmt, leaks[:5])
        if any(x in shown for x in names | ids):
            assert "*" in masked.stdout
    data = run(command, src, *extra, "--format", "json", "--redact").json()
    masked_names, masked_ids = _people_in(data)
    assert all("*" in n for n in masked_names)
    assert all("*" in i and len(i) == 18 for i in masked_ids)


def test_redact_report_covers_every_part():
    from datetime import date

    from ttcalc.cells.privacy import mask_name
    from ttcalc.output.redact import redact_report
    from ttcalc.core.report import Report
    from ttcalc.policy.rules import Check

    pid = person_id(7)
    report = Report("hours", date(2024, 12, 31))
    report.inputs = [{"file": "张三工资.xlsx", "sheet": "S", "rows_skipped": [{"row": 3, "reason": f"dup of {pid}"}]}]
    report.by_unit = [{"unit": "一小", "note": "欧阳娜娜 moved"}]
    report.by_person = [{"name": "张三", "id": pid, "unit": "一小"}, {"name": "欧阳娜娜", "id": None}]
    report.checks = [Check("hours.cycle_total", "fail", remedy="张三 needs 48 h; 欧阳娜娜 needs 2 h",
                           details=[{"name": "张三", "id": pid, "row": 4}])]
    report.warnings = [{"code": "id_checksum", "row": 9, "message": f"ID {pid} of 张三 has a bad check digit"}]
    report.notes = ["see 欧阳娜娜"]
    report.extra = {"people": [{"name": "李四", "id": person_id(8)}]}
    report.tables = {"short": {"headers": ["row", "姓名", "身份证号"], "rows": [[4, "王五", person_id(9)]]}}
    redact_report(report)
    text = json.dumps(report.as_dict(), ensure_ascii=False) + json.dumps(report.tables, ensure_ascii=False)
    text += report.checks[0].remedy + json.dumps(report.checks[0].details, ensure_ascii=False)
    for secret in ("张三", "欧阳娜娜", "李四", "王五", pid, person_id(8), person_id(9)):
        assert secret not in text, secret
    assert report.by_person[0] == {"name": "张*", "id": pid[:6] + "********" + pid[-4:], "unit": "一小"}
    assert report.by_person[1]["name"] == "欧阳**" and mask_name("张三") == "张*"
    assert report.checks[0].id == "hours.cycle_total" and report.warnings[0]["row"] == 9


def test_error_messages_show_rows_not_names_or_ids(tmp_path, run):
    pid = PEOPLE[0][1]
    bad = payroll_csv(tmp_path / "bad.csv", [("张三", pid, "一小", "五千元整")])
    r = run("budget", "--lang", "en", bad)
    assert r.code == 2 and "row 2" in r.stderr
    assert "张三" not in r.stderr and pid not in r.stderr
    # a sheet of people without a header row: the message quotes what it saw, masked
    headless = tmp_path / "headless.csv"
    headless.write_text("\n".join(f"{n},{i},{u}" for n, i, u, _g in PEOPLE) + "\n", encoding="utf-8")
    for cmd in ("budget", "inspect"):
        r = run(cmd, "--lang", "en", headless, "--format", "json")
        assert r.code == 2 and "headless.csv" in r.stderr
        for name, ident, _u, _g in PEOPLE:
            assert name not in r.stderr and ident not in r.stderr, r.stderr


# ------------------------------------------------------------------ foreign and broken files

def _rows_tsv(people=PEOPLE) -> str:
    return "\r\n".join("\t".join(r) for r in [("姓名", "身份证号", "单位", "应发合计"), *people]) + "\r\n"


EXPECTED_TOTAL = "16157.95"


def test_workbook_with_the_wrong_extension_is_read_by_its_content(tmp_path, run):
    book = payroll_xlsx(tmp_path / "real.xlsx")
    renamed = tmp_path / "工资.xls"  # an .xlsx a clerk renamed .xls
    renamed.write_bytes(book.read_bytes())
    r = run("budget", renamed, "--format", "json")
    assert r.code == 0, r.stderr
    assert r.json()["figures"]["payroll_total"] == EXPECTED_TOTAL


def test_text_exports_under_excel_names(tmp_path, run):
    tsv = tmp_path / "导出.xls"  # tab-separated text a payroll system saved as .xls
    tsv.write_text(_rows_tsv(), encoding="gb18030")
    r = run("budget", tsv, "--format", "json")
    assert r.code == 0, r.stderr
    assert r.json()["figures"]["payroll_total"] == EXPECTED_TOTAL
    unicode_text = tmp_path / "unicode.txt"  # Excel's "Unicode text": UTF-16 with a BOM
    unicode_text.write_bytes(_rows_tsv().encode("utf-16"))
    r = run("budget", unicode_text, "--format", "json")
    assert r.code == 0, r.stderr
    assert r.json()["figures"]["payroll_total"] == EXPECTED_TOTAL
    page = tmp_path / "report.xls"
    page.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>", encoding="utf-8")
    r = run("budget", page)
    assert r.code == 2 and "report.xls" in r.stderr and "web page (HTML)" in r.stderr


def test_reader_panic_becomes_one_line(run):
    panic = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "robust" / \
        "calamine__tests__ptgexp-truncated-operand.xls"
    if not panic.exists():
        pytest.skip("needs the robustness corpus (a file that makes calamine panic)")
    r = ttcalc("budget", panic, "--lang", "en", env={"RUST_BACKTRACE": "1"})
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "panicked" not in r.stderr and "backtrace" not in r.stderr
    assert panic.name in r.stderr and "save it again" in r.stderr


def test_stderr_is_restored_after_readers_in_threads(tmp_path):
    """The reader's own stderr is silenced while it runs; several threads at once (a folder
    read on every core) must leave descriptor 2 as it was."""
    import threading

    from ttcalc.read.files import sheets

    book = payroll_xlsx(tmp_path / "p.xlsx")
    junk = tmp_path / "junk.xls"
    junk.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    before = os.fstat(2)

    def read(path):
        try:
            list(sheets(path))
        except Exception:  # noqa: BLE001 — refusals are expected for the junk file
            pass

    threads = [threading.Thread(target=read, args=(p,)) for p in [book, junk] * 8]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    after = os.fstat(2)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)


def test_clean_message_is_one_line_without_ids_or_escapes():
    from ttcalc.cells.privacy import clean_message

    pid = PEOPLE[0][1]
    msg = clean_message(f"p.csv row 3, column 应发合计: got '{pid}'\n\x1b[31mred\x00\tend")
    assert msg == f"p.csv row 3, column 应发合计: got '{pid[:6]}********{pid[-4:]}' [31mred end"
    assert "row 3" in clean_message("row 3: 12345678901234567.89 yuan")  # money is not an ID
    assert "12345678901234567.89" in clean_message("12345678901234567.89")


def test_error_messages_mask_id_numbers(tmp_path, run):
    """Columns shifted by one: an ID lands in the gross column and is quoted back, masked."""
    pid = PEOPLE[0][1]
    shifted = payroll_csv(tmp_path / "shifted.csv", [("张三", "一小", "x", pid[:-1] + "X")],
                          header=("姓名", "单位", "备注", "应发合计"))
    r = run("budget", "--lang", "en", shifted)
    assert r.code == 2 and "row 2" in r.stderr and "shifted.csv" in r.stderr
    assert pid[:-1] not in r.stderr and "********" in r.stderr
