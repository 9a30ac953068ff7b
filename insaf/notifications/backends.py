"""Delivery backends for the outbox: one ``send(recipient, subject, body) -> None`` per channel.

A backend delivers one message or raises; insaf/notifications/sending.py turns an exception into
a retry. Backends are chosen from settings on every call (so tests can override them):

- e-mail: Django's ``EmailMessage`` through the configured ``EMAIL_BACKEND``
  (``INSAF_EMAIL_BACKEND``: console, file or smtp), from ``DEFAULT_FROM_EMAIL``;
- SMS: ``INSAF_SMS_BACKEND``, a name in ``SMS_BACKENDS``:

  - ``console`` logs one line (logger ``insaf.notifications.sms``, level INFO);
  - ``file`` appends one JSON object per line to ``sms.jsonl`` under ``INSAF_SMS_FILE_PATH``
    (``{"at": ISO time, "to": number, "body": text}``), for a gateway script to pick up.

A real SMS gateway is one more function of the same shape in ``SMS_BACKENDS`` (and its name added
to the values settings accept for ``INSAF_SMS_BACKEND``). A backend's exception messages should
not contain the recipient; sending.py removes addresses and numbers from them anyway.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.utils import timezone

from insaf.notifications.models import Channel

Sender = Callable[[str, str, str], None]
"""``send(recipient, subject, body)``: deliver one message or raise."""

SMS_FILE_NAME = "sms.jsonl"

sms_logger = logging.getLogger("insaf.notifications.sms")


def send_email(recipient: str, subject: str, body: str) -> None:
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient]
    )
    if message.send(fail_silently=False) != 1:
        raise RuntimeError("The e-mail backend accepted no message.")


def send_sms_console(recipient: str, subject: str, body: str) -> None:
    """For the demo and development: the message in the log, on one line."""
    sms_logger.info("SMS to %s: %s", recipient, " ".join(body.split()))


def send_sms_file(recipient: str, subject: str, body: str) -> None:
    """Append one JSON line; the directory and file are private to the process's user.

    One ``write`` of a line opened in append mode, so lines from concurrent workers do not mix.
    """
    directory = Path(settings.INSAF_SMS_FILE_PATH)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    line = json.dumps(
        {"at": timezone.now().isoformat(), "to": recipient, "body": body}, ensure_ascii=False
    )
    with open(
        directory / SMS_FILE_NAME,
        "a",
        encoding="utf-8",
        opener=lambda path, flags: os.open(path, flags, 0o600),
    ) as file:
        file.write(line + "\n")


SMS_BACKENDS: dict[str, Sender] = {
    "console": send_sms_console,
    "file": send_sms_file,
}


def sender_for(channel: str) -> Sender:
    """The backend that delivers ``channel`` under the current settings."""
    if channel == Channel.EMAIL:
        return send_email
    if channel == Channel.SMS:
        name = settings.INSAF_SMS_BACKEND
        try:
            return SMS_BACKENDS[name]
        except KeyError:
            raise ImproperlyConfigured(
                f"INSAF_SMS_BACKEND={name!r} is not one of {', '.join(SMS_BACKENDS)}."
            ) from None
    raise ValueError(f"Unknown notification channel {channel!r}.")
