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

