"""Which header means which field: the alias tables of data/fields.toml and the matcher."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from .clean import squash

# "应发合计（元）" -> ("应发合计", 1); "金额(万元)" -> ("金额", 10000)
_UNIT_SUFFIX = re.compile(r"[(（\[【]?(万元|千元|元|yuan|rmb|cny|￥|¥)[)）\]】]?$", re.IGNORECASE)
_UNIT_SCALE = {"万元": 10000, "千元": 1000}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    aliases: tuple[str, ...]
    many: bool = False
    dominant: bool = False


@dataclass(frozen=True)
class Schema:
    kind: str
    fields: dict[str, Field]
    groups: dict[str, tuple[str, ...]]
    required: tuple[tuple[str, ...], ...]
    total_words: tuple[str, ...]
    note_words: tuple[str, ...]


@cache
def _data() -> dict:
    return tomllib.loads((files("ttcalc") / "data" / "fields.toml").read_text(encoding="utf-8"))


@cache
def schema(kind: str) -> Schema:
    data = _data()
    fields = {
        name: Field(name, spec["type"], tuple(_key(a) for a in spec["aliases"]),
                    spec.get("many", False), spec.get("dominant", False))
        for name, spec in data[kind].items()
    }
    groups = {k: tuple(_key(a) for a in v) for k, v in data["groups"].items() if k in fields}
    return Schema(kind, fields, groups, tuple(tuple(r) for r in data["required"][kind]),
                  tuple(data["skip_words"]["total"]), tuple(data["skip_words"]["note"]))


def _key(text: str) -> str:
    return squash(text).lower()


def split_unit(header: str) -> tuple[str, int]:
    """Strip a unit suffix from a header; return the header and the multiplier to yuan."""
    text = squash(header)
    m = _UNIT_SUFFIX.search(text)
    if m and m.start() > 0:
        return text[: m.start()], _UNIT_SCALE.get(m.group(1), 1)
    return text, 1


def match(header: str, sch: Schema) -> tuple[str | None, int]:
    """The field a header names, or None; plus a score (higher = more certain)."""
    key = _key(split_unit(header)[0])
    if not key:
        return None, 0
    for f in sch.fields.values():
        if f.dominant and any(a in key for a in f.aliases if not a.isascii()):
            return f.name, 3
    for f in sch.fields.values():
        if key in f.aliases:
            return f.name, 3
    best: tuple[int, str | None] = (0, None)
    for f in sch.fields.values():
        for alias in f.aliases:
            # contained match only for Chinese aliases: "id" must not match "paid"
            if not alias.isascii() and len(alias) >= 2 and alias in key and len(alias) > best[0]:
                best = (len(alias), f.name)
    return best[1], (2 if best[1] else 0)


def group_kind(label: str, sch: Schema) -> str | None:
    key = _key(split_unit(label)[0])
    for kind, words in sch.groups.items():
        if any(w == key or (not w.isascii() and w in key) for w in words):
            return kind
    return None


def closest(headers: list[str], field: str, sch: Schema) -> str | None:
    """The seen header closest to a field's aliases, for error messages."""
    seen = {_key(h): h for h in headers if h}
    best, best_ratio = None, 0.0
    for alias in sch.fields[field].aliases:
        for key, original in seen.items():
            ratio = difflib.SequenceMatcher(None, alias, key).ratio()
            if ratio > best_ratio:
                best, best_ratio = original, ratio
    return best if best_ratio >= 0.3 else None
