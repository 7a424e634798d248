"""The smallest change in people that makes a failing ratio meet its rule, exactly: promote,
fewer of the others, or new hires who count in both; and the remedy's words."""

from __future__ import annotations

from fractions import Fraction
from math import ceil, floor

from ttcalc.policy.rules import meets


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


def renewal_remedy(num: int, den: int, rule, lang: str) -> tuple[str, dict]:
    """Below the band: hires needed (each new hire counts in both); above it: how many too many."""
    zh = lang == "zh"
    target = Fraction(rule.value)
    tol = Fraction(rule.tolerance) if rule.op == "about" else Fraction(0)
    if Fraction(num, den) < target:
        x = added_to_both(num, den, lambda v: meets(v, rule), target - tol)
        to_target = added_to_both(num, den, lambda v: v >= target, target)
        if zh:
            return (f"需在五年内再调入 {x} 名专任教师（达到目标 {rule.value} 需 {to_target} 名）",
                    {"hire": x, "hire_to_target": to_target})
        return (f"{x} more full-time teacher{'s' * (x != 1)} hired within the five years needed ({to_target} to reach "
                f"the {rule.value} target)", {"hire": x, "hire_to_target": to_target})
    most = floor((target + tol) * den)
    while most > 0 and not meets(Fraction(most, den), rule):
        most -= 1
    k = num - most
    if zh:
        return (f"更新率高于上限：五年内调入 {num} 人，按 {den} 名专任教师最多 {most} 人（多 {k} 人）；再调入只会更高，"
                "随五年窗口后移而下降", {"excess_hires": k})
    return (f"renewal above the band: {num} hires in five years, at most {most} for {den} full-time teachers "
            f"({k} too many); more hires raise it further — it falls as the five-year window moves on",
            {"excess_hires": k})


_WORDS = {  # (zh, en) for the three ways to meet a share; {n} is the number, {s} the English plural
    "staff.fulltime_share": {
        "hire": ("需新增 {n} 名专任教师", "{n} more full-time teacher{s} needed"),
        "remove": ("减少 {n} 名非专任教师岗位人员", "{n} fewer staff outside the teaching category"),
        "promote": ("将 {n} 名其他岗位人员转为专任教师", "{n} staff moved into teaching posts")},
    "title.mid_senior_share": {
        "promote": ("需再有 {n} 名专任教师取得中级及以上职称",
                    "{n} more full-time teacher{s} with a mid-level or senior title needed by promotion"),
        "remove": ("减少 {n} 名中级以下", "{n} fewer below mid-level"),
        "hire": ("新聘 {n} 名中级及以上职称专任教师", "{n} new hire{s} with a mid-level or senior title")},
    "title.senior_share": {
        "promote": ("需再有 {n} 名高级职称专任教师", "{n} more senior-titled full-time teacher{s} needed by promotion"),
        "remove": ("减少 {n} 名非高级", "{n} fewer non-senior"),
        "hire": ("新聘 {n} 名高级职称专任教师", "{n} senior-titled new hire{s}")},
}


def _remedy_text(check_id: str, r: dict, lang: str) -> str | None:
    i = 0 if lang == "zh" else 1
    words = _WORDS[check_id]
    parts = [w[i].format(n=r[key], s="" if r[key] == 1 else "s") for key, w in words.items() if r.get(key) is not None]
    if not parts:
        return None
    head, rest = parts[0], parts[1:]
    if not rest:
        return head
    return f"{head}（或{'，或'.join(rest)}）" if lang == "zh" else f"{head} (or {'; or '.join(rest)})"


def _remedy(check_id: str, num: int, den: int, rule, lang: str) -> tuple[str | None, dict]:
    if check_id == "staff.parttime_ratio":
        x = count_remedy(num, rule, den)
        return (f"需再聘 {x} 名兼职教师" if lang == "zh" else f"{x} more part-time teacher{'s' * (x != 1)} needed"), \
            {"hire_parttime": x}
    if check_id == "staff.renewal_5y":
        return renewal_remedy(num, den, rule, lang)
    r = share_remedy(num, den, rule)
    return _remedy_text(check_id, r, lang), r
