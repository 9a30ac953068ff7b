"""Staff endpoints: the work queue, a case, and the changes officers make to it.

Reads go through the selectors (insaf/complaints/selectors.py) and writes through the services
(insaf/complaints/services/), so scoping, rights, versions, the timeline and the audit trail are
exactly those of the web pages. A case outside the user's scope is 404, as if it did not exist.
Changes that could overwrite someone else's carry the ``version`` the client last saw: a stale one
is 409 ``stale_version`` and changes nothing. Identities are never part of a case's answer; they
are shown only by POST /identity, which is reasoned and audited.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router
from ninja import Status as Answer
from ninja.files import UploadedFile

from insaf.accounts.access import roles_of, staff_for
from insaf.accounts.models import User
from insaf.api.auth import STAFF_AUTH, acting_user
from insaf.api.public import download, file_out
from insaf.api.schemas import (
    AssignIn,
    CaseDetailOut,
    CaseFilters,
    CasePageOut,
    ErrorOut,
    FileOut,
    IdentitiesOut,
    IdentityIn,
    LabelsIn,
    MessageIn,
    NoteIn,
    TransitionIn,
)
from insaf.complaints import transitions
from insaf.complaints.enums import Status
from insaf.complaints.errors import Forbidden, InvalidInput, NotFound
from insaf.complaints.models import CaseEvent, Complaint
from insaf.complaints.selectors import can_see_identity, case_for, queue_for
from insaf.complaints.services import (
    LabelChanges,
    complaint_assign,
    complaint_correct_labels,
    complaint_message,
    complaint_note,
    complaint_transition,
    identity_reveal,
)
from insaf.complaints.services.attachments import (
    Upload,
    attachment_add,
    attachment_open,
    attachments_of,
)
from insaf.complaints.services.workflow import transitions_for
from insaf.core.models import Unit

router = Router(tags=["staff"], auth=STAFF_AUTH)

REFERENCE = re.compile(r"[A-Z0-9-]{1,32}")

ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 409, 413, 422)}
CASE = {200: CaseDetailOut, **ERRORS}


def _unit(unit: Unit | None) -> dict[str, Any] | None:
    if unit is None:
        return None
    return {"id": unit.pk, "code": unit.code, "name": unit.name}


def _officer(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


def _summary(case: Complaint) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "status": case.status,
        "version": case.version,
        "subject": case.subject,
        "kind": case.kind,
        "category": case.category,
        "priority": case.priority,
        "grave": case.grave,
        "vulnerable": case.vulnerable,
        "oversight": case.oversight,
        "received_at": case.received_at,
        "ack_due_at": case.ack_due_at,
        "resolve_due_at": case.resolve_due_at,
        "handling_unit": _unit(case.handling_unit),
        "handling_officer": _officer(case.handling_officer),
    }


def _can_assign(user: User, case: Complaint) -> bool:
    return bool(roles_of(user) & transitions.SUPERVISORS) and case.status in (
        transitions.OPEN - {Status.RECEIVED}
    )


def _detail(user: User, reference: str) -> dict[str, Any]:
    case = case_for(user, reference)
    events = (
        CaseEvent.objects.filter(complaint=case)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    return {
        **_summary(case),
        "channel": case.channel,
        "language": case.language,
        "anonymous": case.anonymous,
        "text": case.text,
        "occurred_at": case.occurred_at,
        "place": case.place,
        "escalation_level": case.escalation_level,
        "labels": {
            "kind": case.kind,
            "category": case.category,
            "grave": case.grave,
            "vulnerable": case.vulnerable,
            "priority": case.priority,
            "sources": {str(k): str(v) for k, v in (case.label_sources or {}).items()},
        },
        "deadlines": {
            "ack_due_at": case.ack_due_at,
            "resolve_due_at": case.resolve_due_at,
            "acknowledged_at": case.acknowledged_at,
            "resolved_at": case.resolved_at,
            "closed_at": case.closed_at,
            "appeal_until": case.appeal_until,
        },
        "reviewing_unit": _unit(case.reviewing_unit),
        "unit_complained_about": _unit(case.unit_complained_about),
        "allowed_transitions": transitions_for(user, case),
        "can_assign": _can_assign(user, case),
        "can_see_identity": can_see_identity(user, case),
        "files": [file_out(a) for a in attachments_of(case, public_only=False)],
        "timeline": [
            {
                "id": e.pk,
                "type": e.type,
                "public": e.public,
                "actor": _officer(e.actor),
                "from_status": e.from_status,
                "to_status": e.to_status,
                "body": e.body,
                "data": e.data or {},
                "at": e.created_at,
            }
            for e in events
        ],
    }


def _reference(reference: str) -> str:
    """A reference as typed in the address; anything that cannot be one is simply not found."""
    reference = reference.strip().upper()
    if not REFERENCE.fullmatch(reference):
        raise NotFound()
    return reference


@router.get("/cases", response={200: CasePageOut, **ERRORS}, summary="My work queue")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    """Open cases in the user's scope, most urgent first (priority, vulnerable groups, then the
    resolution deadline). One database query for the page."""
    user = acting_user(request)
    cases = queue_for(user)
    for name in ("status", "priority", "kind", "category", "grave"):
        value = getattr(filters, name)
        if value is not None:
            cases = cases.filter(**{name: value})
    rows = list(cases[filters.offset : filters.offset + filters.limit + 1])
    more = len(rows) > filters.limit
    return {
        "items": [_summary(case) for case in rows[: filters.limit]],
        "limit": filters.limit,
        "offset": filters.offset,
        "next_offset": filters.offset + filters.limit if more else None,
    }


@router.get("/cases/{reference}", response=CASE, summary="A case")
def get_case(request: HttpRequest, reference: str) -> dict[str, Any]:
    """The case with its labels, deadlines, version, what this user may do with it, and the whole
    timeline including internal notes. Never the identities of the people on it."""
    return _detail(acting_user(request), _reference(reference))


@router.post("/cases/{reference}/assign", response=CASE, summary="Assign to an officer")
def assign(request: HttpRequest, reference: str, payload: AssignIn) -> dict[str, Any]:
    user = acting_user(request)
    case = case_for(user, _reference(reference))
    if not roles_of(user) & transitions.SUPERVISORS:
        raise Forbidden()
    officer = staff_for(user).filter(username=payload.officer, is_active=True).first()
    if officer is None:
        # The same answer as for an officer who exists but may not take the case, so usernames
        # cannot be probed.
        raise InvalidInput(fields={"officer": _("This officer cannot work on this case.")})
    complaint_assign(actor=user, complaint_id=case.pk, version=payload.version, officer=officer)
    return _detail(user, case.reference)


@router.post("/cases/{reference}/transition", response=CASE, summary="Change the status")
def transition(request: HttpRequest, reference: str, payload: TransitionIn) -> dict[str, Any]:
    """Take one transition of the lifecycle (``allowed_transitions`` lists them); the message,
    when there is one, is shown to the filer for public transitions."""
    user = acting_user(request)
    case = case_for(user, _reference(reference))
    complaint_transition(
        actor=user,
        complaint_id=case.pk,
        version=payload.version,
        name=payload.name,
        message=payload.message,
    )
    return _detail(user, case.reference)


@router.post("/cases/{reference}/notes", response=CASE, summary="Add an internal note")
def note(request: HttpRequest, reference: str, payload: NoteIn) -> dict[str, Any]:
    """A note for staff only, never shown to the filer. Notes do not change the version."""
    user = acting_user(request)
    case = case_for(user, _reference(reference))
    complaint_note(actor=user, complaint_id=case.pk, body=payload.body)
    return _detail(user, case.reference)


@router.post("/cases/{reference}/messages", response=CASE, summary="Write to the filer")
def message(request: HttpRequest, reference: str, payload: MessageIn) -> dict[str, Any]:
    """A response to the filer, or with ``question: true`` a question: the case then awaits their
    answer (POST /track/info)."""
    user = acting_user(request)
    case = case_for(user, _reference(reference))
    complaint_message(
        actor=user,
        complaint_id=case.pk,
        version=payload.version,
        body=payload.body,
        question=payload.question,
    )
    return _detail(user, case.reference)


@router.post("/cases/{reference}/labels", response=CASE, summary="Correct the triage labels")
def labels(request: HttpRequest, reference: str, payload: LabelsIn) -> dict[str, Any]:
    """Fields left out keep their value. The priority and deadlines follow the new labels."""
    user = acting_user(request)
    case = case_for(user, _reference(reference))
    complaint_correct_labels(
        actor=user,
        complaint_id=case.pk,
        version=payload.version,
        changes=LabelChanges(
            kind=payload.kind.value if payload.kind is not None else None,
            category=payload.category.value if payload.category is not None else None,
            grave=payload.grave,
            vulnerable=[v.value for v in payload.vulnerable]
            if payload.vulnerable is not None
            else None,
        ),
    )
    return _detail(user, case.reference)


@router.post(
    "/cases/{reference}/identity",
    response={200: IdentitiesOut, **ERRORS},
    summary="Reveal the identities on a case",
)
def identity(request: HttpRequest, reference: str, payload: IdentityIn) -> dict[str, Any]:
    """Decrypts the identities of the people on the case. Give the reason (it is recorded on the
    timeline and in the audit trail). Refused (403) to anyone in the unit complained about and to
    roles without access to personal data."""
    user = acting_user(request)
    case = case_for(user, _reference(reference))
    people = identity_reveal(actor=user, complaint_id=case.pk, reason=payload.reason)
    return {"reference": case.reference, "people": [asdict(person) for person in people]}


@router.post(
    "/cases/{reference}/files",
    response={201: FileOut, **ERRORS},
    summary="Attach a file (internal)",
)
def upload_file(
    request: HttpRequest, reference: str, file: File[UploadedFile]
) -> Answer[dict[str, Any]]:
    """A file for the case file, never shown to the filer."""
    user = acting_user(request)
    case = case_for(user, _reference(reference))
    attachment = attachment_add(
        complaint_id=case.pk, upload=Upload(stream=file, name=file.name or ""), actor=user
    )
    return Answer(201, file_out(attachment))


@router.get(
    "/cases/{reference}/files/{file_id}",
    response={200: None, **ERRORS},
    summary="Download a file of the case",
)
def download_file(request: HttpRequest, reference: str, file_id: int) -> FileResponse:
    """Every download is audited."""
    user = acting_user(request)
    case = case_for(user, _reference(reference))
    attachment, stream = attachment_open(attachment_id=file_id, actor=user)
    if attachment.complaint_id != case.pk:
        stream.close()
        raise NotFound()
    return download(attachment, stream)
