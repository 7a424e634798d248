"""身份证号 (GB 11643-1999): normalise, validate the check character, derive birth date and sex.

Pure functions; no I/O.  See shared/domain.md §3.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from ttcalc.core.arrays import arrow_of

_SCIENTIFIC = re.compile(r"^[+-]?\d*\.?\d*E[+-]?\d+$")

# An ID that went through a number ("numeric") has lost its last digits: two people can share
# what is left, so it must never key a person.  validate_array hands it back empty (the row is
# kept and keyed by name + unit) and flags it, for the reader's warning.
UNUSABLE = frozenset({"numeric"})

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


@dataclass(frozen=True)
class IdInfo:
    text: str  # normalised form (18 characters when it could be read)
    valid: bool
    birth: date | None = None
    sex: str | None = None  # "男" / "女"
    problem: str | None = None  # code: checksum | numeric | length | birth_date | characters


def check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def _looks_numeric_stored(digits: str) -> bool:
    """An 18-digit ID (its check character wrong) that went through a number: beyond 2**53
    only multiples of the float's spacing survive, so a number exactly representable as a
    float and above 2**53 very likely lost its last digits; and Excel keeps 15 significant
    digits, so an 18-digit ID typed as a number ends in "000"."""
    n = int(digits)
    return n > 2**53 and (int(float(n)) == n or digits.endswith("000"))


def parse_id(raw: object) -> IdInfo | None:
    """Read an ID cell.  Returns None for an empty cell."""
    if raw is None:
        return None
    if isinstance(raw, float):  # a float cell: its last digits are already gone
        return IdInfo(repr(raw), False, problem="numeric")
    # full-width digits (NFKC), any spaces, and the apostrophe or quotes a clerk types to keep
    # the ID as text ("'350521…") go before the ID is checked
    text = "".join(unicodedata.normalize("NFKC", str(raw)).split()).strip("'\"‘’`“”").upper()
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


_STRIP = " \t\n\v\f\r\x1c\x1d\x1e\x1f"  # what str.strip() removes from ASCII text


def validate_array(values):
    """Vectorised check of a pyarrow string array of IDs (for payrolls of a million rows).

    Returns (normalised, problems): two pyarrow string arrays; `normalised` is parse_id's text
    (null where the cell is empty), `problems` is null where the ID is valid or empty, else the
    code of `parse_id`.  15-digit IDs come back upgraded to 18.  Everything — check digits, birth
    dates, lengths, characters, numbers that went through a float, the 15-digit upgrade,
    full-width forms and spaces — is done on whole columns, whatever the share of failing IDs;
    only a text that is still not ASCII after NFKC (never a real ID) goes through parse_id.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    text = values.cast(pa.string())
    n = len(text)
    if n == 0:
        return text, pa.nulls(0, pa.string())
    # full-width digits, ideographic spaces …: NFKC, only where a text is not ASCII already
    ascii_ = pc.fill_null(pc.string_is_ascii(text), True)
    if not pc.all(ascii_).as_py():
        wide = pc.invert(ascii_)
        text = pc.replace_with_mask(text, wide, pc.utf8_normalize(text.filter(wide), "NFKC"))
        ascii_ = pc.fill_null(pc.string_is_ascii(text), True)
    foreign = np.flatnonzero(~ascii_.to_numpy(zero_copy_only=False))  # still not ASCII: parse_id decides
    # as parse_id: every space goes, and the apostrophe or quotes a clerk types to keep the ID as text
    if len(foreign) or _any_byte(text, lambda b: b <= 0x20):  # a regex pass only when a space may be there
        text = pc.replace_substring_regex(text, r"\s+", "")
    text = pc.ascii_upper(pc.ascii_trim(pc.ascii_trim(text, _STRIP), "'\"`"))
    empty = pc.or_(pc.is_null(text), pc.fill_null(pc.is_in(text, pa.array(["", "NAN", "NONE"])), False))
    if pc.any(pc.ends_with(text, ".0")).as_py():  # "350521198503011234.0": a number cell read as text
        dot0 = pc.fill_null(pc.match_substring_regex(text, r"^\d+\.0$"), False)
        text = pc.if_else(dot0, pc.utf8_slice_codeunits(text, 0, -2), text)
    text = text.cast(pa.string())
    length = pc.fill_null(pc.binary_length(text), 0).to_numpy(zero_copy_only=False)  # ASCII: bytes = characters
    if _any_byte(text, lambda b: b == ord("E")):
        eplus = pc.fill_null(pc.match_substring_regex(text, _SCIENTIFIC.pattern), False).to_numpy(zero_copy_only=False)
    else:
        eplus = np.zeros(n, dtype=bool)
    empty = empty.to_numpy(zero_copy_only=False)
    live = ~empty & ~eplus
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[text.offset: text.offset + n + 1]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8) if text.buffers()[2] is not None else np.zeros(0, np.uint8)

    problem = np.zeros(n, dtype=np.int8)  # 0 valid/empty; codes below
    codes = [None, "checksum", "numeric", "length", "characters", "birth_date"]
    problem[eplus & ~empty] = 2
    check_table = np.frombuffer(_CHECK.encode(), dtype=np.uint8)

    idx15 = np.flatnonzero(live & (length == 15))
    d15 = np.zeros(n, dtype=bool)
    upgraded = None
    if len(idx15):
        raw = _fixed(data, offsets, idx15, 15, n)
        digit = np.all((raw >= 48) & (raw <= 57), axis=1)
        d15[idx15[digit]] = True
        idx15, raw = idx15[digit], raw[digit]
    problem[live & ~d15 & (length != 18)] = 3
    if len(idx15):
        body = np.empty((len(idx15), 17), dtype=np.uint8)
        body[:, :6], body[:, 6], body[:, 7], body[:, 8:] = raw[:, :6], ord("1"), ord("9"), raw[:, 6:]
        good = _births_ok(body[:, 6:14])
        problem[idx15[~good]] = 5
        keep = idx15[good]
        if len(keep):
            chars = np.empty((len(keep), 18), dtype=np.uint8)
            chars[:, :17] = body[good]
            chars[:, 17] = check_table[_weighted(chars) % 11]
            upgraded = (keep, pa.array(chars.view("S18").ravel()).cast(pa.string()))

    idx = np.flatnonzero(live & (length == 18))
    for at in range(0, len(idx), _GATHER):  # in blocks: a million IDs' temporaries never at once
        part = idx[at:at + _GATHER]
        raw = _fixed(data, offsets, part, 18, n)
        is_digit = (raw >= 48) & (raw <= 57)
        shaped = np.all(is_digit[:, :17], axis=1) & (is_digit[:, 17] | (raw[:, 17] == ord("X")))
        problem[part[~shaped]] = 4
        part, raw = (part[shaped], raw[shaped]) if not shaped.all() else (part, raw)
        ok = check_table[_weighted(raw) % 11] == raw[:, 17]
        bad_birth = ~_births_ok(raw[:, 6:14])
        numeric = np.zeros(len(part), dtype=bool)
        wrong = np.flatnonzero(~ok & (raw[:, 17] != ord("X")))
        if len(wrong):  # all 18 digits: did it go through a float?
            value = np.zeros(len(wrong), dtype=np.int64)
            sub = raw[wrong]
            for k in range(18):
                value = value * 10 + (sub[:, k].astype(np.int64) - 48)
            numeric[wrong] = (value > 2**53) & ((value.astype(np.float64).astype(np.int64) == value) |
                                                (value % 1000 == 0))
        problem[part] = np.where(~ok, np.where(numeric, 2, 1), np.where(bad_birth, 5, 0))

    out_text = pc.if_else(arrow_of(empty), pa.scalar(None, pa.string()), text)
    if upgraded is not None:
        mask = np.zeros(n, dtype=bool)
        mask[upgraded[0]] = True
        out_text = pc.replace_with_mask(out_text, arrow_of(mask), upgraded[1])
    problem[empty] = 0
    problems = pc.take(pa.array(codes, pa.string()), arrow_of(problem))
    if len(foreign):  # not ASCII even after NFKC: exactly parse_id's answer, once per distinct text
        odd = values.take(arrow_of(foreign)).dictionary_encode()
        answers = [parse_id(v) for v in odd.dictionary.to_pylist()]
        infos = [answers[k] for k in odd.indices.to_numpy(zero_copy_only=False)]
        mask = np.zeros(n, dtype=bool)
        mask[foreign] = True
        mask = arrow_of(mask)
        out_text = pc.replace_with_mask(out_text, mask, pa.array([i.text if i else None for i in infos], pa.string()))
        problems = pc.replace_with_mask(problems, mask, pa.array([i.problem if i else None for i in infos], pa.string()))
    lost = pc.fill_null(pc.is_in(problems, pa.array(sorted(UNUSABLE), pa.string())), False)
    if pc.any(lost).as_py():  # never a person key: what is left of the number may be another person's too
        out_text = pc.if_else(lost, pa.scalar(None, pa.string()), out_text)
    return out_text, problems


def _any_byte(text, test) -> bool:
    """Whether any byte of a string array's data (its whole buffer) passes `test`: a numpy
    pass that spares a regex pass over a million IDs when no cell can match it."""
    import numpy as np

    buf = text.buffers()[2] if len(text.buffers()) > 2 else None
    return buf is not None and bool(np.any(test(np.frombuffer(buf, dtype=np.uint8))))


def _fixed(data, offsets, idx, width: int, n: int):
    """The bytes of the strings at `idx` (all `width` long) as an (len(idx), width) uint8 array:
    a view of the Arrow buffer when every string has that width, else gathered."""
    import numpy as np

    if len(idx) and idx[-1] - idx[0] + 1 == len(idx):  # a run of rows: a view when all are `width` long
        start, end = offsets[idx[0]], offsets[idx[-1] + 1]
        if end - start == width * len(idx):
            return data[start:end].reshape(len(idx), width)
    out = np.empty((len(idx), width), dtype=np.uint8)
    step = np.arange(width, dtype=np.int64)
    for at in range(0, len(idx), _GATHER):  # in blocks: the byte positions of a million IDs
        out[at:at + _GATHER] = data[offsets[idx[at:at + _GATHER]][:, None] + step]  # would be 144 MB
    return out


_GATHER = 1 << 16


def _weighted(chars):
    """Σ dᵢ·wᵢ over the first 17 ASCII digits of each row."""
    import numpy as np

    total = np.zeros(len(chars), dtype=np.int32)
    for k, w in enumerate(_WEIGHTS):
        total += w * (chars[:, k].astype(np.int32) - 48)
    return total


def _births_ok(chars):
    """Rows of 8 ASCII digits YYYYMMDD: a real calendar date in 1900 or later (as `_birth`)."""
    import numpy as np

    d = [chars[:, k].astype(np.int32) - 48 for k in range(8)]
    year = d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]
    month = d[4] * 10 + d[5]
    day = d[6] * 10 + d[7]
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[np.clip(month, 0, 12)] + \
        ((month == 2) & leap)
    return (year >= 1900) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)


def id_codes(ids):
    """(int64 code of each ID, the IDs that take no such code): an ID of 17 ASCII digits and a
    check character (digit or X) is the number 11 × its digits + its check (X = 10) — one to
    one, and in the same order as the text; -1 where there is no ID; -2 for any other ID (kept
    as text).  Read straight from the Arrow buffers in blocks: a million IDs cost 8 MB of codes
    where a dictionary of their text costs tens of MB."""
    import numpy as np
    import pyarrow as pa

    ids = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    if ids.type != pa.string():
        ids = ids.cast(pa.string())
    n = len(ids)
    present = ids.is_valid().to_numpy(zero_copy_only=False)
    code = np.where(present, -2, -1).astype(np.int64)
    buffers = ids.buffers()
    if n and buffers[1] is not None and buffers[2] is not None and present.any():
        offsets = np.frombuffer(buffers[1], dtype=np.int32, count=n + 1, offset=ids.offset * 4)
        data = np.frombuffer(buffers[2], dtype=np.uint8)
        candidates = np.flatnonzero(present & (np.diff(offsets) == 18))
        weights = 10 ** np.arange(16, -1, -1, dtype=np.int64)
        for start in range(0, len(candidates), _GATHER):
            at = candidates[start:start + _GATHER]
            cells = data[offsets[at][:, None] + np.arange(18)]
            digits = cells[:, :17] - np.uint8(48)  # below "0" wraps past 9
            last = cells[:, 17]
            ok = (digits <= 9).all(axis=1) & ((last - np.uint8(48) <= 9) | (last == 88))
            head = digits[ok].astype(np.int64) @ weights
            check = np.where(last[ok] == 88, 10, last[ok].astype(np.int64) - 48)
            code[at[ok]] = head * 11 + check
    odd = np.flatnonzero(code == -2)
    return code, ids.take(pa.array(odd, pa.int64())) if len(odd) else pa.array([], pa.string())
