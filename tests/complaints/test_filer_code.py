"""Named filers follow their case with a one-time code sent to the phone or e-mail on it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from insaf.complaints.errors import NotFound
from insaf.complaints.models import Complaint, FilerCode
from insaf.complaints.services import filer_case_by_code, filer_request_code
from insaf.core.crypto import decrypt
from insaf.notifications.models import OutboxMessage


def _sent_code(case: Complaint) -> str:
    message = OutboxMessage.objects.filter(reference=case.reference).latest("pk")
    # The code is the last group of six digits (the reference ends in six digits too).
    codes = re.findall(r"\b\d{6}\b", message.body.replace(case.reference, ""))
    assert len(codes) == 1, message.body
    return str(codes[0])


@pytest.mark.parametrize("typed", ["0791234567", "+962 79 123 4567", "٠٧٩١٢٣٤٥٦٧"])
def test_code_to_the_phone_on_the_case(named_case: Complaint, typed: str) -> None:
    filer_request_code(reference=named_case.reference, contact=typed)
    message = OutboxMessage.objects.filter(reference=named_case.reference, channel="sms").latest(
        "pk"
    )
    assert decrypt(message.recipient_enc, context="notifications.outbox.recipient") == typed
    assert (
        filer_case_by_code(reference=named_case.reference, code=_sent_code(named_case))
        == named_case
    )


def test_code_to_the_email_on_the_case(named_case: Complaint) -> None:
    filer_request_code(reference=named_case.reference, contact="Sami@Example.org")
    code = _sent_code(named_case)
    assert filer_case_by_code(reference=named_case.reference, code=code) == named_case


def test_unknown_contact_gets_nothing_sent(named_case: Complaint) -> None:
    before = OutboxMessage.objects.count()
    filer_request_code(reference=named_case.reference, contact="0790000000")
    filer_request_code(reference=named_case.reference, contact="someone@else.org")
    filer_request_code(reference="JO-2020-000001", contact="0791234567")
    assert OutboxMessage.objects.count() == before
    assert not FilerCode.objects.exists()


def test_wrong_codes_are_limited(named_case: Complaint) -> None:
    filer_request_code(reference=named_case.reference, contact="0791234567")
    code = _sent_code(named_case)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        with pytest.raises(NotFound):
            filer_case_by_code(reference=named_case.reference, code=wrong)
    with pytest.raises(NotFound):  # the right code no longer works after five wrong ones
        filer_case_by_code(reference=named_case.reference, code=code)


def test_codes_expire(named_case: Complaint) -> None:
    filer_request_code(reference=named_case.reference, contact="0791234567")
    code = _sent_code(named_case)
    FilerCode.objects.update(expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(NotFound):
        filer_case_by_code(reference=named_case.reference, code=code)


def test_code_hash_only(named_case: Complaint) -> None:
    filer_request_code(reference=named_case.reference, contact="0791234567")
    code = _sent_code(named_case)
    assert code not in FilerCode.objects.get().code_hash
