"""Input generators of the benchmarks: payrolls shaped as real ones vary.

Every generator writes a file (into the folder it is given) and a sidecar `<file>.expect.json`
holding what ttcalc must find — the exact payroll total in fen, the rows and the distinct
people and units — so that a benchmark never reports the speed of a wrong answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_char(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS)) % 11]


@dataclass(frozen=True)
class Shape:
    """How a payroll sheet is laid out."""
    name: str
    fail: float = 0.1  # share of IDs whose check digit is wrong
    text_amounts: bool = False  # amounts written as text ("5,123.45") instead of numbers
    late_text: bool = False  # numbers, but one amount written as text far below row 1,000
    header_rows: int = 2  # 1, 2 or 3 rows of header under the title lines
    title_lines: int = 1
    columns: int = 16  # 8, 16 or 24 (plus one for a month column)
    month: bool = False
    total_row: bool = True
    shared: bool = False  # text in the shared-strings table, as Excel and WPS write it (else inline)

    def tag(self, rows: int) -> str:
        return (f"{rows}-f{int(self.fail * 100)}-{'t' if self.text_amounts else 'n'}{'L' if self.late_text else ''}"
                f"-h{self.header_rows}t{self.title_lines}-c{self.columns}{'-m' if self.month else ''}"
                f"{'-T' if self.total_row else ''}{'-S' if self.shared else ''}")


SHAPES = [
    Shape("numbers, 10% bad IDs, 2-row header, 16 cols", fail=0.1),
    Shape("numbers, 90% bad IDs, 2-row header, 16 cols", fail=0.9),
    Shape("text amounts, 10% bad IDs, 1-row header, 8 cols, month", text_amounts=True, header_rows=1,
          columns=8, month=True),
    Shape("numbers + one late text amount, 3-row header under 2 titles, 24 cols, month", late_text=True,
          header_rows=3, title_lines=2, columns=24, month=True),
    Shape("text amounts, 90% bad IDs, 3-row header, 24 cols, no total row", fail=0.9, text_amounts=True,
          header_rows=3, columns=24, total_row=False),
    Shape("numbers, 90% bad IDs, 1-row header, 16 cols, shared strings (as Excel writes)", fail=0.9,
          header_rows=1, shared=True),
]

# leaf headers: label columns, pay components, gross, deductions, net, then extras
_LABELS = ["序号", "单位", "姓名", "身份证号"]
_COMPONENTS = ["岗位工资", "薪级工资", "基础性绩效", "奖励性绩效", "津贴补贴", "教龄津贴", "乡镇工作补贴", "改革性补贴"]
_DEDUCTIONS = ["公积金", "养老保险", "职业年金", "医保", "个税", "失业保险"]
_EXTRAS = ["银行账号", "备注"]


def _layout(columns: int) -> tuple[list[str], list[str], list[str]]:
    """(components, deductions, extras) for a sheet of `columns` columns."""
    if columns <= 8:
        return ["岗位工资", "薪级工资", "绩效工资"], [], []  # + 应发合计 = 8 with the labels
    if columns <= 16:
        return _COMPONENTS[:5], _DEDUCTIONS[:5], []  # 4 + 5 + 1 + 5 + 1 = 16
    return _COMPONENTS, _DEDUCTIONS, _EXTRAS + ["岗位等级", "人员类别"]  # 4 + 8 + 1 + 6 + 1 + 4 = 24


def _header(shape: Shape) -> list[list[str]]:
    comps, deds, extras = _layout(shape.columns)
    month = ["月份"] if shape.month else []
    net = ["实发工资"] if deds else []
    leaf = _LABELS + month + comps + ["应发合计"] + deds + net + extras
    if shape.header_rows == 1:
        return [leaf]
    blank_labels = [""] * (len(_LABELS) + len(month))
    if shape.header_rows == 2:
        top = _LABELS + month + ["工资项目"] + [""] * (len(comps) - 1) + ["应发合计"] + \
            (["代扣项目"] + [""] * (len(deds) - 1) if deds else []) + net + extras
        sub = blank_labels + comps + [""] + deds + [""] * len(net) + [""] * len(extras)
        return [top, sub]
    # three rows: 应发部分 / 扣款部分 over groups over leaves
    half = max(len(comps) // 2, 1)
    top = _LABELS + month + ["应发部分"] + [""] * len(comps) + (["扣款部分"] + [""] * (len(deds) - 1) if deds else []) + \
        net + extras
    mid = blank_labels + ["基本工资"] + [""] * (half - 1) + ["绩效及津贴"] + [""] * (len(comps) - half - 1) + \
        ["应发合计"] + (["社保公积金"] + [""] * (len(deds) - 1) if deds else []) + [""] * len(net) + [""] * len(extras)
    sub = blank_labels + comps + [""] + deds + [""] * len(net) + [""] * len(extras)
    return [top, mid, sub]


def expect_path(path: Path) -> Path:
    return path.with_name(path.name + ".expect.json")


def expected(path: Path) -> dict:
    return json.loads(expect_path(path).read_text())


def _ids(rows: int, fail: float, seed: int = 0, start: int = 0):
    """Distinct 18-digit IDs; a share `fail` of them with a wrong check digit (and a few of the
    failing ones in other wrong shapes a payroll really holds)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    w = np.array(_WEIGHTS)
    i = np.arange(start, start + rows)
    region = 350000 + (i // 100_000) % 10_000
    year = 1960 + i % 40
    month = 1 + (i // 40) % 12
    day = 1 + (i // 480) % 28
    seq = (i // 13_440) % 1000
    body = np.char.add(np.char.add(region.astype(str), np.char.add(year.astype(str), np.char.zfill(month.astype(str), 2))),
                       np.char.add(np.char.zfill(day.astype(str), 2), np.char.zfill(seq.astype(str), 3)))
    digits = np.frombuffer(np.char.encode(body, "ascii").astype("S17").tobytes(), dtype=np.uint8).reshape(rows, 17) - 48
    total = (digits.astype(np.int64) * w).sum(axis=1) % 11
    bad = rng.random(rows) < fail
    total = np.where(bad, (total + 1 + rng.integers(0, 10, rows)) % 11, total)  # another check digit
    check = np.array(list(_CHECK))[total]
    return np.char.add(body, check).tolist(), int(bad.sum())


def payroll_xlsx(out: Path, rows: int, shape: Shape) -> Path:
    """A payroll workbook of `rows` person rows in the given shape (cached by shape)."""
    path = out / f"payroll-{shape.tag(rows)}.xlsx"
    if path.exists() and expect_path(path).exists():
        return path
    import xlsxwriter

    out.mkdir(parents=True, exist_ok=True)
    comps, deds, extras = _layout(shape.columns)
    head = _header(shape)
    ids, _bad = _ids(rows, shape.fail, seed=rows)
    tmp = path.with_suffix(".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    ws = wb.add_worksheet("工资表")
    r = 0
    for t in range(shape.title_lines):
        ws.write(r, 0, "2025年全市教职工工资发放表" if t == 0 else "单位：元    制表日期：2025年3月31日")
        r += 1
    for line in head:
        ws.write_row(r, 0, line)
        r += 1
    header_row = r - 1
    total_fen = 0
    units = 400 if rows >= 4000 else max(rows // 10, 1)
    text = shape.text_amounts
    late = min(rows - 1, 5000) if shape.late_text else -1
    for i in range(rows):
        base = 180_000 + (i * 3_701) % 240_000 + (i * 13) % 100  # fen
        parts = [base * k // 100 for k in (32, 18, 28, 7)][: len(comps) - 1]
        parts.append(38_600)
        parts += [1_000 + i % 7] * (len(comps) - len(parts))
        gross = sum(parts)
        total_fen += gross
        dfen = [gross * k // 1000 for k in (120, 80, 40, 20, 15, 5)][: len(deds)]
        net = [gross - sum(dfen)] if deds else []
        amounts = parts + [gross] + dfen + net
        cells = [i + 1, f"第{i % units + 1}学校", f"教师{i}", ids[i]]
        if shape.month:
            cells.append("2025-03")
        if text or i == late:
            cells += [f"{a // 100:,}.{a % 100:02d}" for a in amounts]
        else:
            cells += [a / 100 for a in amounts]
        cells += [f"6222{i:012d}", "", f"专技{i % 13 + 1}级", "在编"][: len(extras)]
        ws.write_row(r, 0, cells)
        r += 1
    if shape.total_row:
        gi = len(_LABELS) + (1 if shape.month else 0) + len(comps)
        row = ["合计"] + [""] * (gi - 1) + [total_fen / 100]
        ws.write_row(r, 0, row)
        r += 1
        ws.write(r, 0, "注：本表金额单位为元。")
    wb.close()
    if shape.shared:
        _to_shared_strings(tmp, path)
        tmp.unlink()
    else:
        tmp.rename(path)
    expect_path(path).write_text(json.dumps({"payroll_total_fen": total_fen, "rows": rows, "people": rows,
                                             "units": units, "header_row": header_row}))
    return path


def _to_shared_strings(src: Path, dst: Path) -> None:
    """Rewrite xlsxwriter's inline strings (constant_memory) into a shared-strings table, as
    Excel and WPS write text: the sheet is converted in pieces, never held whole."""
    import re
    import zipfile

    cell = re.compile(rb'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>')
    index: dict[bytes, int] = {}
    count = 0

    def shared(m) -> bytes:
        nonlocal count
        count += 1
        k = index.setdefault(m.group(3), len(index))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (m.group(1), m.group(2) or b"", k)

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename.startswith("xl/worksheets/"):
                with zin.open(info) as fh, zout.open(info.filename, "w", force_zip64=True) as out:
                    tail = b""
                    while True:
                        chunk = fh.read(1 << 22)
                        text = tail + chunk
                        cut = text.rfind(b"</row>") + len(b"</row>") if chunk else len(text)
                        cut = cut if cut >= len(b"</row>") else len(text) if not chunk else 0
                        out.write(cell.sub(shared, text[:cut]))
                        tail = text[cut:]
                        if not chunk:
                            break
                continue
            body = zin.read(info)
            if info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            zout.writestr(info, body)
        with zout.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.'
                      b'openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (count, len(index)))
            for text in index:
                out.write(b'<si><t xml:space="preserve">%s</t></si>' % text)
            out.write(b"</sst>")


def school_folder(out: Path, schools: int, rows: int) -> Path:
    """A city payroll: one workbook per school (title line, one header row, a total row)."""
    folder = out / f"schools-{schools}x{rows}"
    if folder.exists() and expect_path(folder).exists():
        return folder
    import xlsxwriter

    tmp = folder.with_name(folder.name + ".tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    total_fen = 0
    for s in range(schools):
        ids, _ = _ids(rows, 0.1, seed=s, start=s * rows)  # distinct across schools
        wb = xlsxwriter.Workbook(str(tmp / f"school-{s:03d}.xlsx"), {"constant_memory": True})
        ws = wb.add_worksheet("工资表")
        ws.write(0, 0, f"第{s + 1}学校 2025年工资发放表")
        ws.write_row(1, 0, ["序号", "姓名", "身份证号", "岗位工资", "薪级工资", "绩效工资", "应发合计", "实发合计"])
        for i in range(rows):
            g = 400_000 + (i * 7 + s) % 300_000 + i % 100
            a, b = g * 40 // 100, g * 20 // 100
            total_fen += g
            ws.write_row(2 + i, 0, [i + 1, f"教师{s}-{i}", ids[i], a / 100, b / 100, (g - a - b) / 100, g / 100,
                                    g * 8 // 10 / 100])
        ws.write_row(2 + rows, 0, ["合计"])
        wb.close()
    tmp.rename(folder)
    expect_path(folder).write_text(json.dumps({"payroll_total_fen": total_fen, "rows": schools * rows,
                                               "people": schools * rows, "units": schools, "header_row": 1}))
    return folder


CSV_HEADER = ["序号", "单位", "姓名", "身份证号", "岗位工资", "薪级工资", "绩效工资", "津贴补贴", "应发合计",
              "公积金", "养老保险", "医保", "个税", "实发合计"]


def big_csv(out: Path, rows: int, fail: float = 0.1) -> Path:
    """A province payroll past Excel's row limit: a title line, one header row, a total row."""
    path = out / f"payroll-{rows}-f{int(fail * 100)}.csv"
    if path.exists() and expect_path(path).exists():
        return path
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    out.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    total_fen = 0
    chunk = 500_000
    with tmp.open("wb") as fh:
        fh.write(f"全省教职工工资（{rows}行）\n".encode())
        fh.write((",".join(CSV_HEADER) + "\n").encode())
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            i = np.arange(start, start + n, dtype=np.int64)
            g = 400_000 + (i * 7) % 300_000 + i % 100
            a, b, d = g * 40 // 100, g * 20 // 100, np.full(n, 38_600)
            c = g - a - b - d
            total_fen += int(g.sum())
            ids, _ = _ids(n, fail, seed=start, start=start)

            def yuan(fen):
                return pc.binary_join_element_wise(pa.array(fen // 100).cast(pa.string()),
                                                   pc.utf8_lpad(pa.array(fen % 100).cast(pa.string()), 2, "0"), ".")
            cols = [pa.array(i + 1), pc.binary_join_element_wise("第", pa.array(i % 9000).cast(pa.string()), "学校", ""),
                    pc.binary_join_element_wise("教师", pa.array(i).cast(pa.string()), ""), pa.array(ids),
                    yuan(a), yuan(b), yuan(c), yuan(d), yuan(g), yuan(g * 12 // 100), yuan(g * 8 // 100),
                    yuan(g * 2 // 100), pa.array(np.full(n, "15.50")), yuan(g * 78 // 100 - 1550)]
            pacsv.write_csv(pa.table(cols, names=CSV_HEADER), fh,
                            pacsv.WriteOptions(include_header=False, quoting_style="none"))
        fh.write("合计,,,,,,,,\n".encode())
    tmp.rename(path)
    expect_path(path).write_text(json.dumps({"payroll_total_fen": total_fen, "rows": rows, "people": rows,
                                             "units": min(rows, 9000), "header_row": 1}))
    return path


def big_parquet(out: Path, rows: int, fail: float = 0.1) -> Path:
    """The same payroll as Parquet (header = column names, amounts as DECIMAL(12,2), no total row)."""
    path = out / f"payroll-{rows}-f{int(fail * 100)}.parquet"
    if path.exists() and expect_path(path).exists():
        return path
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    src = big_csv(out, rows, fail)
    money = {n: pa.decimal128(12, 2) for n in CSV_HEADER[4:]}
    reader = pacsv.open_csv(src, read_options=pacsv.ReadOptions(skip_rows=1, block_size=1 << 24),
                            parse_options=pacsv.ParseOptions(invalid_row_handler=lambda row: "skip"),
                            convert_options=pacsv.ConvertOptions(column_types={"身份证号": pa.string(), **money}))
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, reader.schema) as w:
        for batch in reader:
            w.write_batch(batch)
    tmp.rename(path)
    expect_path(path).write_text(expect_path(src).read_text())
    return path
