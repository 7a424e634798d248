"""Find the header of a table below title lines, over one to three rows with merged group
cells, and decide which column holds which field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ttcalc.cells.money import parse_decimal
from ttcalc.cells.text import squash
from ttcalc.read.fields import Schema, group_kind, match, plain_squash, split_unit

SCAN_ROWS = 40


@dataclass
class Column:
    index: int  # position in the grid (c0, c1, …)
    header: str  # as written (group / leaf for a two-row header)
    field: str | None  # canonical field, or None when unmapped
    scale: int = 1  # unit multiplier to yuan ("万元" -> 10000)
    how: str = ""  # "alias", "contains", "group", "--map"


@dataclass
class Header:
    first_row: int  # 1-based sheet rows
    last_row: int
    columns: list[Column] = field(default_factory=list)

    def of(self, name: str) -> list[Column]:
        return [c for c in self.columns if c.field == name]

    @property
    def mapped(self) -> dict[str, list[Column]]:
        out: dict[str, list[Column]] = {}
        for c in self.columns:
            if c.field:
                out.setdefault(c.field, []).append(c)
        return out

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns if c.header]


def _cells(row: list) -> list[str]:
    return [plain_squash(v) for v in row]


def _is_numberish(text: str) -> bool:
    if not text:
        return False
    try:
        return parse_decimal(text) is not None
    except ValueError:
        return False


def _is_data(text: str) -> bool:
    """A cell that only a data row holds: a number, a date, an ID."""
    if _is_numberish(text):
        return True
    if len(text) in (15, 18) and text[:14].isdigit():
        return True
    try:
        from ttcalc.cells.dates import parse_date

        value, _ = parse_date(text)
        return value is not None
    except ValueError:
        return False


def _fields(cells: list[str], sch: Schema, mapped: dict | None = None) -> set:
    # "单位：泉港一小" and "金额单位：元" are notes (label: value), never headers
    hits = {(mapped.get(split_unit(c)[0].lower()) if mapped else None) or match(c, sch)[0]
            for c in cells if c and ":" not in c}
    hits.discard(None)
    return hits


def detect(rows: list[list], sch: Schema, maps: dict[str, str] | None = None) -> Header | None:
    """rows: the first rows of a grid (lists of cell text).  None when no header is found.
    maps: --map FIELD=HEADER, so a header only the user can name still finds the header row."""
    mapped = {split_unit(h)[0].lower(): f for f, h in (maps or {}).items()}
    texts = [_cells(r) for r in rows[:SCAN_ROWS]]
    if not texts:
        return None
    fields = [_fields(t, sch, mapped) if sum(1 for c in t if c) >= 2 else set() for t in texts]  # not a title
    # a header may spread its fields over two rows (姓名 above, the pay items below a group)
    pair = [fields[i] | (fields[i + 1] if i + 1 < len(texts) and not any(_is_data(c) for c in texts[i + 1] if c)
                         else set()) for i in range(len(texts))]
    # the header is the first row naming as many fields (with the row under it) as any: a later
    # row as good is the header repeated (a payslip), and choosing it would drop the rows above
    best = max(range(len(texts)), key=lambda i: (len(pair[i]) if fields[i] else -1, -i))
    if len(pair[best]) < 2 or not fields[best]:
        return None
    first, last = best, best
    # rows above: group labels ("工资项目") or headers merged vertically ("姓名" over two rows);
    # a "单位：…  金额单位：元" line is a subtitle, not a header
    while first > 0 and first > best - 2:
        above = texts[first - 1]
        filled = [c for c in above if c]
        if len(filled) < 2 or any(_is_data(c) for c in filled) or any(":" in c or "：" in c for c in filled):
            break
        first -= 1
    # rows below: sub-headers under merged group cells (up to two more rows)
    while last + 1 < len(texts) and last < best + 2:
        below = texts[last + 1]
        upper = texts[last]
        filled = [c for c in below if c]
        if not filled or any(_is_data(c) for c in filled):
            break
        matched = sum(1 for c in filled if match(c, sch)[0])
        # a sub-header sits under the blank continuation of a merged group cell
        continued = sum(1 for i, c in enumerate(below) if c and (i >= len(upper) or not upper[i]))
        if matched == len(filled) or (continued and (matched * 2 >= len(filled) or continued * 2 >= len(filled))):
            last += 1
            continue
        break
    block = texts[first : last + 1]
    width = max(len(r) for r in block)
    block = [r + [""] * (width - len(r)) for r in block]
    _fill_groups(block)
    columns = []
    for i in range(width):
        labels = [r[i] for r in block if r[i]]
        labels = [l for j, l in enumerate(labels) if j == 0 or l != labels[j - 1]]
        columns.append(_column(i, labels, sch))
    _unit_from_title(texts[:first], columns, sch)
    return Header(first + 1, last + 1, columns)


_UNIT_NOTE = re.compile(r"(?:金额)?单位[:：]\s*(万元|千元|元)")


def _unit_from_title(title_rows: list[list[str]], columns: list[Column], sch: Schema) -> None:
    """"金额单位：万元" in a title line applies to every amount column that states no unit."""
    for row in title_rows:
        for cell in row:
            m = _UNIT_NOTE.search(cell)
            if m and m.group(1) != "元":
                scale = 10000 if m.group(1) == "万元" else 1000
                for c in columns:
                    if c.field and sch.fields[c.field].type == "money" and c.scale == 1:
                        c.scale = scale
                return


def _fill_groups(block: list[list[str]]) -> None:
    """A merged group cell holds its text in its first column only: carry it right over the
    columns that have a sub-header below and nothing of their own."""
    for r in range(len(block) - 1):
        row, below = block[r], block[r + 1]
        carry = ""
        for i in range(len(row)):
            if row[i]:
                carry = row[i] if below[i] else ""
            elif carry and below[i]:
                row[i] = carry
            else:
                carry = ""


_TOTAL_LEAVES = ("合计", "小计", "总计", "共计", "合计数", "小计数")


def _column(index: int, labels: list[str], sch: Schema) -> Column:
    if not labels:
        return Column(index, "", None)
    leaf = labels[-1]
    header = " / ".join(labels)
    scale = next((sc for sc in (split_unit(label)[1] for label in reversed(labels)) if sc != 1), 1)
    if len(labels) > 1 and split_unit(leaf)[0] in _TOTAL_LEAVES:
        # "应发" over "合计" is the gross; "基本工资" over "小计" is a subtotal of components:
        # summing it with them would count that money twice
        name, score = match("".join(split_unit(x)[0] for x in labels[-2:]), sch)
        if name and score >= 3:
            return Column(index, header, name, scale, "alias")
        return Column(index, header, None, scale, "subtotal of a group: not counted")
    name, score = match(leaf, sch)
    if name:
        return Column(index, header, name, scale, "alias" if score >= 3 else "contains")
    if len(labels) > 1:
        name, score = match("".join(split_unit(x)[0] for x in labels[-2:]), sch)  # exact only
        if name and score >= 3:
            return Column(index, header, name, scale, "alias")
        for label in reversed(labels[:-1]):
            kind = group_kind(label, sch)
            if kind:
                return Column(index, header, kind, scale, "group")
    return Column(index, header, None, scale)


def apply_map(header: Header, overrides: dict[str, str], sch: Schema) -> list[str]:
    """Apply --map FIELD=HEADER.  Returns the overrides that named no column here."""
    unmatched = []
    for fname, wanted in overrides.items():
        key = split_unit(wanted)[0].lower()
        hit = [c for c in header.columns if c.header and key in (
               split_unit(c.header.replace(" / ", ""))[0].lower(), split_unit(c.header.split(" / ")[-1])[0].lower())]
        if not hit:
            unmatched.append(fname)
            continue
        if not sch.fields[fname].many:
            for c in header.columns:
                if c.field == fname:
                    c.field, c.how = None, ""
        for c in hit:
            c.field, c.how = fname, "--map"
    return unmatched


def dedupe(header: Header, sch: Schema) -> None:
    """A single-valued field keeps the first, most certain column; later ones are unmapped
    (e.g. 学历 beside 最高学历 keeps 最高学历)."""
    for fname, cols in header.mapped.items():
        if sch.fields[fname].many or len(cols) < 2:
            continue
        order = {a: i for i, a in enumerate(sch.fields[fname].aliases)}

        def rank(c: Column) -> tuple:
            key = squash(split_unit(c.header.split(" / ")[-1])[0]).lower()
            return (c.how != "--map", c.how != "alias", order.get(key, 99), c.index)

        keep = min(cols, key=rank)
        for c in cols:
            if c is not keep:
                c.field, c.how = None, f"duplicate of {keep.header}"
