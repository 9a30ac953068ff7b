"""Writing notifications into the outbox (the sending side is insaf/notifications/sending.py).

Call these inside the transaction of the change that causes the notification. An SMS never
carries case content: only fixed templates with the case reference (or a one-time code) exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from insaf.core.bulkinsert import insert_one
from insaf.core.crypto import encrypt
from insaf.notifications.models import Channel, OutboxMessage

RECIPIENT_CONTEXT = "notifications.outbox.recipient"


class SmsTemplate(StrEnum):
    RECEIVED = "received"
    UPDATED = "updated"
    CODE = "code"


def _sms_text(template: SmsTemplate, *, reference: str, code: str) -> str:
    if template == SmsTemplate.RECEIVED:
        return _("Insaf: your case %(reference)s was received.") % {"reference": reference}
    if template == SmsTemplate.UPDATED:
        return _("Insaf: there is news on your case %(reference)s.") % {"reference": reference}
    return _("Insaf: your one-time code is %(code)s.") % {"code": code}


def _enqueue(
    *,
    channel: Channel,
    to: str,
    subject: str,
    body: str,
    reference: str,
    audience: str = "",
    versions: dict[str, list[str]] | None = None,
) -> OutboxMessage:
    now = timezone.now()
    message = OutboxMessage(
        channel=channel,
        recipient_enc=encrypt(to, context=RECIPIENT_CONTEXT) if to else "",
        audience=audience,
        subject=subject,
        body=body,
        versions=versions or {},
        reference=reference,
        next_attempt_at=now,
        created_at=now,
    )
    insert_one(message)
    # robust: a queue that cannot be reached must not fail a request whose data is committed;
    # the periodic task sends the message anyway.
    transaction.on_commit(_kick_sender, robust=True)
    return message


# One kick a second per process is enough: a run of the sender sends everything then due.
KICK_INTERVAL_SECONDS = 1.0
_last_kick = 0.0


def _kick_sender() -> None:
    """Ask the background worker to send now rather than at its next periodic run."""
    global _last_kick
    now = time.monotonic()
    if now - _last_kick < KICK_INTERVAL_SECONDS:
        return
    _last_kick = now
    from insaf.notifications.tasks import send_outbox_now

    send_outbox_now()


def notify_email(*, to: str, subject: str, body: str, reference: str = "") -> OutboxMessage:
    return _enqueue(channel=Channel.EMAIL, to=to, subject=subject, body=body, reference=reference)


def audience_of(role: str, country: str) -> str:
    """The audience of the staff holding ``role`` in ``country``."""
    return f"{role}@{country}"


def notify_staff(
    *, role: str, country: str, compose: Callable[[], tuple[str, str]], reference: str = ""
) -> OutboxMessage:
    """An e-mail to every active member of staff holding ``role`` in ``country`` with an address,
    as they are when it is sent: one row now, looked up and split by the sender. ``compose``
    returns the subject and the body; it is called once in each language of the interface, and
    each recipient is sent the version of their own (``User.language``)."""
    versions: dict[str, list[str]] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            subject, body = compose()
        versions[code] = [subject, body]
    subject, body = versions[settings.LANGUAGE_CODE]
    return _enqueue(
        channel=Channel.EMAIL,
        to="",
        subject=subject,
        body=body,
        reference=reference,
        audience=audience_of(role, country),
        versions=versions,
    )


def notify_sms(
    *,
    to: str,
    template: SmsTemplate,
    reference: str = "",
    code: str = "",
    language: str = "ar",
) -> OutboxMessage:
    with translation.override(language):
        body = _sms_text(template, reference=reference, code=code)
    return _enqueue(channel=Channel.SMS, to=to, subject="", body=body, reference=reference)
