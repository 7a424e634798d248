"""The lines of a remedy: who needs what, in Chinese or English, a dozen names spelled out
and the rest counted."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ttcalc.hours.ledger import _dec, hstr
from ttcalc.hours.people import Person

if TYPE_CHECKING:
    from ttcalc.hours.checks import Ctx

SHOWN = 12  # names spelled out in a remedy line; the rest are in `details` and `by_person`


def _who(p: Person) -> str:
    return p.name or p.id or p.key


def _remedy(lines: list[str], lang: str) -> str | None:
    if not lines:
        return None
    sep = "；" if lang == "zh" else "; "
    text = sep.join(lines[:SHOWN])
    if len(lines) > SHOWN:
        more = len(lines) - SHOWN
        text += (f"{sep}另有 {more} 人（见 details / by_person）" if lang == "zh"
                 else f"{sep}and {more} more (see details / by_person)")
    return text


def _count_text(short: int, total: int, lang: str, running: bool = False) -> str:
    if lang == "zh":
        return f"{total} 人中 {short} 人{'尚未完成' if running else '未达标'}"
    return f"{short} of {total} {'still to complete' if running else 'short'}"


def _line(p: Person, measure: str, value: Decimal, bound: Decimal, ctx: Ctx) -> str:
    zh = ctx.lang == "zh"
    if measure == "concentrated_max_course":
        return (f"{_who(p)} 需参加一次不少于 {hstr(bound)} 学时的集中培训（目前单次最多 {hstr(value)} 学时）" if zh
                else f"{_who(p)} needs one concentrated course of {hstr(bound)} hours (longest so far {hstr(value)})")
    need = bound - value
    if measure == "total":
        sb_rule = ctx.profile.get("hours.school_based_min")
        sb_need = _dec(sb_rule) - p.summary["school_based"] if sb_rule is not None else Decimal(0)
        need = max(need, sb_need)
        extra = (f"（校本 {hstr(sb_need)}）" if zh else f" ({hstr(sb_need)} school-based)") if sb_need > 0 else ""
        return f"{_who(p)} 还需 {hstr(need)} 学时{extra}" if zh else f"{_who(p)} needs {hstr(need)} more hours{extra}"
    label = {"school_based": ("校本", "school-based "), "concentrated": ("集中培训", "concentrated "),
             "management": ("学校管理类", "school-management "), "homeroom": ("班主任专题", "homeroom "),
             "probation": ("试用期", "probation "), "probation_practice": ("实践", "practice "),
             "new_principal": ("任职资格", "qualification "),
             "new_principal_concentrated": ("任职资格集中", "concentrated qualification ")}.get(measure, ("", ""))
    return (f"{_who(p)} 还需{label[0]} {hstr(need)} 学时" if zh
            else f"{_who(p)} needs {hstr(need)} more {label[1]}hours")


def _annual_line(p: Person, measure: str, missed: list, bound: Decimal, lang: str) -> str:
    gaps = [(y, hstr(bound - p.summary[measure][y])) for y in missed]
    if lang == "zh":
        kind = "校本" if measure == "school_years" else ""
        return f"{_who(p)} " + "、".join(f"{y}年{kind}差 {g} 学时" for y, g in gaps)
    kind = " school-based" if measure == "school_years" else ""
    return f"{_who(p)} " + ", ".join(f"{y}: {g}{kind} hours short" for y, g in gaps)
