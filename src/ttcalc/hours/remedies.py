"""The lines of a remedy: who needs what, as messages (the output layer words them), a dozen
names spelled out and the rest counted.  Hours stay exact (Decimal) in the parameters."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ttcalc.core.msg import Msg, msg
from ttcalc.hours.ledger import dec
from ttcalc.hours.people import Person

if TYPE_CHECKING:
    from ttcalc.hours.checks import Ctx

SHOWN = 12  # names spelled out in a remedy line; the rest are in `details` and `by_person`
KINDS = ("school_based", "concentrated", "management", "homeroom", "probation", "probation_practice",
         "new_principal", "new_principal_concentrated")  # measures with a word of their own (hours.measure.*)


def who_of(p: Person) -> str:
    return p.name or p.id or p.key


def join_remedy(lines: list[Msg]) -> Msg | None:
    if not lines:
        return None
    shown = list(lines[:SHOWN])
    if len(lines) > SHOWN:
        shown.append(msg("hours.remedy.more", n=len(lines) - SHOWN))
    return msg("hours.remedy.lines", lines=shown)


def count_text(short: int, total: int, running: bool = False) -> Msg:
    return msg("hours.actual.still_to_complete" if running else "hours.actual.short", short=short, total=total)


def remedy_line(p: Person, measure: str, value: Decimal, bound: Decimal, ctx: Ctx) -> Msg:
    if measure == "concentrated_max_course":
        return msg("hours.remedy.course", who=who_of(p), bound=bound, value=value)
    need = bound - value
    if measure == "total":
        sb_rule = ctx.profile.get("hours.school_based_min")
        sb_need = dec(sb_rule) - p.summary["school_based"] if sb_rule is not None else Decimal(0)
        need = max(need, sb_need)
        if sb_need > 0:
            return msg("hours.remedy.total_school_based", who=who_of(p), need=need, school_based=sb_need)
        return msg("hours.remedy.total", who=who_of(p), need=need)
    if measure in KINDS:
        return msg("hours.remedy.kind", who=who_of(p), need=need, kind=msg(f"hours.measure.{measure}"))
    return msg("hours.remedy.total", who=who_of(p), need=need)


def annual_line(p: Person, measure: str, missed: list, bound: Decimal) -> Msg:
    code = "hours.remedy.year_school_based" if measure == "school_years" else "hours.remedy.year"
    gaps = [msg(code, year=y, gap=bound - p.summary[measure][y]) for y in missed]
    return msg("hours.remedy.annual", who=who_of(p), gaps=series(gaps))


def series(items: list):
    """Items joined by the language's list comma (、 or ", "), as one message."""
    chain = items[-1]
    for item in reversed(items[:-1]):
        chain = msg("hours.remedy.years", first=item, rest=chain)
    return chain
