"""Acknowledgement and resolution deadlines, counted on the country's business calendar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from insaf.complaints.models import DeadlinePolicy
from insaf.core.calendar import WorkCalendar
from insaf.triage.labels import Priority


@dataclass(frozen=True)
class Rule:
    resolve_days: int
    ack_hours: int | None = None
    ack_days: int | None = None


# Used where a country has entered no DeadlinePolicy for a priority.
DEFAULTS: dict[str, Rule] = {
    Priority.CRITICAL: Rule(ack_hours=4, resolve_days=5),
    Priority.HIGH: Rule(ack_days=1, resolve_days=10),
    Priority.NORMAL: Rule(ack_days=2, resolve_days=20),
    Priority.LOW: Rule(ack_days=5, resolve_days=30),
}


def rules_for(country_code: str) -> dict[str, Rule]:
    rules = dict(DEFAULTS)
    for policy in DeadlinePolicy.objects.filter(country_id=country_code):
        rules[policy.priority] = Rule(
            resolve_days=policy.resolve_days, ack_hours=policy.ack_hours, ack_days=policy.ack_days
        )
    return rules


def deadlines(
    calendar: WorkCalendar, rule: Rule, received_at: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """(acknowledge by, resolve by) for a case received at ``received_at``."""
    if rule.ack_hours is not None:
        ack = calendar.add_working_hours(received_at, rule.ack_hours)
    else:
        ack = calendar.add_working_days(received_at, rule.ack_days or 0)
    return ack, calendar.add_working_days(received_at, rule.resolve_days)
