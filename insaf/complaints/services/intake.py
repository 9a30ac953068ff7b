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
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.complaints.config import CountryConfig, country_config
from insaf.complaints.deadlines import deadlines
from insaf.complaints.enums import Channel, EventType, PersonRole, Status
from insaf.complaints.errors import InvalidInput
from insaf.complaints.models import CaseEvent, Complaint, Person, ReferenceCounter
from insaf.complaints.routing import route
from insaf.complaints.services.timeline import new_event
from insaf.core.bulkinsert import insert_one, insert_rows, next_pk_sql, pipelined
from insaf.core.crypto import (
    blind_index,
    encrypt,
    hash_receipt_code,
    new_receipt_code,
)
from insaf.core.models import Country, Governorate, Unit
from insaf.core.normalise import normalise_email, normalise_national_id, normalise_phone
from insaf.search.concepts import layer as concept_layer
from insaf.search.indexing import prepare_entries, write_entries
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

    config: CountryConfig
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
    victim: PersonInput | None = None,
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
        victim=victim,
        kind=kind,
        language=language,
        subject=subject,
        occurred_at=occurred_at,
        governorate_id=governorate_id,
        unit_complained_about_id=unit_complained_about_id,
    )
    received = received_at or timezone.now()
    labels = prepared.labels
    config = prepared.config
    chosen = route(
        country_code=config.country.pk,
        category=labels.category,
        grave=labels.grave,
        unit_complained_about=prepared.unit_complained_about,
        governorate_id=prepared.governorate.pk if prepared.governorate else None,
        config=config,
    )
    ack_due, resolve_due = deadlines(
        config.calendar, config.deadline_rules[labels.priority], received
    )
    local_day = config.calendar.local_date(received)
    prepare_references(config.country, local_day.year)
    # The concepts triage found, for the index entry (None: the index finds them itself). The
    # concept lexicon is made current here, before the transaction: a change of it is reloaded
    # now, not while the case's locks are held.
    concepts = concept_layer().tokens_from(labels.concepts, labels.lexicon)
    # The case and its index entry are made before the transaction (the entry's analysis is
    # the costliest part of writing it): on SQLite the write lock is held while it is open.
    complaint = Complaint(
        country=config.country,
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
        **label_fields(labels, kind_given=bool(kind)),
        # Received and registered (routed, with deadlines) in the same transaction.
        status=Status.REGISTERED,
        received_at=received,
        ack_due_at=ack_due,
        resolve_due_at=resolve_due,
        handling_unit=chosen.unit,
        oversight=chosen.oversight or labels.grave,
        created_by=actor,
    )
    entry = prepare_entries([complaint], [concepts])
    # Pipelined: the statements travel to PostgreSQL together, waiting only where a result is
    # needed (the case's number and id, an outbox message's id, the audit chain's head).
    with transaction.atomic(), pipelined():
        complaint.reference, complaint.pk = _number_case(config.country, local_day)
        insert_one(complaint)
        for person in prepared.people:
            person.complaint = complaint
        insert_rows(Person, prepared.people)
        write_entries([complaint], entry)
        insert_rows(
            CaseEvent,
            [
                new_event(
                    complaint,
                    type=EventType.FILED,
                    actor=actor,
                    public=True,
                    to_status=Status.RECEIVED,
                ),
                new_event(
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
                ),
            ],
        )
        _notify_at_intake(complaint, complainant)
        # Last, so that the audit chain's lock is held only until the commit that follows.
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
    return Submission(complaint, prepared.receipt_code)


def label_fields(labels: TriageResult, *, kind_given: bool) -> dict[str, Any]:
    """The case's label columns from a triage result (``kind_given``: the filer chose the kind)."""
    return {
        "kind": labels.kind,
        "category": labels.category,
        "grave": labels.grave,
        "vulnerable_mask": vulnerable_mask(labels.vulnerable),
        "priority": labels.priority,
        "priority_rank": PRIORITY_RANK[labels.priority],
        "label_sources": {name: "triage" for name in ("kind", "category", "grave", "vulnerable")}
        | ({"kind": "filer"} if kind_given else {}),
        "triage_version": labels.version,
        "triage_details": {"confidence": labels.confidence, "evidence": labels.evidence},
    }


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
    victim: PersonInput | None,
    kind: str | None,
    language: str | None,
    subject: str,
    occurred_at: dt.datetime | None,
    governorate_id: int | None,
    unit_complained_about_id: int | None,
) -> _Prepared:
    config = _served_country(country)
    country_row = config.country if config is not None else None
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
    if victim is not None and not victim.is_empty() and country_row is not None:
        # The person harmed, when it is not the filer (named by the filer; may stay unnamed).
        try:
            people.append(
                build_person(
                    replace(victim, role=PersonRole.VICTIM), calling_code=country_row.calling_code
                )
            )
        except InvalidInput as invalid:
            errors.update(
                {f"victim.{key.split('.', 1)[-1]}": value for key, value in invalid.fields.items()}
            )
    if errors or config is None:
        raise InvalidInput(fields=errors)
    code = new_receipt_code() if anonymous else None
    return _Prepared(
        config=config,
        labels=triage(body, language=language, kind=kind),
        people=people,
        receipt_code=code,
        receipt_hash=hash_receipt_code(code) if code else "",
        governorate=governorate,
        unit_complained_about=unit,
    )


def served_country_code() -> str | None:
    """The member state whose cases this node takes (filed or imported): on a national node, its
    own (its data never leaves it); None on a secretariat node, which takes no cases at all."""
    return settings.INSAF_COUNTRY if settings.INSAF_MODE == "national" else None


def _served_country(code: str) -> CountryConfig | None:
    """The configuration of the member state a case may be filed for (``served_country_code``)."""
    code = (code or "").strip().upper()
    if not code or code != served_country_code():
        return None
    return country_config(code)


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


def reserve_references(country: Country, year: int, count: int) -> list[int]:
    """Reserve ``count`` case numbers in a country and year.

    PostgreSQL: from a sequence per country and year, which holds no lock until commit, so
    concurrent filings do not queue on it (a rolled-back filing leaves a gap in the numbering,
    which is harmless; numbers taken together may interleave with other sessions'). SQLite runs
    one writer at a time anyway: the counter row is updated in place (UPDATE ... RETURNING) and
    the numbers are consecutive, with no gaps.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            name = _sequence(cursor, country.pk, year)
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [name, count])
            return [int(row[0]) for row in cursor.fetchall()]
        table = ReferenceCounter._meta.db_table
        sql = (
            f"UPDATE {table} SET last = last + %s "  # noqa: S608  (the model's own table name)
            "WHERE country_id = %s AND year = %s RETURNING last"
        )
        cursor.execute(sql, [count, country.pk, year])
        row = cursor.fetchone()
        if row is None:
            ReferenceCounter.objects.get_or_create(country=country, year=year)
            cursor.execute(sql, [count, country.pk, year])
            row = cursor.fetchone()
    last = int(row[0])
    return list(range(last - count + 1, last + 1))


# Sequences known to exist (committed): looked up once per process, not on every filing.
_known_sequences: set[str] = set()
# The advisory lock taken to create a reference sequence (any constant other than the audit
# chain's, insaf/audit/services.py).
_SEQUENCE_LOCK_KEY = 7_240_318


def forget_sequences() -> None:
    _known_sequences.clear()


def _sequence_name(country_code: str, year: int) -> str:
    return f"complaint_reference_{country_code.lower()}_{year}"


def _sequence(cursor: Any, country_code: str, year: int) -> str:
    """The name of the country-year sequence, created on first use (starting after any number
    the counter row gave, for a database that began on another path). It is remembered only once
    it is committed, so a rolled-back creation is never taken for an existing sequence."""
    name = _sequence_name(country_code, year)
    if name in _known_sequences:
        return name
    cursor.execute("SELECT to_regclass(%s)", [name])
    missing = cursor.fetchone()[0] is None
    if missing:
        # One creator at a time, until it commits: two transactions each creating sequences of
        # several years (an import's batches) would otherwise deadlock on the catalogue.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEQUENCE_LOCK_KEY])
        cursor.execute("SELECT to_regclass(%s)", [name])
        missing = cursor.fetchone()[0] is None
    if missing:
        start = (
            ReferenceCounter.objects.filter(country_id=country_code, year=year)
            .values_list("last", flat=True)
            .first()
            or 0
        ) + 1
        try:
            # A savepoint: another session may be creating it at the same moment, in which case
            # PostgreSQL refuses the second CREATE (even with IF NOT EXISTS) and theirs is used.
            with transaction.atomic():
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START {int(start)}")
        except IntegrityError:
            pass
    transaction.on_commit(lambda: _known_sequences.add(name))
    return name


def prepare_references(country: Country, year: int) -> None:
    """PostgreSQL: create the country-year sequence if this process has not used it yet. Call it
    before a pipeline (insaf/core/bulkinsert.py): a concurrent creation's error must be caught
    at once, not at the pipeline's next wait. Nothing to do on SQLite, or once it is known."""
    if connection.vendor == "postgresql" and _sequence_name(country.pk, year) not in (
        _known_sequences
    ):
        with connection.cursor() as cursor:
            _sequence(cursor, country.pk, year)


def _number_case(country: Country, local_day: dt.date) -> tuple[str, int | None]:
    """A new case's reference and, on PostgreSQL, its id, taken in one statement (the INSERT then
    need not wait for the id: see insaf/core/bulkinsert.py); elsewhere the INSERT returns it."""
    new_id = next_pk_sql(Complaint)
    if new_id is None:
        return next_reference(country, local_day), None
    year = local_day.year
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval(%s), {new_id}", [_sequence(cursor, country.pk, year)])
        number, pk = cursor.fetchone()
    return format_reference(country.pk, year, int(number)), int(pk)


def next_reference(country: Country, local_day: dt.date) -> str:
    """CC-YYYY-NNNNNN, numbered per country and year."""
    year = local_day.year
    return format_reference(country.pk, year, reserve_references(country, year, 1)[0])


def _notify_at_intake(complaint: Complaint, complainant: PersonInput | None) -> None:
    from insaf.complaints.services.notify import notify_filer_received, notify_oversight

    if complaint.grave:
        notify_oversight(complaint)
    if complainant is not None:
        notify_filer_received(complaint, complainant)
