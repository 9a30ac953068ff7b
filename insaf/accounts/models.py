"""Staff users and their memberships (user, role, country, optional agency or unit)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from insaf.accounts.roles import Role
from insaf.core.models import Agency, Country, Unit


class DateCalendar(models.TextChoices):
    GREGORIAN = "gregorian", _("Gregorian")
    HIJRI = "hijri", _("Hijri (Umm al-Qura)")


class User(AbstractUser):
    """A member of staff. What a user may see and do comes only from their memberships."""

    # How the pages write dates for this user (Saudi offices work in Hijri dates).
    calendar = models.CharField(
        _("calendar"),
        max_length=10,
        choices=DateCalendar.choices,
        default=DateCalendar.GREGORIAN,
    )
    # The language of the e-mails this user is sent (the pages follow the language chosen in
    # them): the oversight office's alerts and the deadline escalations.
    language = models.CharField(
        _("language of e-mails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")


class Membership(models.Model):
    """Ties a user to a role in a country, optionally narrowed to one agency or one unit.

    The country is empty only for the secretariat analyst, whose scope is the whole region (and
    who sees aggregate figures only).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("country"),
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("agency"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("unit"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(country__isnull=False)
                | models.Q(role=Role.SECRETARIAT_ANALYST, agency__isnull=True, unit__isnull=True),
                name="membership_country_required",
            ),
            # Coalesce so that two region-wide (NULL) scopes also count as the same scope.
            models.UniqueConstraint(
                "user",
                "role",
                Coalesce("country", Value("")),
                Coalesce("agency", Value(0)),
                Coalesce("unit", Value(0)),
                name="membership_unique",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit or self.agency or self.country or _("Region")
        return f"{self.user} · {self.get_role_display()} · {scope}"
