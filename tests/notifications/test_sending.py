"""send_due: delivery after commit, retries with backoff, stale claims reclaimed, no double send."""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from insaf.notifications import backends
from insaf.notifications.models import OutboxMessage, OutboxStatus
from insaf.notifications.sending import (
    BACKOFF,
    CLAIM_DURATION,
    MAX_ATTEMPTS,
    NOBODY_ERROR,
    SendReport,
    send_due,
    short_error,
)
from insaf.notifications.services import SmsTemplate, notify_email, notify_sms, notify_staff

pytestmark = pytest.mark.django_db

PHONE = "+962791234567"
ADDRESS = "filer@example.org"


@pytest.fixture
def sms_file(settings: SettingsWrapper, tmp_path: Any) -> Any:
    settings.INSAF_SMS_BACKEND = "file"
    settings.INSAF_SMS_FILE_PATH = tmp_path / "sms"
    return tmp_path / "sms" / backends.SMS_FILE_NAME


@pytest.fixture
def sms_calls(monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper) -> list[tuple[str, str]]:
    """Replace the file SMS backend by one that records (recipient, body)."""
    calls: list[tuple[str, str]] = []
    settings.INSAF_SMS_BACKEND = "file"
    monkeypatch.setitem(
        backends.SMS_BACKENDS, "file", lambda to, subject, body: calls.append((to, body))
    )
    return calls


def _later() -> datetime:
    """A moment when every row created so far is due."""
    return timezone.now() + timedelta(seconds=1)


def _sms(reference: str = "JO-2025-000001") -> OutboxMessage:
    return notify_sms(to=PHONE, template=SmsTemplate.RECEIVED, reference=reference, language="en")


def test_email_written_in_a_transaction_is_sent_after_commit(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            message = notify_email(
                to=ADDRESS, subject="Case JO-2025-000001", body="Hello", reference="JO-2025-000001"
            )
            assert mailoutbox == []
        assert mailoutbox == []  # not before the callbacks run, i.e. after the commit
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [ADDRESS]
    assert mailoutbox[0].subject == "Case JO-2025-000001"
    assert mailoutbox[0].body == "Hello"
    assert mailoutbox[0].from_email == "insaf@localhost"
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.claimed_until is None
    assert message.last_error == ""


def test_a_rolled_back_notification_is_never_sent(
    mailoutbox: list[Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify_email(to=ADDRESS, subject="s", body="b")
            raise RuntimeError("the change failed")
    assert callbacks == []
    assert not OutboxMessage.objects.exists()
    assert send_due(now=_later()) == SendReport()
    assert mailoutbox == []


def test_sms_written_in_a_transaction_is_sent_after_commit(
    sms_calls: list[tuple[str, str]], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        message = _sms("JO-2025-000042")
    assert sms_calls == [(PHONE, "Insaf: your case JO-2025-000042 was received.")]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_a_failing_backend_retries_with_backoff_then_fails(
    monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper
) -> None:
    calls: list[str] = []

    def refuse(to: str, subject: str, body: str) -> None:
        calls.append(to)
        raise ConnectionError(f"gateway refused {to}")

    settings.INSAF_SMS_BACKEND = "file"
    monkeypatch.setitem(backends.SMS_BACKENDS, "file", refuse)
    message = _sms()
    now = _later()
    for attempt in range(1, MAX_ATTEMPTS):
        assert send_due(now=now) == SendReport(retried=1)
        message.refresh_from_db()
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == attempt
        assert message.next_attempt_at == now + BACKOFF[attempt - 1]
        assert message.last_error == "ConnectionError: gateway refused <recipient>"
        assert message.claimed_until is None
        # Not due a moment before the backoff ends.
        assert send_due(now=message.next_attempt_at - timedelta(seconds=1)) == SendReport()
        now = message.next_attempt_at
    assert [b.total_seconds() for b in BACKOFF] == [60, 300, 1800, 7200, 43200]

    assert send_due(now=now) == SendReport(failed=1)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == MAX_ATTEMPTS == 6
    assert message.sent_at is None
    assert PHONE not in message.last_error
    assert len(calls) == MAX_ATTEMPTS
    # A failed message is never tried again.
    assert send_due(now=now + timedelta(days=30)) == SendReport()
    assert len(calls) == MAX_ATTEMPTS


def test_a_retry_that_succeeds_clears_the_error(
    monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper
) -> None:
    outcomes = [ConnectionError("timeout"), None]

    def flaky(to: str, subject: str, body: str) -> None:
        outcome = outcomes.pop(0)
        if outcome:
            raise outcome

    settings.INSAF_SMS_BACKEND = "file"
    monkeypatch.setitem(backends.SMS_BACKENDS, "file", flaky)
    message = _sms()
    now = _later()
    assert send_due(now=now) == SendReport(retried=1)
    assert send_due(now=now + BACKOFF[0]) == SendReport(sent=1)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 2, "")
    assert message.sent_at == now + BACKOFF[0]


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses the recipient, quoting the address as real servers do."""

    def send_messages(self, email_messages: Any) -> int:
        to = email_messages[0].to[0]
        raise smtplib.SMTPRecipientsRefused({to: (550, f"5.1.1 <{to.upper()}>: unknown".encode())})


def test_an_smtp_error_is_stored_without_the_address(settings: SettingsWrapper) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    message = notify_email(to=ADDRESS, subject="s", body="b")
    assert send_due(now=_later()) == SendReport(retried=1)
    message.refresh_from_db()
    assert message.last_error.startswith("SMTPRecipientsRefused: ")
    assert "550" in message.last_error
    assert "filer" not in message.last_error.lower()
    assert "example.org" not in message.last_error.lower()


def test_a_recipient_that_cannot_be_decrypted_is_retried(sms_calls: list[Any]) -> None:
    message = _sms()
    OutboxMessage.objects.filter(pk=message.pk).update(recipient_enc="v1.gone.AAAA")
    assert send_due(now=_later()) == SendReport(retried=1)
    message.refresh_from_db()
    assert message.last_error.startswith("DecryptionError: ")
    assert sms_calls == []


def test_a_stale_sending_row_is_reclaimed(sms_calls: list[tuple[str, str]]) -> None:
    message = _sms()
    now = _later()
    # A worker claimed it, then crashed: its claim ran out a second ago.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, attempts=1, claimed_until=now - timedelta(seconds=1)
    )
    assert send_due(now=now) == SendReport(sent=1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)
    assert len(sms_calls) == 1


def test_a_row_claimed_by_a_live_worker_is_left_alone(sms_calls: list[tuple[str, str]]) -> None:
    message = _sms()
    now = _later()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, attempts=1, claimed_until=now + timedelta(minutes=4)
    )
    assert send_due(now=now) == SendReport()
    assert sms_calls == []
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENDING


def test_a_worker_that_stops_on_the_last_attempt_fails_the_row(
    sms_calls: list[tuple[str, str]],
) -> None:
    message = _sms()
    now = _later()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, attempts=MAX_ATTEMPTS, claimed_until=now - timedelta(seconds=1)
    )
    assert send_due(now=now) == SendReport(failed=1)
    assert sms_calls == []
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert "stopped" in message.last_error


def test_a_row_claimed_by_another_worker_meanwhile_is_not_sent_twice(
    monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper
) -> None:
    """Worker 1 selects both rows; while it sends the first, worker 2 claims and sends the
    second. Worker 1's conditional claim of the second then changes nothing, so it skips it."""
    sent: list[str] = []
    now = _later()

    def send(to: str, subject: str, body: str) -> None:
        sent.append(body)
        if len(sent) == 1:
            assert send_due(now=now) == SendReport(sent=1)  # worker 2, during worker 1's send

    settings.INSAF_SMS_BACKEND = "file"
    monkeypatch.setitem(backends.SMS_BACKENDS, "file", send)
    first, second = _sms("JO-2025-000001"), _sms("JO-2025-000002")
    assert send_due(now=now) == SendReport(sent=1)  # worker 1
    assert sorted(sent) == sorted([first.body, second.body])
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}


def test_an_outcome_is_not_saved_over_a_reclaimed_row(
    monkeypatch: pytest.MonkeyPatch, settings: SettingsWrapper
) -> None:
    """A send that outlives its claim: another worker reclaims the row; the slow worker's
    outcome must not overwrite the new claim."""
    now = _later()
    late = now + CLAIM_DURATION + timedelta(seconds=1)
    calls: list[str] = []

    def slow(to: str, subject: str, body: str) -> None:
        calls.append(body)
        if len(calls) == 1:
            # While worker 1 is stuck, its claim runs out and worker 2 reclaims and sends.
            assert send_due(now=late) == SendReport(sent=1)

    settings.INSAF_SMS_BACKEND = "file"
    monkeypatch.setitem(backends.SMS_BACKENDS, "file", slow)
    message = _sms()
    assert send_due(now=now) == SendReport()  # worker 1's outcome was not saved
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == (OutboxStatus.SENT, 2, late)
    assert len(calls) == 2  # at least once: the slow send and the resend


def test_limit_and_order(sms_calls: list[tuple[str, str]]) -> None:
    for n in range(3):
        _sms(f"JO-2025-00000{n}")
    now = _later()
    assert send_due(limit=2, now=now) == SendReport(sent=2)
    assert [body.split()[3] for _, body in sms_calls] == ["JO-2025-000000", "JO-2025-000001"]
    assert send_due(limit=2, now=now) == SendReport(sent=1)
    assert sms_calls[-1][1].split()[3] == "JO-2025-000002"


@pytest.mark.parametrize(
    "error,expected",
    [
        (ValueError("refused +962 79 123 4567 today"), "ValueError: refused <number> today"),
        (ValueError("bad <Someone@Example.org>"), "ValueError: bad <<address>>"),
        (ValueError("450 4.2.1 try later"), "ValueError: 450 4.2.1 try later"),
        (TimeoutError(), "TimeoutError"),
        (ValueError("x" * 500), "ValueError: " + "x" * 187 + "…"),
    ],
)
def test_short_error(error: Exception, expected: str) -> None:
    assert short_error(error) == expected
    assert len(short_error(error)) <= 200


def test_short_error_removes_the_recipient_in_any_case() -> None:
    assert short_error(OSError("no route to Filer@Example.ORG"), "filer@example.org") == (
        "OSError: no route to <recipient>"
    )


# --- Messages to an audience ----------------------------------------------------------------------
def _staff(username: str, role: str, country: str, *, email: str, active: bool = True) -> Any:
    from insaf.accounts.models import Membership, User

    user = User.objects.create_user(username, email=email, is_active=active)
    Membership.objects.create(user=user, role=role, country_id=country)
    return user


def _to_oversight(reference: str = "JO-2025-000001") -> OutboxMessage:
    return notify_staff(
        role="oversight_officer",
        country="JO",
        compose=lambda: (f"Grave case {reference}", "Placed in the oversight queue."),
        reference=reference,
    )


def test_an_audience_is_told_as_it_is_when_sent(mailoutbox: list[Any]) -> None:
    """The recipients are looked up when the sender runs, not when the message was written:
    an officer deactivated meanwhile is not told, one appointed meanwhile is."""
    leaving = _staff("leaving", "oversight_officer", "JO", email="leaving@moi.example")
    message = _to_oversight()
    assert message.audience == "oversight_officer@JO" and message.recipient_enc == ""
    leaving.is_active = False
    leaving.save(update_fields=["is_active"])
    _staff("arriving", "oversight_officer", "JO", email="arriving@moi.example")
    _staff("nomail", "oversight_officer", "JO", email="")
    _staff("other-role", "unit_head", "JO", email="head@moi.example")
    _staff("other-country", "oversight_officer", "TN", email="tn@moi.example")
    _staff("second", "oversight_officer", "JO", email="second@moi.example")
    assert send_due(now=_later()) == SendReport(sent=2, split=1)
    assert sorted(m.to[0] for m in mailoutbox) == ["arriving@moi.example", "second@moi.example"]
    assert {(m.subject, m.body) for m in mailoutbox} == {
        ("Grave case JO-2025-000001", "Placed in the oversight queue.")
    }
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    rows = OutboxMessage.objects.filter(reference="JO-2025-000001", audience="")
    assert set(rows.values_list("status", flat=True)) == {OutboxStatus.SENT}
    # Run again: the audience is not split twice, nobody is told twice.
    assert send_due(now=_later()) == SendReport()
    assert len(mailoutbox) == 2


def test_an_audience_with_nobody_in_it_fails_with_the_reason(mailoutbox: list[Any]) -> None:
    message = notify_staff(
        role="oversight_officer",
        country="JO",
        compose=lambda: ("s", "b"),
        reference="JO-2025-000009",
    )
    assert send_due(now=_later()) == SendReport(failed=1)
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.last_error == NOBODY_ERROR
    assert mailoutbox == []
    assert send_due(now=_later()) == SendReport()


def test_a_split_rolled_back_leaves_the_audience_pending(
    monkeypatch: pytest.MonkeyPatch, mailoutbox: list[Any]
) -> None:
    """The claim and the recipients' rows are one transaction: a failure between them loses
    nothing, and the next run splits the message."""
    from insaf.notifications import sending

    _staff("officer", "oversight_officer", "JO", email="officer@moi.example")
    message = _to_oversight()

    def broken(audience: str) -> list[tuple[str, str]]:
        raise RuntimeError("the database went away")

    original = sending._addresses_of
    monkeypatch.setattr(sending, "_addresses_of", broken)
    with pytest.raises(RuntimeError):
        send_due(now=_later())
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert OutboxMessage.objects.count() == 1
    monkeypatch.setattr(sending, "_addresses_of", original)
    assert send_due(now=_later()) == SendReport(sent=1, split=1)
    assert [m.to for m in mailoutbox] == [["officer@moi.example"]]


def test_each_member_of_an_audience_reads_it_in_their_language(mailoutbox: list[Any]) -> None:
    """An alert to the oversight office is written in every language of the interface, and each
    officer is sent it in the language of their preferences."""
    from django.utils.translation import gettext as _

    for username, language in (("amal", "ar"), ("james", "en"), ("claire", "fr")):
        officer = _staff(username, "oversight_officer", "JO", email=f"{username}@moi.example")
        officer.language = language
        officer.save(update_fields=["language"])

    def compose() -> tuple[str, str]:
        subject = _("Grave case %(reference)s") % {"reference": "JO-2025-000004"}
        return subject, _("Your preferences were saved.")

    message = notify_staff(
        role="oversight_officer", country="JO", compose=compose, reference="JO-2025-000004"
    )
    # The row itself holds the default language's (Arabic) version.
    assert message.subject == "قضية جسيمة JO-2025-000004"
    assert send_due(now=_later()) == SendReport(sent=3, split=1)
    told = {m.to[0]: (m.subject, m.body) for m in mailoutbox}
    assert told == {
        "amal@moi.example": ("قضية جسيمة JO-2025-000004", "حُفظت تفضيلاتك."),
        "james@moi.example": ("Grave case JO-2025-000004", "Your preferences were saved."),
        "claire@moi.example": (
            "Dossier grave JO-2025-000004",
            "Vos préférences ont été enregistrées.",
        ),
    }


def test_an_audience_message_written_before_its_versions_keeps_its_text(
    mailoutbox: list[Any],
) -> None:
    """A message to an audience queued by an earlier version (no versions) is sent as written."""
    officer = _staff("james", "oversight_officer", "JO", email="james@moi.example")
    officer.language = "en"
    officer.save(update_fields=["language"])
    message = _to_oversight("JO-2025-000005")
    OutboxMessage.objects.filter(pk=message.pk).update(versions={})
    assert send_due(now=_later()) == SendReport(sent=1, split=1)
    assert [(m.subject, m.body) for m in mailoutbox] == [
        ("Grave case JO-2025-000005", "Placed in the oversight queue.")
    ]
