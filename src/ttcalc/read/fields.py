"""Which header means which field: the alias tables of data/fields.toml and the matcher."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

from ttcalc.cells.text import squash

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
    exact: tuple[str, ...] = ()  # aliases matched only as the whole header


@dataclass(frozen=True)
class Schema:
    kind: str
    fields: dict[str, Field]
    groups: dict[str, tuple[str, ...]]
    required: tuple[tuple[str, ...], ...]
    total_words: tuple[str, ...]
    note_words: tuple[str, ...]
    total_patterns: tuple[str, ...] = ()
    year_sheets: tuple[str, ...] = ()


@cache
def data() -> dict:
    """data/fields.toml, parsed once."""
    return tomllib.loads((files("ttcalc.read") / "fields.toml").read_text(encoding="utf-8"))


@cache
def schema(kind: str) -> Schema:
    table = data()
    fields = {
        name: Field(name, spec["type"], tuple(_key(a) for a in spec["aliases"] + spec.get("exact", [])),
                    spec.get("many", False), spec.get("dominant", False),
                    tuple(_key(a) for a in spec.get("exact", [])))
        for name, spec in table[kind].items()
    }
    groups = {k: tuple(_key(a) for a in v) for k, v in table["groups"].items() if k in fields}
    return Schema(kind, fields, groups, tuple(tuple(r) for r in table["required"][kind]),
                  tuple(table["skip_words"]["total"]), tuple(table["skip_words"]["note"]),
                  tuple(table["skip_words"]["total_patterns"]), tuple(table["skip_words"]["year_sheets"]))


def _key(text: str) -> str:
    return plain_squash(text).lower()


def plain_squash(text: object) -> str:
    """cells.text.squash, at once for printable ASCII without a space (numbers, IDs, dates,
    English words): it is its own NFKC form and holds no whitespace."""
    if type(text) is str and text.isascii() and text.isprintable() and " " not in text:
        return text
    return squash(text)


@lru_cache(maxsize=1 << 14)  # the same headers in every file of a folder: judged once
def split_unit(header: str) -> tuple[str, int]:
    """Strip a unit suffix from a header; return the header and the multiplier to yuan."""
    text = plain_squash(header)
    m = _UNIT_SUFFIX.search(text)
    if m and m.start() > 0:
        return text[: m.start()], _UNIT_SCALE.get(m.group(1), 1)
    return text, 1


@dataclass(frozen=True)
class _Matcher:
    exact: dict  # alias -> field
    dominant: object  # compiled regex of the dominant fields' Chinese aliases, or None
    dominant_field: dict
    contained: object  # compiled alternation of Chinese aliases, longest first
    contained_field: dict


@cache
def _matcher(kind: str) -> _Matcher:
    sch = schema(kind)
    exact: dict = {}
    dominant: dict = {}
    contained: dict = {}
    for f in sch.fields.values():
        for alias in f.aliases:
            exact.setdefault(alias, f.name)
            if not alias.isascii() and len(alias) >= 2 and alias not in f.exact:
                (dominant if f.dominant else contained).setdefault(alias, f.name)

    def alternation(words: dict):
        order = sorted(words, key=lambda w: -len(w))  # stable: file order among equal lengths
        return re.compile("|".join(re.escape(w) for w in order)) if order else None

    return _Matcher(exact, alternation(dominant), dominant, alternation(contained), contained)


@lru_cache(maxsize=1 << 14)  # bounded: a folder's head rows bring new names and IDs with every file
def _match_key(key: str, kind: str) -> tuple[str | None, int]:
    m = _matcher(kind)
    if m.dominant is not None and not key.isascii():  # dominant aliases are Chinese too
        hit = m.dominant.search(key)
        if hit:
            return m.dominant_field[hit.group()], 3
    if key in m.exact:
        return m.exact[key], 3
    best = ""
    # contained aliases are Chinese: none is in an ASCII key, nor in a key where none is found
    if m.contained is not None and not key.isascii() and m.contained.search(key):
        for i in range(len(key)):  # the longest alias contained anywhere in the header
            hit = m.contained.match(key, i)
            if hit and len(hit.group()) > len(best):
                best = hit.group()
    return (m.contained_field[best], 2) if best else (None, 0)


def match(header: str, sch: Schema) -> tuple[str | None, int]:
    """The field a header names, or None; plus a score (3 exact, 2 contained, 0 none).
    Contained matches use Chinese aliases only: "id" must not match "paid"."""
    return _match_header(header, sch.kind)


@lru_cache(maxsize=1 << 14)
def _match_header(header: str, kind: str) -> tuple[str | None, int]:
    key = _key(split_unit(header)[0])
    if not key or len(key) > 40:  # a sentence is not a header
        return None, 0
    return _match_key(key, kind)


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


# The skip patterns of read.rows (the totals', the notes') are alternations of the profile's
# words and patterns; every match of an alternative holds a literal text of it (its needle): a
# character of a Chinese word (any character of 合␣*计: CJK letters have no case, so (?i)
# matches them only as themselves), a run of an English word's letters compared in ASCII lower
# case (of their cases only k and s have others, K U+212A and ſ U+017F: a run holds neither),
# or a character a total pattern requires.  A cell holding no needle matches no alternative.

FOLD_SAFE = frozenset(chr(c) for c in range(33, 127)) - set("kKsS")


def choose_needles(choices: list) -> tuple:
    """(needles, the needle index of each alternative or -1 for none) for the alternatives'
    `choices` (each a tuple of needles any of which its matches hold): few needles, the one most
    alternatives hold first (合计, 小计, 总计 share 计), an English run held in another (total
    in subtotal) instead of it."""
    left = [i for i, c in enumerate(choices) if c]
    chosen: dict[int, tuple] = {}
    order: list[tuple] = []
    for c in choices:
        order += [x for x in c if x not in order]
    while left:
        best = max(order, key=lambda x: sum(1 for i in left if x in choices[i]))
        for i in [i for i in left if best in choices[i]]:
            chosen[i] = best
        left = [i for i in left if i not in chosen]
    for i, (text, folded) in list(chosen.items()):
        inner = [x for x in chosen.values() if x[1] and folded and x[0] != text and x[0] in text]
        if inner:
            chosen[i] = min(inner, key=lambda x: (len(x[0]), x[0]))
    needles = tuple(dict.fromkeys(chosen[i] for i in sorted(chosen)))
    return needles, [needles.index(chosen[i]) if i in chosen else -1 for i in range(len(choices))]


def caseless(ch: str) -> bool:
    """A letter that (?i) matches only as itself: no case (CJK and other 'Lo' letters)."""
    import unicodedata

    return unicodedata.category(ch) == "Lo" and ch.lower() == ch == ch.upper() == ch.casefold()


def needles_of_word(word: str) -> tuple:
    """The needles any of which every match of read.rows._spaced(word) holds."""
    if word.isascii():
        runs, run = [], ""
        for ch in word + " ":  # runs of the letters whose case is ASCII only
            if ch in FOLD_SAFE:
                run += ch
            else:
                runs.append(run)
                run = ""
        best = max(runs, key=len)
        return ((best.lower(), True),) if best else ()
    return tuple((ch, False) for ch in dict.fromkeys(word) if caseless(ch))


def needles_of_pattern(pattern: str) -> tuple:
    """The caseless letters an RE2 pattern requires: literal at its top level, not made
    optional by a quantifier; none when it has a top-level | or a quoting \\Q."""
    out, depth, i = [], 0, 0
    try:
        while i < len(pattern):
            ch = pattern[i]
            if ch == "\\":
                nxt = pattern[i + 1]
                if nxt == "Q":
                    return ()
                if nxt in "xpP" and pattern[i + 2] == "{":
                    i = pattern.index("}", i) + 1
                else:
                    i += 4 if nxt == "x" else 3 if nxt in "pP" else 2
                continue
            if ch == "[":
                i = _class_end(pattern, i)
                continue
            if ch in "()":
                depth += 1 if ch == "(" else -1
            elif ch == "|" and depth == 0:
                return ()
            elif depth == 0 and caseless(ch) and not re.match(r"[*?]|\{\s*[0,]", pattern[i + 1:i + 3]):
                out.append((ch, False))
            i += 1
    except (IndexError, ValueError):
        return ()
    return tuple(dict.fromkeys(out)) if depth == 0 else ()


def _class_end(pattern: str, i: int) -> int:
    """The index just past the character class opening at `i`."""
    j = i + 1
    if pattern[j] == "^":
        j += 1
    if pattern[j] == "]":
        j += 1
    while pattern[j] != "]":
        if pattern[j] == "\\":
            j += 2
        elif pattern.startswith("[:", j):
            j = pattern.index(":]", j + 2) + 2
        else:
            j += 1
    return j + 1
