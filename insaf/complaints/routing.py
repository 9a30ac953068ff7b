"""Routing: which unit handles a case.

1. A grave case goes to the country's human-rights oversight unit (and the oversight queue),
   whatever the rules say.
2. Otherwise the matching rule with the most match fields set wins (category, agency complained
   about, governorate); ties go to the lowest ``order``.
3. No rule: the country's default handling unit.
4. The unit complained about never handles the case: a rule that would send it there is skipped,
   and so is a default or oversight unit that is that unit. No unit at all leaves the case
   unrouted (registered, for a supervisor to assign).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from insaf.core.models import Unit

if TYPE_CHECKING:
    from insaf.complaints.config import CountryConfig


@dataclass(frozen=True)
class Route:
    unit: Unit | None
    oversight: bool
    rule_id: int | None = None


def route(
    *,
    country_code: str,
    category: str,
    grave: bool,
    unit_complained_about: Unit | None,
    governorate_id: int | None,
    config: CountryConfig | None = None,
) -> Route:
    if config is None:
        from insaf.complaints.config import country_config

        config = country_config(country_code)
    policy = config.policy
    avoid = unit_complained_about.pk if unit_complained_about else None
    if grave and policy and policy.oversight_unit_id and policy.oversight_unit_id != avoid:
        return Route(policy.oversight_unit, oversight=True)
    agency_id = unit_complained_about.agency_id if unit_complained_about else None
    candidates = []
    for rule in config.routing_rules:
        if rule.unit_id == avoid:
            continue
        if rule.category and rule.category != category:
            continue
        if rule.agency_id and rule.agency_id != agency_id:
            continue
        if rule.governorate_id and rule.governorate_id != governorate_id:
            continue
        specificity = sum(bool(x) for x in (rule.category, rule.agency_id, rule.governorate_id))
        candidates.append((-specificity, rule.order, rule.pk, rule))
    if candidates:
        best = min(candidates, key=lambda c: c[:3])[3]
        return Route(best.unit, oversight=grave, rule_id=best.pk)
    if policy and policy.intake_unit_id and policy.intake_unit_id != avoid:
        return Route(policy.intake_unit, oversight=grave)
    return Route(None, oversight=grave)
