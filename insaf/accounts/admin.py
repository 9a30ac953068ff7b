"""The Django admin for staff and roles: writes go through the audited services, and a user who is
not a superuser sees only what the selectors in access.py give them."""

from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest, HttpResponse

from insaf.accounts import access
from insaf.accounts.models import Membership, User
from insaf.accounts.roles import Role
from insaf.accounts.services import (
    AUDITED_USER_FIELDS,
    membership_check_scope,
    membership_grant,
    membership_revoke,
    user_create,
    user_set_password,
    user_update,
)
from insaf.core.admin_mixins import ScopedAdmin


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin[User]):
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]
    actions = None
    # Roles are memberships; Django's groups and per-user permissions are not used.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("", {"fields": ("first_name", "last_name", "email")}),
        ("", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    selector = staticmethod(access.staff_for)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        if not change:
            created = user_create(
                actor=actor,
                username=obj.username,
                password=form.cleaned_data.get("password1") or None,
                email=obj.email,
                first_name=obj.first_name,
                last_name=obj.last_name,
            )
            obj.pk = created.pk
            return
        changes = {name: getattr(obj, name) for name in AUDITED_USER_FIELDS}
        user_update(actor=actor, user=User.objects.get(pk=obj.pk), **changes)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Django's password page, with the form's save routed through user_set_password."""
        actor: User = request.user  # type: ignore[assignment]

        class AuditedPasswordForm(self.change_password_form):  # type: ignore[name-defined]
            def save(self, commit: bool = True) -> User:
                data = self.cleaned_data
                password = data["password1"] if data.get("set_usable_password", True) else None
                return user_set_password(actor=actor, user=self.user, password=password)

        # A copy per request, so that concurrent requests never share the actor.
        per_request = copy.copy(self)
        per_request.change_password_form = AuditedPasswordForm
        return super(UserAdmin, per_request).user_change_password(request, id, form_url)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Staff are deactivated, never deleted: the audit log names them.
        return False


class MembershipForm(forms.ModelForm[Membership]):
    class Meta:
        model = Membership
        fields = ["user", "role", "country", "agency", "unit"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role"):
            unit = data.get("unit")
            membership_check_scope(
                role=Role(data["role"]),
                country=data.get("country"),
                agency=data.get("agency") or (unit.agency if unit else None),
                unit=unit,
            )
        return data


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    """Roles are granted and revoked through the audited services; a grant is never edited."""

    form = MembershipForm

    list_display = ["user", "role", "country", "agency", "unit", "created_at"]
    list_filter = ["role", "country"]
    list_select_related = ["user", "country", "agency", "unit"]
    autocomplete_fields = ["user"]
    actions = None

    selector = staticmethod(access.memberships_for)

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
