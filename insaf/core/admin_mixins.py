"""Shapes shared by the admin pages of every app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest


class ScopedAdmin(admin.ModelAdmin[Any]):
    """Lists what ``selector`` (an insaf/accounts/access.py function) gives a user who is not a
    superuser."""

    selector: staticmethod[[Any], QuerySet[Any]]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        if request.user.is_superuser:
            return super().get_queryset(request)
        return self.selector(request.user)


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Rows written only by their app's services: shown, never added, changed or deleted here."""

    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
