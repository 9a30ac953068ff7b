"""Admin pages: the complaint configuration of a country (audited writes), and a read-only,
scoped list of cases. Case work happens in the workspace and the API, never in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from insaf.complaints.models import Complaint, CountryPolicy, DeadlinePolicy, RoutingRule
from insaf.complaints.selectors import cases_for
from insaf.complaints.services.config import config_delete, config_save
from insaf.core.admin_mixins import ReadOnlyAdmin


class AuditedConfigAdmin(admin.ModelAdmin[Any]):
    actions = None

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        config_save(actor=request.user, obj=obj)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        config_delete(actor=request.user, obj=obj)  # type: ignore[arg-type]


@admin.register(CountryPolicy)
class CountryPolicyAdmin(AuditedConfigAdmin):
    list_display = ["country", "appeal_days", "intake_unit", "oversight_unit"]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(AuditedConfigAdmin):
    list_display = ["country", "priority", "ack_hours", "ack_days", "resolve_days"]
    list_filter = ["country", "priority"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedConfigAdmin):
    list_display = ["country", "order", "category", "agency", "governorate", "unit"]
    list_filter = ["country", "category"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    """Read-only: no identity, no text editing; the list is scoped like every read."""

    list_display = [
        "reference",
        "status",
        "kind",
        "category",
        "priority",
        "grave",
        "handling_unit",
        "received_at",
        "resolve_due_at",
    ]
    list_filter = ["status", "priority", "grave", "kind", "category", "oversight"]
    search_fields = ["reference", "external_id"]
    exclude = ["receipt_hash", "text", "triage_details"]
    list_select_related = ["handling_unit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        return cases_for(request.user)  # no superuser exception: cases are always scoped
