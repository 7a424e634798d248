"""Hand-built .xlsx files for the hostile tests (zipfile + XML strings, nothing else)."""
from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from ttcalc.read.extent import col_letters

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '{sheets}</Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def rows_xml(rows: list[list]) -> str:
    out = []
    for r, row in enumerate(rows, 1):
        out.append(f'<row r="{r}">' + "".join(cell(f"{col_letters(c)}{r}", v) for c, v in enumerate(row, 1)) + "</row>")
    return "".join(out)


def sheet(body: str, dim: str | None, merges: list[str] = (), between: str = "", prefix: str = "") -> bytes:
    """A worksheet part: `body` is the inside of <sheetData>; `between` goes after </sheetData>."""
    p = f"{prefix}:" if prefix else ""
    ns = NS.replace('xmlns="', f'xmlns:{prefix}="') if prefix else NS
    d = f'<{p}dimension ref="{dim}"/>' if dim else ""
    m = ""
    if merges:
        m = f'<{p}mergeCells count="{len(merges)}">' + "".join(f'<{p}mergeCell ref="{x}"/>' for x in merges) + f"</{p}mergeCells>"
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{p}worksheet {ns}>{d}<{p}sheetData>{body}'
            f"</{p}sheetData>{between}{m}</{p}worksheet>").encode()


def write(path: Path, sheets: dict[str, bytes], level: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", level) as z:
        z.writestr("[Content_Types].xml", CT.format(sheets="".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1))))
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {NS}><sheets>'
                   + "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(sheets, 1))
                   + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                             for i in range(1, len(sheets) + 1)) + "</Relationships>")
        for i, xml in enumerate(sheets.values(), 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return path
