"""`--redact`: mask every name and ID number in every part of a report (the per-person lists,
checks' details and remedies, warnings, inputs, notes, tables), for sharing it."""

from __future__ import annotations

import re

from ttcalc.core.msg import Msg
from ttcalc.cells.privacy import ID_KEYS, NAME_KEYS, id_like, mask_id, mask_name, scrub

_NAME_HEADER = re.compile(r"(?i)^(?:.*姓名.*|name|names|teacher|person|full[ _]name)$")


_ID_HEADER = re.compile(r"(?i)^(?:.*身份证.*|.*证件号.*|公民身份号码|id|id[ _]?(?:number|no|card))$")


def redact_report(report):
    """Mask names and ID numbers in every part of a Report (or its dict form), in place;
    returns it."""
    names: set[str] = set()
    ids: set[str] = set()
    parts = _parts(report)
    for part in parts:
        _collect(part, names, ids)
    ordered = sorted((n for n in names if len(n) >= 2), key=len, reverse=True)
    known_ids = sorted(ids, key=len, reverse=True)

    def text(s):
        if not isinstance(s, str) or not s:
            return s
        for i in known_ids:
            if i in s:
                s = s.replace(i, mask_id(i))
        return scrub(s, ordered)

    if isinstance(report, dict):
        for key in list(report):
            if key not in _META:
                report[key] = _walk(report[key], text, key)
        return report
    for attr in ("inputs", "figures", "by_unit", "by_person", "warnings", "definitions", "notes", "extra"):
        if hasattr(report, attr):
            setattr(report, attr, _walk(getattr(report, attr), text, attr))
    for check in getattr(report, "checks", None) or []:
        _redact_check(check, text)
    if getattr(report, "tables", None):
        report.tables = {k: _table(v, text) for k, v in report.tables.items()}
    return report


_META = frozenset({"tool", "version", "command", "as_of", "policy"})  # ttcalc's own, never personal


def _parts(report) -> list:
    if isinstance(report, dict):
        return [v for k, v in report.items() if k not in _META]
    out = [getattr(report, a, None) for a in ("inputs", "by_unit", "by_person", "warnings", "notes", "extra")]
    for check in getattr(report, "checks", None) or []:
        out.append(getattr(check, "details", None))
        out.append(getattr(check, "inputs", None))
    out.append(getattr(report, "tables", None))
    return out


def _collect(value, names: set, ids: set, key: str | None = None) -> None:
    """Names and ID numbers held by name and ID fields (and name/ID table columns)."""
    if isinstance(value, Msg):
        _collect(value.params, names, ids)
    elif isinstance(value, dict):
        if "headers" in value and "rows" in value and isinstance(value["rows"], list):
            heads = [str(h) for h in value.get("headers") or []]
            for row in value["rows"]:
                if isinstance(row, (list, tuple)):
                    for h, cell in zip(heads, row):
                        if isinstance(cell, str) and cell:
                            if _NAME_HEADER.match(h.strip()):
                                names.add(cell.strip())
                            elif _ID_HEADER.match(h.strip()):
                                ids.add(cell.strip())
        for k, v in value.items():
            _collect(v, names, ids, k)
    elif isinstance(value, (list, tuple, set)):
        for v in value:
            _collect(v, names, ids, key)
    elif isinstance(value, str) and value.strip() and key is not None:
        k = str(key).lower()
        if k in NAME_KEYS:
            names.add(value.strip())
        elif k in ID_KEYS and id_like(value):
            ids.add(value.strip())


def _walk(value, text, key: str | None = None):
    if isinstance(value, Msg):  # a message's parameters hold names and IDs too (remedies, warnings)
        return Msg(value.code, {k: _walk(v, text, k) for k, v in value.params.items()})
    if isinstance(value, dict):
        if "headers" in value and "rows" in value and isinstance(value["rows"], list):
            return _table(value, text)
        return {k: _walk(v, text, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, text, key) for v in value]
    if isinstance(value, tuple):
        return tuple(_walk(v, text, key) for v in value)
    if isinstance(value, Msg):  # a message still to be worded: its parameters are masked
        return Msg(value.code, {k: _walk(v, text, k) for k, v in value.params.items()})
    if isinstance(value, str):
        k = str(key).lower() if key is not None else ""
        if k in NAME_KEYS:
            return mask_name(value)
        if k in ID_KEYS and id_like(value):  # an ID number, not a check id like "staff.renewal_5y"
            return mask_id(value)
        return text(value)
    return value


def _table(section, text):
    if not isinstance(section, dict) or "rows" not in section:
        return _walk(section, text)
    heads = [str(h) for h in section.get("headers") or []]
    rows = []
    for row in section["rows"]:
        if not isinstance(row, (list, tuple)):
            rows.append(_walk(row, text))
            continue
        new = []
        for i, cell in enumerate(row):
            h = heads[i].strip() if i < len(heads) else ""
            if isinstance(cell, str) and _NAME_HEADER.match(h):
                new.append(mask_name(cell))
            elif isinstance(cell, str) and _ID_HEADER.match(h):
                new.append(mask_id(cell))
            else:
                new.append(_walk(cell, text))
        rows.append(new)
    return {**section, "headers": section.get("headers"), "rows": rows}


def _redact_check(check, text) -> None:
    for attr in ("label", "actual", "required", "remedy", "reason", "quote", "formula", "qualifier"):
        value = getattr(check, attr, None)
        if isinstance(value, (str, Msg)):
            setattr(check, attr, _walk(value, text))
    if getattr(check, "details", None):
        check.details = _walk(check.details, text, "details")
    if getattr(check, "inputs", None):
        check.inputs = _walk(check.inputs, text, "inputs")

