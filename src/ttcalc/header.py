"""Find the header of a table below title lines, over one to three rows with merged group
cells, and decide which column holds which field."""

from __future__ import annotations

from dataclasses import dataclass, field

from .clean import parse_decimal, squash
from .fields import Schema, group_kind, match, split_unit

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
    return [squash(v) for v in row]


def _is_numberish(text: str) -> bool:
    if not text:
        return False
    try:
        return parse_decimal(text) is not None
    except ValueError:
        return False


def _score(cells: list[str], sch: Schema) -> int:
    hits = {match(c, sch)[0] for c in cells if c}
    hits.discard(None)
    return len(hits)


def detect(rows: list[list], sch: Schema) -> Header | None:
    """rows: the first rows of a grid (lists of cell text).  None when no header is found."""
    texts = [_cells(r) for r in rows[:SCAN_ROWS]]
    if not texts:
        return None
    scores = [_score(t, sch) for t in texts]
    best = max(range(len(texts)), key=lambda i: (scores[i], -i))
    if scores[best] < 2:
        return None
    first, last = best, best
    # rows above: group labels ("工资项目") or headers merged vertically ("姓名" over two rows)
    while first > 0 and first > best - 2:
        above = texts[first - 1]
        filled = [c for c in above if c]
        if len(filled) < 2 or any(_is_numberish(c) for c in filled):
            break
        first -= 1
    # rows below: sub-headers under merged group cells
    while last + 1 < len(texts) and last < best + 2:
        below = texts[last + 1]
        filled = [c for c in below if c]
        if not filled or any(_is_numberish(c) for c in filled):
            break
        matched = sum(1 for c in filled if match(c, sch)[0])
        if matched * 2 < len(filled):
            break
        # a sub-header row leaves blank the columns merged down from the row above
        if not any(not texts[last][i] for i, c in enumerate(below) if c and i < len(texts[last])) \
                and matched < len(filled):
            break
        last += 1
    block = texts[first : last + 1]
    width = max(len(r) for r in block)
    block = [r + [""] * (width - len(r)) for r in block]
    _fill_groups(block)
    columns = []
    for i in range(width):
        labels = [r[i] for r in block if r[i]]
        labels = [l for j, l in enumerate(labels) if j == 0 or l != labels[j - 1]]
        columns.append(_column(i, labels, sch))
    return Header(first + 1, last + 1, columns)


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


def _column(index: int, labels: list[str], sch: Schema) -> Column:
    if not labels:
        return Column(index, "", None)
    leaf = labels[-1]
    header = " / ".join(labels)
    _, scale = split_unit(leaf)
    name, score = match(leaf, sch)
    if name:
        return Column(index, header, name, scale, "alias" if score >= 3 else "contains")
    if len(labels) > 1:
        name, score = match("".join(labels[-2:]), sch)  # "应发" over "合计"
        if name:
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
        key = squash(wanted).lower()
        hit = [c for c in header.columns if c.header and (squash(c.header).lower() == key
               or squash(c.header.split(" / ")[-1]).lower() == key)]
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
