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
        fail(key, f"expected a TOML date like 2022-08-24 (unquoted, no time), got {value!r}")
    if not date(1990, 1, 1) <= value <= date(2100, 12, 31):
        fail(key, f"date {value.isoformat()} is outside 1990-01-01 … 2100-12-31")


def decimal_value(value, key, fail, what="value") -> Decimal | int:
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


def make_rule(rid, f, key, fail, document, effective) -> Rule:
    for k in TEXT_FIELDS:
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
        value = decimal_value(raw, vkey, fail)
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
    inclusive = f.get("inclusive", INCLUSIVE.get(op, True))
    if op in INCLUSIVE and inclusive != INCLUSIVE[op]:
        fail(f"{key}.inclusive", f"op {op!r} is {'inclusive' if INCLUSIVE[op] else 'exclusive'}, "
                                 f"but inclusive = {str(inclusive).lower()}")
    tolerance = None
    if op == "about":
        if "tolerance" not in f:
            fail(f"{key}.tolerance", 'missing: op = "about" needs a tolerance (e.g. tolerance = "0.05")')
        tolerance = decimal_value(f["tolerance"], f"{key}.tolerance", fail, "tolerance")
        tolerance = Decimal(tolerance)
    elif "tolerance" in f or "tolerance_note" in f:
        fail(f"{key}.tolerance", 'only allowed with op = "about"')
    if "effective" in f:
        check_date(f["effective"], f"{key}.effective", fail)
    return Rule(
        id=rid, topic=topic, value=value, unit=unit, op=op, inclusive=inclusive,
        clause=f["clause"], quote=f["quote"], label_zh=f["label_zh"], label_en=f["label_en"],
        effective=f.get("effective", effective), source_document=f.get("document", document),
        basis=f.get("basis"), qualifier=f.get("qualifier"), advisory=f.get("advisory", False),
        tolerance=tolerance, tolerance_note=f.get("tolerance_note"),
        computable=f.get("computable", True), note=f.get("note"))


def check_pairs(rules: dict[str, Rule], fail):
    for rid, low in rules.items():
        if not rid.endswith("_min"):
            continue
        high = rules.get(rid[:-4] + "_max")
        if high is None or low.unit not in NUMERIC_UNITS or high.unit not in NUMERIC_UNITS:
            continue
        if Decimal(low.value) > Decimal(high.value):
            fail(f'rules."{rid}".value', f"{low.value} is above {high.id} = {high.value}")


