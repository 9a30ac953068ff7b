"""The business calendar: deadlines in working days and working hours for every member state.

Expected values are written out as explicit dates and UTC times worked out by hand from a wall
calendar (January 2025 begins on a Wednesday; March 2025 on a Saturday; October 2025 on a
Wednesday), never recomputed with the algorithm under test.
"""

from __future__ import annotations

import csv
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from insaf.core.calendar import CalendarError, WorkCalendar, calendar_for
from insaf.core.member_states import CSV_PATH
from insaf.core.models import Country
from insaf.core.services import holiday_add, holiday_remove

UTC = dt.UTC
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def csv_rows() -> list[dict[str, str]]:
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# UTC offset (hours) of each member state's zone in January 2025, read from the tz database by hand:
# no member state changes its clocks in January (Morocco's Ramadan hour starts on 23 February).
JANUARY_OFFSETS = {
    "AE": 4, "BH": 3, "DJ": 3, "DZ": 1, "EG": 2, "IQ": 3, "JO": 3, "KM": 3, "KW": 3, "LB": 2,
    "LY": 2, "MA": 1, "MR": 0, "OM": 4, "PS": 2, "QA": 3, "SA": 3, "SD": 2, "SO": 3, "SY": 3,
    "TN": 1, "YE": 3,
}  # fmt: skip

# From Wednesday 8 January 2025, the 1st ... 5th working day for each weekend in the CSV.
# Jan 2025: Thu 9, Fri 10, Sat 11, Sun 12, Mon 13, Tue 14, Wed 15.
JANUARY_DEADLINES = {
    "Friday+Saturday": [(2025, 1, 9), (2025, 1, 12), (2025, 1, 13), (2025, 1, 14), (2025, 1, 15)],
    "Saturday+Sunday": [(2025, 1, 9), (2025, 1, 10), (2025, 1, 13), (2025, 1, 14), (2025, 1, 15)],
    "Friday": [(2025, 1, 9), (2025, 1, 11), (2025, 1, 12), (2025, 1, 13), (2025, 1, 14)],
}

MEMBER_STATES = [pytest.param(row, id=row["iso2"]) for row in csv_rows()]


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def amman(**overrides: object) -> WorkCalendar:
    """Jordan's calendar without the database: Friday+Saturday weekend, 08:00-15:00, UTC+3."""
    options: dict[str, object] = {"timezone": "Asia/Amman", "weekend": {5, 6}}
    options.update(overrides)
    return WorkCalendar.build(**options)


def in_amman(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=ZoneInfo("Asia/Amman"))


# --- every member state, from the CSV and the Country rows ---------------------------------------


def test_the_tables_cover_exactly_the_member_states_in_the_csv() -> None:
    rows = csv_rows()
    assert len(rows) == 22
    assert {row["iso2"] for row in rows} == set(JANUARY_OFFSETS)
    assert {row["weekend"] for row in rows} <= set(JANUARY_DEADLINES)
    assert [row["iso2"] for row in rows if row["weekend"] == "Friday"] == ["SO"]


@pytest.mark.django_db
@pytest.mark.parametrize("row", MEMBER_STATES)
def test_country_row_matches_the_csv(row: dict[str, str]) -> None:
    country = Country.objects.get(pk=row["iso2"])
    weekend_names = {DAY_NAMES[day - 1] for day in country.weekend_days}
    assert weekend_names == set(row["weekend"].split("+"))
    assert country.timezone == row["timezone"]
    assert (country.workday_start, country.workday_end) == (dt.time(8), dt.time(15))


@pytest.mark.django_db
@pytest.mark.parametrize("row", MEMBER_STATES)
def test_working_days_skip_exactly_the_weekend_of_the_csv(row: dict[str, str]) -> None:
    calendar = calendar_for(row["iso2"])
    zone = ZoneInfo(row["timezone"])
    offset = dt.timedelta(hours=JANUARY_OFFSETS[row["iso2"]])
    start = dt.datetime(2025, 1, 8, 12, tzinfo=zone)  # Wednesday noon, local time

    for n, (year, month, day) in enumerate(JANUARY_DEADLINES[row["weekend"]], start=1):
        deadline = calendar.add_working_days(start, n)
        expected = dt.datetime(year, month, day, 15, tzinfo=UTC) - offset
        assert deadline == expected, f"n={n}"
        assert deadline.utcoffset() == dt.timedelta(0)
        local = deadline.astimezone(zone)
        assert local.utcoffset() == offset
        assert (local.date(), local.time()) == (dt.date(year, month, day), dt.time(15))


@pytest.mark.django_db
@pytest.mark.parametrize("row", MEMBER_STATES)
def test_weekend_days_are_never_deadlines(row: dict[str, str]) -> None:
    """Over a whole week of deadlines, the weekdays hit are exactly those outside the weekend."""
    calendar = calendar_for(row["iso2"])
    zone = ZoneInfo(row["timezone"])
    weekend = set(row["weekend"].split("+"))
    start = dt.datetime(2025, 1, 8, 12, tzinfo=zone)
    working_per_week = 7 - len(weekend)

    local_days = [
        calendar.add_working_days(start, n).astimezone(zone).date()
        for n in range(1, 3 * working_per_week + 1)
    ]
    names = [DAY_NAMES[day.weekday()] for day in local_days]
    assert not weekend & set(names)
    assert set(names) | weekend == set(DAY_NAMES)
    # Three weeks of deadlines cover three calendar weeks, each working day once per week.
    assert local_days[-1] - local_days[0] < dt.timedelta(days=21)
    assert len(set(local_days)) == len(local_days)
    for day in weekend:
        weekend_day = dt.date(2025, 1, 6 + DAY_NAMES.index(day))  # Monday 6 January + offset
        assert not calendar.is_working_day(weekend_day)


@pytest.mark.django_db
@pytest.mark.parametrize("row", MEMBER_STATES)
def test_starting_on_a_weekend_day_counts_from_the_next_working_day(row: dict[str, str]) -> None:
    calendar = calendar_for(row["iso2"])
    zone = ZoneInfo(row["timezone"])
    offset = dt.timedelta(hours=JANUARY_OFFSETS[row["iso2"]])
    # The first day of each weekend in the week of 6 January 2025, and the working day after it.
    weekend_day, first_working_day = {
        "Friday+Saturday": (dt.date(2025, 1, 10), dt.date(2025, 1, 12)),
        "Saturday+Sunday": (dt.date(2025, 1, 11), dt.date(2025, 1, 13)),
        "Friday": (dt.date(2025, 1, 10), dt.date(2025, 1, 11)),
    }[row["weekend"]]
    start = dt.datetime.combine(weekend_day, dt.time(9), zone)
    assert DAY_NAMES[weekend_day.weekday()] in row["weekend"].split("+")

    for n in (0, 1):
        deadline = calendar.add_working_days(start, n)
        assert deadline == dt.datetime.combine(first_working_day, dt.time(15), UTC) - offset


# --- whole days, pure calendar --------------------------------------------------------------------


def test_the_start_day_never_counts_whatever_the_hour() -> None:
    calendar = amman()
    for hour in (0, 7, 9, 14, 15, 20, 23):
        assert calendar.add_working_days(in_amman(2025, 1, 8, hour), 1) == utc(2025, 1, 9, 12)


def test_the_start_day_is_the_local_date_not_the_utc_date() -> None:
    # 22:30 UTC on Wednesday is 01:30 on Thursday in Amman: Thursday is the start day.
    assert amman().add_working_days(utc(2025, 1, 8, 22, 30), 1) == utc(2025, 1, 12, 12)
    assert amman().add_working_days(utc(2025, 1, 8, 20, 59), 1) == utc(2025, 1, 9, 12)


def test_zero_days_is_the_end_of_the_start_day_when_it_is_a_working_day() -> None:
    calendar = amman()
    assert calendar.add_working_days(in_amman(2025, 1, 8, 10), 0) == utc(2025, 1, 8, 12)
    # Documented: even after hours, n=0 is today's end (already past), not tomorrow's.
    assert calendar.add_working_days(in_amman(2025, 1, 8, 20), 0) == utc(2025, 1, 8, 12)


def test_zero_days_on_a_day_off_is_the_end_of_the_next_working_day() -> None:
    calendar = amman(holidays={dt.date(2025, 1, 12)})
    assert calendar.add_working_days(in_amman(2025, 1, 10, 10), 0) == utc(2025, 1, 13, 12)
    assert calendar.add_working_days(in_amman(2025, 1, 12, 10), 0) == utc(2025, 1, 13, 12)


def test_starting_after_working_hours() -> None:
    calendar = amman()
    # Thursday 18:00: Friday and Saturday are the weekend, Sunday is the first working day.
    assert calendar.add_working_days(in_amman(2025, 1, 9, 18), 1) == utc(2025, 1, 12, 12)
    assert calendar.add_working_days(in_amman(2025, 1, 9, 18), 2) == utc(2025, 1, 13, 12)


def test_a_holiday_on_the_would_be_deadline_pushes_it() -> None:
    calendar = amman(holidays={dt.date(2025, 1, 9)})
    assert calendar.add_working_days(in_amman(2025, 1, 8, 12), 1) == utc(2025, 1, 12, 12)


def test_a_holiday_on_a_weekend_day_changes_nothing() -> None:
    plain, with_holiday = amman(), amman(holidays={dt.date(2025, 1, 10)})
    start = in_amman(2025, 1, 8, 12)
    for n, expected in [(1, utc(2025, 1, 9, 12)), (2, utc(2025, 1, 12, 12))]:
        assert plain.add_working_days(start, n) == expected
        assert with_holiday.add_working_days(start, n) == expected


def test_long_horizons_count_every_week() -> None:
    # Five working days a week: 10 working days after Wednesday 8 January is Wednesday 22 January.
    assert amman().add_working_days(in_amman(2025, 1, 8, 12), 10) == utc(2025, 1, 22, 12)
    # 65 working days = 13 weeks: Wednesday 9 April 2025.
    assert amman().add_working_days(in_amman(2025, 1, 8, 12), 65) == utc(2025, 4, 9, 12)


def test_next_working_day() -> None:
    calendar = amman(holidays={dt.date(2025, 1, 12)})
    assert calendar.next_working_day(dt.date(2025, 1, 8)) == dt.date(2025, 1, 9)
    assert calendar.next_working_day(dt.date(2025, 1, 9)) == dt.date(2025, 1, 13)
    assert calendar.next_working_day(dt.date(2025, 1, 9), include_today=True) == dt.date(2025, 1, 9)
    assert calendar.next_working_day(dt.date(2025, 1, 11), include_today=True) == dt.date(
        2025, 1, 13
    )


def test_custom_working_hours() -> None:
    calendar = amman(day_start=dt.time(7, 30), day_end=dt.time(14, 30))
    assert calendar.add_working_days(in_amman(2025, 1, 8, 12), 1) == utc(2025, 1, 9, 11, 30)
    assert calendar.add_working_hours(in_amman(2025, 1, 8, 6), 1) == utc(2025, 1, 8, 5, 30)


# --- working hours --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected_local"),
    [
        # Within a day.
        pytest.param((2025, 1, 8, 9), 2, (2025, 1, 8, 11), id="within-a-day"),
        pytest.param((2025, 1, 8, 9, 15), 0.5, (2025, 1, 8, 9, 45), id="fractional"),
        pytest.param((2025, 1, 8, 10), 0, (2025, 1, 8, 10), id="zero-inside-the-window"),
        pytest.param((2025, 1, 8, 6), 1, (2025, 1, 8, 9), id="before-the-window"),
        pytest.param((2025, 1, 8, 14), 1, (2025, 1, 8, 15), id="exactly-to-the-end"),
        pytest.param((2025, 1, 8, 8), 7, (2025, 1, 8, 15), id="one-whole-day"),
        # Across the end of a working day.
        pytest.param((2025, 1, 8, 14), 3, (2025, 1, 9, 10), id="over-the-evening"),
        pytest.param((2025, 1, 8, 16), 1, (2025, 1, 9, 9), id="after-hours"),
        pytest.param((2025, 1, 8, 15), 1, (2025, 1, 9, 9), id="at-closing-time"),
        pytest.param((2025, 1, 8, 16), 0, (2025, 1, 9, 8), id="zero-after-hours"),
        pytest.param((2025, 1, 8, 8), 14, (2025, 1, 9, 15), id="two-whole-days"),
        # Across the weekend (the module docstring's example) and from inside it.
        pytest.param((2025, 1, 9, 14), 4, (2025, 1, 12, 11), id="over-the-weekend"),
        pytest.param((2025, 1, 8, 8), 15, (2025, 1, 12, 9), id="two-days-and-an-hour"),
        pytest.param((2025, 1, 10, 10), 1, (2025, 1, 12, 9), id="starting-on-friday"),
    ],
)
def test_add_working_hours(
    start: tuple[int, ...], hours: float, expected_local: tuple[int, ...]
) -> None:
    assert amman().add_working_hours(in_amman(*start), hours) == in_amman(*expected_local)


def test_add_working_hours_across_a_holiday() -> None:
    calendar = amman(holidays={dt.date(2025, 1, 12)})
    # Thursday 14:00 + 4h: 1h on Thursday; Friday, Saturday off; Sunday a holiday; 3h on Monday.
    assert calendar.add_working_hours(in_amman(2025, 1, 9, 14), 4) == utc(2025, 1, 13, 8)


def test_add_working_hours_takes_a_timedelta_and_answers_in_utc() -> None:
    result = amman().add_working_hours(in_amman(2025, 1, 8, 14), dt.timedelta(minutes=90))
    assert result == utc(2025, 1, 9, 5, 30)
    assert result.tzinfo is UTC


def test_add_working_hours_counts_from_the_local_time_of_a_utc_start() -> None:
    # 05:00 UTC is 08:00 in Amman.
    assert amman().add_working_hours(utc(2025, 1, 8, 5), 2) == utc(2025, 1, 8, 7)


# --- daylight saving time -------------------------------------------------------------------------


def test_beirut_spring_forward_over_the_weekend() -> None:
    # Lebanon: Saturday+Sunday weekend; clocks go from UTC+2 to UTC+3 at 00:00 on Sunday 30 March.
    calendar = WorkCalendar.build(timezone="Asia/Beirut", weekend={6, 7})
    friday = dt.datetime(2025, 3, 28, 12, tzinfo=ZoneInfo("Asia/Beirut"))
    assert calendar.add_working_days(friday, 0) == utc(2025, 3, 28, 13)  # 15:00 at UTC+2
    assert calendar.add_working_days(friday, 1) == utc(2025, 3, 31, 12)  # 15:00 at UTC+3
    # Friday 14:00 (12:00 UTC) + 2h: one hour on Friday, then Monday 08:00-09:00 at UTC+3.
    assert calendar.add_working_hours(utc(2025, 3, 28, 12), 2) == utc(2025, 3, 31, 6)


def test_beirut_fall_back_over_the_weekend() -> None:
    # Clocks go back from UTC+3 to UTC+2 at 00:00 on Sunday 26 October 2025.
    calendar = WorkCalendar.build(timezone="Asia/Beirut", weekend={6, 7})
    friday = dt.datetime(2025, 10, 24, 12, tzinfo=ZoneInfo("Asia/Beirut"))
    assert calendar.add_working_days(friday, 0) == utc(2025, 10, 24, 12)
    assert calendar.add_working_days(friday, 1) == utc(2025, 10, 27, 13)
    assert calendar.add_working_hours(utc(2025, 10, 24, 11), 2) == utc(2025, 10, 27, 7)


@pytest.mark.django_db
def test_cairo_summer_time_from_the_country_row() -> None:
    # Egypt: Friday+Saturday weekend; UTC+3 from 00:00 Friday 25 April to the end of Thursday
    # 30 October 2025, UTC+2 otherwise.
    calendar = calendar_for("EG")
    assert calendar.add_working_days(utc(2025, 4, 24, 6), 0) == utc(2025, 4, 24, 13)
    assert calendar.add_working_days(utc(2025, 4, 24, 6), 1) == utc(2025, 4, 27, 12)
    assert calendar.add_working_days(utc(2025, 10, 30, 6), 0) == utc(2025, 10, 30, 12)
    assert calendar.add_working_days(utc(2025, 10, 30, 6), 1) == utc(2025, 11, 2, 13)


@pytest.mark.django_db
def test_casablanca_ramadan_hour_from_the_country_row() -> None:
    # Morocco leaves UTC+1 for UTC+0 during Ramadan (23 February - 6 April 2025).
    calendar = calendar_for("MA")
    assert calendar.add_working_days(utc(2025, 2, 19, 9), 1) == utc(2025, 2, 20, 14)
    assert calendar.add_working_days(utc(2025, 3, 19, 9), 1) == utc(2025, 3, 20, 15)
    assert calendar.add_working_days(utc(2025, 4, 9, 9), 1) == utc(2025, 4, 10, 14)


# --- refusals -------------------------------------------------------------------------------------


def test_naive_datetimes_are_refused() -> None:
    calendar = amman()
    naive = dt.datetime(2025, 1, 8, 10)  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.add_working_days(naive, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.add_working_hours(naive, 1)
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.local_date(naive)


def test_negative_amounts_are_refused() -> None:
    calendar = amman()
    start = in_amman(2025, 1, 8, 10)
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(start, -1)
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_hours(start, -0.5)
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_hours(start, dt.timedelta(seconds=-1))


def test_a_calendar_of_holidays_only_raises_instead_of_looping() -> None:
    every_day = {dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(800)}
    calendar = amman(holidays=every_day)
    start = in_amman(2025, 1, 8, 10)
    with pytest.raises(CalendarError, match="no working day"):
        calendar.add_working_days(start, 1)
    with pytest.raises(CalendarError):
        calendar.add_working_days(start, 0)
    with pytest.raises(CalendarError):
        calendar.add_working_hours(start, 1)
    with pytest.raises(CalendarError):
        calendar.next_working_day(dt.date(2025, 1, 8))


def test_a_working_day_just_within_a_year_is_still_found() -> None:
    # Holidays every day of 2025 after 1 January: 1 January 2026 (a Thursday) is 365 days later.
    holidays = {dt.date(2025, 1, 2) + dt.timedelta(days=i) for i in range(364)}
    calendar = amman(holidays=holidays)
    assert calendar.next_working_day(dt.date(2025, 1, 1)) == dt.date(2026, 1, 1)


def test_hours_too_large_for_the_calendar_raise() -> None:
    with pytest.raises(CalendarError):
        amman().add_working_hours(in_amman(2025, 1, 8, 10), 10**6)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"weekend": {1, 2, 3, 4, 5, 6, 7}}, "at least one working weekday"),
        ({"weekend": {0}}, "ISO weekdays"),
        ({"weekend": {8}}, "ISO weekdays"),
        ({"day_start": dt.time(15), "day_end": dt.time(8)}, "start before it ends"),
        ({"day_start": dt.time(9), "day_end": dt.time(9)}, "start before it ends"),
    ],
)
def test_impossible_calendars_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        amman(**options)


# --- counting days --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((2025, 1, 8), (2025, 1, 15), 5),  # Thu 9, Sun 12, Mon 13, Tue 14, Wed 15
        ((2025, 1, 8), (2025, 1, 8), 0),
        ((2025, 1, 15), (2025, 1, 8), 0),
        ((2025, 1, 8), (2025, 1, 11), 1),  # ends on Saturday: Thursday only
        ((2025, 1, 9), (2025, 1, 11), 0),  # Friday, Saturday
        ((2025, 1, 10), (2025, 1, 12), 1),  # from Friday: Sunday
        ((2025, 1, 1), (2025, 1, 31), 21),  # Jan 2-31: 30 days less 5 Fridays, 4 Saturdays
    ],
)
def test_working_days_between(
    start: tuple[int, int, int], end: tuple[int, int, int], expected: int
) -> None:
    assert amman().working_days_between(dt.date(*start), dt.date(*end)) == expected


def test_working_days_between_leaves_out_holidays_but_not_weekend_holidays() -> None:
    calendar = amman(holidays={dt.date(2025, 1, 13), dt.date(2025, 1, 10)})
    assert calendar.working_days_between(dt.date(2025, 1, 8), dt.date(2025, 1, 15)) == 4


# --- holidays entered in the database -------------------------------------------------------------


@pytest.fixture
def jordan_country(db: None) -> Country:
    return Country.objects.get(pk="JO")


def test_calendar_for_sees_holidays_added_through_the_service(jordan_country: Country) -> None:
    start = in_amman(2025, 1, 8, 12)
    assert calendar_for("JO").add_working_days(start, 1) == utc(2025, 1, 9, 12)

    holiday_add(actor=None, country=jordan_country, date=dt.date(2025, 1, 9), name="Test day")
    assert calendar_for("JO").add_working_days(start, 1) == utc(2025, 1, 12, 12)
    # Another country's calendar is untouched.
    assert calendar_for("EG").add_working_days(utc(2025, 1, 8, 10), 1) == utc(2025, 1, 9, 13)


def test_a_removed_holiday_no_longer_counts(jordan_country: Country) -> None:
    holiday = holiday_add(
        actor=None, country=jordan_country, date=dt.date(2025, 1, 9), name="Test day"
    )
    holiday_remove(actor=None, holiday=holiday)
    assert calendar_for("JO").add_working_days(in_amman(2025, 1, 8, 12), 1) == utc(2025, 1, 9, 12)


def test_a_weekend_holiday_in_the_database_changes_nothing(jordan_country: Country) -> None:
    holiday_add(actor=None, country=jordan_country, date=dt.date(2025, 1, 10), name="On a Friday")
    calendar = calendar_for("JO")
    assert calendar.add_working_days(in_amman(2025, 1, 8, 12), 2) == utc(2025, 1, 12, 12)
    assert calendar.working_days_between(dt.date(2025, 1, 8), dt.date(2025, 1, 15)) == 5


def test_a_multi_day_eid(jordan_country: Country) -> None:
    # Eid al-Fitr from Sunday 30 March to Wednesday 2 April 2025, after a Friday+Saturday weekend.
    for day in (30, 31):
        holiday_add(
            actor=None, country=jordan_country, date=dt.date(2025, 3, day), name="عيد الفطر"
        )
    for day in (1, 2):
        holiday_add(
            actor=None, country=jordan_country, date=dt.date(2025, 4, day), name="عيد الفطر"
        )
    calendar = calendar_for("JO")
    thursday = in_amman(2025, 3, 27, 10)

    assert calendar.add_working_days(thursday, 0) == utc(2025, 3, 27, 12)
    assert calendar.add_working_days(thursday, 1) == utc(2025, 4, 3, 12)
    assert calendar.add_working_days(thursday, 2) == utc(2025, 4, 6, 12)
    assert calendar.add_working_days(in_amman(2025, 3, 30, 10), 0) == utc(2025, 4, 3, 12)
    # Thursday 14:00 + 4 working hours: 1h on Thursday, 3h on Thursday 3 April.
    assert calendar.add_working_hours(in_amman(2025, 3, 27, 14), 4) == utc(2025, 4, 3, 8)
    assert calendar.working_days_between(dt.date(2025, 3, 27), dt.date(2025, 4, 6)) == 2


def test_somalia_works_on_saturday(db: None) -> None:
    # Somalia rests on Friday only: Thursday 9 January + 1 working day is Saturday 11 January.
    calendar = calendar_for("SO")
    thursday = dt.datetime(2025, 1, 9, 10, tzinfo=ZoneInfo("Africa/Mogadishu"))
    assert calendar.add_working_days(thursday, 1) == utc(2025, 1, 11, 12)
    assert calendar.add_working_hours(thursday.replace(hour=14), 2) == utc(2025, 1, 11, 6)
