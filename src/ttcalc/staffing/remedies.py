"""The smallest change in people that makes a failing ratio meet its rule, exactly: promote,
fewer of the others, or new hires who count in both; and the remedy's words."""

from __future__ import annotations

from fractions import Fraction
from math import ceil, floor

from ttcalc.core.msg import Msg, msg
from ttcalc.policy.rules import meets, ratio_str


def _smallest(ok, estimate: int, limit: int) -> int | None:
    """The least n in [0, limit] with ok(n), ok monotone; `estimate` is the closed form."""
    n = min(max(0, estimate), limit)
    while n <= limit and not ok(n):
        n += 1
    if n > limit:
        return None
    while n > 0 and ok(n - 1):
        n -= 1
    return n


def added_to_both(num: int, den: int, ok, bound: Fraction) -> int | None:
    """Least k with ok((num + k) / (den + k)): people who count in the numerator and the denominator."""
    estimate = ceil((bound * den - num) / (1 - bound)) if bound < 1 else 0
    return _smallest(lambda k: ok(Fraction(num + k, den + k)), estimate, 10 * den + 10_000)


def share_remedy(a: int, b: int, rule) -> dict:
    """For a share a/b below its rule: promote (a+z)/b, fewer others a/(b−y), hire (a+x)/(b+x)."""
    t = Fraction(rule.value)

    def ok(value: Fraction) -> bool:
        return meets(value, rule)

    promote = _smallest(lambda z: ok(Fraction(a + z, b)), ceil(t * b - a), b - a)
    remove = _smallest(lambda y: b - y > 0 and ok(Fraction(a, b - y)), ceil(b - a / t) if t else 0, b - a) \
        if a > 0 else None
    hire = added_to_both(a, b, ok, t) if t < 1 else None
    return {"promote": promote, "remove": remove, "hire": hire}


def count_remedy(have: int, rule, denominator: int | None = None) -> int | None:
    """More people in the numerator only: part-time teachers for a fixed denominator, or a headcount."""
    t = Fraction(rule.value)
    if denominator is not None:
        return _smallest(lambda x: meets(Fraction(have + x, denominator), rule), ceil(t * denominator - have),
                         ceil(t * denominator) + 10_000)
    return _smallest(lambda x: meets(Fraction(have + x), rule), ceil(t - have), ceil(t) + 10_000)


def _band_reach(den: int, rule) -> tuple[int, int]:
    """The fewest full-time teachers, from `den` up, for whom some whole number of hires meets
    the rule, and that number of hires."""
    d = den
    while True:
        for h in range(d + 1):
            if meets(Fraction(h, d), rule):
                return d, h
        d += 1


def no_whole_number(num: int, den: int, rule) -> Msg:
    """No whole number of hires puts the ratio within its band for `den` teachers: say so, with
    the counts on either side and the staff size from which one would."""
    below = max((h for h in range(den + 1) if Fraction(h, den) < Fraction(rule.value)), default=0)
    d, h = _band_reach(den, rule)
    return msg("staffing.remedy.renewal_unreachable", hires=num, den=den, below=below,
               below_ratio=ratio_str(Fraction(below, den)), above=below + 1,
               above_ratio=ratio_str(Fraction(below + 1, den)), reach_den=d, reach_hires=h)


def renewal_remedy(num: int, den: int, rule) -> tuple[Msg, dict]:
    """Below the band: hires needed (each new hire counts in both); above it: how many too many;
    where no whole number of hires fits the band, that."""
    target = Fraction(rule.value)
    tol = Fraction(rule.tolerance) if rule.op == "about" else Fraction(0)
    if Fraction(num, den) < target:
        x = added_to_both(num, den, lambda v: meets(v, rule), target - tol)
        if x is None:
            return no_whole_number(num, den, rule), {"hire": None, "unreachable": True}
        to_target = added_to_both(num, den, lambda v: v >= target, target)
        return (msg("staffing.remedy.renewal_below", x=x, to_target=to_target, target=str(rule.value)),
                {"hire": x, "hire_to_target": to_target})
    most = floor((target + tol) * den)
    while most > 0 and not meets(Fraction(most, den), rule):
        most -= 1
    if not meets(Fraction(most, den), rule):
        return no_whole_number(num, den, rule), {"excess_hires": None, "unreachable": True}
    k = num - most
    return (msg("staffing.remedy.renewal_above", hires=num, most=most, den=den, k=k), {"excess_hires": k})


_WAYS = {  # the three ways to meet a share, in the order they are offered
    "staff.fulltime_share": ("hire", "remove", "promote"),
    "title.mid_senior_share": ("promote", "remove", "hire"),
    "title.senior_share": ("promote", "remove", "hire"),
}


def _remedy_text(check_id: str, r: dict) -> Msg | None:
    parts = [msg(f"staffing.remedy.{check_id.replace('.', '_')}.{way}", n=r[way])
             for way in _WAYS[check_id] if r.get(way) is not None]
    if not parts:
        return None
    keys = {1: "one", 2: "two", 3: "three"}
    return msg(f"staffing.remedy.{keys[len(parts)]}", **dict(zip("abc", parts)))


def remedy_of(check_id: str, num: int, den: int, rule) -> tuple[Msg | None, dict]:
    if check_id == "staff.parttime_ratio":
        x = count_remedy(num, rule, den)
        return msg("staffing.remedy.parttime", n=x), {"hire_parttime": x}
    if check_id == "staff.renewal_5y":
        return renewal_remedy(num, den, rule)
    r = share_remedy(num, den, rule)
    return _remedy_text(check_id, r), r
