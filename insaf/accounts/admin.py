from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from insaf.accounts.models import Membership, User
from insaf.accounts.services import membership_grant, membership_revoke


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    """Roles are granted and revoked through the audited services; a grant is never edited."""

    list_display = ["user", "role", "country", "agency", "unit", "created_at"]
    list_filter = ["role", "country"]
    list_select_related = ["user", "country", "agency", "unit"]
    autocomplete_fields = ["user"]
    actions = None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        saved = membership_grant(
            actor=request.user,  # type: ignore[arg-type]
            user=obj.user,
            role=obj.role,  # type: ignore[arg-type]
            country=obj.country,
            agency=obj.agency,
            unit=obj.unit,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_revoke(actor=request.user, membership=obj)  # type: ignore[arg-type]
