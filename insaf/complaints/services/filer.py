"""What filers do with their reference and receipt code: follow the case, add information, answer
questions, withdraw, appeal and give feedback. Staff never act through these."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.complaints import transitions
from insaf.complaints.config import country_config
from insaf.complaints.enums import EventType, Status
from insaf.complaints.errors import InvalidInput, NotFound, TransitionNotAllowed
from insaf.complaints.models import (
    CaseEvent,
    Complaint,
    Feedback,
    FilerCode,
    Person,
)
from insaf.complaints.services.intake import identity_context
from insaf.complaints.services.timeline import add_event
from insaf.complaints.services.workflow import MESSAGE_MAX, apply_transition, locked_case
from insaf.core.crypto import blind_indexes, check_receipt_code, decrypt, hash_receipt_code
from insaf.core.normalise import normalise_email
from insaf.notifications.services import SmsTemplate, notify_email, notify_sms


def filer_case(*, reference: str, receipt_code: str) -> Complaint:
    """The case these credentials open, or NotFound (without saying which part was wrong)."""
    case = Complaint.objects.filter(reference=(reference or "").strip().upper()).first()
    # check_receipt_code costs one Argon2 computation even without a stored hash, so a wrong
    # reference and a wrong code take the same time.
    if not check_receipt_code(receipt_code or "", case.receipt_hash if case else "") or not case:
        raise NotFound()
    return case


@dataclass(frozen=True)
class PublicEvent:
    type: str
    status: str
    body: str
    at: str


def public_timeline(case: Complaint) -> list[PublicEvent]:
    """What the filer sees: public entries only, never internal notes or officers' names."""
    return [
        PublicEvent(type=e.type, status=e.to_status, body=e.body, at=e.created_at.isoformat())
        for e in CaseEvent.objects.filter(complaint=case, public=True).order_by("created_at", "id")
    ]


@dataclass(frozen=True)
class FilerActions:
    """What the filer may do on the case now (the pages offer these and only these)."""

    add_info: bool
    answer: bool  # the case awaits the filer's answer to a question
    withdraw: bool
    appeal: bool
    rate: bool


def filer_actions(case: Complaint, *, now: dt.datetime | None = None) -> FilerActions:
    """The same conditions the filer services check, read without locking the case."""
    now = now or timezone.now()
    open_ = case.status in transitions.OPEN
    appealed = CaseEvent.objects.filter(complaint=case, type=EventType.APPEAL).exists()
    return FilerActions(
        add_info=open_,
        answer=case.status == Status.AWAITING_INFO,
        withdraw=open_,
        appeal=case.status == Status.CLOSED
        and not appealed
        and case.appeal_until is not None
        and now <= case.appeal_until,
        rate=not open_ and not Feedback.objects.filter(complaint=case).exists(),
    )


def _text(value: str, field: str = "text") -> str:
    value = (value or "").strip()
    if not 1 <= len(value) <= MESSAGE_MAX:
        raise InvalidInput(fields={field: _("Write between 1 and 20,000 characters.")})
    return value


def _audit(case: Complaint, action: str) -> None:
    audit_record(
        actor=None,
        actor_label="filer",
        verb=Verb.COMPLAINT_FILER_INPUT,
        target=case,
        country=case.country_id,
        data={"reference": case.reference, "action": action},
    )


def filer_add_info(*, case: Complaint, text: str) -> Complaint:
    text = _text(text)
    with locked_case(actor=None, complaint_id=case.pk, version=None) as locked:
        if locked.status not in transitions.OPEN:
            raise TransitionNotAllowed()
        if locked.status == Status.AWAITING_INFO:
            add_event(locked, type=EventType.ANSWER, actor=None, public=True, body=text)
            apply_transition(locked, name="receive_info", actor=None)
        else:
            locked.version += 1
            locked.save(update_fields=["version"])
            add_event(locked, type=EventType.INFO_ADDED, actor=None, public=True, body=text)
        _audit(locked, "add_info")
    return locked


def filer_withdraw(*, case: Complaint, reason: str = "") -> Complaint:
    with locked_case(actor=None, complaint_id=case.pk, version=None) as locked:
        if locked.status not in transitions.OPEN:
            raise TransitionNotAllowed()
        apply_transition(locked, name="withdraw", actor=None, message=reason.strip()[:2000])
        _audit(locked, "withdraw")
    return locked


def filer_appeal(*, case: Complaint, reason: str) -> Complaint:
    """Appeal a closed decision within the country's period. The review is then decided outside
    the unit that handled the case (by the oversight unit where there is one)."""
    reason = _text(reason, "reason")
    with locked_case(actor=None, complaint_id=case.pk, version=None) as locked:
        if (
            locked.status != Status.CLOSED
            or CaseEvent.objects.filter(complaint=locked, type=EventType.APPEAL).exists()
        ):
            raise TransitionNotAllowed()
        if locked.appeal_until is None or timezone.now() > locked.appeal_until:
            raise TransitionNotAllowed(_("The period for appealing this decision has ended."))
        policy = country_config(locked.country_id).policy
        reviewer = policy.oversight_unit_id if policy else None
        locked.reviewing_unit_id = reviewer if reviewer != locked.handling_unit_id else None
        add_event(locked, type=EventType.APPEAL, actor=None, public=True, body=reason)
        apply_transition(locked, name="appeal", actor=None, also_saved=("reviewing_unit",))
        _audit(locked, "appeal")
    return locked


def filer_feedback(*, case: Complaint, rating: int, comment: str = "") -> Feedback:
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput(fields={"rating": _("Give a rating from 1 to 5.")})
    comment = comment.strip()
    if len(comment) > 2000:
        raise InvalidInput(fields={"comment": _("The comment is too long.")})
    with locked_case(actor=None, complaint_id=case.pk, version=None) as locked:
        if locked.status in transitions.OPEN:
            raise TransitionNotAllowed(_("Feedback can be given once the case is decided."))
        if Feedback.objects.filter(complaint=locked).exists():
            raise TransitionNotAllowed(_("Feedback was already given for this case."))
        feedback = Feedback.objects.create(
            complaint=locked, rating=rating, comment=comment, created_at=timezone.now()
        )
        add_event(locked, type=EventType.FEEDBACK, actor=None, public=True, data={"rating": rating})
        _audit(locked, "feedback")
    return feedback


CODE_DIGITS = 6
CODE_LIFETIME = dt.timedelta(minutes=15)
CODE_ATTEMPTS = 5


def filer_request_code(*, reference: str, contact: str) -> None:
    """Send a one-time code to ``contact`` if it is the phone or e-mail given on the case.

    Says nothing either way (the caller answers the same whether or not a code was sent), so the
    endpoint cannot be used to learn whose case a reference is.
    """
    case = Complaint.objects.filter(reference=(reference or "").strip().upper()).first()
    if case is None or not (contact or "").strip():
        return
    channel = _matching_contact(case, contact.strip())
    if channel is None:
        return
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    now = timezone.now()
    with transaction.atomic():
        FilerCode.objects.create(
            complaint=case,
            code_hash=hash_receipt_code(code, digits=CODE_DIGITS),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        if channel == "phone":
            notify_sms(
                to=contact.strip(),
                template=SmsTemplate.CODE,
                code=code,
                reference=case.reference,
                language=case.language,
            )
        else:
            with translation.override(case.language):
                notify_email(
                    to=contact.strip(),
                    subject=_("Your Insaf code"),
                    body=_("Your one-time code for case %(reference)s is %(code)s.")
                    % {"reference": case.reference, "code": code},
                    reference=case.reference,
                )


def filer_case_by_code(*, reference: str, code: str) -> Complaint:
    """The case a valid one-time code opens (for 15 minutes, at most 5 wrong tries), or NotFound."""
    case = Complaint.objects.filter(reference=(reference or "").strip().upper()).first()
    now = timezone.now()
    pending = (
        FilerCode.objects.filter(
            complaint=case, expires_at__gt=now, failed_attempts__lt=CODE_ATTEMPTS
        )
        .order_by("-created_at")
        .first()
        if case is not None
        else None
    )
    stored = pending.code_hash if pending else ""
    if not check_receipt_code(code or "", stored, digits=CODE_DIGITS) or not case:
        if pending is not None:
            FilerCode.objects.filter(pk=pending.pk).update(failed_attempts=F("failed_attempts") + 1)
        raise NotFound()
    return case


def _matching_contact(case: Complaint, contact: str) -> str | None:
    calling_code = case.country.calling_code
    indexes = blind_indexes(contact, kind="phone", calling_code=calling_code)
    people = Person.objects.filter(complaint=case)
    if indexes and people.filter(phone_bidx__in=indexes).exists():
        return "phone"
    wanted = normalise_email(contact)
    for person in people.exclude(email_enc=""):
        if wanted and decrypt(person.email_enc, context=identity_context("email")) == wanted:
            return "email"
    return None
