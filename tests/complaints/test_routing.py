"""Routing rules and deadline policies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from insaf.complaints.deadlines import DEFAULTS, Rule, deadlines, rules_for
from insaf.complaints.models import CountryPolicy, DeadlinePolicy, RoutingRule
from insaf.complaints.routing import route
from insaf.complaints.services import Submission
from insaf.core.calendar import WorkCalendar
from insaf.core.models import Unit
from tests.conftest import Org

FileCase = Callable[..., Submission]


def _route(**kwargs: object) -> object:
    defaults: dict[str, object] = {
        "country_code": "JO",
        "category": "service_delay",
        "grave": False,
        "unit_complained_about": None,
        "governorate_id": None,
    }
    defaults.update(kwargs)
    return route(**defaults)  # type: ignore[arg-type]


def test_most_specific_rule_wins(jordan: Org, policy: CountryPolicy) -> None:
    RoutingRule.objects.create(country=jordan.country, unit=jordan.other_unit, order=1)
    RoutingRule.objects.create(
        country=jordan.country, category="service_delay", unit=jordan.sibling_unit, order=50
    )
    RoutingRule.objects.create(
        country=jordan.country,
        category="service_delay",
        agency=jordan.other_agency,
        unit=jordan.unit,
        order=99,
    )
    assert _route().unit == jordan.sibling_unit  # type: ignore[attr-defined]
    assert _route(category="corruption").unit == jordan.other_unit  # type: ignore[attr-defined]
    against_centre = _route(unit_complained_about=jordan.other_unit)
    assert against_centre.unit == jordan.unit  # type: ignore[attr-defined]


def test_rule_pointing_at_the_unit_complained_about_is_skipped(
    jordan: Org, policy: CountryPolicy
) -> None:
    RoutingRule.objects.create(country=jordan.country, unit=jordan.sibling_unit, order=1)
    chosen = _route(unit_complained_about=jordan.sibling_unit)
    assert chosen.unit == jordan.unit  # type: ignore[attr-defined]  (the default unit)


def test_no_rule_no_default_leaves_the_case_unrouted(jordan: Org) -> None:
    assert _route().unit is None  # type: ignore[attr-defined]


def test_grave_goes_to_oversight_whatever_the_rules(
    jordan: Org, policy: CountryPolicy, oversight_unit: Unit
) -> None:
    RoutingRule.objects.create(country=jordan.country, unit=jordan.sibling_unit, order=1)
    chosen = _route(grave=True)
    assert chosen.unit == oversight_unit and chosen.oversight  # type: ignore[attr-defined]


AMMAN = WorkCalendar.build(timezone="Asia/Amman", weekend={5, 6})
THURSDAY_1300 = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)  # 13:00 in Amman


@pytest.mark.parametrize(
    "priority,ack,resolve",
    [
        # Four working hours from Thursday 13:00: two on Thursday, two on Sunday → Sunday 10:00.
        ("critical", dt.datetime(2026, 3, 8, 7, 0, tzinfo=dt.UTC), dt.date(2026, 3, 12)),
        # One working day → Sunday 15:00; ten working days → Thursday 19 March.
        ("high", dt.datetime(2026, 3, 8, 12, 0, tzinfo=dt.UTC), dt.date(2026, 3, 19)),
        ("normal", dt.datetime(2026, 3, 9, 12, 0, tzinfo=dt.UTC), dt.date(2026, 4, 2)),
        ("low", dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC), dt.date(2026, 4, 16)),
    ],
)
def test_default_deadlines_across_the_weekend(
    priority: str, ack: dt.datetime, resolve: dt.date
) -> None:
    got_ack, got_resolve = deadlines(AMMAN, DEFAULTS[priority], THURSDAY_1300)
    assert got_ack == ack
    assert got_resolve.date() == resolve and got_resolve.hour == 12  # 15:00 in Amman


def test_country_policy_overrides_the_default(jordan: Org) -> None:
    DeadlinePolicy.objects.create(
        country=jordan.country, priority="normal", ack_hours=8, resolve_days=15
    )
    rules = rules_for("JO")
    assert rules["normal"] == Rule(resolve_days=15, ack_hours=8)
    assert rules["high"] == DEFAULTS["high"]
