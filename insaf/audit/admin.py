from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from insaf.accounts import access
from insaf.audit.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    """Read-only: the audit log is written only by insaf.audit.services.audit_record."""

    list_display = [
        "seq",
        "created_at",
        "actor_label",
        "verb_label",
        "target_type",
        "target_id",
        "country",
    ]
    list_filter = ["verb", "country"]
    search_fields = ["actor_label", "target_id"]
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        if request.user.is_superuser:
            return super().get_queryset(request)
        return access.audit_events_for(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
