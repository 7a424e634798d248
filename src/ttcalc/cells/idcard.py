"""身份证号 (GB 11643-1999): normalise, validate the check character, derive birth date and sex.

Pure functions; no I/O.  See shared/domain.md §3.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


@dataclass(frozen=True)
class IdInfo:
    text: str  # normalised form (18 characters when it could be read)
    valid: bool
    birth: date | None = None
    sex: str | None = None  # "男" / "女"
    problem: str | None = None  # code: checksum | numeric | length | birth_date | characters


_SCIENTIFIC = re.compile(r"^[+-]?\d*\.?\d*E[+-]?\d+$")

# An ID that went through a number ("numeric") has lost its last digits: two people can share
# what is left, so it must never key a person.  validate_array hands it back empty (the row is
# kept and keyed by name + unit) and flags it, for the reader's warning.
UNUSABLE = frozenset({"numeric"})


def check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def _looks_numeric_stored(digits: str) -> bool:
    """An 18-digit ID (its check character wrong) that went through a number: beyond 2**53
    only multiples of the float's spacing survive, so a number exactly representable as a
    float and above 2**53 very likely lost its last digits."""
    n = int(digits)
    # Excel keeps 15 significant digits: an 18-digit ID typed as a number ends in "000"
    return n > 2**53 and (int(float(n)) == n or digits.endswith("000"))


def parse_id(raw: object) -> IdInfo | None:
    """Read an ID cell.  Returns None for an empty cell."""
    if raw is None:
        return None
    if isinstance(raw, float):  # a float cell: its last digits are already gone
        return IdInfo(repr(raw), False, problem="numeric")
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(" ", "").upper()
    if text in ("", "NAN", "NONE"):
        return None
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if _SCIENTIFIC.match(text):  # 3.50521E+17: Excel showed it as a number
        return IdInfo(text, False, problem="numeric")
    if len(text) == 15 and text.isdigit():
        body = text[:6] + "19" + text[6:]
        birth = _birth(body[6:14])
        if birth is None:
            return IdInfo(text, False, problem="birth_date")
        upgraded = body + check_char(body)
        return IdInfo(upgraded, True, birth, _sex(body[16]))
    if len(text) != 18:
        return IdInfo(text, False, problem="length")
    if not (text[:17].isdigit() and (text[17].isdigit() or text[17] == "X")):
        return IdInfo(text, False, problem="characters")
    birth = _birth(text[6:14])
    if check_char(text[:17]) != text[17]:
        problem = "numeric" if text.isdigit() and _looks_numeric_stored(text) else "checksum"
        return IdInfo(text, False, birth, _sex(text[16]), problem)
    if birth is None:
        return IdInfo(text, False, problem="birth_date")
    return IdInfo(text, True, birth, _sex(text[16]))


def _birth(yyyymmdd: str) -> date | None:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None
    return born if born.year >= 1900 else None


def _sex(digit: str) -> str:
    return "男" if int(digit) % 2 else "女"


def mask(text: str) -> str:
    """350521********123X — for --redact."""
    if len(text) <= 10:
        return text[:2] + "*" * max(len(text) - 2, 0)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def validate_array(values):
    """Vectorised check of a pyarrow string array of IDs (for payrolls of a million rows).

    Returns (normalised, problems): two pyarrow string arrays; `problems` is null where the
    ID is valid or empty, else a code of `parse_id`.  15-digit IDs come back upgraded to 18.
    The common case — 18 ASCII characters — is checked on the Arrow buffer itself; anything
    else (full-width digits, spaces, 15 digits, "…X.0") goes through parse_id one by one.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    text = pc.replace_substring(values.cast(pa.string()), "x", "X")
    n = len(text)
    shaped = pc.fill_null(pc.match_substring_regex(text, r"^\d{17}[\dX]$"), False).to_numpy(zero_copy_only=False)
    idx = np.flatnonzero(shaped)
    fixes: dict[int, str | None] = {}
    problems: dict[int, str] = {}
    if len(idx):
        offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset: text.offset + n + 1]
        data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
        raw = data[offsets[idx][:, None] + np.arange(18)]
        digits = raw[:, :17].astype(np.int64) - 48
        total = digits @ np.array(_WEIGHTS, dtype=np.int64)
        expected = np.frombuffer(_CHECK.encode(), dtype=np.uint8)[total % 11]
        ok = expected == raw[:, 17]
        month = digits[:, 10:12] @ np.array([10, 1])
        day = digits[:, 12:14] @ np.array([10, 1])
        year = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
        odd = ok & ((month < 1) | (month > 12) | (day < 1) | (day > 31) | (year < 1900))
        for i in np.concatenate([idx[~ok], idx[odd]]):
            problems[int(i)] = parse_id(text[int(i)].as_py()).problem  # checksum / numeric / birth_date
    others = np.flatnonzero(~shaped & pc.is_valid(text).to_numpy(zero_copy_only=False))
    for i in others:
        info = parse_id(text[int(i)].as_py())
        if info is None:
            fixes[int(i)] = None
        elif info.valid:
            fixes[int(i)] = info.text
        else:
            fixes[int(i)] = info.text
            problems[int(i)] = info.problem
    if fixes:
        mask = np.zeros(n, dtype=bool)
        mask[list(fixes)] = True
        text = pc.replace_with_mask(text, pa.array(mask), pa.array([fixes[i] for i in sorted(fixes)], pa.string()))
    if problems:
        mask = np.zeros(n, dtype=bool)
        mask[list(problems)] = True
        out = pc.replace_with_mask(pa.nulls(n, pa.string()), pa.array(mask),
                                   pa.array([problems[i] for i in sorted(problems)], pa.string()))
    else:
        out = pa.nulls(n, pa.string())
    lost = [i for i, code in problems.items() if code in UNUSABLE]
    if lost:  # never a person key: what is left of the number may be another person's too
        mask = np.zeros(n, dtype=bool)
        mask[lost] = True
        text = pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), text)
    return text, out
