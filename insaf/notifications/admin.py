from __future__ import annotations

from django.contrib import admin

from insaf.core.admin_mixins import ReadOnlyAdmin
from insaf.notifications.models import OutboxMessage

# Everything an operator needs to follow delivery; never the recipient (encrypted, and not
# decrypted here) nor the subject and body (they may carry case details).
SHOWN_FIELDS = (
    "channel",
    "status",
    "attempts",
    "reference",
    "created_at",
    "next_attempt_at",
    "claimed_until",
    "sent_at",
    "last_error",
)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """Read-only: rows are written by insaf.notifications.services and sending.send_due."""

    list_display = [
        "id",
        "channel",
        "status",
        "attempts",
        "reference",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["reference"]
    fields = SHOWN_FIELDS
    readonly_fields = SHOWN_FIELDS
    ordering = ["-created_at"]
