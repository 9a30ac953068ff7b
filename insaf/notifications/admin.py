from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
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
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
