"""The deadline sweep: escalates overdue cases up the organisation and tells the people above.

Escalation levels, each reached once per case:
1. not acknowledged by ``ack_due_at``            → the handling unit's heads are told;
2. not decided by ``resolve_due_at``             → the country's national administrators;
3. still not decided five working days later     → the oversight officers, and the case joins the
                                                   oversight queue.

``sla_sweep`` steps:
1. Select candidate cases (open, with a deadline passed) in pages, by id.
2. For each, compute the level it should be at now; skip it if it is there already.
3. Claim it with a conditional UPDATE (``escalation_level`` still what we read), so that two
   sweeps running at once, or one run twice, never escalate a case twice; the claim, the timeline
   entry, the audit event and the notifications commit together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from insaf.accounts.models import User
from insaf.accounts.roles import Role
from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.complaints.config import country_config
from insaf.complaints.enums import EventType, Status
from insaf.complaints.models import Complaint
from insaf.complaints.services.timeline import add_event
from insaf.complaints.transitions import STOPPED
from insaf.core.calendar import WorkCalendar
from insaf.notifications.services import notify_email

LONG_OVERDUE_WORKING_DAYS = 5
PAGE = 500


@dataclass
class SweepReport:
    examined: int = 0
    escalated: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0})

    @property
    def total(self) -> int:
        return sum(self.escalated.values())


def due_level(case: Complaint, *, now: dt.datetime, calendar: WorkCalendar) -> int:
    level = 0
    if case.acknowledged_at is None and case.ack_due_at and case.ack_due_at < now:
        level = 1
    if case.status not in STOPPED and case.resolve_due_at and case.resolve_due_at < now:
        level = 2
        if calendar.add_working_days(case.resolve_due_at, LONG_OVERDUE_WORKING_DAYS) < now:
            level = 3
    return level


def sla_sweep(*, now: dt.datetime | None = None) -> SweepReport:
    now = now or timezone.now()
    report = SweepReport()
    candidates = (
        Complaint.objects.exclude(status__in=STOPPED)
        .filter(Q(ack_due_at__lt=now, acknowledged_at__isnull=True) | Q(resolve_due_at__lt=now))
        .filter(escalation_level__lt=3)
        .order_by("pk")
    )
    last_pk = 0
    while True:
        page = list(candidates.filter(pk__gt=last_pk)[:PAGE])
        if not page:
            return report
        for case in page:
            report.examined += 1
            calendar = country_config(case.country_id).calendar
            level = due_level(case, now=now, calendar=calendar)
            if level > case.escalation_level and _escalate(case, level=level):
                report.escalated[level] += 1
        last_pk = page[-1].pk


def _escalate(case: Complaint, *, level: int) -> bool:
    with transaction.atomic():
        claimed = Complaint.objects.filter(
            pk=case.pk, escalation_level=case.escalation_level
        ).update(
            escalation_level=level,
            version=F("version") + 1,
            **({"oversight": True} if level >= 3 else {}),
        )
        if not claimed:
            return False
        add_event(
            case,
            type=EventType.ESCALATED,
            actor=None,
            public=False,
            data={"from": case.escalation_level, "to": level},
        )
        audit_record(
            actor=None,
            verb=Verb.COMPLAINT_ESCALATED,
            target=case,
            country=case.country_id,
            data={"reference": case.reference, "old": case.escalation_level, "new": level},
        )
        for person in _told_at(case, level):
            with translation.override(person.language):
                notify_email(
                    to=person.email,
                    subject=_("Overdue case %(reference)s") % {"reference": case.reference},
                    body=_(
                        "Case %(reference)s is overdue and was escalated to you (level %(level)d)."
                    )
                    % {"reference": case.reference, "level": level},
                    reference=case.reference,
                )
    return True


def _told_at(case: Complaint, level: int) -> list[User]:
    staff = User.objects.filter(is_active=True).exclude(email="")
    if level == 1 and case.handling_unit_id is not None:
        staff = staff.filter(
            memberships__role=Role.UNIT_HEAD, memberships__unit_id=case.handling_unit_id
        )
    else:
        role = Role.OVERSIGHT_OFFICER if level >= 3 else Role.NATIONAL_ADMIN
        staff = staff.filter(memberships__role=role, memberships__country_id=case.country_id)
    return list(staff.distinct())


__all__ = ["Status", "SweepReport", "sla_sweep"]
