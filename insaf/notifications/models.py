"""The outbox: every notification is a row written in the transaction of the change that causes
it, and sent afterwards by a background task (insaf/notifications/sending.py), with retries. A crash
never half-sends one and never loses one."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    channel = models.CharField(max_length=8, choices=Channel.choices)
    # The address is personal data when it is a filer's: encrypted like identity fields. Empty
    # for a message to an audience.
    recipient_enc = models.TextField(blank=True)
    # A message to the staff holding a role in a country ("<role>@<country>"), instead of one
    # recipient: the sender replaces it with one message per such person active when it is sent
    # (insaf/notifications/sending.py), so the request that wrote it looked nobody up.
    audience = models.CharField(max_length=64, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    # A message to an audience, written in every language of the interface: language code →
    # [subject, body]. Each member of staff is sent the one of their language (User.language);
    # subject and body above are the default language's.
    versions = models.JSONField(default=dict, blank=True)
    reference = models.CharField(max_length=32, blank=True, db_index=True)
    status = models.CharField(
        max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.channel} #{self.pk} {self.status}"
