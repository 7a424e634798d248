"""The rule engine: compare a computed figure with a profile rule, exactly, and say why.

Every check carries its rule id, the formula in words, the inputs it used, the bound and
the citation, so JSON output and the annotated workbook can show why it passed or failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from ttcalc.core.msg import Msg
from ttcalc.policy.model import format_value

PASS, FAIL, NA = "pass", "fail", "not_applicable"


def ratio_str(value: Fraction | None, places: int = 4) -> str | None:
    """A ratio rounded half-up to four places: Fraction(41, 44) -> "0.9318"."""
    if value is None:
        return None
    with localcontext() as ctx:
        ctx.prec = 50
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def as_fraction(value) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(Decimal(str(value)))


def meets(actual: Fraction, rule) -> bool:
    """Exact comparison of a figure with a rule's bound (以上/以下/不少于 are inclusive)."""
    bound = as_fraction(rule.value)
    op = rule.op
    if op == ">=":
        return actual >= bound
    if op == ">":
        return actual > bound
    if op == "<=":
        return actual <= bound
    if op == "<":
        return actual < bound
    if op == "==":
        return actual == bound
    if op == "about":
        return abs(actual - bound) <= as_fraction(rule.tolerance)
    raise ValueError(f"rule {rule.id}: cannot compare with op {op!r}")


@dataclass
class Check:
    id: str
    status: str
    label: str = ""
    actual: str | None = None
    required: str | None = None
    rule: str | None = None  # rule id in the profile
    citation: str | None = None
    quote: str | None = None
    qualifier: str | None = None
    advisory: bool = False
    formula: str | None = None
    inputs: dict = field(default_factory=dict)
    remedy: str | None = None
    reason: str | None = None
    details: list = field(default_factory=list)  # e.g. the persons who fail

    @property
    def failed(self) -> bool:
        """A failure that counts for the exit code (advisory rules do not)."""
        return self.status == FAIL and not self.advisory

    def as_dict(self) -> dict:
        out = {"id": self.id, "status": self.status, "actual": self.actual, "required": self.required,
               "rule": self.rule, "citation": self.citation, "remedy": self.remedy}
        if self.status == NA:
            out["reason"] = self.reason
        if self.qualifier:
            out["qualifier"] = self.qualifier
        if self.advisory:
            out["advisory"] = True
        out["label"] = self.label
        out["formula"] = self.formula
        out["inputs"] = self.inputs
        out["quote"] = self.quote
        if self.details:
            out["details"] = self.details
        return out


def label_msg(rule) -> Msg:
    """The rule's label, worded by the output layer in the chosen language (the profile holds both)."""
    return Msg("policy.data.label", {"zh": rule.label_zh, "en": rule.label_en})


def bound_msg(rule) -> Msg:
    """The rule's bound ("≥ 0.9", "约 0.20 ± 0.05", "about 0.20 ± 0.05"), worded by the output layer."""
    if rule.op == "about":
        return Msg("policy.bound.about", {"value": format_value(rule.value), "tolerance": format_value(rule.tolerance)})
    if rule.op == "in":
        return Msg("policy.bound.one_of", {"values": ", ".join(rule.value)})
    if rule.op == "all":
        return Msg("policy.bound.all_of", {"values": ", ".join(rule.value)})
    return Msg("policy.bound.compare", {"op": rule.op, "value": format_value(rule.value)})


def from_rule(check_id: str, rule, lang: str = "zh") -> Check:
    """A Check with the rule's citation filled in; status to be decided by the caller.  Its label
    and bound are messages: the language is chosen when the report is rendered (`lang` is unused)."""
    return Check(id=check_id, status=NA, label=label_msg(rule),
                 required=bound_msg(rule), rule=rule.id, citation=rule.citation(),
                 quote=rule.quote, qualifier=rule.qualifier, advisory=bool(rule.advisory))


def not_applicable(check_id: str, reason: str, rule=None, lang: str = "en") -> Check:
    check = from_rule(check_id, rule, lang) if rule is not None else Check(check_id, NA)
    check.status, check.reason = NA, reason
    return check


def judge(check: Check, actual: Fraction, rule, shown: str | None = None) -> Check:
    check.actual = shown if shown is not None else ratio_str(actual)
    check.status = PASS if meets(actual, rule) else FAIL
    return check
