"""The business calendar: working days and working hours of a member state.

A country's offices work from ``workday_start`` to ``workday_end`` (local time) on every day that
is neither in its weekend nor one of its public holidays. Deadlines are counted on that calendar:

- ``add_working_days(start, n)`` is the end of the working day that is the n-th working day after
  the local date of ``start`` (the start day itself never counts, whatever the hour; ``n=0`` is the
  end of the start day if it is a working day, else of the next working day).
- ``add_working_hours(start, hours)`` consumes only time inside working windows: a complaint filed
  on Thursday at 14:00 in Amman with four working hours runs out on Sunday at 11:00.

Every datetime in and out is timezone-aware; results are in UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

# No real calendar has more than a few weeks without a working day; a longer run means the
# configuration is wrong (for example every day entered as a holiday), not that we should loop on.
MAX_SEARCH_DAYS = 366
# Answers of add_working_days remembered per calendar (about ten years of days times the few
# deadline lengths in use).
MEMO_SIZE = 20_000


class CalendarError(ValueError):
    """Raised when a calendar has no working day within a year of the date asked about."""


@dataclass(frozen=True)
class WorkCalendar:
    timezone: ZoneInfo
    weekend: frozenset[int]
    holidays: frozenset[dt.date]
    day_start: dt.time = dt.time(8, 0)
    day_end: dt.time = dt.time(15, 0)

    _memo: dict[tuple[dt.date, int], dt.date] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        if not self.weekend <= set(range(1, 8)):
            raise ValueError(f"weekend days must be ISO weekdays 1-7, got {sorted(self.weekend)}")
        if len(self.weekend) >= 7:
            raise ValueError("a calendar needs at least one working weekday")
        if self.day_start >= self.day_end:
            raise ValueError("the working day must start before it ends")

    @classmethod
    def build(
        cls,
        *,
        timezone: str,
        weekend: Iterable[int],
        holidays: Iterable[dt.date] = (),
        day_start: dt.time = dt.time(8, 0),
        day_end: dt.time = dt.time(15, 0),
    ) -> WorkCalendar:
        return cls(ZoneInfo(timezone), frozenset(weekend), frozenset(holidays), day_start, day_end)

    # --- days ------------------------------------------------------------------------------------
    def is_working_day(self, day: dt.date) -> bool:
        return day.isoweekday() not in self.weekend and day not in self.holidays

    def next_working_day(self, day: dt.date, *, include_today: bool = False) -> dt.date:
        current = day if include_today else day + dt.timedelta(days=1)
        for _ in range(MAX_SEARCH_DAYS):
            if self.is_working_day(current):
                return current
            current += dt.timedelta(days=1)
        raise CalendarError(f"no working day within {MAX_SEARCH_DAYS} days of {day.isoformat()}")

    def local_date(self, moment: dt.datetime) -> dt.date:
        return _require_aware(moment).astimezone(self.timezone).date()

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """End of the working day that is ``days`` working days after ``start``'s local date."""
        if days < 0:
            raise ValueError("days must not be negative")
        return self._at(self._nth_working_day(self.local_date(start), days), self.day_end)

    def _nth_working_day(self, local_day: dt.date, days: int) -> dt.date:
        # Remembered per calendar: a day of filings, or an import, asks the same few questions
        # thousands of times (a calendar is rebuilt whenever its holidays change).
        key = (local_day, days)
        found = self._memo.get(key)
        if found is None:
            found = self.next_working_day(local_day, include_today=days == 0)
            for _ in range(days - 1):
                found = self.next_working_day(found)
            if len(self._memo) < MEMO_SIZE:
                self._memo[key] = found
        return found

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count = 0
        day = start + dt.timedelta(days=1)
        while day <= end:
            count += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return count

    # --- hours -----------------------------------------------------------------------------------
    def add_working_hours(self, start: dt.datetime, hours: float | dt.timedelta) -> dt.datetime:
        """The moment at which ``hours`` of working time after ``start`` have passed.

        1. Move to local time; if ``start`` is before today's window (on a working day), begin at
           the window's start; if it is after the window or on a day off, begin at the next window.
        2. Consume the rest of the current window; if time is left, jump to the next window.
        """
        remaining = hours if isinstance(hours, dt.timedelta) else dt.timedelta(hours=hours)
        if remaining < dt.timedelta(0):
            raise ValueError("hours must not be negative")
        local = _require_aware(start).astimezone(self.timezone).replace(tzinfo=None)
        day = local.date()
        if not self.is_working_day(day) or local.time() >= self.day_end:
            day = self.next_working_day(day)
            cursor = dt.datetime.combine(day, self.day_start)
        else:
            cursor = max(local, dt.datetime.combine(day, self.day_start))
        for _ in range(MAX_SEARCH_DAYS * 24):
            window_end = dt.datetime.combine(cursor.date(), self.day_end)
            if cursor + remaining <= window_end:
                return self._localise(cursor + remaining)
            remaining -= window_end - cursor
            cursor = dt.datetime.combine(self.next_working_day(cursor.date()), self.day_start)
        raise CalendarError("working hours too large to place on the calendar")

    # --- helpers ---------------------------------------------------------------------------------
    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return self._localise(dt.datetime.combine(day, time))

    def _localise(self, naive_local: dt.datetime) -> dt.datetime:
        return naive_local.replace(tzinfo=self.timezone).astimezone(dt.UTC)


def _require_aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("datetimes given to the business calendar must be timezone-aware")
    return moment


def calendar_for(country_code: str) -> WorkCalendar:
    """The working calendar of a member state, with the holidays its administrator entered."""
    from insaf.core.models import Country

    country = Country.objects.get(pk=country_code)
    return WorkCalendar.build(
        timezone=country.timezone,
        weekend=country.weekend_days,
        holidays=country.holidays.values_list("date", flat=True),
        day_start=country.workday_start,
        day_end=country.workday_end,
    )
