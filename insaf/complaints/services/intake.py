"""Intake: a complaint or petition becomes a case, labelled, routed and with deadlines, in one
transaction with its timeline, audit event and notifications.

``complaint_submit`` steps:
1. Validate (InvalidInput, naming the fields) — nothing is written on bad input.
2. Outside the transaction: triage the text, encrypt identity fields, hash the receipt code
   (the slow parts, so that locks are held briefly).
3. In one transaction: number the case, insert it (received), its people and its first event;
   register it (route, deadlines, oversight flag); append the audit event; write notifications
   to the outbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.complaints.deadlines import deadlines, rules_for
from insaf.complaints.enums import Channel, EventType, PersonRole, Status
from insaf.complaints.errors import InvalidInput
from insaf.complaints.models import Complaint, Person, ReferenceCounter
from insaf.complaints.routing import route
from insaf.complaints.services.timeline import add_event
from insaf.core.calendar import WorkCalendar, calendar_for
from insaf.core.crypto import (
    blind_index,
    encrypt,
    hash_receipt_code,
    new_receipt_code,
)
from insaf.core.models import Country, Governorate, Unit
from insaf.core.normalise import normalise_email, normalise_national_id, normalise_phone
from insaf.triage.engine import TriageResult, triage
from insaf.triage.labels import PRIORITY_RANK, Kind, vulnerable_mask

if TYPE_CHECKING:
    from insaf.accounts.models import User

TEXT_MIN = 10
TEXT_MAX = 20_000
SUBJECT_MAX = 200
LANGUAGES = ("ar", "en", "fr")

IDENTITY_FIELDS = ("name", "national_id", "phone", "email", "address")


def identity_context(field: str) -> str:
    """The associated data binding an encrypted identity value to its column."""
    return f"complaints.person.{field}"


@dataclass(frozen=True)
class PersonInput:
    name: str = ""
    phone: str = ""
    email: str = ""
    national_id: str = ""
    address: str = ""
    role: PersonRole = PersonRole.COMPLAINANT

    def is_empty(self) -> bool:
        return not any(getattr(self, field).strip() for field in IDENTITY_FIELDS)


@dataclass(frozen=True)
class Submission:
    complaint: Complaint
    # The filer's receipt code, shown once; None when the filer is not anonymous.
    receipt_code: str | None


@dataclass(frozen=True)
class _Prepared:
    """What is computed before the transaction."""

    country: Country
    calendar: WorkCalendar
    labels: TriageResult
    people: list[Person]
    receipt_code: str | None
    receipt_hash: str
    governorate: Governorate | None
    unit_complained_about: Unit | None


def complaint_submit(
    *,
    country: str,
    text: str,
    channel: Channel | str,
    anonymous: bool,
    complainant: PersonInput | None = None,
    kind: str | None = None,
    language: str | None = None,
    subject: str = "",
    occurred_at: dt.datetime | None = None,
    place: str = "",
    governorate_id: int | None = None,
    unit_complained_about_id: int | None = None,
    external_id: str | None = None,
    received_at: dt.datetime | None = None,
    actor: User | None = None,
) -> Submission:
    prepared = _prepare(
        country=country,
        text=text,
        anonymous=anonymous,
        complainant=complainant,
        kind=kind,
        language=language,
        subject=subject,
        occurred_at=occurred_at,
        governorate_id=governorate_id,
        unit_complained_about_id=unit_complained_about_id,
    )
    received = received_at or timezone.now()
    labels = prepared.labels
    with transaction.atomic():
        complaint = Complaint(
            reference=next_reference(prepared.country, prepared.calendar.local_date(received)),
            country=prepared.country,
            external_id=external_id or None,
            channel=Channel(channel),
            language=labels.language,
            subject=(subject.strip() or subject_from(text))[:SUBJECT_MAX],
            text=text.strip(),
            anonymous=anonymous,
            receipt_hash=prepared.receipt_hash,
            occurred_at=occurred_at,
            governorate=prepared.governorate,
            place=place.strip()[:200],
            unit_complained_about=prepared.unit_complained_about,
            kind=labels.kind,
            category=labels.category,
            grave=labels.grave,
            vulnerable_mask=vulnerable_mask(labels.vulnerable),
            priority=labels.priority,
            priority_rank=PRIORITY_RANK[labels.priority],
            label_sources={name: "triage" for name in ("kind", "category", "grave", "vulnerable")}
            | ({"kind": "filer"} if kind else {}),
            triage_version=labels.version,
            triage_details={"confidence": labels.confidence, "evidence": labels.evidence},
            status=Status.RECEIVED,
            received_at=received,
            created_by=actor,
        )
        complaint.save(force_insert=True)
        for person in prepared.people:
            person.complaint = complaint
        Person.objects.bulk_create(prepared.people)
        add_event(
            complaint, type=EventType.FILED, actor=actor, public=True, to_status=Status.RECEIVED
        )
        register(complaint, calendar=prepared.calendar, actor=actor)
        audit_record(
            actor=actor,
            verb=Verb.COMPLAINT_IMPORTED if channel == Channel.IMPORT else Verb.COMPLAINT_FILED,
            target=complaint,
            country=complaint.country_id,
            data={
                "reference": complaint.reference,
                "channel": complaint.channel,
                "kind": complaint.kind,
                "category": complaint.category,
                "grave": complaint.grave,
                "priority": complaint.priority,
                "handling_unit": complaint.handling_unit_id,
            },
        )
        _notify_at_intake(complaint, complainant)
    return Submission(complaint, prepared.receipt_code)


def check_content(
    *,
    text: str,
    anonymous: bool,
    complainant: PersonInput | None,
    kind: str | None,
    language: str | None,
    subject: str,
    occurred_at: dt.datetime | None,
) -> dict[str, str]:
    """The checks that need no database: field name → translated error (empty when all good)."""
    errors: dict[str, str] = {}
    body = (text or "").strip()
    if not TEXT_MIN <= len(body) <= TEXT_MAX:
        errors["text"] = _("The text must be between %(min)d and %(max)d characters.") % {
            "min": TEXT_MIN,
            "max": TEXT_MAX,
        }
    if kind and kind not in Kind.values:
        errors["kind"] = _("Unknown kind.")
    if language and language not in LANGUAGES:
        errors["language"] = _("The language must be ar, en or fr.")
    if len(subject) > SUBJECT_MAX:
        errors["subject"] = _("The subject is too long.")
    if occurred_at is not None and timezone.is_naive(occurred_at):
        errors["occurred_at"] = _("Give the date with its time zone.")
    elif occurred_at is not None and occurred_at > timezone.now() + dt.timedelta(hours=1):
        errors["occurred_at"] = _("The date cannot be in the future.")
    if not anonymous:
        if complainant is None or not complainant.name.strip():
            errors["complainant.name"] = _("Give your name, or file anonymously.")
        if complainant is None or not (complainant.phone.strip() or complainant.email.strip()):
            errors["complainant.phone"] = _("Give a phone number or an e-mail address.")
    return errors


def _prepare(
    *,
    country: str,
    text: str,
    anonymous: bool,
    complainant: PersonInput | None,
    kind: str | None,
    language: str | None,
    subject: str,
    occurred_at: dt.datetime | None,
    governorate_id: int | None,
    unit_complained_about_id: int | None,
) -> _Prepared:
    country_row = _served_country(country)
    errors = check_content(
        text=text,
        anonymous=anonymous,
        complainant=complainant,
        kind=kind,
        language=language,
        subject=subject,
        occurred_at=occurred_at,
    )
    if country_row is None:
        errors["country"] = _("This node takes cases for its own country only.")
    body = (text or "").strip()
    governorate = unit = None
    if country_row is not None:
        if governorate_id is not None:
            governorate = Governorate.objects.filter(pk=governorate_id, country=country_row).first()
            if governorate is None:
                errors["governorate"] = _("Unknown governorate.")
        if unit_complained_about_id is not None:
            unit = (
                Unit.objects.select_related("agency")
                .filter(pk=unit_complained_about_id, agency__country=country_row)
                .first()
            )
            if unit is None:
                errors["unit_complained_about"] = _("Unknown unit.")
    people: list[Person] = []
    if complainant is not None and not complainant.is_empty() and country_row is not None:
        try:
            people.append(build_person(complainant, calling_code=country_row.calling_code))
        except InvalidInput as invalid:
            errors.update(invalid.fields)
    if errors or country_row is None:
        raise InvalidInput(fields=errors)
    code = new_receipt_code() if anonymous else None
    return _Prepared(
        country=country_row,
        calendar=calendar_for(country_row.pk),
        labels=triage(body, language=language, kind=kind),
        people=people,
        receipt_code=code,
        receipt_hash=hash_receipt_code(code) if code else "",
        governorate=governorate,
        unit_complained_about=unit,
    )


def _served_country(code: str) -> Country | None:
    """The member state a case may be filed for: on a national node, only the node's own (its
    data never leaves it); a secretariat node takes no cases at all."""
    code = (code or "").strip().upper()
    if settings.INSAF_MODE != "national" or code != settings.INSAF_COUNTRY:
        return None
    return Country.objects.filter(pk=code).first()


def build_person(data: PersonInput, *, calling_code: str) -> Person:
    """An unsaved Person with encrypted identity and blind indexes (InvalidInput: bad phone)."""
    phone = normalise_phone(data.phone, calling_code=calling_code) if data.phone.strip() else ""
    if data.phone.strip() and not phone:
        raise InvalidInput(fields={"complainant.phone": _("The phone number is not valid.")})
    national_id = normalise_national_id(data.national_id)
    values = {
        "name": data.name.strip(),
        "national_id": national_id,
        "phone": phone,
        "email": normalise_email(data.email),
        "address": data.address.strip(),
    }
    return Person(
        role=data.role,
        **{
            f"{field}_enc": encrypt(value, context=identity_context(field))
            for field, value in values.items()
        },
        phone_bidx=blind_index(phone, kind="phone") if phone else "",
        national_id_bidx=blind_index(national_id, kind="national_id") if national_id else "",
    )


def subject_from(text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return first_line if len(first_line) <= 80 else first_line[:79] + "…"


def format_reference(country_code: str, year: int, number: int) -> str:
    return f"{country_code}-{year}-{number:06d}"


def reserve_references(country: Country, year: int, count: int) -> int:
    """Reserve ``count`` consecutive case numbers; returns the first. The counter row is updated
    in place, so concurrent intakes queue on it and never share a number; a rollback frees them."""
    counter = ReferenceCounter.objects.filter(country=country, year=year)
    if not counter.update(last=F("last") + count):
        ReferenceCounter.objects.get_or_create(country=country, year=year)
        counter.update(last=F("last") + count)
    last: int = counter.values_list("last", flat=True).get()
    return last - count + 1


def next_reference(country: Country, local_day: dt.date) -> str:
    """CC-YYYY-NNNNNN, numbered per country and year."""
    year = local_day.year
    return format_reference(country.pk, year, reserve_references(country, year, 1))


def register(complaint: Complaint, *, calendar: WorkCalendar, actor: User | None) -> None:
    """received → registered: route, set deadlines, and put grave cases under oversight."""
    chosen = route(
        country_code=complaint.country_id,
        category=complaint.category,
        grave=complaint.grave,
        unit_complained_about=complaint.unit_complained_about,
        governorate_id=complaint.governorate_id,
    )
    rule = rules_for(complaint.country_id)[complaint.priority]
    complaint.ack_due_at, complaint.resolve_due_at = deadlines(
        calendar, rule, complaint.received_at
    )
    complaint.handling_unit = chosen.unit
    complaint.oversight = chosen.oversight or complaint.grave
    complaint.status = Status.REGISTERED
    complaint.save(
        update_fields=["ack_due_at", "resolve_due_at", "handling_unit", "oversight", "status"]
    )
    add_event(
        complaint,
        type=EventType.STATUS,
        actor=actor,
        public=True,
        from_status=Status.RECEIVED,
        to_status=Status.REGISTERED,
        data={
            "transition": "register",
            "handling_unit": chosen.unit.pk if chosen.unit else None,
            "rule": chosen.rule_id,
        },
    )


def _notify_at_intake(complaint: Complaint, complainant: PersonInput | None) -> None:
    from insaf.complaints.services.notify import notify_filer_received, notify_oversight

    if complaint.grave:
        notify_oversight(complaint)
    if complainant is not None:
        notify_filer_received(complaint, complainant)
