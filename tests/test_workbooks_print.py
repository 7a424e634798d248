"""The annotated workbooks as LibreOffice opens them: every formula's stored value is the value
LibreOffice computes, and the first (summary) sheet of each prints on A4 landscape one page wide."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime

import pytest

AS_OF = "2026-12-31"
# the first sheet of each workbook and the header of its leftmost and rightmost printed columns
FIRST = {"budget": ("汇总", "名称", "依据"), "staffing": ("汇总", "项目", "规则 / 条款"),
         "hours": ("汇总", "名称", "依据"), "duties": ("人员", "人员编号", "未达到"),
         "institutions": ("设区市", "设区市", "还需省级")}


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    from typer.testing import CliRunner

    from ttcalc.cli import app

    d = tmp_path_factory.mktemp("print")
    runner = CliRunner()
    assert runner.invoke(app, ["sample", str(d)]).exit_code == 0
    args = {"budget": ["budget", d / "payroll.xlsx", "--budgeted", "3万"],
            "staffing": ["staffing", d / "roster.xlsx"],
            "hours": ["hours", d / "hours.xlsx", "--cycle", "2022-2026"],
            "duties": ["duties", d / "activities.xlsx", "--roster", d / "roster.xlsx"],
            "institutions": ["institutions", d / "institutions.xlsx"]}
    out = {}
    for name, a in args.items():
        out[name] = d / f"{name}-annotated.xlsx"
        r = runner.invoke(app, [str(x) for x in a] + ["--as-of", AS_OF, "--lang", "zh", "-o", str(out[name])])
        assert r.exit_code in (0, 1), (name, r.stderr)
    return out


def _plain(value):
    if isinstance(value, datetime):
        return (value - datetime(1899, 12, 30)).days + (value - datetime(1899, 12, 30)).seconds / 86400
    if isinstance(value, date):
        return (value - date(1899, 12, 30)).days
    if isinstance(value, bool):
        return int(value)
    return value


@pytest.mark.parametrize("name", list(FIRST))
def test_every_formula_carries_the_value_libreoffice_computes(soffice, books, name):
    from openpyxl import load_workbook

    path = books[name]
    formulas = load_workbook(path)
    stored = load_workbook(path, data_only=True)
    again = load_workbook(soffice(path, "xlsx"), data_only=True)
    checked, wrong = 0, []
    for ws in formulas:
        for row in ws.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    continue
                mine = _plain(stored[ws.title][cell.coordinate].value)
                theirs = _plain(again[ws.title][cell.coordinate].value)
                checked += 1
                if isinstance(mine, (int, float)) and isinstance(theirs, (int, float)):
                    if abs(mine - theirs) > 1e-6 * max(1, abs(theirs)):
                        wrong.append((ws.title, cell.coordinate, cell.value[:60], mine, theirs))
                elif (mine or "") != (theirs or ""):
                    wrong.append((ws.title, cell.coordinate, cell.value[:60], mine, theirs))
    assert checked > 3
    assert not wrong, wrong[:5]


def _first_sheet_page_layout(ods) -> dict:
    with zipfile.ZipFile(ods) as z:
        content = z.read("content.xml").decode("utf-8")
        styles = z.read("styles.xml").decode("utf-8")
    style = re.search(r'<table:table table:name="[^"]*" table:style-name="([^"]*)"', content).group(1)
    master = re.search(rf'<style:style style:name="{style}"[^>]*style:master-page-name="([^"]*)"', content).group(1)
    layout = re.search(rf'<style:master-page style:name="{re.escape(master)}"[^>]*style:page-layout-name="([^"]*)"',
                       styles).group(1)
    block = re.search(rf'<style:page-layout style:name="{layout}"[^>]*>\s*<style:page-layout-properties([^>]*)>',
                      styles).group(1)
    return dict(re.findall(r'([\w:-]+)="([^"]*)"', block))


def _inches(value: str) -> float:
    number = float(re.match(r"[\d.]+", value).group(0))
    return number / 2.54 if value.endswith("cm") else number / 25.4 if value.endswith("mm") else number


@pytest.mark.parametrize("name", list(FIRST))
def test_summary_sheet_prints_one_a4_page_wide(soffice, books, name):
    path = books[name]
    props = _first_sheet_page_layout(soffice(path, "ods"))
    # LibreOffice read the print settings: fit to one page wide (any number of pages down), A4 landscape
    assert props.get("style:scale-to-X") == "1", props
    assert props.get("style:scale-to-Y", "0") == "0", props
    assert props.get("style:print-orientation") == "landscape"
    assert abs(_inches(props["fo:page-width"]) - 11.69) < 0.05 and abs(_inches(props["fo:page-height"]) - 8.27) < 0.05
    pdf = soffice(path, "pdf")
    data = pdf.read_bytes()
    boxes = re.findall(rb"/Type\s*/Page\b(?:(?!>>).)*?/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]",
                       data, re.S)
    assert boxes and all(float(b[2]) > float(b[3]) for b in boxes)  # every printed page is landscape
    if shutil.which("pdftotext"):  # where poppler is installed: the first page holds both edge columns
        page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        _sheet, left, right = FIRST[name]
        assert left in page and right in page, page[:400]
