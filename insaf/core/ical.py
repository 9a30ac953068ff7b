"""Public holidays read from iCalendar (.ics) files, the format administrators already keep them in.

Only all-day events are holidays: an office is closed for whole days, so an event with a time of
day is more likely a meeting exported by mistake than a holiday, and is reported rather than
guessed at. A multi-day event (an Eid of four days) becomes one holiday per day, DTEND being
exclusive as RFC 5545 says. Every problem in a file is collected before anything is returned, so
that an administrator can fix the file in one pass and an import is all or nothing. The problems
are in the active language (``insaf holidays import`` runs in the command line's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from icalendar import Calendar

# A public holiday lasts days, not weeks; a longer event is almost always a typing error in DTEND
# (a year instead of a day) that would otherwise close the offices for months.
MAX_EVENT_DAYS = 31
# The first problems are enough to fix a file; hundreds of lines would bury them.
MAX_REPORTED_PROBLEMS = 20

IcsHoliday = tuple[dt.date, str]


class ICalendarError(ValueError):
    """An .ics file that cannot be imported, with every problem found in it."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("; ".join(self.problems))


def parse_holidays(data: bytes) -> list[IcsHoliday]:
    """The holidays of an .ics file as (date, name), one per day, sorted by date.

    Two events on the same day (a national day falling in an Eid) give one holiday whose name
    joins both, because a country has at most one holiday row per date.
    """
    calendar = _read_calendar(data)
    events = calendar.walk("VEVENT")
    if not events:
        raise ICalendarError([_("the file contains no events (VEVENT): nothing to import")])
    holidays: list[IcsHoliday] = []
    problems: list[str] = []
    for number, event in enumerate(events, start=1):
        try:
            holidays.extend(_event_days(event))
        except ValueError as exc:
            problems.append(
                _("%(event)s: %(problem)s") % {"event": _describe(event, number), "problem": exc}
            )
    if problems:
        raise ICalendarError(_truncated(problems))
    return _merge_same_day(holidays)


def _read_calendar(data: bytes) -> Any:
    # icalendar replaces undecodable bytes silently; a name full of U+FFFD must be refused instead.
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ICalendarError(
            [
                _("the file is not UTF-8 text (invalid byte at position %(position)s)")
                % {"position": exc.start}
            ]
        ) from exc
    if not text.strip():
        raise ICalendarError([_("the file is empty")])
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as exc:
        raise ICalendarError(
            [_("not a valid iCalendar file: %(error)s") % {"error": _first_line(str(exc))}]
        ) from exc
    if calendar.name != "VCALENDAR":
        raise ICalendarError(
            [
                _("the file must contain one VCALENDAR, not a bare %(component)s component")
                % {"component": calendar.name}
            ]
        )
    return calendar


def _event_days(event: Any) -> list[IcsHoliday]:
    if event.errors:
        prop, message = event.errors[0]
        raise ValueError(
            _("%(property)s is invalid (%(error)s)") % {"property": prop, "error": message}
        )
    if "RRULE" in event or "RDATE" in event:
        raise ValueError(
            _(
                "recurring events (RRULE/RDATE) are not supported: list each year's date as "
                "its own event"
            )
        )
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return []
    name = _summary(event)
    if not name:
        raise ValueError(_("has no SUMMARY, which is the holiday's name"))
    start = _all_day(event, "DTSTART")
    days = (_end(event, start) - start).days
    if days > MAX_EVENT_DAYS:
        raise ValueError(
            _("lasts %(days)s days; a holiday may last at most %(max)s")
            % {"days": days, "max": MAX_EVENT_DAYS}
        )
    return [(start + dt.timedelta(days=offset), name) for offset in range(days)]


def _end(event: Any, start: dt.date) -> dt.date:
    """The exclusive end day; RFC 5545 makes an all-day event without DTEND last one day."""
    if "DTEND" in event and "DURATION" in event:
        raise ValueError(_("has both DTEND and DURATION; give only one"))
    if "DURATION" in event:
        duration = _value(event, "DURATION")
        if not isinstance(duration, dt.timedelta) or duration % dt.timedelta(days=1):
            raise ValueError(_("DURATION must be a whole number of days, such as P3D"))
        end = start + duration
    elif "DTEND" in event:
        end = _all_day(event, "DTEND")
    else:
        return start + dt.timedelta(days=1)
    if end <= start:
        raise ValueError(_("ends (%(end)s) on or before its first day") % {"end": end.isoformat()})
    return end


def _all_day(event: Any, prop: str) -> dt.date:
    if prop not in event:
        raise ValueError(_("has no %(property)s") % {"property": prop})
    value = _value(event, prop)
    # datetime is a subclass of date, so it has to be ruled out first.
    if isinstance(value, dt.datetime):
        raise ValueError(
            _(
                "%(property)s has a time of day (%(value)s); holidays must be all-day events "
                "(%(property)s;VALUE=DATE:YYYYMMDD)"
            )
            % {"property": prop, "value": value.isoformat()}
        )
    if not isinstance(value, dt.date):
        raise ValueError(_("%(property)s is not a date of the form YYYYMMDD") % {"property": prop})
    return value


def _value(event: Any, prop: str) -> object:
    raw = event[prop]
    if isinstance(raw, list):
        raise ValueError(_("has more than one %(property)s") % {"property": prop})
    return getattr(raw, "dt", None)


def _summary(event: Any) -> str:
    raw = event.get("SUMMARY", "")
    if isinstance(raw, list):
        raise ValueError(_("has more than one %(property)s") % {"property": "SUMMARY"})
    return " ".join(str(raw).split())


def _describe(event: Any, number: int) -> str:
    try:
        summary = _summary(event)
    except ValueError:
        summary = ""
    if summary:
        return _("event %(number)s (%(summary)s)") % {"number": number, "summary": repr(summary)}
    return _("event %(number)s") % {"number": number}


def _merge_same_day(holidays: Iterable[IcsHoliday]) -> list[IcsHoliday]:
    names: dict[dt.date, list[str]] = {}
    for day, name in holidays:
        same_day = names.setdefault(day, [])
        if name not in same_day:
            same_day.append(name)
    return [(day, " / ".join(names[day])) for day in sorted(names)]


def _truncated(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_REPORTED_PROBLEMS:
        return problems
    hidden = len(problems) - MAX_REPORTED_PROBLEMS
    more = ngettext("... and %(count)s more problem", "... and %(count)s more problems", hidden) % {
        "count": hidden
    }
    return [*problems[:MAX_REPORTED_PROBLEMS], more]


def _first_line(message: str, limit: int = 200) -> str:
    line = message.strip().splitlines()[0] if message.strip() else _("unreadable content")
    return line if len(line) <= limit else line[: limit - 1] + "…"
