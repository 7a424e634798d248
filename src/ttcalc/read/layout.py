"""How real offices lay their workbooks out, read as they meant it.

- the payslip layout (工资条): the header repeated above every person → those rows are skipped;
- a value merged down a data column (单位 over each school's block) → fills every row;
- a 学位 column holding 学历 terms, and no 学历 column → read as 学历, with a warning;
- the unit and month of a sheet without such a column: title line, sheet name, file name;
- the same file given twice (two spellings of a path, an identical copy) and ttcalc's own
  annotated workbooks → read once / not at all.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from ttcalc.core.warn import Warn
from ttcalc.read import merges, origin

REPEAT_REASON = "header_repeat"  # a skip code: read.row.header_repeat


def once_each(files: list[Path]) -> tuple[list[Path], list[tuple[Path, Path, str]]]:
    """The files to read, each once: the same resolved path or the same content (SHA-256)
    given again is dropped.  Of identical copies the original is kept: the one not named as
    a copy ("(1)", "副本", "copy", "backup"), nearest the top of the folder, shortest name.
    Returns (kept, [(dropped, kept instead, "path" | "content")])."""
    dropped = []
    by_path: dict[Path, Path] = {}
    unique = []
    for f in files:
        try:
            real = f.resolve()
        except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python 3.11); the read says so
            real = f
        if real in by_path:
            dropped.append((f, by_path[real], "path"))
            continue
        by_path[real] = f
        unique.append(f)
    if len(unique) < 2:
        return unique, dropped
    size_of: dict[Path, int | None] = {}  # only files of one size can hold the same content
    for f in unique:
        try:
            size_of[f] = f.stat().st_size if f.is_file() else None
        except OSError:
            size_of[f] = None
    shared = Counter(size for size in size_of.values() if size is not None)
    groups: dict[tuple, list[Path]] = {}
    for f in unique:
        try:  # a file of a size no other file has is not hashed
            key = _digest(f) if shared[size_of[f]] > 1 else ("path", str(f))
        except OSError:
            key = ("path", str(f))
        groups.setdefault(key, []).append(f)
    keep = {}
    for same in groups.values():
        best = min(same, key=_copy_rank)
        keep[best] = True
        dropped.extend((f, best, "content") for f in same if f is not best)
    return [f for f in unique if f in keep], dropped


_COPY_MARK = re.compile(r"\(\d+\)|（\d+）|副本|拷贝|复制|(?i:copy|backup)")
_BACKUP_DIR = re.compile(r"(?i)backup|备份|副本|^bak$|^old$|旧")


def _copy_rank(path: Path) -> tuple:
    in_backup = any(_BACKUP_DIR.search(part) for part in path.parts[:-1])
    return (bool(_COPY_MARK.search(path.name)) or in_backup, len(path.parts), len(path.name), str(path))


def _digest(path: Path) -> tuple:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return (path.stat().st_size, h.hexdigest())


_BILINGUAL = re.compile(r"^[\u4e00-\u9fff]{2,6} [A-Z][A-Za-z ]{2,20}$")  # "明细 Rows", "汇总 Summary"


OWN_MARK = ("ttcalc", "ttcalc annotated workbook")  # a very hidden sheet output.workbook writes


def own_output(grids: list) -> bool:
    """ttcalc's own annotated workbook: it holds a very hidden sheet "ttcalc" whose first cell
    says so (in any language of its tabs); older ones had tabs named "汇总 Summary", "明细 Rows", …"""
    for g in grids:
        if g.sheet == OWN_MARK[0] and getattr(g, "hidden", False) and g.table.num_rows and g.table.num_columns:
            if g.table.column(0)[0].as_py() == OWN_MARK[1]:
                return True
    names = [g.sheet for g in grids]
    return ("汇总 Summary" in names or "明细 Rows" in names) and sum(1 for n in names if _BILINGUAL.match(n)) >= 2


def expand_merges(grid, table, first_row: int, fill: set[int]):
    """Fill values merged down the data columns `fill` (below the header).  The merge ranges
    are only looked for when such a column has gaps."""
    gappy = {i for i in fill if i < table.num_columns and 0 < table.column(i).slice(first_row).null_count
             < table.num_rows - first_row}
    if not gappy:
        return table, []
    return merges.fill_down(table, merges.ranges(grid), first_row, gappy)


def repeated_headers(skip, header, names: list[str], arrays: list):
    """Rows below the header that repeat it (the payslip layout prints the header above every
    person): at least two mapped columns, and half of those that have a header, hold their own
    header text.  Returns (skip reasons, how many rows)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from ttcalc.core.arrays import arrow_of

    cols = [(c, a) for c, a in zip([c for c in header.columns if c.field], arrays)
            if pa.types.is_string(a.type) and c.header]
    if len(cols) < 2 or len(arrays[0]) == 0:
        return skip, 0
    labels_of = {}
    for col, _ in cols:
        labels = {col.header.replace(" / ", ""), *col.header.split(" / ")}
        labels_of[col.index] = sorted(labels | {re.sub(r"[(（][^)）]*[)）]$", "", x) for x in labels})

    def same(col, arr):
        text = pc.replace_substring_regex(pc.utf8_normalize(arr, "NFKC"), r"\s+", "")
        return pc.fill_null(pc.is_in(text, value_set=pa.array(labels_of[col.index])), False)

    # a cheap first pass on one column (the name, else the first): only the rows that repeat
    # its header are looked at in every column, so a million-row payroll pays one pass; and in
    # that column only the rows that may (`_may_repeat`) are normalised
    lead = next(((c, a) for c, a in cols if c.field in ("name", "id")), cols[0])
    maybe = _may_repeat(lead[1], labels_of[lead[0].index])
    if maybe is None:
        candidates = np.flatnonzero(same(*lead).to_numpy(zero_copy_only=False))
    else:
        candidates = maybe[same(lead[0], pc.take(lead[1], arrow_of(maybe))).to_numpy(zero_copy_only=False)] \
            if len(maybe) else maybe
    if not len(candidates):
        return skip, 0
    take = pa.array(candidates)
    hits, k = np.zeros(len(candidates), dtype=np.int32), 0
    for col, arr in cols:
        hits += same(col, pc.take(arr, take)).to_numpy(zero_copy_only=False)
        k += 1
    found = candidates[hits >= max(2, (k + 1) // 2)]
    n = len(found)
    if not n:
        return skip, 0
    repeat = np.zeros(len(arrays[0]), dtype=bool)
    repeat[found] = True
    skip = pc.if_else(pa.array(repeat), pa.scalar(REPEAT_REASON), skip)
    return (skip.combine_chunks() if hasattr(skip, "combine_chunks") else skip), n


def _may_repeat(column, labels: list[str]):
    """The rows of a string column whose cell may read as one of `labels` once NFKC-normalised
    with its whitespace removed (a superset, numpy int64, sorted), or None: look at every row.
    A cell of ASCII and CJK Unified Ideographs (U+4E00–U+9FFF) only is its own NFKC form, so
    it can read as a label only if it holds the label's first character; any other cell may."""
    import numpy as np

    from ttcalc.read.rows import needle_rows

    if not labels or "" in labels:
        return None
    n = len(column)
    found = needle_rows(column, [(ch, False) for ch in sorted({x[0] for x in labels})], 64 + n // 16)
    if found is None:
        return None
    parts, base = [found[0]], 0
    for chunk in (column.chunks if hasattr(column, "chunks") else [column]):
        parts.append(base + _not_plain(chunk))
        base += len(chunk)
    return np.unique(np.concatenate(parts)).astype(np.int64)


def _not_plain(array):
    """The rows of a string Array holding a character outside ASCII and U+4E00–U+9FFF (by the
    UTF-8 lead bytes: E4 B8–BF, E5–E9 begin the ideographs), and maybe null rows."""
    import numpy as np

    n = len(array)
    if n == 0:
        return np.zeros(0, np.int64)
    off = np.frombuffer(array.buffers()[1], np.int32, n + 1, array.offset * 4)
    lo, hi = int(off[0]), int(off[-1])
    if hi == lo:
        return np.zeros(0, np.int64)
    b = np.frombuffer(array.buffers()[2], np.uint8, hi - lo, lo)
    lead = np.flatnonzero(b >= 0xC0)
    if not len(lead):
        return np.zeros(0, np.int64)
    v, second = b[lead], b[np.minimum(lead + 1, len(b) - 1)]
    bad = lead[~(((v >= 0xE5) & (v <= 0xE9)) | ((v == 0xE4) & (second >= 0xB8)))]
    return np.searchsorted(off, bad + lo, side="right") - 1


_EDU_TERMS = re.compile(r"大专|专科|本科|研究生|中专|中师|高中|初中|小学|职高|技校|大学")
_DEGREE_ONLY = re.compile(r"^(?:学士|硕士|博士)(?:学位)?$|^无$")


def degree_as_education(read, header, names: list[str], arrays: list, sch) -> None:
    """A 学位/Degree column whose values are 学历 terms (大专, 本科, 硕士研究生), and no 学历
    column: read as 学历, with a warning saying so."""
    import pyarrow.compute as pc

    if sch.kind != "roster" or "education" in names or "degree" not in names:
        return
    i = names.index("degree")
    values = [v for v in pc.unique(arrays[i]).to_pylist() if v and str(v).strip()][:200]
    if not values:
        return
    edu = sum(1 for v in values if _EDU_TERMS.search(str(v)))
    deg = sum(1 for v in values if _DEGREE_ONLY.match(str(v).strip()))
    if edu * 2 < len(values) or deg >= edu:
        return
    names[i] = "education"
    col = next(c for c in header.columns if c.field == "degree")
    col.field, col.how = "education", "degree column holding 学历 terms"
    read.warnings.append(Warn("degree_as_education", str(read.file), read.sheet, None, col.header,
                              {"header": col.header}))


def find_month(read, grid, kind: str) -> None:
    """The month of a payroll sheet without a month column: its sheet name, file name or
    title line; added as a column so that "the same person paid twice in a month" is seen."""
    import pyarrow as pa

    if "month" in read.data.column_names:
        read.month_source = "column"
        return
    if kind != "payroll":
        return
    for source, text in (("sheet", read.sheet), ("file", Path(read.file).stem), ("title", " ".join(read.title))):
        month = origin.month_in(text) if text else None
        if month:
            read.month, read.month_source = month, source
            read.data = read.data.append_column("month", pa.array([month] * read.data.num_rows, pa.string()))
            return


def name_units(sheets: list, kind: str) -> None:
    """The unit of each used sheet of one file that has no unit column: a title line naming a
    school; the sheet name when sheets are named by unit; the file name (or folder) last, with
    a warning."""
    used = [s for s in sheets if s.used]
    named = [s for s in used if not origin.plain_sheet_name(s.sheet)]
    by_sheet = len(used) >= 2 and len(named) == len(used) and len({s.sheet for s in used}) == len(used)
    for s in used:
        if s.header is not None and "unit" in s.header.mapped:
            s.unit_source = "column"
            continue
        title = origin.unit_in_title(s.title)
        if title:
            s.unit, s.unit_source = title, "title"
        elif by_sheet or origin.unit_like(s.sheet):
            s.unit, s.unit_source = s.sheet.strip(), "sheet"
        else:
            stem = Path(s.file).stem
            s.unit = origin.unit_in_title([stem]) or origin.unit_of_file(s.file)
            s.unit_source = "file"
            s.warnings.append(Warn("unit_from_file", str(s.file), s.sheet, None, None, {"unit": s.unit}))
