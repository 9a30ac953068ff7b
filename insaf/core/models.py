"""Reference data: member states, their organisations (country → agency → unit) and holidays."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from insaf.core.enums import AgencyType, UnitType


class TranslatedName(models.Model):
    """Names kept in the three interface languages; ``name`` picks the active one."""

    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fr = models.CharField(_("name (French)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "ar")[:2]
        return str(getattr(self, f"name_{language}", "") or self.name_ar)


class Country(TranslatedName):
    """A member state of the League of Arab States (loaded from data/member-states.csv)."""

    iso2 = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    iso3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    short_ar = models.CharField(_("short name (Arabic)"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=64)
    # ISO weekday numbers (Monday=1 ... Sunday=7) of the official weekly rest days, comma-separated.
    weekend = models.CharField(_("weekend days"), max_length=20)
    workday_start = models.TimeField(_("working day starts"), default=dt.time(8, 0))
    workday_end = models.TimeField(_("working day ends"), default=dt.time(15, 0))
    calling_code = models.CharField(_("calling code"), max_length=8)
    currency = models.CharField(_("currency"), max_length=3)
    languages_official = models.CharField(_("official languages"), max_length=20)

    class Meta:
        ordering = ["iso2"]
        verbose_name = _("member state")
        verbose_name_plural = _("member states")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(workday_start__lt=models.F("workday_end")),
                name="country_workday_start_before_end",
            ),
        ]

    @property
    def name(self) -> str:
        language = (get_language() or "ar")[:2]
        if language == "ar":
            return self.short_ar
        return str(getattr(self, f"name_{language}", "") or self.name_en)

    @property
    def weekend_days(self) -> frozenset[int]:
        return frozenset(int(day) for day in self.weekend.split(",") if day)


class Governorate(TranslatedName):
    """A governorate, region or province of a member state."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="governorates")
    code = models.SlugField(_("code"), max_length=40)

    class Meta:
        ordering = ["country", "name_ar"]
        verbose_name = _("governorate")
        verbose_name_plural = _("governorates")
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="governorate_unique_code"),
        ]


class Agency(TranslatedName):
    """A security agency of a member state's interior ministry."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="agencies")
    code = models.SlugField(_("code"), max_length=40)
    type = models.CharField(_("type"), max_length=40, choices=AgencyType.choices)

    class Meta:
        ordering = ["country", "code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(fields=["country", "code"], name="agency_unique_code"),
        ]


class Unit(TranslatedName):
    """A unit of an agency: a police station, a centre, a department."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="units")
    code = models.SlugField(_("code"), max_length=40)
    type = models.CharField(_("type"), max_length=40, choices=UnitType.choices)
    governorate = models.ForeignKey(
        Governorate,
        on_delete=models.PROTECT,
        related_name="units",
        null=True,
        blank=True,
        verbose_name=_("governorate"),
    )

    class Meta:
        ordering = ["agency", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="unit_unique_code"),
        ]


class Holiday(models.Model):
    """A public holiday on which a country's offices are closed (entered by its administrator)."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="holidays")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["country", "date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        constraints = [
            models.UniqueConstraint(fields=["country", "date"], name="holiday_unique_date"),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}"


class RateCount(models.Model):
    """One client's attempts in one window of a rate limit (insaf/api/ratelimit.py), counted in
    the database when there is no Redis, so that every process and server shares the count. Not
    shown anywhere; rows whose window has ended are deleted as new windows start."""

    key = models.CharField(max_length=120, primary_key=True)
    count = models.PositiveIntegerField()
    # When the window ends, in seconds since the epoch.
    expires = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
