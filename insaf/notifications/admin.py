from __future__ import annotations

from django.contrib import admin

from insaf.core.admin_mixins import ReadOnlyAdmin
from insaf.notifications.models import OutboxMessage

# Everything an operator needs to follow delivery (an audience is a role and a country, not a
# person); never the recipient (encrypted, and not
# decrypted here) nor the subject and body (they may carry case details).
SHOWN_FIELDS = (
    "channel",
    "audience",
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
        "audience",
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
