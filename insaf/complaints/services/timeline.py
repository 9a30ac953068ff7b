"""Timeline entries of a case (written only by the complaint services)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from insaf.complaints.enums import EventType
from insaf.complaints.models import CaseEvent, Complaint

if TYPE_CHECKING:
    from insaf.accounts.models import User


def add_event(
    complaint: Complaint,
    *,
    type: EventType,
    actor: User | None,
    public: bool,
    body: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    event = new_event(
        complaint,
        type=type,
        actor=actor,
        public=public,
        body=body,
        from_status=from_status,
        to_status=to_status,
        data=data,
    )
    event.save(force_insert=True)
    return event


def new_event(
    complaint: Complaint,
    *,
    type: EventType,
    actor: User | None,
    public: bool,
    body: str = "",
    from_status: str = "",
    to_status: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """An unsaved timeline entry (for bulk_create)."""
    return CaseEvent(
        complaint=complaint,
        type=type,
        actor=actor,
        public=public,
        body=body,
        from_status=from_status,
        to_status=to_status,
        data=data or {},
        created_at=timezone.now(),
    )
