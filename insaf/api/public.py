"""Public endpoints (no sign-in): file a complaint, and follow or act on it with the reference and
receipt code. Rate-limited per client address (insaf/api/ratelimit.py)."""

from __future__ import annotations

from typing import IO, Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Form, HeaderEx, P, Router, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from insaf.api import idempotency
from insaf.api.ratelimit import limited
from insaf.api.schemas import (
    AppealIn,
    CodeRequestIn,
    CodeRequestOut,
    ErrorOut,
    FeedbackIn,
    FileOut,
    FilingIn,
    FilingOut,
    TrackIn,
    TrackInfoIn,
    TrackOut,
    WithdrawIn,
)
from insaf.complaints.enums import Channel
from insaf.complaints.models import Attachment, Complaint
from insaf.complaints.services import (
    PersonInput,
    complaint_submit,
    filer_add_info,
    filer_appeal,
    filer_case,
    filer_case_by_code,
    filer_feedback,
    filer_request_code,
    filer_withdraw,
    public_timeline,
)
from insaf.complaints.services.attachments import (
    Upload,
    attachment_add,
    attachment_open,
    attachments_of,
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
    """The case the credentials open: a receipt code, or a one-time code from /track/code."""
    if payload.code and not payload.receipt_code:
        return filer_case_by_code(reference=payload.reference, code=payload.code)
    return filer_case(reference=payload.reference, receipt_code=payload.receipt_code)


def file_out(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.original_name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at,
    }


def download(attachment: Attachment, stream: IO[bytes]) -> FileResponse:
    """A file as an attachment with its sniffed type, sandboxed should a browser open it."""
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Content-Security-Policy"] = "sandbox"
    return response


def _tracked(case: Complaint) -> dict[str, Any]:
    return {
        "files": [file_out(a) for a in attachments_of(case, public_only=True)],
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


@router.post(
    "/track/files",
    summary="Send a file for a case",
    response={201: FileOut, **ERRORS},
    openapi_extra=NO_AUTH,
)
@decorate_view(limited("track"))
def track_file_upload(
    request: HttpRequest,
    reference: Form[str],
    receipt_code: Form[str],
    file: File[UploadedFile],
) -> Status[dict[str, Any]]:
    """A document, photo, audio or video file for the case (multipart form). The type is read
    from the content; limits on size and count apply."""
    case = filer_case(reference=reference, receipt_code=receipt_code)
    attachment = attachment_add(
        complaint_id=case.pk,
        upload=Upload(stream=file, name=file.name or ""),
        actor=None,
        by_filer=True,
    )
    return Status(201, file_out(attachment))


@router.post(
    "/track/files/{file_id}",
    summary="Download a file sent for a case",
    response={200: None, **ERRORS},
    openapi_extra=NO_AUTH,
)
@decorate_view(limited("track"))
def track_file_download(request: HttpRequest, file_id: int, payload: TrackIn) -> FileResponse:
    case = _open(payload)
    attachment, stream = attachment_open(attachment_id=file_id, actor=None, filer_case=case)
    return download(attachment, stream)


@router.post(
    "/track/code",
    summary="Get a one-time code by SMS or e-mail",
    response={202: CodeRequestOut, **ERRORS},
    openapi_extra=NO_AUTH,
)
@decorate_view(limited("track"))
def track_code(request: HttpRequest, payload: CodeRequestIn) -> Status[dict[str, Any]]:
    """For a filer who gave a phone number or e-mail address: a six-digit code is sent there,
    valid for 15 minutes, to use as ``code`` in the /track calls. The answer is the same whether
    or not the contact matches the case, so it tells nothing about whose case it is."""
    filer_request_code(reference=payload.reference, contact=payload.contact)
    return Status(202, {"sent": True})
