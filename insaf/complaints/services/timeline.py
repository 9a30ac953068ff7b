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
    return CaseEvent.objects.create(
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
