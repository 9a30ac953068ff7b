"""Shared enumerations of the reference data."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    """ISO weekday numbers, as ``date.isoweekday()`` returns them."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class AgencyType(models.TextChoices):
    PUBLIC_SECURITY = "public_security", _("Public security")
    PASSPORTS_IMMIGRATION = "passports_immigration", _("Passports and immigration")
    CIVIL_STATUS = "civil_status", _("Civil status")
    TRAFFIC = "traffic", _("Traffic")
    CORRECTIONS = "corrections", _("Correction and rehabilitation")
    HUMAN_RIGHTS_OFFICE = "human_rights_office", _("Human-rights office")
    CIVIL_DEFENCE = "civil_defence", _("Civil defence")
    CRIMINAL_INVESTIGATION = "criminal_investigation", _("Criminal investigation")
    OTHER = "other", _("Other")


class UnitType(models.TextChoices):
    POLICE_STATION = "police_station", _("Police station")
    CORRECTION_CENTRE = "correction_centre", _("Correction and rehabilitation centre")
    DEPARTMENT = "department", _("Department")
    BORDER_POST = "border_post", _("Border post")
    OFFICE = "office", _("Office")
