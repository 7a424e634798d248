"""`budget --sector`: which rate a payroll is held to.

The default sector, ``k12``, is the district payroll of kindergartens, schools and vocational
schools that every profile's fund rules are written for.  ``university`` is a university's own
payroll of teachers (shanxi-2023 四（二）: 高校按照每年不低于教师工资总额的 1.5%安排): the
fund's floor is then the profile's ``fund.university_rate_min``, and the district rules — the
rate's ceiling, the training school's share, the pass-down, the public-funds share — do not
apply.  A profile without a university rule refuses the option rather than hold a university
to the K-12 rate.  The rule itself (value, clause, quote) is the profile's; nothing here holds
a threshold.
"""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from ttcalc.core.errors import InputError
from ttcalc.core.msg import msg

SECTORS = ("k12", "university")
# the rule a sector's fund floor is read from; None: the profile's own fund.rate_min and the rest
FLOOR_RULE = {"k12": None, "university": "fund.university_rate_min"}


def check_sector(profile, sector: str | None) -> str:
    sector = sector or "k12"
    if sector not in SECTORS:
        raise InputError(msg("option.error.one_of", option="--sector", value=sector, allowed=", ".join(SECTORS)))
    rule_id = FLOOR_RULE[sector]
    if rule_id is not None:
        rule = profile.get(rule_id)
        if rule is None or not rule.computable:
            raise InputError(msg("budget.input.no_floor", sector=sector, profile=profile.id, rule=rule_id,
                                 example="shanxi-2023"))
    return sector


def sector_profile(profile, sector: str | None):
    """The profile as the budget figures and checks of `sector` see it: for a university, only
    its fund floor, under the role of fund.rate_min (the rule keeps its own id and citation)."""
    sector = check_sector(profile, sector)
    rule_id = FLOOR_RULE[sector]
    if rule_id is None:
        return profile
    return replace(profile, rules=MappingProxyType({"fund.rate_min": profile.get(rule_id)}))
