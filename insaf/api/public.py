"""Public endpoints (no sign-in): file a complaint, and follow or act on it with the reference and
receipt code. Rate-limited per client address (insaf/api/ratelimit.py)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import HeaderEx, P, Router, Status
from ninja.decorators import decorate_view

from insaf.api import idempotency
from insaf.api.ratelimit import limited
from insaf.api.schemas import (
    AppealIn,
    ErrorOut,
    FeedbackIn,
    FilingIn,
    FilingOut,
    TrackIn,
    TrackInfoIn,
    TrackOut,
    WithdrawIn,
)
from insaf.complaints.enums import Channel
from insaf.complaints.models import Complaint
from insaf.complaints.services import (
    PersonInput,
    complaint_submit,
    filer_add_info,
    filer_appeal,
    filer_case,
    filer_feedback,
    filer_withdraw,
    public_timeline,
)

router = Router(tags=["public"])

ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 404, 409, 413, 422, 429)}
NO_AUTH: dict[str, Any] = {"security": []}


@router.post(
    "/complaints",
    response={201: FilingOut, **ERRORS},
    exclude_none=True,
    summary="File a complaint or petition",
    openapi_extra=NO_AUTH,
)
@decorate_view(limited("file"))
def file_complaint(
    request: HttpRequest,
    response: HttpResponse,
    payload: FilingIn,
    idempotency_key: HeaderEx[
        str | None,
        P(
            alias=idempotency.HEADER,
            description="Any unique string up to 200 characters: a retry with the same key and "
            "the same body returns the first answer and files nothing new.",
        ),
    ] = None,
) -> Status[dict[str, Any]]:
    """File a case through the API channel. Returns the reference and, for an anonymous filer,
    the receipt code (16 digits, shown once) that with the reference opens /track."""

    def produce() -> idempotency.Outcome:
        submission = complaint_submit(
            country=payload.country,
            text=payload.text,
            channel=Channel.API,
            anonymous=payload.anonymous,
            complainant=PersonInput(**payload.complainant.model_dump())
            if payload.complainant
            else None,
            kind=payload.kind.value if payload.kind else None,
            language=payload.language,
            occurred_at=payload.occurred_at,
            place=payload.place,
            unit_complained_about_id=payload.unit_complained_about,
        )
        case = submission.complaint
        body: dict[str, Any] = {"reference": case.reference, "status": case.status}
        if submission.receipt_code:
            body["receipt_code"] = submission.receipt_code
        return idempotency.Outcome(201, body, case)

    if idempotency_key is None:
        outcome = produce()
    else:
        outcome = idempotency.run_once(
            key=idempotency.check_key(idempotency_key),
            digest=idempotency.request_hash(request.body),
            produce=produce,
        )
        if outcome.replayed:
            response["Idempotent-Replayed"] = "true"
    return Status(outcome.status, outcome.body)


# --- Tracking ------------------------------------------------------------------------------------

TRACK: dict[int, Any] = {200: TrackOut, **ERRORS}


def _open(payload: TrackIn) -> Complaint:
    return filer_case(reference=payload.reference, receipt_code=payload.receipt_code)


def _tracked(case: Complaint) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "status": case.status,
        "kind": case.kind,
        "received_at": case.received_at,
        "timeline": [
            {"type": e.type, "status": e.status, "body": e.body, "at": e.at}
            for e in public_timeline(case)
        ],
    }


@router.post("/track", summary="Follow a case", response=TRACK, openapi_extra=NO_AUTH)
@decorate_view(limited("track"))
def track(request: HttpRequest, payload: TrackIn) -> dict[str, Any]:
    """The status and public timeline of a case (never internal notes or officers' names). A
    wrong reference and a wrong receipt code give the same 404, so neither can be probed."""
    return _tracked(_open(payload))


@router.post(
    "/track/info",
    summary="Add information or answer a question",
    response=TRACK,
    openapi_extra=NO_AUTH,
)
@decorate_view(limited("track"))
def track_info(request: HttpRequest, payload: TrackInfoIn) -> dict[str, Any]:
    """Add information to an open case; when the case awaits an answer, this is the answer and
    the case goes back to the officer."""
    case = filer_add_info(case=_open(payload), text=payload.text)
    return _tracked(case)


@router.post("/track/withdraw", summary="Withdraw a case", response=TRACK, openapi_extra=NO_AUTH)
@decorate_view(limited("track"))
def track_withdraw(request: HttpRequest, payload: WithdrawIn) -> dict[str, Any]:
    case = filer_withdraw(case=_open(payload), reason=payload.reason)
    return _tracked(case)


@router.post("/track/appeal", summary="Appeal a decision", response=TRACK, openapi_extra=NO_AUTH)
@decorate_view(limited("track"))
def track_appeal(request: HttpRequest, payload: AppealIn) -> dict[str, Any]:
    """Appeal a closed case within the country's appeal period."""
    case = filer_appeal(case=_open(payload), reason=payload.reason)
    return _tracked(case)


@router.post(
    "/track/feedback",
    summary="Rate how the case was handled",
    response=TRACK,
    openapi_extra=NO_AUTH,
)
@decorate_view(limited("track"))
def track_feedback(request: HttpRequest, payload: FeedbackIn) -> dict[str, Any]:
    """Once per case, after the decision: a rating from 1 to 5 and an optional comment."""
    case = _open(payload)
    filer_feedback(case=case, rating=payload.rating, comment=payload.comment)
    return _tracked(case)
