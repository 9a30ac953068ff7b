"""The citizen portal: file a complaint or petition, then follow it, without an account.

Filing is a form, a review step and a confirmation. The review page carries a one-time token that
makes the final submission idempotent (insaf/api/idempotency.py), so a double click or a reload
files one case. Following a case starts with the reference and the receipt code (or a one-time
code sent to the filer's phone or e-mail); the case is then held in the browser's session for a
short while, so the codes are typed once and never travel in links.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from insaf.api import idempotency
from insaf.api.errors import IdempotencyKeyReused, RateLimited
from insaf.api.public import download
from insaf.api.ratelimit import hit
from insaf.complaints.enums import Channel, EventType, Status
from insaf.complaints.errors import CaseError, InvalidInput, NotFound
from insaf.complaints.models import Complaint
from insaf.complaints.services import (
    PersonInput,
    complaint_submit,
    filer_actions,
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
    upload_check,
    upload_limit,
)
from insaf.core.models import Country
from insaf.portal.forms import (
    HARMED_OTHER,
    SERVICE_FIELDS,
    AppealForm,
    CodeRequestForm,
    FeedbackForm,
    FilingForm,
    MessageForm,
    TrackForm,
    WithdrawForm,
)

SESSION_CASE = "portal_case"
# A followed case stays open in the browser this long after the last page seen.
CASE_IDLE_SECONDS = 30 * 60
KEY_PREFIX = "portal:"  # idempotency keys of the filing form, apart from the API's

# What each status means, in the words of the person who filed.
PLAIN_STATUS: dict[str, Any] = {
    Status.RECEIVED: gettext_lazy("We have received your case."),
    Status.REGISTERED: gettext_lazy(
        "Your case is registered and is waiting for an officer to take it."
    ),
    Status.ASSIGNED: gettext_lazy("An officer has been given your case."),
    Status.IN_PROGRESS: gettext_lazy("An officer is working on your case."),
    Status.AWAITING_INFO: gettext_lazy(
        "The officer has asked you a question. Answer it below so the work can go on."
    ),
    Status.RESOLVED: gettext_lazy("Your case has been resolved. Read the answer below."),
    Status.NOT_UPHELD: gettext_lazy(
        "After examination, your complaint was not upheld. Read the reasons below."
    ),
    Status.REFERRED: gettext_lazy(
        "Your case was sent to a partner institution that can act on it. Read why below."
    ),
    Status.WITHDRAWN: gettext_lazy("You withdrew this case."),
    Status.CLOSED: gettext_lazy("Your case is closed."),
    Status.UNDER_REVIEW: gettext_lazy(
        "Your appeal is being examined by people who did not handle the case."
    ),
    Status.REVIEW_UPHELD: gettext_lazy("Your appeal was examined: the decision stands."),
    Status.REVIEW_OVERTURNED: gettext_lazy(
        "Your appeal was examined: the decision was changed. Read the answer below."
    ),
}


def _country() -> Country:
    if settings.INSAF_MODE != "national":
        raise Http404(_("This node does not take complaints."))
    country = Country.objects.filter(pk=settings.INSAF_COUNTRY).first()
    if country is None:
        raise Http404(_("This node does not take complaints."))
    return country


def _limited(request: HttpRequest, bucket: str) -> HttpResponse | None:
    """Count an attempt; a translated page (429) when over the limit."""
    try:
        hit(bucket, request)
    except RateLimited as error:
        response = render(request, "portal/limited.html", status=429)
        for name, value in error.headers.items():
            response[name] = value
        return response
    return None


def _put_errors(form: forms.Form, error: CaseError) -> None:
    """A service's refusal shown on the form: on the fields it names, else above the form."""
    if not error.fields:
        form.add_error(None, str(error.message))
    for field, message in error.fields.items():
        name = SERVICE_FIELDS.get(field)
        form.add_error(name if name in form.fields else None, str(message))


# --- Filing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    label: str
    value: str


def _summary(form: FilingForm) -> list[Shown]:
    """The answers as the filer will check them on the review page."""
    data = form.cleaned_data
    shown: list[Shown] = []
    for name in ("kind", "text", "occurred_on", "governorate", "place", "unit", "harmed"):
        field = form[name]
        value = data.get(name)
        if isinstance(form.fields[name], forms.ChoiceField) and not isinstance(
            form.fields[name], forms.ModelChoiceField
        ):
            value = dict(form.fields[name].choices).get(value, value)  # type: ignore[attr-defined]
        shown.append(Shown(str(field.label), str(value) if value not in (None, "") else "—"))
    if data.get("harmed") == HARMED_OTHER and data.get("victim_name"):
        shown.append(Shown(str(form["victim_name"].label), data["victim_name"]))
    if form.anonymous:
        shown.append(Shown(str(form["contact"].label), _("Anonymous")))
    else:
        for name in ("name", "phone", "email", "national_id"):
            if data.get(name):
                shown.append(Shown(str(form[name].label), str(data[name])))
    return shown


def _digest(form: FilingForm, files: list[UploadedFile]) -> str:
    hashed_files = []
    for upload in files:
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        hashed_files.append([upload.name, upload.size, digest.hexdigest()])
    canonical = json.dumps(
        {"form": form.canonical(), "files": hashed_files},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _check_files(form: FilingForm, files: list[UploadedFile]) -> bool:
    most = upload_limit()[1]
    if len(files) > most:
        form.add_error(None, _("Send at most %(count)d files.") % {"count": most})
        return False
    for upload in files:
        try:
            upload_check(Upload(stream=upload, name=upload.name or ""), size=upload.size or 0)
        except InvalidInput as error:
            form.add_error(None, f"{upload.name}: {error.fields.get('file', error.message)}")
            return False
    return True


def _attach_all(case_id: int, files: list[UploadedFile]) -> None:
    """The filer's files on the case; when one fails, the ones already stored are removed (the
    caller's transaction rolls their rows back)."""
    stored: list[str] = []
    try:
        for upload in files:
            attachment = attachment_add(
                complaint_id=case_id,
                upload=Upload(stream=upload, name=upload.name or ""),
                actor=None,
                by_filer=True,
            )
            stored.append(attachment.storage_name)
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def _file(form: FilingForm, files: list[UploadedFile], country: Country) -> idempotency.Outcome:
    """File the case and its files in one transaction (run_once opens it)."""
    data = form.cleaned_data
    occurred = data.get("occurred_on")
    submission = complaint_submit(
        country=country.pk,
        text=data["text"],
        channel=Channel.WEB,
        anonymous=form.anonymous,
        complainant=None
        if form.anonymous
        else PersonInput(
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
            national_id=data.get("national_id", ""),
        ),
        victim=PersonInput(name=data["victim_name"])
        if data.get("harmed") == HARMED_OTHER and data.get("victim_name")
        else None,
        kind=data.get("kind") or None,
        # A day without an hour: noon there, so that it stays the same day in any time zone.
        occurred_at=dt.datetime.combine(occurred, dt.time(12), tzinfo=ZoneInfo(country.timezone))
        if occurred
        else None,
        place=data.get("place", ""),
        governorate_id=data["governorate"].pk if data.get("governorate") else None,
        unit_complained_about_id=data["unit"].pk if data.get("unit") else None,
    )
    case = submission.complaint
    _attach_all(case.pk, files)
    body: dict[str, Any] = {"reference": case.reference, "status": case.status}
    if submission.receipt_code:
        body["receipt_code"] = submission.receipt_code
    return idempotency.Outcome(201, body, case)


@never_cache
@require_http_methods(["GET", "POST"])
def file(request: HttpRequest) -> HttpResponse:
    country = _country()
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "edit":
        # Back from the review page: the answers again, not yet judged.
        form = FilingForm(initial=request.POST.dict(), country=country.pk)
        return render(request, "portal/file.html", {"form": form, "country": country})
    if step not in {"review", "submit"}:
        form = FilingForm(country=country.pk)
        return render(request, "portal/file.html", {"form": form, "country": country})
    form = FilingForm(request.POST, country=country.pk)
    if not form.is_valid():
        return render(request, "portal/file.html", {"form": form, "country": country})
    token = request.POST.get("token", "")
    if step == "review" or not token:
        return _review(request, form, country, secrets.token_urlsafe(24))
    files = request.FILES.getlist("files")
    refused = _limited(request, "file")
    if refused is not None:
        return refused
    if not _check_files(form, files):
        return _review(request, form, country, token)
    try:
        outcome = idempotency.run_once(
            key=KEY_PREFIX + token[:100],
            digest=_digest(form, files),
            produce=lambda: _file(form, files, country),
        )
    except IdempotencyKeyReused:
        # This page was sent before with other answers (and that case was filed).
        form.add_error(
            None,
            _(
                "This page was already sent once with other answers, and that case was filed. "
                "Check these answers and send them as a new case."
            ),
        )
        return _review(request, form, country, secrets.token_urlsafe(24))
    except InvalidInput as error:
        _put_errors(form, error)
        return render(request, "portal/file.html", {"form": form, "country": country})
    except CaseError as error:
        form.add_error(None, str(error.message))
        return _review(request, form, country, token)
    response = render(
        request,
        "portal/filed.html",
        {
            "reference": outcome.body["reference"],
            "receipt_code": outcome.body.get("receipt_code"),
            "track_url": request.build_absolute_uri(reverse("portal:track")),
        },
        status=201 if not outcome.replayed else 200,
    )
    return response


def _review(request: HttpRequest, form: FilingForm, country: Country, token: str) -> HttpResponse:
    largest, most = upload_limit()
    return render(
        request,
        "portal/review.html",
        {
            "form": form,
            "summary": _summary(form),
            "token": token,
            "country": country,
            "largest_mb": max(1, largest // (1024 * 1024)),
            "most_files": most,
        },
    )


# --- Following a case ----------------------------------------------------------------------------


def _followed(request: HttpRequest) -> Complaint | None:
    held = request.session.get(SESSION_CASE)
    if not isinstance(held, dict):
        return None
    if time.time() - float(held.get("seen", 0)) > CASE_IDLE_SECONDS:
        request.session.pop(SESSION_CASE, None)
        return None
    case = Complaint.objects.select_related("country").filter(pk=int(held.get("id", 0))).first()
    if case is None:
        request.session.pop(SESSION_CASE, None)
        return None
    held["seen"] = time.time()
    request.session[SESSION_CASE] = held
    return case


def _follow(request: HttpRequest, case: Complaint) -> None:
    request.session.cycle_key()
    request.session[SESSION_CASE] = {"id": case.pk, "seen": time.time()}


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    _country()
    form = TrackForm(request.POST or None)
    code_form = CodeRequestForm(prefix="code")
    if request.method == "POST":
        refused = _limited(request, "track")
        if refused is not None:
            return refused
        if form.is_valid():
            reference, code = form.cleaned_data["reference"], form.cleaned_data["code"]
            try:
                if len(code) == 6:
                    case = filer_case_by_code(reference=reference, code=code)
                else:
                    case = filer_case(reference=reference, receipt_code=code)
            except NotFound as error:
                form.add_error(None, str(error.message))
            else:
                _follow(request, case)
                return redirect("portal:case")
    return render(request, "portal/track.html", {"form": form, "code_form": code_form})


@never_cache
@require_POST
def track_code(request: HttpRequest) -> HttpResponse:
    _country()
    code_form = CodeRequestForm(request.POST, prefix="code")
    refused = _limited(request, "track")
    if refused is not None:
        return refused
    if not code_form.is_valid():
        return render(request, "portal/track.html", {"form": TrackForm(), "code_form": code_form})
    filer_request_code(
        reference=code_form.cleaned_data["reference"], contact=code_form.cleaned_data["contact"]
    )
    form = TrackForm(initial={"reference": code_form.cleaned_data["reference"]})
    return render(
        request,
        "portal/track.html",
        {"form": form, "code_form": CodeRequestForm(prefix="code"), "code_sent": True},
    )


@dataclass(frozen=True)
class ShownEvent:
    type: str
    title: str
    body: str
    at: Any


def _event_title(type_: str, status: str, body: str) -> str:
    if type_ == EventType.STATUS and status:
        return _("Status: %(status)s") % {"status": Status(status).label}
    if type_ == EventType.QUESTION or (type_ == EventType.STATUS and status == "awaiting_info"):
        return _("Question from the officer")
    if type_ == EventType.RESPONSE:
        return _("Answer from the officer")
    if type_ == EventType.ANSWER:
        return _("Your answer")
    if type_ == EventType.INFO_ADDED:
        return _("Information you added") if body else _("A file you sent")
    if type_ == EventType.APPEAL:
        return _("Your appeal")
    if type_ == EventType.FEEDBACK:
        return _("Your rating")
    if type_ == EventType.FILED:
        return _("Case filed")
    return str(EventType(type_).label) if type_ in EventType.values else type_


def _case_page(request: HttpRequest, case: Complaint, **forms_: forms.Form) -> HttpResponse:
    actions = filer_actions(case)
    events = [
        ShownEvent(
            type=e.type,
            title=_event_title(e.type, e.status, e.body),
            body=e.body,
            at=dt.datetime.fromisoformat(e.at),
        )
        for e in public_timeline(case)
    ]
    context = {
        "case": case,
        "status_label": Status(case.status).label,
        "plain_status": PLAIN_STATUS.get(case.status, ""),
        "actions": actions,
        "events": events,
        "files": attachments_of(case, public_only=True),
        "tz": case.country.timezone,
        "deadline": case.resolve_due_at if actions.add_info else None,
        "message_form": forms_.get("message_form") or MessageForm(),
        "appeal_form": forms_.get("appeal_form") or AppealForm(prefix="appeal"),
        "withdraw_form": forms_.get("withdraw_form") or WithdrawForm(prefix="withdraw"),
        "feedback_form": forms_.get("feedback_form") or FeedbackForm(),
        "most_files": upload_limit()[1],
    }
    status = 422 if any(f.errors for f in forms_.values()) else 200
    return render(request, "portal/case.html", context, status=status)


def _case_or_track(request: HttpRequest) -> Complaint | HttpResponse:
    case = _followed(request)
    if case is None:
        messages.info(request, _("Enter your case reference and code to see your case."))
        return redirect("portal:track")
    return case


@never_cache
def case(request: HttpRequest) -> HttpResponse:
    found = _case_or_track(request)
    if isinstance(found, HttpResponse):
        return found
    return _case_page(request, found)


@never_cache
@require_POST
def case_message(request: HttpRequest) -> HttpResponse:
    found = _case_or_track(request)
    if isinstance(found, HttpResponse):
        return found
    form = MessageForm(request.POST)
    files = request.FILES.getlist("files")
    if form.is_valid():
        try:
            for upload in files:
                upload_check(Upload(stream=upload, name=upload.name or ""), size=upload.size or 0)
            answering = found.status == Status.AWAITING_INFO
            with transaction.atomic():
                filer_add_info(case=found, text=form.cleaned_data["text"])
                _attach_all(found.pk, files)
        except CaseError as error:
            _put_errors(form, error)
        else:
            messages.success(
                request,
                _("Your answer was sent to the officer.")
                if answering
                else _("Your information was added to the case."),
            )
            return redirect("portal:case")
    found.refresh_from_db()
    return _case_page(request, found, message_form=form)


def _filer_act(
    request: HttpRequest,
    form: forms.Form,
    key: str,
    act: Callable[[Complaint, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """One of the filer's actions on the followed case: the service, then back to the case with
    a message; a refusal is shown on the form that asked."""
    found = _case_or_track(request)
    if isinstance(found, HttpResponse):
        return found
    if form.is_valid():
        try:
            act(found, form.cleaned_data)
        except CaseError as error:
            _put_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("portal:case")
    return _case_page(request, found, **{key: form})


@never_cache
@require_POST
def case_appeal(request: HttpRequest) -> HttpResponse:
    return _filer_act(
        request,
        AppealForm(request.POST, prefix="appeal"),
        "appeal_form",
        lambda case, data: filer_appeal(case=case, reason=data["reason"]),
        _("Your appeal was received."),
    )


@never_cache
@require_POST
def case_withdraw(request: HttpRequest) -> HttpResponse:
    return _filer_act(
        request,
        WithdrawForm(request.POST, prefix="withdraw"),
        "withdraw_form",
        lambda case, data: filer_withdraw(case=case, reason=data["reason"]),
        _("Your case was withdrawn."),
    )


@never_cache
@require_POST
def case_feedback(request: HttpRequest) -> HttpResponse:
    return _filer_act(
        request,
        FeedbackForm(request.POST),
        "feedback_form",
        lambda case, data: filer_feedback(
            case=case, rating=data["rating"], comment=data["comment"]
        ),
        _("Thank you for your rating."),
    )


@never_cache
def case_file(request: HttpRequest, file_id: int) -> FileResponse | HttpResponse:
    found = _case_or_track(request)
    if isinstance(found, HttpResponse):
        return found
    try:
        attachment, stream = attachment_open(attachment_id=file_id, actor=None, filer_case=found)
    except NotFound:
        raise Http404() from None
    return download(attachment, stream)


@require_POST
def case_leave(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_CASE, None)
    messages.info(request, _("You have left your case. Your codes open it again."))
    return redirect("portal:track")
