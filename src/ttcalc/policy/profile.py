"""Policy profiles: cited, dated rules loaded from TOML files (spec §6).

Every threshold ttcalc checks lives in a profile file under ``ttcalc/profiles``; this
module only loads, validates and extends them. It holds no thresholds of its own.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ttcalc.core.errors import InputError

DEFAULT_PROFILE = "quangang-2022"

TOPICS = {"fund", "staffing", "hire", "hours", "institution", "duty"}
NUMERIC_UNITS = {"ratio", "ratio_any", "yuan", "hours", "days", "years", "age", "count", "hours_per_day"}
UNITS = NUMERIC_UNITS | {"level", "education", "bool", "list", "text"}
LEVELS = ("员级", "初级", "中级", "副高", "正高")
EDUCATIONS = ("高中", "中专", "专科", "本科", "研究生")
OPS = {">=", "<=", ">", "<", "==", "about", "in", "all"}  # in: one of a list; all: every one
_INCLUSIVE = {">=": True, "<=": True, "==": True, "in": True, "all": True, ">": False, "<": False}
RULE_ID = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
PROFILE_KEYS = {"id", "title", "document", "issuer", "issued", "effective", "effective_note",
                "source", "scope", "note", "extends"}
RULE_KEYS = {"topic", "value", "unit", "op", "inclusive", "basis", "clause", "quote", "label_zh",
             "label_en", "qualifier", "advisory", "tolerance", "tolerance_note", "effective",
             "computable", "note", "document", "reason"}
RULE_REQUIRED = ("topic", "value", "unit", "op", "clause", "quote", "label_zh", "label_en")
_TEXT_FIELDS = ("topic", "unit", "op", "basis", "clause", "quote", "label_zh", "label_en",
                "qualifier", "tolerance_note", "note", "document")
QUOTE_GAP = "…"

Value = Decimal | int | str | bool | tuple[str, ...]


@dataclass(frozen=True)
class Rule:
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
class Profile:
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

    def get(self, rule_id: str) -> Rule | None:
        return self.rules.get(rule_id)

    def require(self, rule_id: str) -> Rule:
        rule = self.rules.get(rule_id)
        if rule is None:
            raise InputError(f"policy {self.id} ({self.path}) has no rule {rule_id!r}")
        return rule


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ", ".join(value)
    return str(value)


def _profiles_dir():
    return files("ttcalc.policy") / "profiles"


def builtin_ids() -> list[str]:
    return sorted(p.name[:-5] for p in _profiles_dir().iterdir() if p.name.endswith(".toml"))


def load_profile(id_or_path: str) -> Profile:
    """A built-in profile by id, or a user profile from a ``.toml`` path."""
    text = str(id_or_path)
    if text in builtin_ids() and not Path(text).is_file():
        return _load_builtin(text)
    if text.endswith(".toml") or "/" in text or "\\" in text or Path(text).is_file():
        return _load_file(Path(text))
    raise InputError(f"unknown policy profile {text!r}: built-in profiles are "
                     f"{', '.join(builtin_ids())}, or give the path of a .toml file")


@lru_cache(maxsize=None)
def _load_builtin(profile_id: str) -> Profile:
    res = _profiles_dir() / f"{profile_id}.toml"
    data = _parse(res.read_text(encoding="utf-8"), res.name)
    profile = _build(data, name=res.name, path=str(res), builtin=True)
    if profile.id != profile_id:
        raise InputError(f"{res.name}: profile.id: expected {profile_id!r}, got {profile.id!r}")
    return profile


def _load_file(path: Path) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read policy file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: policy file is not UTF-8 text") from None
    return _build(_parse(text, str(path)), name=str(path), path=str(path), builtin=False)


def _parse(text: str, name: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{name}: not valid TOML: {exc}") from None


def _build(data: dict, name: str, path: str, builtin: bool) -> Profile:
    def fail(key: str, msg: str):
        raise InputError(f"{name}: {key}: {msg}")

    for key in data:
        if key not in ("profile", "rules", "overrides"):
            fail(key, "unknown key (expected [profile], [rules.\"…\"], [overrides.\"…\"])")
    head = data.get("profile")
    if not isinstance(head, dict):
        fail("profile", "missing [profile] table")
    for key in head:
        if key not in PROFILE_KEYS:
            fail(f"profile.{key}", f"unknown key (allowed: {', '.join(sorted(PROFILE_KEYS))})")
    for key in ("id", "title", "document", "issuer", "effective_note", "source", "scope", "note", "extends"):
        if key in head and (not isinstance(head[key], str) or not head[key].strip()):
            fail(f"profile.{key}", f"expected a non-empty string, got {head[key]!r}")
    for key in ("issued", "effective"):
        if key in head:
            _check_date(head[key], f"profile.{key}", fail)
    if "id" not in head:
        fail("profile.id", "missing")

    extends = head.get("extends")
    base: Profile | None = None
    if extends is not None:
        if builtin:
            fail("profile.extends", "a built-in profile cannot extend another")
        if extends not in builtin_ids():
            fail("profile.extends", f"{extends!r} is not a built-in profile ({', '.join(builtin_ids())})")
        base = _load_builtin(extends)
    if not builtin and head["id"] in builtin_ids():
        fail("profile.id", f"{head['id']!r} is a built-in profile id; give your profile its own id")
    if base is None:
        for key in ("title", "document", "issuer", "effective", "scope") + (("source",) if builtin else ()):
            if key not in head:
                fail(f"profile.{key}", "missing")

    def inherit(key):
        return head[key] if key in head else (getattr(base, key) if base else None)

    document, effective = inherit("document"), inherit("effective")
    tables: dict[str, tuple[str, str, dict]] = {}
    for section in ("rules", "overrides"):
        block = data.get(section, {})
        if not isinstance(block, dict):
            fail(section, "expected tables like [" + section + ".\"fund.rate_min\"]")
        for rid, body in block.items():
            key, where = f'{section}."{rid}"', section
            if not RULE_ID.match(rid):
                fail(key, "rule id must look like topic.name (lowercase letters, digits, _)")
            if not isinstance(body, dict):
                fail(key, "expected a table")
            if rid in tables:  # [rules."x"] and [overrides."x"] together: one override
                _, first_key, first = tables[rid]
                for k in body:
                    if k in first:
                        fail(f"{key}.{k}", f"also given in [{first_key}]")
                body, where, key = {**first, **body}, "rules", first_key
            tables[rid] = (where, key, body)

    rules = dict(base.rules) if base else {}
    overrides = []
    for rid, (section, key, body) in tables.items():
        for k in body:
            if k not in RULE_KEYS:
                fail(f"{key}.{k}", f"unknown key (allowed: {', '.join(sorted(RULE_KEYS))})")
        if "reason" in body and (not isinstance(body["reason"], str) or not body["reason"].strip()):
            fail(f"{key}.reason", f"expected a non-empty string, got {body['reason']!r}")
        old = base.rules.get(rid) if base else None
        if old is not None:
            if "value" not in body:
                fail(f"{key}.value", "missing: an override must give the new value")
            if "reason" not in body:
                for k in ("document", "clause", "quote"):
                    if k not in body:
                        fail(f"{key}.{k}", "missing: an override needs reason = \"…\" or a full "
                                           "citation (document, clause, quote)")
            fields = _rule_fields(old)
            if "effective" in head:
                fields["effective"] = head["effective"]
            fields.update({k: v for k, v in body.items() if k != "reason"})
            if "note" not in body:
                fields.pop("note", None)  # the base note explains the base value
            if "op" in body and "inclusive" not in body:
                fields.pop("inclusive", None)  # follows the new op
            if fields["op"] != "about":
                for k in ("tolerance", "tolerance_note"):
                    if k not in body:
                        fields.pop(k, None)
        else:
            if "reason" in body:
                fail(f"{key}.reason", "only for overriding a rule of the base profile"
                     + (f" ({extends} has no {rid!r})" if base else ""))
            if section == "overrides":
                fail(key, f"the base profile has no rule {rid!r} to override" if base
                     else "overrides need profile.extends")
            for k in RULE_REQUIRED:
                if k not in body:
                    fail(f"{key}.{k}", "missing")
            fields = dict(body)
        rule = _make_rule(rid, fields, key, fail, document, effective)
        if old is not None:
            reason = body.get("reason")
            rule = replace(rule, overridden_by=f"{path}: {reason}" if reason else path)
            overrides.append(Override(rid, old.value, rule.value,
                                      reason or f"{rule.source_document} {rule.clause}",
                                      tuple(k for k in body if k != "reason")))
        elif not builtin and base is not None:
            overrides.append(Override(rid, None, rule.value, rule.citation(), tuple(body)))
        rules[rid] = rule
    if not rules:
        fail("rules", "a profile needs at least one rule")
    _check_pairs(rules, fail)

    return Profile(
        id=head["id"], title=inherit("title"), document=document, issuer=inherit("issuer"),
        issued=inherit("issued"), effective=effective, source=inherit("source"),
        scope=inherit("scope"), rules=MappingProxyType(rules), path=path,
        extends=extends, overrides=tuple(overrides),
        effective_note=head.get("effective_note") if "effective" in head else inherit("effective_note"),
        note=head.get("note"), builtin=builtin)


def _rule_fields(rule: Rule) -> dict:
    out = {k: getattr(rule, k) for k in RULE_KEYS if hasattr(rule, k)}
    out["document"] = rule.source_document
    out["value"] = list(rule.value) if isinstance(rule.value, tuple) else rule.value
    return {k: v for k, v in out.items() if v is not None}


def _check_date(value, key, fail):
    if isinstance(value, datetime) or not isinstance(value, date):
        fail(key, f"expected a TOML date like 2022-08-24 (unquoted, no time), got {value!r}")
    if not date(1990, 1, 1) <= value <= date(2100, 12, 31):
        fail(key, f"date {value.isoformat()} is outside 1990-01-01 … 2100-12-31")


def _decimal(value, key, fail, what="value") -> Decimal | int:
    if isinstance(value, bool):
        fail(key, f"expected a number, got {value!r}")
    if isinstance(value, float):
        fail(key, f'expected a decimal string like "0.015", got {value!r} (a float loses exactness)')
    if isinstance(value, int):
        number: Decimal | int = value
        if abs(value) > 10**30:
            fail(key, "expected a plain number (at most 30 digits)")
    elif isinstance(value, (str, Decimal)):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            fail(key, f'expected a decimal string like "0.015", got {value!r}')
        if not number.is_finite():
            fail(key, f"expected a finite number, got {value!r}")
        # "1E-999999999" would take forever in exact arithmetic: a policy value is a plain
        # rate or amount, never beyond 30 digits or an exponent of ±30
        if not number.is_zero() and (abs(number.adjusted()) > 30 or len(number.as_tuple().digits) > 30):
            fail(key, f'expected a plain decimal like "0.015" (at most 30 digits), got {str(value)[:40]!r}')
        if number.is_zero():
            number = Decimal(0)  # 0E-999999999 too
    else:
        fail(key, f'expected a decimal string like "0.015" or an integer, got {value!r}')
    if number < 0:
        fail(key, f"{what} must not be negative, got {value!r}")
    return number


def _make_rule(rid, f, key, fail, document, effective) -> Rule:
    for k in _TEXT_FIELDS:
        if k in f and (not isinstance(f[k], str) or not f[k].strip()):
            fail(f"{key}.{k}", f"expected a non-empty string, got {f[k]!r}")
    for k in ("advisory", "computable", "inclusive"):
        if k in f and not isinstance(f[k], bool):
            fail(f"{key}.{k}", f"expected true or false, got {f[k]!r}")
    topic, unit, op = f["topic"], f["unit"], f["op"]
    if topic not in TOPICS:
        fail(f"{key}.topic", f"expected one of {', '.join(sorted(TOPICS))}, got {topic!r}")
    if unit not in UNITS:
        fail(f"{key}.unit", f"expected one of {', '.join(sorted(UNITS))}, got {unit!r}")
    if op not in OPS:
        fail(f"{key}.op", f"expected one of {' '.join(sorted(OPS))}, got {op!r}")
    raw, vkey = f["value"], f"{key}.value"
    if unit in NUMERIC_UNITS:
        value = _decimal(raw, vkey, fail)
        if unit == "ratio" and value > 1:
            fail(vkey, f"a ratio must lie in [0, 1], got {raw!r} (use unit = \"ratio_any\" for ratios like 1:1)")
        allowed = {">=", "<=", ">", "<", "==", "about"}
    elif unit == "bool":
        if not isinstance(raw, bool):
            fail(vkey, f"expected true or false, got {raw!r}")
        value, allowed = raw, {"=="}
    elif unit == "list":
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) and x.strip() for x in raw):
            fail(vkey, f"expected a non-empty array of strings, got {raw!r}")
        value, allowed = tuple(raw), {"in", "all"}
    else:
        if not isinstance(raw, str) or not raw.strip():
            fail(vkey, f"expected a non-empty string, got {raw!r}")
        scale = {"level": LEVELS, "education": EDUCATIONS}.get(unit)
        if scale and raw not in scale:
            fail(vkey, f"expected one of {', '.join(scale)}, got {raw!r}")
        value, allowed = raw, {">=", "<=", "=="}
    if op not in allowed:
        fail(f"{key}.op", f"{op!r} does not apply to unit {unit!r} (allowed: {' '.join(sorted(allowed))})")
    inclusive = f.get("inclusive", _INCLUSIVE.get(op, True))
    if op in _INCLUSIVE and inclusive != _INCLUSIVE[op]:
        fail(f"{key}.inclusive", f"op {op!r} is {'inclusive' if _INCLUSIVE[op] else 'exclusive'}, "
                                 f"but inclusive = {str(inclusive).lower()}")
    tolerance = None
    if op == "about":
        if "tolerance" not in f:
            fail(f"{key}.tolerance", 'missing: op = "about" needs a tolerance (e.g. tolerance = "0.05")')
        tolerance = _decimal(f["tolerance"], f"{key}.tolerance", fail, "tolerance")
        tolerance = Decimal(tolerance)
    elif "tolerance" in f or "tolerance_note" in f:
        fail(f"{key}.tolerance", 'only allowed with op = "about"')
    if "effective" in f:
        _check_date(f["effective"], f"{key}.effective", fail)
    return Rule(
        id=rid, topic=topic, value=value, unit=unit, op=op, inclusive=inclusive,
        clause=f["clause"], quote=f["quote"], label_zh=f["label_zh"], label_en=f["label_en"],
        effective=f.get("effective", effective), source_document=f.get("document", document),
        basis=f.get("basis"), qualifier=f.get("qualifier"), advisory=f.get("advisory", False),
        tolerance=tolerance, tolerance_note=f.get("tolerance_note"),
        computable=f.get("computable", True), note=f.get("note"))


def _check_pairs(rules: dict[str, Rule], fail):
    for rid, low in rules.items():
        if not rid.endswith("_min"):
            continue
        high = rules.get(rid[:-4] + "_max")
        if high is None or low.unit not in NUMERIC_UNITS or high.unit not in NUMERIC_UNITS:
            continue
        if Decimal(low.value) > Decimal(high.value):
            fail(f'rules."{rid}".value', f"{low.value} is above {high.id} = {high.value}")


def policy_block(profile, as_of: date) -> tuple[dict, list[dict]]:
    """The JSON `policy` object, and the warnings that go with it (as-of before effective)."""
    block = {"id": profile.id, "document": profile.document,
             "issued": profile.issued.isoformat() if profile.issued else None,
             "effective": profile.effective.isoformat(), "title": profile.title}
    if profile.extends:
        block["file"] = str(profile.path)
        block["extends"] = profile.extends
        block["overrides"] = [o.as_dict() if hasattr(o, "as_dict") else dict(o.__dict__) for o in profile.overrides]
    warnings = []
    if as_of < profile.effective:
        warnings.append({"code": "before_effective", "file": None, "sheet": None, "row": None,
                         "message": f"--as-of {as_of.isoformat()} is before {profile.document} took effect "
                                    f"({profile.effective.isoformat()}): its rules did not yet apply"})
    return block, warnings

