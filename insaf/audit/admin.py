from __future__ import annotations

from django.contrib import admin

from insaf.accounts import access
from insaf.audit.models import Event
from insaf.core.admin_mixins import ReadOnlyAdmin, ScopedAdmin


@admin.register(Event)
class EventAdmin(ScopedAdmin, ReadOnlyAdmin):
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
    selector = staticmethod(access.audit_events_for)
