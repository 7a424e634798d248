"""--help laid out in terminal columns, Chinese too: a CJK character is two columns wide, a
line may break between two CJK characters (never before a closing mark such as ，。）or after
an opening one such as （), and the words click writes itself ("Usage:") are the run's.

`Formatter` is click's HelpFormatter (Typer's copy) with width-aware wrapping; the commands'
context uses it (`ttcalc.cli.surface.Context.formatter_class`)."""

from __future__ import annotations

import re
import unicodedata

import typer

from ttcalc.cli.words import say

CLOSING = set("，。、；：？！）》」』】〉…,.;:?!)]}%")
OPENING = set("（《「『【〈([{")
_WIDE = "\u1100-\u115f\u2e80-\u303f\u3040-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
_ATOM = re.compile(rf"\[[^\]\s]{{1,40}}\]|\s+|[^\s{_WIDE}]+|\S")  # "[默认：table]" kept whole


def cells(text: str) -> int:
    """Terminal columns `text` takes: wide (CJK) characters two, combining marks none."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def atoms(text: str) -> list[str]:
    """Unbreakable pieces: runs of spaces, words, single CJK characters, a bracketed note
    without spaces — with a closing mark glued to what precedes it and an opening mark to what
    follows."""
    out: list[str] = []
    for piece in _ATOM.findall(text):
        if out and not out[-1].isspace() and not piece.isspace() and (piece[0] in CLOSING or out[-1][-1] in OPENING):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def wrap(text: str, width: int, first: str = "", rest: str = "") -> str:
    """`text` filled into lines of at most `width` columns (the indents included)."""
    lines: list[str] = []
    line, used, empty, space = first, cells(first), True, False
    for piece in atoms(text):
        if piece.isspace():
            space = not empty
            continue
        size = cells(piece)
        if not empty and used + space + size > width:
            lines.append(line)
            line, used, empty, space = rest, cells(rest), True, False
        while empty and used + size > width and len(piece) > 1:  # longer than a line: cut it
            cut = 1
            while cut < len(piece) and used + cells(piece[:cut + 1]) <= width:
                cut += 1
            lines.append(line + piece[:cut])
            piece, line, used = piece[cut:], rest, cells(rest)
            size = cells(piece)
        line += (" " if space else "") + piece
        used += space + size
        empty, space = False, False
    lines.append(line)
    return "\n".join(x.rstrip() for x in lines)


def paragraphs(text: str, width: int, indent: str) -> str:
    """Paragraphs (blank-line separated) wrapped; one whose first line is "\\b" kept as written."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = block.splitlines()
        if lines and lines[0].strip() == "\b":
            out.append("\n".join(indent + x for x in lines[1:]))
        else:
            out.append(wrap(" ".join(x.strip() for x in lines), width, indent, indent))
    return "\n\n".join(out)


class Formatter(typer.Context.formatter_class):
    """Click's help formatter, laid out in columns (CJK two wide) and worded in the run's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = say("word.usage") if prefix is None else prefix
        head = f"{' ' * self.current_indent}{prefix}{prog} "
        width = self.width - self.current_indent
        if width >= cells(head) + 20:
            self.write(wrap(args, width, head, " " * cells(head)))
        else:
            indent = " " * (max(self.current_indent, cells(prefix)) + 4)
            self.write(head.rstrip() + "\n" + wrap(args, width, indent, indent))
        self.write("\n")

    def write_heading(self, heading: str) -> None:
        """A heading as the catalog spells it, its colon included ("Options:", "选项：")."""
        self.write(f"{' ' * self.current_indent}{heading}\n")

    def write_text(self, text: str) -> None:
        self.write(paragraphs(text, self.width, " " * self.current_indent))
        self.write("\n")

    def write_lines(self, lines) -> None:
        """Lines kept as written (example command lines), indented."""
        for line in lines:
            self.write(f"{' ' * self.current_indent}{line}\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if not rows:
            return
        first_col = min(max(cells(first) for first, _ in rows), col_max) + col_spacing
        text_width = max(self.width - first_col - self.current_indent, 10)
        for first, second in rows:
            self.write(f"{' ' * self.current_indent}{first}")
            if not second:
                self.write("\n")
                continue
            if cells(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, text_width).splitlines() or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{' ' * (first_col + self.current_indent)}{line}\n")
