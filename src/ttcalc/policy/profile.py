"""Policy profiles: cited, dated rules loaded from TOML files (spec §6).

Every threshold ttcalc checks lives in a profile file under ``ttcalc/profiles``; this
module only loads, validates and extends them. It holds no thresholds of its own.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from datetime import date
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg

from ttcalc.policy.model import (DEFAULT_PROFILE, PROFILE_EN_TWINS, PROFILE_KEYS, RULE_EN_TWINS, RULE_ID, RULE_KEYS,
                                 RULE_REQUIRED, Override, Profile, Rule, format_value)
from ttcalc.policy.schema import check_date, check_english, check_pairs, make_rule, rule_fields

__all__ = ["DEFAULT_PROFILE", "Override", "Profile", "Rule", "builtin_ids", "format_value", "load_profile",
           "policy_block"]


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
    raise InputError(msg("policy.error.unknown", profile=text, builtins=", ".join(builtin_ids())))


@lru_cache(maxsize=None)
def _load_builtin(profile_id: str) -> Profile:
    res = _profiles_dir() / f"{profile_id}.toml"
    data = _parse(res.read_text(encoding="utf-8"), res.name)
    profile = _build(data, name=res.name, path=str(res), builtin=True)
    if profile.id != profile_id:
        raise InputError(msg("policy.error.key", file=res.name, key="profile.id",
                             why=msg("policy.why.wrong_id", expected=profile_id, got=profile.id)))
    return profile


def _load_file(path: Path) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        from ttcalc.read.limits import os_why

        raise InputError(msg("policy.error.cannot_read", file=str(path), why=os_why(exc))) from None
    except UnicodeDecodeError:
        raise InputError(msg("policy.error.not_utf8", file=str(path))) from None
    return _build(_parse(text, str(path)), name=str(path), path=str(path), builtin=False)


def _parse(text: str, name: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"at line (\d+), column (\d+)", str(exc))  # the parser's own words stay out
        raise InputError(msg("policy.error.toml", file=name, line=int(at.group(1)), column=int(at.group(2))) if at
                         else msg("policy.error.toml_end", file=name)) from None


def _build(data: dict, name: str, path: str, builtin: bool) -> Profile:
    def fail(key: str, code: str, **params):
        raise InputError(msg("policy.error.key", file=name, key=key, why=msg(f"policy.why.{code}", **params)))

    for key in data:
        if key not in ("profile", "rules", "overrides"):
            fail(key, "unknown_section", tables='[profile], [rules."…"], [overrides."…"]')
    head = data.get("profile")
    if not isinstance(head, dict):
        fail("profile", "no_profile_table", table="[profile]")
    for key in head:
        if key not in PROFILE_KEYS:
            fail(f"profile.{key}", "unknown_key", allowed=", ".join(sorted(PROFILE_KEYS)))
    for key in ("id", "title", "document", "issuer", "effective_note", "source", "scope", "note", "extends",
                "effective_note_en", "scope_en", "note_en"):
        if key in head and (not isinstance(head[key], str) or not head[key].strip()):
            fail(f"profile.{key}", "not_string", got=repr(head[key])[:40])
    for key in ("issued", "effective"):
        if key in head:
            check_date(head[key], f"profile.{key}", fail)
    if "id" not in head:
        fail("profile.id", "missing")
    if builtin:
        check_english(head, PROFILE_EN_TWINS, "profile", fail)

    extends = head.get("extends")
    base: Profile | None = None
    if extends is not None:
        if builtin:
            fail("profile.extends", "builtin_extends")
        if extends not in builtin_ids():
            fail("profile.extends", "extends_unknown", name=str(extends), builtins=", ".join(builtin_ids()))
        base = _load_builtin(extends)
    if not builtin and head["id"] in builtin_ids():
        fail("profile.id", "builtin_id", id=str(head["id"]))
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
            fail(section, "not_tables", section=section)
        for rid, body in block.items():
            key, where = f'{section}."{rid}"', section
            if not RULE_ID.match(rid):
                fail(key, "rule_id")
            if not isinstance(body, dict):
                fail(key, "not_table")
            if rid in tables:  # [rules."x"] and [overrides."x"] together: one override
                _, first_key, first = tables[rid]
                for k in body:
                    if k in first:
                        fail(f"{key}.{k}", "given_twice", first=first_key)
                body, where, key = {**first, **body}, "rules", first_key
            tables[rid] = (where, key, body)

    rules = dict(base.rules) if base else {}
    overrides = []
    for rid, (section, key, body) in tables.items():
        for k in body:
            if k not in RULE_KEYS:
                fail(f"{key}.{k}", "unknown_key", allowed=", ".join(sorted(RULE_KEYS)))
        if "reason" in body and (not isinstance(body["reason"], str) or not body["reason"].strip()):
            fail(f"{key}.reason", "not_string", got=repr(body["reason"])[:40])
        old = base.rules.get(rid) if base else None
        if old is not None:
            if "value" not in body:
                fail(f"{key}.value", "override_value")
            if "reason" not in body:
                for k in ("document", "clause", "quote"):
                    if k not in body:
                        fail(f"{key}.{k}", "override_citation", reason='reason = "…"', keys="document, clause, quote")
            fields = rule_fields(old)
            if "effective" in head:
                fields["effective"] = head["effective"]
            fields.update({k: v for k, v in body.items() if k != "reason"})
            for k in RULE_EN_TWINS:  # a new Chinese text without its twin: the base's English is stale
                if k in body and f"{k}_en" not in body:
                    fields.pop(f"{k}_en", None)
            if "note" not in body:
                fields.pop("note", None)  # the base note explains the base value
                fields.pop("note_en", None)
            if "op" in body and "inclusive" not in body:
                fields.pop("inclusive", None)  # follows the new op
            if fields["op"] != "about":
                for k in ("tolerance", "tolerance_note", "tolerance_note_en"):
                    if k not in body:
                        fields.pop(k, None)
        else:
            if "reason" in body:
                if base:
                    fail(f"{key}.reason", "reason_no_base_rule", base=extends, rule=rid)
                fail(f"{key}.reason", "reason_only_override")
            if section == "overrides":
                if base:
                    fail(key, "no_base_rule", rule=rid)
                fail(key, "overrides_need_extends")
            for k in RULE_REQUIRED:
                if k not in body:
                    fail(f"{key}.{k}", "missing")
            fields = dict(body)
        rule = make_rule(rid, fields, key, fail, document, effective)
        if builtin:
            check_english(fields, RULE_EN_TWINS, key, fail)
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
        fail("rules", "no_rules")
    check_pairs(rules, fail)

    return Profile(
        id=head["id"], title=inherit("title"), document=document, issuer=inherit("issuer"),
        issued=inherit("issued"), effective=effective, source=inherit("source"),
        scope=inherit("scope"), rules=MappingProxyType(rules), path=path,
        extends=extends, overrides=tuple(overrides),
        effective_note=head.get("effective_note") if "effective" in head else inherit("effective_note"),
        note=head.get("note"), builtin=builtin,
        effective_note_en=head.get("effective_note_en") if "effective" in head else inherit("effective_note_en"),
        scope_en=head.get("scope_en") if "scope" in head else inherit("scope_en"), note_en=head.get("note_en"))


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
                         "message": msg("warning.before_effective", as_of=as_of.isoformat(),
                                        document=profile.document, effective=profile.effective.isoformat())})
    return block, warnings

