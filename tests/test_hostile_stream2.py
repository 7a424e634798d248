"""Hostile round 3 on the streamed read of big .xlsx sheets (read.xlsxstream): workbooks written
by hand, XML shapes real exporters produce, each read streamed and the general way — the same
report, or the stream steps aside."""

from __future__ import annotations

import re
import zipfile

import pytest
from builders import make_id
from test_hostile_readers import OFF, _report, _stream_and_general

from ttcalc.read import excel, xlsxfast, xlsxscan, xlsxstream
from ttcalc.read.extent import col_letters

NEEDS_DUCKDB = pytest.mark.skipif(xlsxstream.extension() is None, reason="duckdb-extension-excel not installed")
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _rows_xml(rows: list[list]) -> str:
    """<row>s of inline strings and numbers, every row and cell numbered."""
    out = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, v in enumerate(row, 1):
            ref = f"{col_letters(c)}{r}"
            if v is None:
                continue
            if isinstance(v, (int, float)):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return "".join(out)


def _workbook(path, sheet_data: str, dimension: str, sheet: str = "S"):
    """A one-sheet .xlsx around the given <sheetData> content, as a hand-written exporter makes it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
                   '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                   'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
                   'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/'
                   'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook {_NS} xmlns:r="{_REL}">'
                   f'<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
                   f'"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
                   f'"{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}>'
                   f'<dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>')
    return path


def _payroll(n: int = 60) -> list[list]:
    return [["姓名", "身份证号", "单位", "应发合计"]] + [[f"教师{i}", make_id(seq=i), "一中", 1000 + i]
                                                      for i in range(1, n + 1)]


def _rows_of(xml: str) -> list[str]:
    return re.findall(r"<row r=\"\d+\">.*?</row>", xml)


def _swapped(xml: str) -> str:
    rows = _rows_of(xml)
    rows[40], rows[41] = rows[41], rows[40]
    return "".join(rows)


def _repeated(xml: str) -> str:
    rows = _rows_of(xml)
    return "".join(rows) + rows[30].replace(">1030<", ">5030<")


ROW_SHAPES = {
    # `r` after another attribute (the scan counted rows by `<row r="`: the last two people lost)
    "r_not_first": lambda xml: xml.replace('<row r="60">', '<row spans="1:4" r="60">')
    .replace('<row r="61">', '<row spans="1:4" r="61">'),
    # rows without a number: the reader counts them in turn
    "unnumbered": lambda xml: xml.replace('<row r="60">', "<row>").replace('<row r="61">', "<row>"),
    # rows out of order, a row number twice: DuckDB reads past its range and leaves cells out
    "swapped": _swapped,
    "repeated": _repeated,
}


@NEEDS_DUCKDB
@pytest.mark.parametrize("shape", list(ROW_SHAPES))
def test_rows_numbered_otherwise_than_one_by_one_read_the_same(run, tmp_path, monkeypatch, streamed, shape):
    xml = ROW_SHAPES[shape](_rows_xml(_payroll()))
    path = _workbook(tmp_path / f"{shape}.xlsx", xml, "A1:D61")
    new, old = _stream_and_general(run, monkeypatch, path)
    assert new == old
    assert not streamed


@NEEDS_DUCKDB
@pytest.mark.parametrize("cell", ['<c r="F51" t="inlineStr"><is><t>合计</t></is></c>',
                                  '<c r="AA51"><v>5</v></c>', '<c r="E51" s="0"/>'])
def test_a_cell_right_of_the_dimension_below_the_first_rows_is_not_left_out(run, tmp_path, monkeypatch, streamed,
                                                                          cell):
    """A stale <dimension> (A1:D61) and a 合计 label in column F of row 51: DuckDB's range left
    column F out, so the total row was counted as a person (a payroll 1,050.00 too big)."""
    xml = _rows_xml(_payroll()).replace('</row><row r="52">', cell + '</row><row r="52">')
    path = _workbook(tmp_path / "stale.xlsx", xml, "A1:D61")
    new, old = _stream_and_general(run, monkeypatch, path)
    assert new == old
    assert not streamed


@NEEDS_DUCKDB
@pytest.mark.parametrize("tail", [
    '<row r="62"><c r="A62" s="0"/><c r="B62" s="0"/></row><row r="63" ht="20" customHeight="1"/>',
    '<row r="62"><c r="D62"><v></v></c></row>', '<row r="62"><c r="D62"><f>SUM(D2:D61)</f></c></row>',
    '<row r="64"><c r="A64" t="inlineStr"><is><t></t></is></c></row>',
    '<row r="62"><c r="A62" t="str"><f>""</f><v></v></c></row><row r="63"><c r="A63" s="0"/></row>',
])
def test_empty_rows_at_the_end_are_counted_as_the_general_reader_counts_them(run, tmp_path, monkeypatch, streamed,
                                                                            tail):
    """Rows of styled empty cells below the table (borders drawn further down), a formula
    never computed: calamine's range ends at the last value, the stream counted them as blank
    rows; an empty string is a value for calamine, so its row stays."""
    xml = _rows_xml(_payroll()) + tail
    path = _workbook(tmp_path / "tail.xlsx", xml, "A1:D64")
    new, old = _stream_and_general(run, monkeypatch, path)
    assert new == old
    assert streamed


@NEEDS_DUCKDB
def test_a_cdata_value_goes_the_general_way(run, tmp_path, monkeypatch, streamed):
    xml = _rows_xml(_payroll()).replace("<v>1030</v>", "<v><![CDATA[1030.5]]></v>")
    path = _workbook(tmp_path / "cdata.xlsx", xml, "A1:D61")
    new, old = _stream_and_general(run, monkeypatch, path)
    assert new == old
    assert not streamed


@pytest.mark.parametrize("width", [1, 4, 25, 26, 27, 52, 53, 702, 703, 16383])
def test_the_cells_right_of_a_width_are_exactly_those_past_it(width):
    pattern = re.compile(xlsxscan.right_of(width))
    for col in list(range(1, 60)) + list(range(width - 30, width + 30)) + [702, 703, 16384]:
        if col >= 1:
            cell = f'<c r="{col_letters(col)}12">'.encode()
            assert bool(pattern.match(cell)) == (col > width), (width, col)


def _scan_zip(tmp_path, row40: str | None = None, name: str = "s.xlsx") -> zipfile.ZipFile:
    body = "".join(row40 if r == 40 and row40 else f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}"><v>1</v></c></row>'
                   for r in range(1, 81))
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {_NS}><dimension ref="A1:B80"/>'
           f"<sheetData>{body}</sheetData></worksheet>")
    with zipfile.ZipFile(tmp_path / name, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", xml)
    return zipfile.ZipFile(tmp_path / name)


ODD_ROWS = [
    '<row spans="1:2" r="40"><c r="A40"><v>40</v></c></row>', "<row><c r=\"A40\"><v>40</v></c></row>",
    "<row r='40'><c r=\"A40\"><v>40</v></c></row>", '<row r="40"><c><v>40</v></c></row>',
    '<row r="40"><c s="0" r="A40"><v>40</v></c></row>', '<row r="40"><c r="C40"><v>40</v></c></row>',
    '<row r="40"><c r="A40" t=\'b\'><v>1</v></c></row>', '<row r="40"><c r="A40"><v><![CDATA[4]]></v></c></row>',
    '<row r="39"><c r="A39"><v>40</v></c></row>', '<row r="41"><c r="A41"><v>40</v></c></row>',
    '<row r="1040"><c r="A1040"><v>40</v></c></row>', '<row r="40"><c r="B40"><v>1</v></c><c r="A40"><v>2</v></c></row>',
    '<row r="40"><c r="A40"><v>1</v></c><c r="A40"><v>2</v></c></row>',
]


@pytest.mark.parametrize("row", ODD_ROWS, ids=range(len(ODD_ROWS)))
def test_the_scan_sees_every_odd_row_wherever_a_chunk_ends(tmp_path, monkeypatch, row):
    """Rows counted and cells placed unlike `<row r="N"><c r="A1">` in ascending order, cut by
    a chunk anywhere: never taken for plain rows (and plain rows never taken for odd ones)."""
    with _scan_zip(tmp_path) as plain, _scan_zip(tmp_path, row, "odd.xlsx") as zf:
        member = "xl/worksheets/sheet1.xml"
        at = zf.read(member).find(row.encode())
        for chunk in sorted({3, 7, 13, 64, 500, 4096, at, at + 3, at + len(row) // 2}):
            for cut in range(12) if chunk >= 400 else range(2):  # small chunks already cut everywhere
                monkeypatch.setattr(xlsxstream, "_CHUNK", max(1, chunk + cut))
                scan = xlsxstream.Scan(plain, member, 2, {7})
                assert scan.result() and scan.last_row == scan.valued_row == 80, (chunk, cut)
                odd = xlsxstream.Scan(zf, member, 2, {7})
                assert not odd.result() or odd.last_row > 80, (chunk, cut)


@NEEDS_DUCKDB
@pytest.mark.parametrize("order", ["reversed", "twice"])
def test_cells_out_of_order_in_a_row_read_the_same(run, tmp_path, monkeypatch, streamed, order):
    """Row 31's cells written D, C, B, A (or its amount twice): calamine places each cell by its
    reference, DuckDB left the row empty — a person lost from the payroll."""
    xml = _rows_xml(_payroll())
    row = re.search(r'<row r="31">(.*?)</row>', xml).group(1)
    cells = re.findall(r"<c r=.*?</c>", row)
    again = cells + [cells[-1].replace(">1030<", ">5030<")]
    xml = xml.replace(row, "".join(reversed(cells) if order == "reversed" else again))
    path = _workbook(tmp_path / "order.xlsx", xml, "A1:D61")
    new, old = _stream_and_general(run, monkeypatch, path)
    assert new == old
    assert not streamed


@pytest.mark.parametrize("width", [4, 30])
def test_backwards_finds_exactly_a_cell_at_or_left_of_the_one_before(width):
    pattern = re.compile(xlsxscan.backwards(width))
    inner = ['<v>1</v>', '<f>A1</f><v>2</v>', ' t="inlineStr"><is><r><rPr><b/></rPr><t>x</t></r></is']
    for a in range(1, width + 1):
        for b in range(1, width + 3):
            for body in inner:
                head = f'<c r="{col_letters(a)}7"' + ("" if body.startswith(" ") else ">") + body
                pair = f'<row r="7">{head}</c><c r="{col_letters(b)}7"><v>3</v></c></row>'.encode()
                assert bool(pattern.search(pair)) == (b <= a), (a, b, body)
                rows = f'<row r="7">{head}</c></row><row r="8"><c r="{col_letters(b)}8"><v>3</v></c></row>'.encode()
                assert not pattern.search(rows), (a, b)


@pytest.mark.parametrize("cell", ['<c r="D31" t="b"><v>1</v></c>', "<c r='D31' t='e'><v>#N/A</v></c>"])
def test_a_boolean_among_the_amounts_reads_the_same_typed_and_general(run, tmp_path, monkeypatch, cell):
    """fastexcel's typed load turns a TRUE among numbers into 1.0 (one yuan): a sheet holding
    booleans or error cells is read the general way, which refuses them as amounts."""
    xml = _rows_xml(_payroll()).replace('<c r="D31"><v>1030</v></c>', cell)
    path = _workbook(tmp_path / "bool.xlsx", xml, "A1:D61")
    monkeypatch.setattr(xlsxstream, "STREAM_MIN_CELLS", OFF)
    monkeypatch.setattr(xlsxfast, "TYPED_MIN_CELLS", 0)
    monkeypatch.setattr(excel, "LAZY_READER_BYTES", 0)
    typed = _report(run, path)
    monkeypatch.setattr(xlsxfast, "TYPED_MIN_CELLS", OFF)
    assert typed == _report(run, path)


@pytest.mark.parametrize("si", ["<si><t>教师_x0041_</t></si>", '<si><t>甲</t><rPh sb="0" eb="1"><t>こう</t></rPh></si>'])
def test_the_shared_strings_look_sees_an_escape_cut_by_chunks_shorter_than_it(tmp_path, monkeypatch, si):
    """The overlap was the last 16 bytes of the chunk alone: with chunks of a few bytes an
    `_x0041_` was never seen whole and the stream read it raw."""
    with zipfile.ZipFile(tmp_path / "s.xlsx", "w") as zf:
        zf.writestr("xl/sharedStrings.xml", f'<sst {_NS}><si><t>姓名</t></si>{si}</sst>')
    with zipfile.ZipFile(tmp_path / "s.xlsx") as zf:
        for chunk in range(1, 40):
            monkeypatch.setattr(xlsxstream, "_CHUNK", chunk)
            assert xlsxstream._strings_odd(zf, "xl/sharedStrings.xml"), chunk
