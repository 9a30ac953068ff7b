"""Public holidays from iCalendar files: the parser and ``insaf holidays import|list``."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from insaf.audit.models import Event
from insaf.core.ical import MAX_REPORTED_PROBLEMS, ICalendarError, parse_holidays
from insaf.core.models import Country, Holiday
from insaf.core.services import holiday_add


def ics(*events: str) -> bytes:
    """A calendar around the given VEVENT bodies, with the CRLF line ends of RFC 5545."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Insaf tests//EN"]
    for body in events:
        lines += ["BEGIN:VEVENT", *body.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def all_day(summary: str, start: str, end: str | None = None, *extra: str) -> str:
    lines = [f"SUMMARY:{summary}", f"DTSTART;VALUE=DATE:{start}"]
    if end is not None:
        lines.append(f"DTEND;VALUE=DATE:{end}")
    return "\n".join([*lines, *extra])


NEW_YEAR = all_day("New Year's Day", "20250101", "20250102")
# Eid al-Adha 1446 in Jordan: Friday 6 to Monday 9 June 2025 (DTEND is exclusive).
EID = all_day("عيد الأضحى", "20250606", "20250610")
INDEPENDENCE = all_day("Independence Day", "20250525")

JORDAN_2025 = ics(NEW_YEAR, EID, INDEPENDENCE)
JORDAN_2025_DAYS = [
    (dt.date(2025, 1, 1), "New Year's Day"),
    (dt.date(2025, 5, 25), "Independence Day"),
    (dt.date(2025, 6, 6), "عيد الأضحى"),
    (dt.date(2025, 6, 7), "عيد الأضحى"),
    (dt.date(2025, 6, 8), "عيد الأضحى"),
    (dt.date(2025, 6, 9), "عيد الأضحى"),
]


def problems_of(data: bytes) -> tuple[str, ...]:
    """The problems, in English: they are in the active language (the default is Arabic)."""
    with translation.override("en"), pytest.raises(ICalendarError) as caught:
        parse_holidays(data)
    assert isinstance(caught.value, ValueError)
    return caught.value.problems


# --- the parser -----------------------------------------------------------------------------------


def test_parses_all_day_events_one_holiday_per_day_sorted() -> None:
    assert parse_holidays(JORDAN_2025) == JORDAN_2025_DAYS


def test_an_event_without_dtend_lasts_one_day() -> None:
    assert parse_holidays(ics(all_day("Labour Day", "20250501"))) == [
        (dt.date(2025, 5, 1), "Labour Day")
    ]


def test_duration_in_days_is_understood() -> None:
    event = all_day("Eid al-Fitr", "20250330", None, "DURATION:P3D")
    assert [day for day, _ in parse_holidays(ics(event))] == [
        dt.date(2025, 3, 30),
        dt.date(2025, 3, 31),
        dt.date(2025, 4, 1),
    ]


def test_a_multi_day_event_over_a_month_end() -> None:
    event = all_day("Eid al-Fitr", "20250330", "20250403")
    assert [day for day, _ in parse_holidays(ics(event))] == [
        dt.date(2025, 3, 30),
        dt.date(2025, 3, 31),
        dt.date(2025, 4, 1),
        dt.date(2025, 4, 2),
    ]


def test_two_events_on_one_day_give_one_holiday_with_both_names() -> None:
    data = ics(EID, all_day("National day", "20250607"), all_day("عيد الأضحى", "20250606"))
    holidays = dict(parse_holidays(data))
    assert holidays[dt.date(2025, 6, 6)] == "عيد الأضحى"
    assert holidays[dt.date(2025, 6, 7)] == "عيد الأضحى / National day"


def test_cancelled_events_are_not_holidays() -> None:
    data = ics(NEW_YEAR, all_day("Moved", "20250202", None, "STATUS:CANCELLED"))
    assert parse_holidays(data) == [(dt.date(2025, 1, 1), "New Year's Day")]


def test_names_are_unescaped_and_tidied() -> None:
    data = ics(all_day("  Eid\\, first   day ", "20250330"))
    assert parse_holidays(data) == [(dt.date(2025, 3, 30), "Eid, first day")]


def test_folded_lines_and_a_byte_order_mark_are_accepted() -> None:
    folded = "SUMMARY:ذكرى المولد\r\n  النبوي الشريف\r\nDTSTART;VALUE=DATE:20250904"
    data = b"\xef\xbb\xbf" + ics(folded)
    assert parse_holidays(data) == [(dt.date(2025, 9, 4), "ذكرى المولد النبوي الشريف")]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", "the file is empty", id="empty"),
        pytest.param(b"  \r\n", "the file is empty", id="blank"),
        pytest.param(b"hello, world\n", "not a valid iCalendar file", id="not-ical"),
        pytest.param(
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\n",
            "not a valid iCalendar file",
            id="truncated",
        ),
        pytest.param(
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n" + "SUMMARY:عيد".encode("cp1256"),
            "not UTF-8",
            id="windows-1256",
        ),
        pytest.param(ics(), "contains no events", id="no-events"),
        pytest.param(
            b"BEGIN:VEVENT\r\nSUMMARY:x\r\nDTSTART;VALUE=DATE:20250101\r\nEND:VEVENT\r\n",
            "one VCALENDAR",
            id="bare-vevent",
        ),
    ],
)
def test_unreadable_files(data: bytes, expected: str) -> None:
    (problem,) = problems_of(data)
    assert expected in problem


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        pytest.param(
            "SUMMARY:Meeting\nDTSTART:20250101T100000Z\nDTEND:20250101T110000Z",
            "DTSTART has a time of day",
            id="timed",
        ),
        pytest.param(
            all_day("Eid", "20250330") + "\nDTEND:20250331T120000",
            "DTEND has a time of day",
            id="timed-end",
        ),
        pytest.param("DTSTART;VALUE=DATE:20250101", "has no SUMMARY", id="no-summary"),
        pytest.param(all_day(" ", "20250101"), "has no SUMMARY", id="blank-summary"),
        pytest.param("SUMMARY:Eid", "has no DTSTART", id="no-start"),
        pytest.param(all_day("Eid", "20251301"), "DTSTART is invalid", id="month-13"),
        pytest.param(all_day("Eid", "2025033"), "DTSTART is not a date", id="seven-digits"),
        pytest.param(all_day("Eid", "20250330", "20250330"), "on or before", id="empty-range"),
        pytest.param(all_day("Eid", "20250330", "20250301"), "on or before", id="backwards"),
        pytest.param(all_day("Eid", "20250101", "20260101"), "lasts 365 days", id="a-year"),
        pytest.param(
            all_day("Eid", "20250330", "20250402", "DURATION:P3D"),
            "both DTEND and DURATION",
            id="end-and-duration",
        ),
        pytest.param(
            all_day("Eid", "20250330", None, "DURATION:PT12H"),
            "whole number of days",
            id="hours-duration",
        ),
        pytest.param(
            all_day("New Year", "20250101", None, "RRULE:FREQ=YEARLY"),
            "recurring events",
            id="recurring",
        ),
    ],
)
def test_events_that_cannot_be_holidays(event: str, expected: str) -> None:
    (problem,) = problems_of(ics(NEW_YEAR, event))
    assert problem.startswith("event 2")
    assert expected in problem


def test_every_problem_is_reported_at_once() -> None:
    data = ics(
        all_day("Fine", "20250101"),
        "SUMMARY:No date",
        all_day("Timed", "20250102") + "\nDTEND:20250102T100000Z",
    )
    problems = problems_of(data)
    assert len(problems) == 2
    assert problems[0].startswith("event 2 ('No date'): has no DTSTART")
    assert problems[1].startswith("event 3 ('Timed'): DTEND has a time of day")


def test_a_flood_of_problems_is_cut_short() -> None:
    problems = problems_of(ics(*["SUMMARY:x"] * 50))
    assert len(problems) == MAX_REPORTED_PROBLEMS + 1
    assert problems[-1] == "... and 30 more problems"
    assert problems_of(ics(*["SUMMARY:x"] * 21))[-1] == "... and 1 more problem"


# --- insaf holidays import ------------------------------------------------------------------------


def run(*args: str) -> str:
    out = StringIO()
    call_command("holidays", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def jordan_file(tmp_path: Path) -> Path:
    path = tmp_path / "jordan-2025.ics"
    path.write_bytes(JORDAN_2025)
    return path


def jordan_holidays() -> list[tuple[dt.date, str]]:
    return list(Holiday.objects.filter(country="JO").order_by("date").values_list("date", "name"))


@pytest.mark.django_db
def test_import_adds_every_day_and_reports_the_count(jordan_file: Path) -> None:
    output = run("import", str(jordan_file), "--country", "JO")

    assert jordan_holidays() == JORDAN_2025_DAYS
    assert "JO: added 6 holiday(s) from jordan-2025.ics, skipped 0 already present." in output
    assert "2025-06-06  عيد الأضحى" in output
    assert not Holiday.objects.exclude(country="JO").exists()


@pytest.mark.django_db
def test_import_records_one_audit_event_per_holiday(jordan_file: Path) -> None:
    before = Event.objects.count()
    run("import", str(jordan_file), "--country", "JO")

    events = list(Event.objects.filter(verb="core.holiday_added").order_by("seq"))
    assert Event.objects.count() - before == len(events) == 6
    holidays = {str(h.pk): h for h in Holiday.objects.filter(country="JO")}
    for event in events:
        holiday = holidays.pop(event.target_id)
        assert event.target_type == "core.holiday"
        assert event.actor is None
        assert event.actor_label == "system"
        assert event.country_id == "JO"
        assert event.data == {"new": {"date": holiday.date.isoformat(), "name": holiday.name}}
    assert not holidays


@pytest.mark.django_db
def test_importing_again_adds_nothing(jordan_file: Path) -> None:
    run("import", str(jordan_file), "--country", "JO")
    events = Event.objects.count()

    output = run("import", str(jordan_file), "--country", "JO")
    assert "JO: added 0 holiday(s) from jordan-2025.ics, skipped 6 already present." in output
    assert jordan_holidays() == JORDAN_2025_DAYS
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_dates_already_present_are_kept_as_they_are(jordan_file: Path) -> None:
    jordan = Country.objects.get(pk="JO")
    holiday_add(actor=None, country=jordan, date=dt.date(2025, 6, 7), name="Renamed by hand")

    output = run("import", str(jordan_file), "--country", "jo")
    assert "added 5 holiday(s)" in output
    assert "skipped 1 already present" in output
    assert Holiday.objects.get(country=jordan, date=dt.date(2025, 6, 7)).name == "Renamed by hand"


@pytest.mark.django_db
def test_the_same_file_goes_to_another_country_separately(jordan_file: Path) -> None:
    run("import", str(jordan_file), "--country", "JO")
    output = run("import", str(jordan_file), "--country", "PS")
    assert "PS: added 6 holiday(s)" in output
    assert Holiday.objects.filter(country="PS").count() == 6


@pytest.mark.django_db
def test_a_bad_file_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.ics"
    # Two good events first: they must not be imported either.
    path.write_bytes(ics(NEW_YEAR, EID, "SUMMARY:Meeting\nDTSTART:20250101T100000Z"))
    events = Event.objects.count()

    with pytest.raises(CommandError) as caught:
        run("import", str(path), "--country", "JO")
    message = str(caught.value)
    assert message.startswith("bad.ics has problems; nothing was imported:")
    assert "  - event 3 ('Meeting'): DTSTART has a time of day" in message
    assert not Holiday.objects.exists()
    assert Event.objects.count() == events


@pytest.mark.django_db
def test_the_problems_are_in_the_command_line_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.ics"
    path.write_bytes(
        ics(NEW_YEAR, "SUMMARY:Meeting\nDTSTART:20250101T100000Z", *["SUMMARY:x"] * 21)
    )
    monkeypatch.setenv("INSAF_LANGUAGE", "fr")
    with pytest.raises(CommandError) as caught:
        run("import", str(path), "--country", "JO")
    assert str(caught.value).splitlines() == [
        "Le fichier bad.ics comporte des erreurs ; rien n'a été importé :",
        "  - événement 2 ('Meeting') : DTSTART comporte une heure (2025-01-01T10:00:00+00:00) ; "
        "les jours fériés doivent être des événements d'une journée entière "
        "(DTSTART;VALUE=DATE:AAAAMMJJ)",
        *[f"  - événement {n} ('x') : n'a pas de DTSTART" for n in range(3, 22)],
        "  - ... et 2 autres problèmes",
    ]
    path.write_bytes(b"")
    monkeypatch.setenv("INSAF_LANGUAGE", "ar")
    with pytest.raises(CommandError) as caught:
        run("import", str(path), "--country", "JO")
    assert str(caught.value) == "في الملف bad.ics مشكلات؛ لم يُستورد أي شيء:\n  - الملف فارغ"
    assert not Holiday.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_icalendar_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "holidays.csv"
    path.write_text("date,name\n2025-01-01,New Year\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not a valid iCalendar file"):
        run("import", str(path), "--country", "JO")
    assert not Holiday.objects.exists()


@pytest.mark.django_db
def test_a_name_too_long_for_the_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.ics"
    path.write_bytes(ics(NEW_YEAR, all_day("x" * 201, "20250102")))
    with pytest.raises(CommandError, match="2025-01-02: the name is 201 characters long"):
        run("import", str(path), "--country", "JO")
    assert not Holiday.objects.exists()


@pytest.mark.django_db
def test_an_unknown_country_is_refused(jordan_file: Path) -> None:
    with pytest.raises(CommandError, match=r"Unknown country 'XX'.*\(AE, BH, .*YE\)"):
        run("import", str(jordan_file), "--country", "XX")
    assert not Holiday.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.ics: No such file"):
        run("import", str(tmp_path / "missing.ics"), "--country", "JO")


@pytest.mark.django_db
def test_the_country_is_required() -> None:
    with pytest.raises(CommandError, match="--country"):
        run("list")


@pytest.mark.django_db
def test_an_action_is_required() -> None:
    with pytest.raises(CommandError, match="action"):
        run()


# --- insaf holidays list --------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_prints_the_holidays_by_date(jordan_file: Path) -> None:
    run("import", str(jordan_file), "--country", "JO")
    jordan = Country.objects.get(pk="JO")
    holiday_add(actor=None, country=jordan, date=dt.date(2024, 12, 25), name="Christmas Day")

    lines = run("list", "--country", "JO").splitlines()
    assert lines[0] == "2024-12-25  Wed  Christmas Day"
    assert lines[1] == "2025-01-01  Wed  New Year's Day"
    assert lines[3] == "2025-06-06  Fri  عيد الأضحى"
    assert lines[-1] == "JO: 7 holiday(s)."


@pytest.mark.django_db
def test_list_of_one_year(jordan_file: Path) -> None:
    run("import", str(jordan_file), "--country", "JO")
    holiday_add(
        actor=None,
        country=Country.objects.get(pk="JO"),
        date=dt.date(2024, 12, 25),
        name="Christmas Day",
    )

    assert run("list", "--country", "JO", "--year", "2024").splitlines() == [
        "2024-12-25  Wed  Christmas Day",
        "JO: 1 holiday(s) in 2024.",
    ]
    assert run("list", "--country", "JO", "--year", "2025").splitlines()[-1] == (
        "JO: 6 holiday(s) in 2025."
    )


@pytest.mark.django_db
def test_list_when_there_are_none() -> None:
    assert run("list", "--country", "EG").strip() == "EG: no holidays."
    assert run("list", "--country", "EG", "--year", "2030").strip() == "EG: no holidays in 2030."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "message"), [("0", "between 1 and 9999"), ("twenty", "invalid int value")]
)
def test_list_refuses_a_bad_year(year: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("list", "--country", "JO", "--year", year)


@pytest.mark.django_db
def test_list_refuses_an_unknown_country() -> None:
    with pytest.raises(CommandError, match="Unknown country 'ZZ'"):
        run("list", "--country", "ZZ")
