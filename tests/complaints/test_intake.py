"""Intake: a filed case is numbered, labelled, routed, given deadlines, audited and notified."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.utils import timezone

from insaf.audit.models import Event
from insaf.audit.services import audit_verify
from insaf.complaints.enums import EventType, Status
from insaf.complaints.errors import InvalidInput
from insaf.complaints.models import CaseEvent, Complaint, Person
from insaf.complaints.services import PersonInput, Submission, complaint_submit
from insaf.core.calendar import calendar_for
from insaf.core.crypto import check_receipt_code, decrypt
from insaf.notifications.models import OutboxMessage
from insaf.notifications.sending import send_due
from tests.complaints.conftest import PASSPORT, TORTURE
from tests.conftest import Org

FileCase = Callable[..., Submission]


def test_anonymous_filing_gets_reference_and_receipt(file_case: FileCase) -> None:
    submission = file_case()
    case = submission.complaint
    year = calendar_for("JO").local_date(case.received_at).year
    assert case.reference == f"JO-{year}-000001"
    assert case.status == Status.REGISTERED
    assert submission.receipt_code is not None and len(submission.receipt_code) == 16
    assert submission.receipt_code.isdigit()
    assert submission.receipt_code not in case.receipt_hash
    assert check_receipt_code(submission.receipt_code, case.receipt_hash)
    assert case.version == 1


def test_references_are_sequential_per_country(file_case: FileCase) -> None:
    first = file_case().complaint.reference
    second = file_case().complaint.reference
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1


def test_labels_priority_and_deadlines_at_intake(file_case: FileCase) -> None:
    case = file_case(PASSPORT).complaint
    assert case.kind == "complaint"
    assert case.category == "service_delay"
    assert case.priority == "normal"
    assert case.triage_version
    assert case.label_sources["category"] == "triage"
    assert case.ack_due_at is not None and case.resolve_due_at is not None
    assert case.received_at < case.ack_due_at < case.resolve_due_at


def test_grave_case_goes_to_oversight_and_notifies(
    file_case: FileCase, jordan: Org, oversight_unit: object
) -> None:
    from insaf.accounts.roles import Role

    officer = jordan.staff[Role.OVERSIGHT_OFFICER]
    officer.email = "oversight@moi.example"
    officer.save(update_fields=["email"])
    case = file_case(TORTURE).complaint
    assert case.grave and case.priority == "critical"
    assert case.oversight
    assert case.handling_unit == oversight_unit
    # One message to the oversight officers, split by the sender into one per officer.
    message = OutboxMessage.objects.get(channel="email", reference=case.reference)
    assert message.audience == "oversight_officer@JO" and message.recipient_enc == ""
    assert "سامي" not in message.body
    assert send_due(now=timezone.now() + dt.timedelta(seconds=1)).split == 1
    mail = OutboxMessage.objects.get(reference=case.reference, audience="")
    assert decrypt(mail.recipient_enc, context="notifications.outbox.recipient") == officer.email
    assert mail.status == "sent" and mail.body == message.body


def test_filer_kind_wins(file_case: FileCase) -> None:
    case = file_case(PASSPORT, kind="suggestion").complaint
    assert case.kind == "suggestion" and case.priority == "low"
    assert case.label_sources["kind"] == "filer"


def test_named_filing_encrypts_identity_and_indexes_phone(named_case: Complaint) -> None:
    person = Person.objects.get(complaint=named_case)
    assert person.phone_enc.startswith("v1.")
    assert decrypt(person.phone_enc, context="complaints.person.phone") == "+962791234567"
    assert person.phone_bidx and "791234567" not in person.phone_bidx
    assert named_case.receipt_hash == ""


def test_named_filer_is_sent_a_contentless_sms(named_case: Complaint) -> None:
    sms = OutboxMessage.objects.get(channel="sms", reference=named_case.reference)
    assert named_case.reference in sms.body
    assert "جواز" not in sms.body  # never case content


def test_no_plaintext_identity_in_the_database(named_case: Complaint) -> None:
    """The test phone number appears in no column of the people table (nor the outbox)."""
    with connection.cursor() as cursor:
        for table in ("complaints_person", "notifications_outboxmessage", "complaints_complaint"):
            cursor.execute(f"SELECT * FROM {table}")
            text = repr(cursor.fetchall())
            for needle in ("791234567", "٧٩١٢٣٤٥٦٧", "sami@example.org", "الخطيب"):
                assert needle not in text, (table, needle)


def test_timeline_and_audit_at_intake(file_case: FileCase) -> None:
    case = file_case().complaint
    types = list(CaseEvent.objects.filter(complaint=case).values_list("type", flat=True))
    assert types == [EventType.FILED, EventType.STATUS]
    assert Event.objects.filter(verb="complaints.filed", target_id=str(case.pk)).count() == 1
    assert audit_verify().ok


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"text": "قصير"}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"country": "XX"}, "country"),
        ({"kind": "rant"}, "kind"),
        ({"language": "de"}, "language"),
        ({"anonymous": False}, "complainant.name"),
        ({"anonymous": False, "complainant": PersonInput(name="علي")}, "complainant.phone"),
        (
            {"anonymous": False, "complainant": PersonInput(name="علي", phone="abc")},
            "complainant.phone",
        ),
        ({"unit_complained_about_id": 999_999}, "unit_complained_about"),
        ({"occurred_at": dt.datetime(2999, 1, 1, tzinfo=dt.UTC)}, "occurred_at"),
    ],
)
def test_bad_input_is_refused_and_leaves_nothing(
    policy: object, kwargs: dict[str, object], field: str
) -> None:
    events_before = Event.objects.count()
    arguments: dict[str, object] = {
        "country": "JO",
        "text": PASSPORT,
        "channel": "web",
        "anonymous": True,
    }
    arguments.update(kwargs)
    with pytest.raises(InvalidInput) as error:
        complaint_submit(**arguments)  # type: ignore[arg-type]
    assert field in error.value.fields
    assert not Complaint.objects.exists()
    assert Event.objects.count() == events_before


def test_unit_from_another_country_is_refused(file_case: FileCase, egypt: Org) -> None:
    with pytest.raises(InvalidInput) as error:
        file_case(unit_complained_about_id=egypt.unit.pk)
    assert "unit_complained_about" in error.value.fields
