"""What a policy profile is: its rules (value, bound, clause, verbatim quote, dates) and the
vocabulary a profile file may use.  Loaded and validated by `policy.profile`."""


from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Mapping

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg


DEFAULT_PROFILE = "quangang-2022"

TOPICS = {"fund", "staffing", "hire", "hours", "institution", "duty"}
NUMERIC_UNITS = {"ratio", "ratio_any", "yuan", "hours", "days", "years", "age", "count", "hours_per_day"}
UNITS = NUMERIC_UNITS | {"level", "education", "bool", "list", "text"}
LEVELS = ("员级", "初级", "中级", "副高", "正高")
EDUCATIONS = ("高中", "中专", "专科", "本科", "研究生")
OPS = {">=", "<=", ">", "<", "==", "about", "in", "all"}  # in: one of a list; all: every one
INCLUSIVE = {">=": True, "<=": True, "==": True, "in": True, "all": True, ">": False, "<": False}
RULE_ID = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
PROFILE_KEYS = {"id", "title", "document", "issuer", "issued", "effective", "effective_note",
                "source", "scope", "note", "extends", "effective_note_en", "scope_en", "note_en"}
RULE_KEYS = {"topic", "value", "unit", "op", "inclusive", "basis", "clause", "quote", "label_zh",
             "label_en", "qualifier", "advisory", "tolerance", "tolerance_note", "effective",
             "computable", "note", "document", "reason", "basis_en", "tolerance_note_en", "note_en"}
RULE_REQUIRED = ("topic", "value", "unit", "op", "clause", "quote", "label_zh", "label_en")
TEXT_FIELDS = ("topic", "unit", "op", "basis", "clause", "quote", "label_zh", "label_en",
                "qualifier", "tolerance_note", "note", "document", "basis_en", "tolerance_note_en", "note_en")
# ttcalc's own explanatory Chinese texts and their English twins (`note` → `note_en`): a built-in profile
# must give the twin whenever it gives the Chinese text; the verbatim quote keeps label_en as its English
RULE_EN_TWINS = ("basis", "tolerance_note", "note")
PROFILE_EN_TWINS = ("effective_note", "scope", "note")
QUOTE_GAP = "…"

Value = Decimal | int | str | bool | tuple[str, ...]


class Bilingual:
    """A profile text ttcalc wrote itself (note, basis, scope …) with its English twin `FIELD_en`."""

    def said(self, field: str, lang: str = "en") -> str | None:
        """The text of `field` in the language: the Chinese text for zh, or when it has no English twin."""
        zh = getattr(self, field)
        return zh if lang == "zh" or not zh else (getattr(self, f"{field}_en") or zh)


@dataclass(frozen=True)
class Rule(Bilingual):
    id: str
    topic: str
    value: Value
    unit: str
    op: str
    inclusive: bool
    clause: str
    quote: str
    label_zh: str
    label_en: str
    effective: date
    source_document: str
    basis: str | None = None
    qualifier: str | None = None
    advisory: bool = False
    tolerance: Decimal | None = None
    tolerance_note: str | None = None
    computable: bool = True
    note: str | None = None
    overridden_by: str | None = None
    basis_en: str | None = None
    tolerance_note_en: str | None = None
    note_en: str | None = None

    def citation(self) -> str:
        text = f"{self.source_document} {self.clause}"
        return f"{text}; overridden in {self.overridden_by}" if self.overridden_by else text

    def quote_segments(self) -> list[str]:
        return [s.strip() for s in self.quote.split(QUOTE_GAP) if s.strip()]

    def label(self, lang: str = "en") -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def bound_text(self, lang: str = "en") -> str:
        value = format_value(self.value)
        if self.op == "about":
            word = "约" if lang == "zh" else "about"
            return f"{word} {value} ± {format_value(self.tolerance)}"
        if self.op == "in":
            return f"in [{', '.join(self.value)}]"  # type: ignore[arg-type]
        if self.op == "all":
            return f"all of [{', '.join(self.value)}]"  # type: ignore[arg-type]
        return f"{self.op} {value}"


@dataclass(frozen=True)
class Override:
    rule_id: str
    """A rule a custom profile changes (or adds: old_value is None) relative to its base."""

    rule_id: str
    old_value: Value | None
    new_value: Value
    reason: str  # the file's reason = "…", else the new citation
    fields: tuple[str, ...] = ()  # keys the custom file set for this rule


@dataclass(frozen=True)
class Profile(Bilingual):
    id: str
    title: str
    document: str
    issuer: str
    issued: date | None
    effective: date
    source: str | None
    scope: str
    rules: Mapping[str, Rule]
    path: str
    extends: str | None = None
    overrides: tuple[Override, ...] = ()
    effective_note: str | None = None
    note: str | None = None
    builtin: bool = False
    effective_note_en: str | None = None
    scope_en: str | None = None
    note_en: str | None = None

    def get(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)

    def require(self, rule_id: str) -> Rule:
        rule = self.rules.get(rule_id)
        if rule is None:
            raise InputError(msg("policy.error.no_rule", profile=self.id, file=str(self.path), rule=rule_id))
        return rule


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ", ".join(value)
    return str(value)


