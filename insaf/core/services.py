"""Writes on reference data administrators maintain (holidays), each audited in its transaction."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.core.models import Country, Holiday

if TYPE_CHECKING:
    from insaf.accounts.models import User


def holiday_add(*, actor: User | None, country: Country, date: dt.date, name: str) -> Holiday:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the holiday a name.")})
    with transaction.atomic():
        if Holiday.objects.filter(country=country, date=date).exists():
            raise ValidationError({"date": _("This date is already a holiday.")})
        holiday = Holiday.objects.create(country=country, date=date, name=name)
        audit_record(
            actor=actor,
            verb=Verb.HOLIDAY_ADDED,
            target=holiday,
            country=country.pk,
            data={"new": {"date": date, "name": name}},
        )
    return holiday


def holiday_remove(*, actor: User | None, holiday: Holiday) -> None:
    with transaction.atomic():
        holiday_id = holiday.pk
        old = {"date": holiday.date, "name": holiday.name}
        holiday.delete()
        holiday.pk = holiday_id
        audit_record(
            actor=actor,
            verb=Verb.HOLIDAY_REMOVED,
            target=holiday,
            country=holiday.country_id,
            data={"old": old},
        )
