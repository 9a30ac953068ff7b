"""The figures of the dashboard, computed in the database over the cases the user may see.

Every figure is an aggregate query on ``cases_for(user)``: a unit head sees their unit's, a national
administrator the country's. Nothing here returns a case or a person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import get_language

from insaf.complaints import transitions
from insaf.complaints.enums import Status
from insaf.complaints.models import Complaint
from insaf.complaints.selectors import cases_for
from insaf.triage.labels import Category, Priority, Vulnerable, vulnerable_mask

WEEKS = 12


@dataclass(frozen=True)
class Tally:
    key: str
    label: str
    value: int


@dataclass(frozen=True)
class UnitRow:
    unit: str
    received: int
    acknowledged: int
    acknowledged_on_time: int
    hours_to_acknowledge: float | None
    decided: int
    decided_on_time: int
    days_to_decide: float | None
    open_overdue: int

    @property
    def acknowledged_share(self) -> float | None:
        return self.acknowledged_on_time / self.acknowledged if self.acknowledged else None

    @property
    def decided_share(self) -> float | None:
        return self.decided_on_time / self.decided if self.decided else None


@dataclass(frozen=True)
class Figures:
    since: dt.datetime
    open_total: int
    overdue: int
    by_status: list[Tally]
    by_priority: list[Tally]
    by_category: list[Tally]
    per_week: list[Tally]
    vulnerable: list[Tally]
    units: list[UnitRow]


def _counts(cases: QuerySet[Complaint], field: str, choices: Any) -> list[Tally]:
    found = dict(cases.order_by().values_list(field).annotate(n=Count("pk")))
    return [
        Tally(str(value), str(label), int(found.get(value, 0)))
        for value, label in choices
        if found.get(value)
    ]


def _hours(value: dt.timedelta | None) -> float | None:
    return value.total_seconds() / 3600 if value is not None else None


def unit_rows(cases: QuerySet[Complaint], since: dt.datetime, now: dt.datetime) -> list[UnitRow]:
    """Per handling unit, over the cases received since ``since``: acknowledgement and decision
    against their deadlines, and the open cases now overdue."""
    received = cases.filter(received_at__gte=since)
    to_acknowledge = ExpressionWrapper(
        F("acknowledged_at") - F("received_at"), output_field=DurationField()
    )
    to_decide = ExpressionWrapper(F("resolved_at") - F("received_at"), output_field=DurationField())
    rows = (
        received.order_by()
        .values("handling_unit__name_ar", "handling_unit__name_en", "handling_unit__name_fr")
        .annotate(
            received=Count("pk"),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
            acknowledged_on_time=Count("pk", filter=Q(acknowledged_at__lte=F("ack_due_at"))),
            to_acknowledge=Avg(to_acknowledge, filter=Q(acknowledged_at__isnull=False)),
            decided=Count("pk", filter=Q(resolved_at__isnull=False)),
            decided_on_time=Count("pk", filter=Q(resolved_at__lte=F("resolve_due_at"))),
            to_decide=Avg(to_decide, filter=Q(resolved_at__isnull=False)),
            open_overdue=Count("pk", filter=Q(status__in=transitions.OPEN, resolve_due_at__lt=now)),
        )
    )
    language = (get_language() or "ar")[:2]
    result = []
    for row in rows:
        name = row.get(f"handling_unit__name_{language}") or row.get("handling_unit__name_ar")
        hours = _hours(row["to_decide"])
        result.append(
            UnitRow(
                unit=str(name or "—"),
                received=row["received"],
                acknowledged=row["acknowledged"],
                acknowledged_on_time=row["acknowledged_on_time"],
                hours_to_acknowledge=_hours(row["to_acknowledge"]),
                decided=row["decided"],
                decided_on_time=row["decided_on_time"],
                days_to_decide=hours / 24 if hours is not None else None,
                open_overdue=row["open_overdue"],
            )
        )
    return sorted(result, key=lambda r: (-r.received, r.unit))


def period(weeks: int, now: dt.datetime) -> dt.datetime:
    """The start of the figures' period: ``weeks`` weeks back, at midnight."""
    return (now - dt.timedelta(weeks=weeks)).replace(hour=0, minute=0, second=0, microsecond=0)


def units_of(user: Any, *, weeks: int = WEEKS) -> list[UnitRow]:
    """The per-unit table alone (for its export)."""
    now = timezone.now()
    return unit_rows(cases_for(user), period(weeks, now), now)


def figures(user: Any, *, weeks: int = WEEKS, now: dt.datetime | None = None) -> Figures:
    now = now or timezone.now()
    since = period(weeks, now)
    cases = cases_for(user)
    open_cases = cases.filter(status__in=transitions.OPEN)
    weekly = dict(
        cases.filter(received_at__gte=since)
        .order_by()
        .annotate(week=TruncWeek("received_at"))
        .values_list("week")
        .annotate(n=Count("pk"))
    )
    first_monday = (since - dt.timedelta(days=since.weekday())).date()
    per_week = []
    for index in range(weeks + 1):
        monday = first_monday + dt.timedelta(weeks=index)
        count = sum(n for week, n in weekly.items() if _day(week) == monday)
        per_week.append(Tally(monday.isoformat(), monday.isoformat(), count))
    recent = cases.filter(received_at__gte=since)
    groups = {
        group: Count("pk", filter=Q(**{f"bit_{group}__gt": 0})) for group in Vulnerable.values
    }
    flagged = recent.order_by().alias(
        **{f"bit_{g}": F("vulnerable_mask").bitand(vulnerable_mask([g])) for g in Vulnerable.values}
    )
    vulnerable = flagged.aggregate(**groups)
    return Figures(
        since=since,
        open_total=open_cases.count(),
        overdue=open_cases.filter(resolve_due_at__lt=now).count(),
        by_status=_counts(
            open_cases,
            "status",
            [(s, Status(s).label) for s in Status.values if s in transitions.OPEN],
        ),
        by_priority=_counts(open_cases, "priority", Priority.choices),
        by_category=_counts(open_cases, "category", Category.choices),
        per_week=per_week,
        vulnerable=[
            Tally(g, str(Vulnerable(g).label), int(vulnerable[g] or 0)) for g in Vulnerable.values
        ],
        units=unit_rows(cases, since, now),
    )


def _day(value: Any) -> dt.date:
    """TruncWeek gives a datetime on PostgreSQL and SQLite alike (UTC); its date is the Monday."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
