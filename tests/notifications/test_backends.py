"""The delivery backends: e-mail through Django, SMS to the log or to a JSON-lines file."""

from __future__ import annotations

import json
import logging
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from pytest_django.fixtures import Settings as SettingsWrapper

from insaf.notifications.backends import (
    SMS_FILE_NAME,
    send_email,
    send_sms_console,
    send_sms_file,
    sender_for,
)
from insaf.notifications.models import OutboxMessage, OutboxStatus
from insaf.notifications.sending import SendReport, send_due
from insaf.notifications.services import SmsTemplate, notify_sms


def test_sender_for_follows_the_settings(settings: SettingsWrapper) -> None:
    assert sender_for("email") is send_email
    settings.INSAF_SMS_BACKEND = "console"
    assert sender_for("sms") is send_sms_console
    settings.INSAF_SMS_BACKEND = "file"
    assert sender_for("sms") is send_sms_file
    settings.INSAF_SMS_BACKEND = "pigeon"
    with pytest.raises(ImproperlyConfigured, match="pigeon"):
        sender_for("sms")
    with pytest.raises(ValueError, match="fax"):
        sender_for("fax")


def test_email_uses_the_configured_backend_and_sender(
    settings: SettingsWrapper, mailoutbox: list[Any]
) -> None:
    settings.DEFAULT_FROM_EMAIL = "noreply@insaf.example"
    send_email("filer@example.org", "Subject", "Body")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].from_email == "noreply@insaf.example"
    assert mailoutbox[0].to == ["filer@example.org"]


def test_sms_console_logs_one_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="insaf.notifications.sms"):
        send_sms_console("+962791234567", "", "Insaf: your case\nJO-1 was received.")
    assert [r.getMessage() for r in caplog.records] == [
        "SMS to +962791234567: Insaf: your case JO-1 was received."
    ]


def test_sms_file_appends_json_lines(settings: SettingsWrapper, tmp_path: Path) -> None:
    directory = tmp_path / "outbox" / "sms"
    settings.INSAF_SMS_FILE_PATH = directory
    send_sms_file("+962791234567", "", "إنصاف: JO-1")
    send_sms_file("+201001234567", "", "second")
    path = directory / SMS_FILE_NAME
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert (first["to"], first["body"]) == ("+962791234567", "إنصاف: JO-1")
    assert "إنصاف" in lines[0]  # readable, not \u escapes
    assert (second["to"], second["body"]) == ("+201001234567", "second")
    assert first["at"].endswith("+00:00")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.django_db
def test_sms_through_the_outbox_to_the_file(
    settings: SettingsWrapper, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    settings.INSAF_SMS_BACKEND = "file"
    settings.INSAF_SMS_FILE_PATH = tmp_path / "sms"
    with django_capture_on_commit_callbacks(execute=True):
        message = notify_sms(
            to="+962791234567",
            template=SmsTemplate.UPDATED,
            reference="JO-2025-000007",
            language="en",
        )
    (line,) = (tmp_path / "sms" / SMS_FILE_NAME).read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["to"] == "+962791234567"
    assert record["body"] == "Insaf: there is news on your case JO-2025-000007."
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert send_due() == SendReport()
    assert OutboxMessage.objects.count() == 1
