"""Validation of a profile file's rules on load (spec §6): known keys, numbers as exact decimals,
dates in range, bounds that fit their unit, pairs of _min/_max that agree.  Every problem is an
InputError naming the file and the key."""


from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation


from ttcalc.policy.model import (EDUCATIONS, INCLUSIVE, LEVELS, NUMERIC_UNITS, OPS, RULE_KEYS, TEXT_FIELDS,
                                 TOPICS, UNITS, Rule)


def rule_fields(rule: Rule) -> dict:
    out = {k: getattr(rule, k) for k in RULE_KEYS if hasattr(rule, k)}
    out["document"] = rule.source_document
    out["value"] = list(rule.value) if isinstance(rule.value, tuple) else rule.value
    return {k: v for k, v in out.items() if v is not None}


def check_date(value, key, fail):
    if isinstance(value, datetime) or not isinstance(value, date):
        fail(key, "toml_date", got=repr(value)[:40])
    if not date(1990, 1, 1) <= value <= date(2100, 12, 31):
        fail(key, "date_range", date=value.isoformat())


def decimal_value(value, key, fail) -> Decimal | int:
    if isinstance(value, bool):
        fail(key, "not_number", got=repr(value))
    if isinstance(value, float):
        fail(key, "float", got=repr(value))
    if isinstance(value, int):
        number: Decimal | int = value
        if abs(value) > 10**30:
            fail(key, "too_long")
    elif isinstance(value, (str, Decimal)):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            fail(key, "decimal_string", got=repr(value)[:40])
        if not number.is_finite():
            fail(key, "not_finite", got=repr(value)[:40])
        # "1E-999999999" would take forever in exact arithmetic: a policy value is a plain
        # rate or amount, never beyond 30 digits or an exponent of ±30
        if not number.is_zero() and (abs(number.adjusted()) > 30 or len(number.as_tuple().digits) > 30):
            fail(key, "plain_decimal", got=repr(str(value)[:40]))
        if number.is_zero():
            number = Decimal(0)  # 0E-999999999 too
    else:
        fail(key, "decimal_or_int", got=repr(value)[:40])
    if number < 0:
        fail(key, "negative", got=repr(value)[:40])
    return number


def make_rule(rid, f, key, fail, document, effective) -> Rule:
    for k in TEXT_FIELDS:
        if k in f and (not isinstance(f[k], str) or not f[k].strip()):
            fail(f"{key}.{k}", "not_string", got=repr(f[k])[:40])
    for k in ("advisory", "computable", "inclusive"):
        if k in f and not isinstance(f[k], bool):
            fail(f"{key}.{k}", "not_bool", values="true/false", got=repr(f[k])[:40])
    topic, unit, op = f["topic"], f["unit"], f["op"]
    if topic not in TOPICS:
        fail(f"{key}.topic", "one_of", allowed=", ".join(sorted(TOPICS)), got=repr(topic)[:40])
    if unit not in UNITS:
        fail(f"{key}.unit", "one_of", allowed=", ".join(sorted(UNITS)), got=repr(unit)[:40])
    if op not in OPS:
        fail(f"{key}.op", "one_of", allowed=" ".join(sorted(OPS)), got=repr(op)[:40])
    raw, vkey = f["value"], f"{key}.value"
    if unit in NUMERIC_UNITS:
        value = decimal_value(raw, vkey, fail)
        if unit == "ratio" and value > 1:
            fail(vkey, "ratio_range", got=repr(raw)[:40], example='unit = "ratio_any"')
        allowed = {">=", "<=", ">", "<", "==", "about"}
    elif unit == "bool":
        if not isinstance(raw, bool):
            fail(vkey, "not_bool", values="true/false", got=repr(raw)[:40])
        value, allowed = raw, {"=="}
    elif unit == "list":
        if not isinstance(raw, list) or not raw or not all(isinstance(x, str) and x.strip() for x in raw):
            fail(vkey, "not_string_list", got=repr(raw)[:40])
        value, allowed = tuple(raw), {"in", "all"}
    else:
        if not isinstance(raw, str) or not raw.strip():
            fail(vkey, "not_string", got=repr(raw)[:40])
        scale = {"level": LEVELS, "education": EDUCATIONS}.get(unit)
        if scale and raw not in scale:
            fail(vkey, "one_of", allowed=", ".join(scale), got=repr(raw)[:40])
        value, allowed = raw, {">=", "<=", "=="}
    if op not in allowed:
        fail(f"{key}.op", "op_unit", op=op, unit=unit, allowed=" ".join(sorted(allowed)))
    inclusive = f.get("inclusive", INCLUSIVE.get(op, True))
    if op in INCLUSIVE and inclusive != INCLUSIVE[op]:
        fail(f"{key}.inclusive", "inclusive" if INCLUSIVE[op] else "exclusive", op=op,
             setting=f"inclusive = {str(inclusive).lower()}")
    tolerance = None
    if op == "about":
        if "tolerance" not in f:
            fail(f"{key}.tolerance", "tolerance_missing", op='op = "about"', example='tolerance = "0.05"')
        tolerance = decimal_value(f["tolerance"], f"{key}.tolerance", fail)
        tolerance = Decimal(tolerance)
    elif "tolerance" in f or "tolerance_note" in f:
        fail(f"{key}.tolerance", "tolerance_only_about", op='op = "about"')
    if "effective" in f:
        check_date(f["effective"], f"{key}.effective", fail)
    return Rule(
        id=rid, topic=topic, value=value, unit=unit, op=op, inclusive=inclusive,
        clause=f["clause"], quote=f["quote"], label_zh=f["label_zh"], label_en=f["label_en"],
        effective=f.get("effective", effective), source_document=f.get("document", document),
        basis=f.get("basis"), qualifier=f.get("qualifier"), advisory=f.get("advisory", False),
        tolerance=tolerance, tolerance_note=f.get("tolerance_note"),
        computable=f.get("computable", True), note=f.get("note"),
        basis_en=f.get("basis_en"), tolerance_note_en=f.get("tolerance_note_en"), note_en=f.get("note_en"))


def check_english(fields: dict, twins: tuple[str, ...], key: str, fail):
    """A built-in profile's own Chinese text (note, basis, scope …) needs its English twin (note_en …)."""
    for k in twins:
        if fields.get(k) is not None and fields.get(f"{k}_en") is None:
            fail(f"{key}.{k}_en", "missing")


def check_pairs(rules: dict[str, Rule], fail):
    for rid, low in rules.items():
        if not rid.endswith("_min"):
            continue
        high = rules.get(rid[:-4] + "_max")
        if high is None or low.unit not in NUMERIC_UNITS or high.unit not in NUMERIC_UNITS:
            continue
        if Decimal(low.value) > Decimal(high.value):
            fail(f'rules."{rid}".value', "above", low=str(low.value), high=high.id, high_value=str(high.value))


