"""Dates as a person reads them: in the case's country's time zone, in the Gregorian calendar or,
for those who chose it, the Hijri (Umm al-Qura) calendar that Saudi offices work in.

The Hijri conversion is the hijridate library's (MIT), which covers 1343–1500 AH (1924–2077);
outside that range the Gregorian date is shown.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from hijridate import Gregorian

HIJRI = "hijri"


def hijri_text(day: dt.date, language: str) -> str | None:
    """``19 جمادى الآخرة 1448 هـ`` (or in English or French transliteration), None out of range."""
    try:
        hijri = Gregorian(day.year, day.month, day.day).to_hijri()
    except (OverflowError, ValueError):
        return None
    month = hijri.month_name("ar" if language == "ar" else "en")
    era = hijri.notation("ar" if language == "ar" else "en")
    return f"{hijri.day} {month} {hijri.year} {era}"


def when(value: dt.datetime | None, tz: str, calendar: str = "", *, time: bool = True) -> str:
    """A moment as the person reads it, with its time unless ``time`` is False."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(tz))
    if calendar == HIJRI:
        language = (get_language() or "ar")[:2]
        day = hijri_text(local.date(), language)
        if day is not None:
            if not time:
                return day
            return _("%(day)s, %(time)s") % {"day": day, "time": local.strftime("%H:%M")}
    return formats.date_format(local, "DATETIME_FORMAT" if time else "DATE_FORMAT")
