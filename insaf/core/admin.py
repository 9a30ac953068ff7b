from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from insaf.accounts import access
from insaf.core.admin_mixins import ScopedAdmin
from insaf.core.models import Agency, Country, Governorate, Holiday, Unit
from insaf.core.services import holiday_add, holiday_remove


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin[Country]):
    list_display = ["iso2", "name_ar", "name_en", "name_fr", "timezone", "weekend"]
    readonly_fields = ["iso2", "iso3"]
    search_fields = ["iso2", "name_ar", "name_en", "name_fr"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Governorate)
class GovernorateAdmin(admin.ModelAdmin[Governorate]):
    list_display = ["code", "name_ar", "name_en", "country"]
    list_filter = ["country"]


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    selector = staticmethod(access.agencies_for)
    list_display = ["code", "name_ar", "name_en", "type", "country"]
    list_filter = ["country", "type"]


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    selector = staticmethod(access.units_for)
    list_display = ["code", "name_ar", "name_en", "type", "agency", "governorate"]
    list_filter = ["agency__country", "type"]
    list_select_related = ["agency", "governorate"]


@admin.register(Holiday)
class HolidayAdmin(ScopedAdmin):
    """Holidays go through the audited services; an entered holiday is removed, not edited."""

    selector = staticmethod(access.holidays_for)
    list_display = ["date", "name", "country"]
    list_filter = ["country"]
    date_hierarchy = "date"
    actions = None

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Holiday, form: Any, change: bool) -> None:
        saved = holiday_add(actor=request.user, country=obj.country, date=obj.date, name=obj.name)  # type: ignore[arg-type]
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Holiday) -> None:
        holiday_remove(actor=request.user, holiday=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Holiday]) -> None:
        for holiday in queryset:
            holiday_remove(actor=request.user, holiday=holiday)  # type: ignore[arg-type]
