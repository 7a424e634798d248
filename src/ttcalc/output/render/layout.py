"""Text layout for the terminal: display width (CJK = 2 columns), wrapping, tables that fit.

`grid(headers, rows, width)` lays out a table no wider than `width` screen columns: columns
keep their natural width while the table fits, the widest shrink first and their cells wrap
(at spaces where there are any, else between characters); a table with too many columns for
the width is shown as one block of `header: value` lines per row instead."""

from __future__ import annotations

import os
import re
import shutil
import sys


GAP = 2
MIN_COL = 6
_TOKEN = re.compile(r"[\x21-\x7e]+|\s|.", re.S)


UNLIMITED = 10**6


def terminal_width() -> int:
    """COLUMNS when set, else the terminal's width (at least 40); a pipe or a file has no limit,
    so `grep` sees whole lines."""
    if os.environ.get("COLUMNS", "").isdigit() or (sys.stdout is not None and sys.stdout.isatty()):
        return max(40, shutil.get_terminal_size((100, 24)).columns)
    return UNLIMITED


def dw(text: str) -> int:
    """Display width of one line (wcwidth imported here: a JSON run never needs it)."""
    from wcwidth import wcswidth, wcwidth

    n = wcswidth(text)
    if n >= 0:
        return n
    return sum(max(wcwidth(ch), 0) for ch in text)


def wrap(text, width: int) -> list[str]:
    """Lines of at most `width` columns; words are kept whole where they fit."""
    width = max(width, 2)
    out: list[str] = []
    for para in str(text).split("\n"):
        line, lw, wrapped = "", 0, False
        for tok in _TOKEN.findall(para):
            tw = dw(tok)
            if wrapped and not line and tok.isspace():
                continue  # a wrapped line never starts with the blanks that ended the last one
            if lw + tw > width and line.strip():
                out.append(line.rstrip())
                line, lw, wrapped = "", 0, True
                if tok.isspace():
                    continue
            if tw > width:  # one word wider than the column: split it between characters
                for ch in tok:
                    cw = dw(ch)
                    if lw + cw > width and line:
                        out.append(line)
                        line, lw, wrapped = "", 0, True
                    line, lw = line + ch, lw + cw
                continue
            line, lw = line + tok, lw + tw
        out.append(line.rstrip())
    return out


def block(text, width: int, indent: str = "", hang: str | None = None) -> list[str]:
    """A paragraph wrapped to `width`, first line indented by `indent`, the rest by `hang`."""
    hang = " " * dw(indent) if hang is None else hang
    lines = wrap(text, width - max(dw(indent), dw(hang)))
    return [(indent if i == 0 else hang) + line for i, line in enumerate(lines)]


def pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - dw(text))
    return gap + text if right else text + gap


def grid(headers: list[str], rows: list[list], width: int, right: set[int] | frozenset = frozenset(),
         keep: set[int] | frozenset = frozenset(), floor: dict[int, int] | None = None) -> list[str]:
    """A table as lines, none wider than `width`; the `keep` columns (ids) shrink last, and a
    column of `floor` {column: width} only below that width when nothing else can shrink."""
    floor = floor or {}
    n = len(headers)
    cells = [["" if v is None else str(v) for v in row] + [""] * (n - len(row)) for row in rows]
    if n == 0:
        return []
    natural = [max([dw(x) for x in str(headers[i]).split("\n")] +
                   [dw(x) for row in cells for x in row[i].split("\n")] + [1]) for i in range(n)]
    avail = width - GAP * (n - 1)
    if sum(min(w, MIN_COL) for w in natural) > avail:
        return _records(headers, cells, width)
    widths = natural[:]
    while sum(widths) > avail:
        free = [k for k in range(n) if k not in keep and widths[k] > max(MIN_COL, floor.get(k, 0))] or \
            [k for k in range(n) if k not in keep and widths[k] > MIN_COL] or \
            [k for k in range(n) if widths[k] > MIN_COL] or list(range(n))
        i = max(free, key=lambda k: widths[k])
        widths[i] -= 1
    out = []
    out += _row_lines([str(h) for h in headers], widths, set())
    out.append((" " * GAP).join("-" * w for w in widths))
    for row in cells:
        out += _row_lines(row, widths, right)
    return out


def _row_lines(row: list[str], widths: list[int], right) -> list[str]:
    parts = [wrap(cell, w) for cell, w in zip(row, widths)]
    height = max(len(p) for p in parts)
    lines = []
    for k in range(height):
        segs = [pad(p[k] if k < len(p) else "", w, i in right) for i, (p, w) in enumerate(zip(parts, widths))]
        lines.append((" " * GAP).join(segs).rstrip())
    return lines


def _records(headers: list[str], cells: list[list[str]], width: int) -> list[str]:
    label = min(max(dw(str(h)) for h in headers), width // 3)
    out = []
    for row in cells:
        for h, v in zip(headers, row):
            head = wrap(str(h), label)
            body = wrap(v, width - label - GAP) if v else [""]
            for k in range(max(len(head), len(body))):
                left = pad(head[k] if k < len(head) else "", label)
                out.append((left + " " * GAP + (body[k] if k < len(body) else "")).rstrip())
        out.append("")
    return out[:-1]
