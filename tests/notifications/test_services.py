"""Writing to the outbox: recipients encrypted, SMS bodies from fixed templates only."""

from __future__ import annotations

import re

import pytest

from insaf.core.crypto import decrypt
from insaf.notifications.models import Channel, OutboxMessage, OutboxStatus
from insaf.notifications.services import (
    RECIPIENT_CONTEXT,
    SmsTemplate,
    notify_email,
    notify_sms,
)

pytestmark = pytest.mark.django_db

REFERENCE = "JO-2025-000123"
CASE_TEXT = "beaten at the station by officer Khalid"
ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


def _stored_text(message: OutboxMessage) -> str:
    """Every column of the row as the database holds it."""
    row = OutboxMessage.objects.filter(pk=message.pk).values().get()
    return " ".join(str(value) for value in row.values())


@pytest.mark.parametrize(
    "channel,address",
    [(Channel.EMAIL, "Filer.Name@example.org"), (Channel.SMS, "+962791234567")],
)
def test_the_recipient_is_stored_encrypted(channel: Channel, address: str) -> None:
    if channel == Channel.EMAIL:
        message = notify_email(to=address, subject="s", body="b", reference=REFERENCE)
    else:
        message = notify_sms(to=address, template=SmsTemplate.RECEIVED, reference=REFERENCE)
    stored = _stored_text(message)
    assert address not in stored
    assert address.lower() not in stored.lower()
    assert address.lstrip("+") not in stored
    message.refresh_from_db()
    assert message.recipient_enc.startswith("v1.")
    assert decrypt(message.recipient_enc, context=RECIPIENT_CONTEXT) == address
    assert (message.channel, message.status, message.attempts) == (channel, OutboxStatus.PENDING, 0)
    assert message.next_attempt_at == message.created_at


@pytest.mark.parametrize("language", ["ar", "en", "fr"])
@pytest.mark.parametrize("template", [SmsTemplate.RECEIVED, SmsTemplate.UPDATED])
def test_sms_carries_the_reference_and_nothing_of_the_case(
    template: SmsTemplate, language: str
) -> None:
    message = notify_sms(
        to="+962791234567", template=template, reference=REFERENCE, language=language
    )
    assert REFERENCE in message.body
    assert message.reference == REFERENCE
    assert message.subject == ""
    assert CASE_TEXT not in message.body
    # Only the template's words and the reference: at most a short fixed sentence.
    assert len(message.body.replace(REFERENCE, "")) <= 70


@pytest.mark.parametrize("language", ["ar", "en", "fr"])
def test_sms_code_carries_the_code_only(language: str) -> None:
    message = notify_sms(
        to="+962791234567", template=SmsTemplate.CODE, code="482913", language=language
    )
    assert "482913" in message.body
    assert REFERENCE not in message.body


def test_sms_has_no_parameter_for_case_text() -> None:
    with pytest.raises(TypeError):
        notify_sms(  # type: ignore[call-arg]
            to="+962791234567", template=SmsTemplate.RECEIVED, reference=REFERENCE, body=CASE_TEXT
        )


@pytest.mark.parametrize("template", [SmsTemplate.RECEIVED, SmsTemplate.UPDATED])
def test_sms_is_in_arabic_when_asked(template: SmsTemplate) -> None:
    arabic = notify_sms(to="+962791234567", template=template, reference=REFERENCE, language="ar")
    english = notify_sms(to="+962791234567", template=template, reference=REFERENCE, language="en")
    assert ARABIC_LETTER.search(arabic.body), arabic.body
    assert not ARABIC_LETTER.search(english.body)
    assert REFERENCE in arabic.body


def test_sms_is_in_arabic_by_default() -> None:
    message = notify_sms(to="+962791234567", template=SmsTemplate.CODE, code="482913")
    assert ARABIC_LETTER.search(message.body), message.body


def test_the_sender_is_woken_at_most_once_a_second(monkeypatch: pytest.MonkeyPatch) -> None:
    from insaf.notifications import services, tasks

    kicks: list[int] = []
    monkeypatch.setattr(tasks, "send_outbox_now", lambda: kicks.append(1))
    services._kick_sender()
    services._kick_sender()
    assert len(kicks) == 1
    monkeypatch.setattr(services, "_last_kick", 0.0)
    services._kick_sender()
    assert len(kicks) == 2
