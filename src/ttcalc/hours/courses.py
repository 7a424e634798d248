"""Course types of the hours ledger: the 培训类型 and course-name spellings of
data/training_types.toml, read into a form (集中, 校本, 网络 …) and topics."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files

from ttcalc.cells.text import squash
from ttcalc.core.msg import Msg, msg


@cache
def type_table() -> dict:
    return tomllib.loads((files("ttcalc.hours") / "training_types.toml").read_text(encoding="utf-8"))


@cache
def _words(which: str) -> tuple[tuple[str, str], ...]:
    """(word, type) pairs, longest word first, of "spellings" or "course_words"."""
    pairs = [(squash(w).lower(), name) for name, t in type_table()["types"].items() for w in t[which]]
    return tuple(sorted(set(pairs), key=lambda p: -len(p[0])))


def _match(text: str | None, which: str) -> list[str]:
    """Types named in a text, longest match first; a matched stretch is used up."""
    text = squash(text).lower() if text else ""
    if not text:
        return []
    exact = [t for w, t in _words(which) if w == text]
    if exact:
        return exact[:1]
    found = []
    for word, name in _words(which):
        if word and word in text:
            text = text.replace(word, "\x00")
            if name not in found:
                found.append(name)
    return found


@cache
def kind_names() -> dict:
    return {name: t["kind"] for name, t in type_table()["types"].items()}


def classify(type_text: str | None, course: str | None) -> tuple[str | None, set[str], bool]:
    """(form, topics, type_known) of a ledger row."""
    kinds = kind_names()
    by_type = _match(type_text, "spellings")
    by_course = _match(course, "course_words")
    forms = [t for t in by_type if kinds[t] == "form"] or [t for t in by_course if kinds[t] == "form"]
    topics = {t for t in by_type + by_course if kinds[t] == "topic"}
    both = " ".join(x for x in (type_text, course) if x)
    topics = {t for t in topics if not has(both, type_table()["types"][t].get("not_with", []))}
    return (forms[0] if forms else None), topics, bool(by_type)


@cache
def _generic_words() -> frozenset[str]:
    return frozenset(w for w, _t in _words("spellings") + _words("course_words"))


def generic(course: str | None) -> bool:
    """A course name that is only a type word (集中培训, 面授): it names no particular course."""
    return bool(course) and squash(course).lower() in _generic_words()


def type_label(name: str | None) -> Msg:
    """A course type's label, as a message (catalog table [hours.type])."""
    return msg(f"hours.type.{name if name is not None else 'other'}")


def has(text: str | None, words: list[str]) -> bool:
    text = squash(text) if text else ""
    return bool(text) and any(squash(w) in text for w in words)
