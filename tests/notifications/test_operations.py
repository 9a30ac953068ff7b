"""What operators use: the periodic task, `insaf outbox send|status`, the read-only admin."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from huey.api import PeriodicTask
from pytest_django.fixtures import Settings as SettingsWrapper

from insaf.accounts.models import Membership, User
from insaf.accounts.services import user_create, user_update
from insaf.notifications import tasks
from insaf.notifications.models import OutboxMessage, OutboxStatus
from insaf.notifications.services import SmsTemplate, notify_email, notify_sms, notify_staff
from tests.conftest import sign_in_with_second_factor

pytestmark = pytest.mark.django_db

ADDRESS = "filer@example.org"
PHONE = "+962791234567"


@pytest.fixture(autouse=True)
def sms_to_file(settings: SettingsWrapper, tmp_path: Any) -> None:
    settings.INSAF_SMS_BACKEND = "file"
    settings.INSAF_SMS_FILE_PATH = tmp_path / "sms"


def _outbox(*args: str) -> str:
    out = StringIO()
    call_command("outbox", *args, stdout=out)
    return out.getvalue()


def test_the_periodic_task_runs_every_minute_and_sends(mailoutbox: list[Any]) -> None:
    task = tasks.send_outbox_every_minute.task_class
    assert issubclass(task, PeriodicTask)
    start = timezone.now().replace(second=0, microsecond=0)
    assert all(task().validate_datetime(start + timedelta(minutes=m)) for m in range(60))
    notify_email(to=ADDRESS, subject="s", body="b")
    tasks.send_outbox_every_minute.call_local()
    assert len(mailoutbox) == 1


def test_send_now_sends(mailoutbox: list[Any]) -> None:
    notify_email(to=ADDRESS, subject="s", body="b")
    tasks.send_outbox_now()  # immediate mode in tests: runs here
    assert len(mailoutbox) == 1


def test_outbox_send_prints_the_report(mailoutbox: list[Any]) -> None:
    for _ in range(3):
        notify_email(to=ADDRESS, subject="s", body="b")
    assert _outbox("send", "--limit", "2") == "Outbox: sent 2, retried 0, failed 0.\n"
    assert _outbox("send") == "Outbox: sent 1, retried 0, failed 0.\n"
    assert _outbox("send") == "Outbox: sent 0, retried 0, failed 0.\n"
    assert len(mailoutbox) == 3


def test_outbox_send_reports_in_the_command_line_language(
    mailoutbox: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    officer = User.objects.create_user("officer", email="officer@moi.example")
    Membership.objects.create(user=officer, role="oversight_officer", country_id="JO")
    notify_email(to=ADDRESS, subject="s", body="b")
    notify_staff(role="oversight_officer", country="JO", compose=lambda: ("s", "b"))
    monkeypatch.setenv("INSAF_LANGUAGE", "fr")
    assert _outbox("send") == (
        "File d'envoi : 2 envoyé(s), 0 reprogrammé(s), 0 en échec, 1 message(s) collectif(s) "
        "réparti(s) entre leurs destinataires.\n"
    )
    assert len(mailoutbox) == 2
    notify_email(to=ADDRESS, subject="s", body="b")
    monkeypatch.setenv("INSAF_LANGUAGE", "ar")
    assert _outbox("send") == ("صندوق الصادر: أُرسلت 1، وأُعيدت جدولة 0 لمحاولة لاحقة، وفشلت 0.\n")


def _some_messages() -> None:
    """Two e-mails pending, one SMS failed, one message to an audience pending."""
    notify_email(to=ADDRESS, subject="s", body="b")
    notify_email(to=ADDRESS, subject="s", body="b")
    notify_sms(to=PHONE, template=SmsTemplate.RECEIVED, reference="JO-1")
    notify_staff(role="oversight_officer", country="JO", compose=lambda: ("s", "b"))
    OutboxMessage.objects.filter(channel="sms").update(status=OutboxStatus.FAILED)


def test_outbox_status_counts_by_status_and_channel() -> None:
    _some_messages()
    lines = _outbox("status").splitlines()
    assert lines[0].split() == ["Status", "E-mail", "SMS", "Audience", "Total"]
    assert [line.split() for line in lines[1:]] == [
        ["Pending", "2", "0", "1", "3"],
        ["Sending", "0", "0", "0", "0"],
        ["Sent", "0", "0", "0", "0"],
        ["Failed", "0", "1", "0", "1"],
    ]


def _end(text: str) -> int:
    """The terminal column where ``text`` ends: combining vowel signs take none."""
    return sum(not unicodedata.combining(char) for char in text)


@pytest.mark.parametrize(
    ("language", "headings", "statuses"),
    [
        (
            "ar",
            ["الحالة", "البريد الإلكتروني", "رسالة نصية", "إلى فئة", "المجموع"],
            ["قيد الانتظار", "قيد الإرسال", "أُرسلت", "فشل الإرسال"],
        ),
        (
            "fr",
            ["Statut", "E-mail", "SMS", "Collectifs", "Total"],
            ["En attente", "En cours d'envoi", "Envoyé", "Échec"],
        ),
    ],
)
def test_outbox_status_in_the_command_line_language(
    monkeypatch: pytest.MonkeyPatch, language: str, headings: list[str], statuses: list[str]
) -> None:
    """Headings and statuses are translated; the figures stay in their columns, which are as
    wide as the words (at least two spaces between columns, whatever the language)."""
    _some_messages()
    monkeypatch.setenv("INSAF_LANGUAGE", language)
    heading, *rows = _outbox("status").splitlines()
    assert re.split(r" {2,}", heading) == headings
    assert [re.split(r" {2,}", row) for row in rows] == [
        [statuses[0], "2", "0", "1", "3"],
        [statuses[1], "0", "0", "0", "0"],
        [statuses[2], "0", "0", "0", "0"],
        [statuses[3], "0", "1", "0", "1"],
    ]
    # Each number ends in the column where its heading ends.
    ends = [_end(heading[: m.end()]) for m in re.finditer(r"\S+(?: \S+)*", heading)]
    for row in rows:
        assert [_end(row[: m.end()]) for m in re.finditer(r"\d+", row)] == ends[1:]


def _verified_superuser_client() -> Client:
    user = user_create(actor=None, username="root", password="a-long-test-password")
    user = user_update(actor=None, user=user, is_staff=True, is_superuser=True)
    assert isinstance(user, User)
    return sign_in_with_second_factor(Client(), user)


def test_the_admin_is_read_only_and_never_shows_the_recipient() -> None:
    message = notify_email(
        to=ADDRESS, subject="Your case", body="Secret case body", reference="JO-2025-000009"
    )
    OutboxMessage.objects.filter(pk=message.pk).update(last_error="TimeoutError: timed out")
    client = _verified_superuser_client()
    listing = client.get("/admin/notifications/outboxmessage/")
    detail = client.get(f"/admin/notifications/outboxmessage/{message.pk}/change/")
    for response in (listing, detail):
        assert response.status_code == 200
        html = response.content.decode()
        assert "JO-2025-000009" in html
        assert "TimeoutError: timed out" in html
        assert ADDRESS not in html
        assert message.recipient_enc not in html
        assert "Secret case body" not in html
    assert client.get("/admin/notifications/outboxmessage/add/").status_code == 403
    assert (
        client.post(
            f"/admin/notifications/outboxmessage/{message.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert OutboxMessage.objects.filter(pk=message.pk).exists()
    model_admin = admin.site._registry[OutboxMessage]
    assert "recipient_enc" not in model_admin.get_fields(None)  # type: ignore[arg-type]
