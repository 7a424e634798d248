"""Text of one cell: NFKC (full-width to half-width), trimmed, whitespace removed ("姓  名" →
"姓名"), and the dash words an accountant writes for nothing.  Pure functions."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


DASHES = {"-", "—", "－", "–", "/", "无"}


def norm(text: object) -> str:
    """NFKC (full-width to half-width) and strip; None becomes ""."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def squash(text: object) -> str:
    """norm() and remove every whitespace character: "姓  名" -> "姓名"."""
    return _SPACES.sub("", norm(text))


def alias_match(cell: object, table: dict[str, list[str]]) -> str | None:
    """The key of `table` ({key: [alias, …]}) whose alias is the cell's text, else whose longest
    alias the text contains (squashed, lower case); None when no alias fits."""
    key = squash(cell).lower()
    if not key:
        return None
    best, best_len = None, 0
    for name, aliases in table.items():
        for a in aliases:
            a = squash(a).lower()
            if a == key:
                return name
            if a in key and len(a) > best_len:
                best, best_len = name, len(a)
    return best
