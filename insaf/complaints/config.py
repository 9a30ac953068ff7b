"""A country's complaint configuration, read once and kept in the process for a short while.

Intake needs, for every filing, the country's calendar (weekend, holidays, office hours), its
deadline rules, its policy (default and oversight units) and its routing rules. Reading them each
time cost more than the filing itself, so they are kept per process:
- dropped at once in the process that changes any of them (post_save/post_delete signals);
- re-read at most ``TTL_SECONDS`` later by every other process (other workers and servers).
A change made in the admin is therefore in force everywhere within half a minute.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save

from insaf.complaints.deadlines import Rule, rules_for
from insaf.complaints.models import CountryPolicy, DeadlinePolicy, RoutingRule
from insaf.core.calendar import WorkCalendar, calendar_for
from insaf.core.models import Country, Holiday, Unit

TTL_SECONDS = 30.0


@dataclass(frozen=True)
class CountryConfig:
    country: Country
    calendar: WorkCalendar
    deadline_rules: dict[str, Rule]
    policy: CountryPolicy | None
    routing_rules: tuple[RoutingRule, ...]
    loaded_at: float


_lock = threading.Lock()
_configs: dict[str, CountryConfig] = {}


def country_config(code: str) -> CountryConfig:
    now = time.monotonic()
    config = _configs.get(code)
    if config is not None and now - config.loaded_at < TTL_SECONDS:
        return config
    config = CountryConfig(
        country=Country.objects.get(pk=code),
        calendar=calendar_for(code),
        deadline_rules=rules_for(code),
        policy=CountryPolicy.objects.select_related("intake_unit", "oversight_unit")
        .filter(country_id=code)
        .first(),
        routing_rules=tuple(
            RoutingRule.objects.filter(country_id=code)
            .select_related("unit")
            .order_by("order", "pk")
        ),
        loaded_at=now,
    )
    with _lock:
        _configs[code] = config
    return config


def forget(**_: Any) -> None:
    """Drop every cached configuration (connected to changes of the rows it is built from)."""
    with _lock:
        _configs.clear()


for _model in (Country, Holiday, Unit, CountryPolicy, DeadlinePolicy, RoutingRule):
    post_save.connect(forget, sender=_model, dispatch_uid=f"complaints-config-{_model.__name__}")
    post_delete.connect(
        forget, sender=_model, dispatch_uid=f"complaints-config-d-{_model.__name__}"
    )
