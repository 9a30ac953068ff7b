"""``insaf holidays``: import a member state's public holidays from an .ics file, and list them.

The import is all or nothing: the whole file is checked before the first row is written, because a
half-imported holiday list silently moves deadlines. It is idempotent, so the same file (or next
year's file holding this year's dates as well) can be imported again; dates already present are
kept as they are, even if the file names them differently, since an administrator may have
corrected the name by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insaf.core.commands import InsafCommand
from insaf.core.ical import ICalendarError, IcsHoliday, parse_holidays
from insaf.core.models import Country, Holiday
from insaf.core.services import holiday_add


class Command(InsafCommand):
    summary = gettext_lazy("Import and list the public holidays of a member state.")
    help = gettext_lazy(
        "Public holidays of a member state: 'import' an iCalendar file, 'list' those entered."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imports = sub.add_parser(
            "import",
            help=_(
                "Add the all-day events of an .ics file as holidays; dates already present are "
                "skipped, and nothing is imported if the file has any problem."
            ),
        )
        imports.add_argument("file", help=_("Path of the .ics file."))
        imports.add_argument("--country", required=True, help=_("ISO code of the member state."))
        listing = sub.add_parser("list", help=_("Print the holidays of a member state by date."))
        listing.add_argument("--country", required=True, help=_("ISO code of the member state."))
        listing.add_argument("--year", type=int, help=_("Only the holidays of this year."))

    def handle(self, *args: Any, **options: Any) -> None:
        country = _country(options["country"])
        if options["action"] == "import":
            self._import(country=country, path=Path(options["file"]))
        else:
            self._list(country=country, year=options.get("year"))

    def _import(self, *, country: Country, path: Path) -> None:
        holidays = _read_holidays(path)
        present = set(
            country.holidays.filter(date__in=[day for day, _name in holidays]).values_list(
                "date", flat=True
            )
        )
        new = [(day, name) for day, name in holidays if day not in present]
        with transaction.atomic():
            for day, name in new:
                _add(country=country, day=day, name=name)
        for day, name in new:
            self.stdout.write(f"  + {day.isoformat()}  {name}")
        self.stdout.write(
            _(
                "%(country)s: added %(added)s holiday(s) from %(file)s, "
                "skipped %(skipped)s already present."
            )
            % {
                "country": country.pk,
                "added": len(new),
                "file": path.name,
                "skipped": len(holidays) - len(new),
            }
        )

    def _list(self, *, country: Country, year: int | None) -> None:
        holidays = country.holidays.order_by("date")
        if year is not None:
            if not dt.MINYEAR <= year <= dt.MAXYEAR:
                raise CommandError(
                    _("--year must be between %(first)s and %(last)s.")
                    % {"first": dt.MINYEAR, "last": dt.MAXYEAR}
                )
            holidays = holidays.filter(date__year=year)
        figures = {"country": country.pk, "count": len(holidays), "year": year}
        if not holidays:
            if year is None:
                self.stdout.write(_("%(country)s: no holidays.") % figures)
            else:
                self.stdout.write(_("%(country)s: no holidays in %(year)s.") % figures)
            return
        for holiday in holidays:
            # The weekday's abbreviation in the command's language ("Wed" in English).
            weekday = date_format(holiday.date, "D")
            self.stdout.write(f"{holiday.date.isoformat()}  {weekday}  {holiday.name}")
        if year is None:
            self.stdout.write(_("%(country)s: %(count)s holiday(s).") % figures)
        else:
            self.stdout.write(_("%(country)s: %(count)s holiday(s) in %(year)s.") % figures)


def _country(code: str) -> Country:
    country = Country.objects.filter(pk=code.strip().upper()).first()
    if country is None:
        known = ", ".join(Country.objects.order_by("pk").values_list("pk", flat=True))
        raise CommandError(
            _("Unknown country %(code)s: use the ISO code of a member state (%(known)s).")
            % {"code": repr(code), "known": known}
        )
    return country


def _read_holidays(path: Path) -> list[IcsHoliday]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(
            _("Cannot read %(path)s: %(error)s.") % {"path": path, "error": exc.strerror or exc}
        ) from exc
    try:
        holidays = parse_holidays(data)
    except ICalendarError as exc:
        problems = list(exc.problems)
    else:
        problems = _name_problems(holidays)
    if problems:
        lines = "\n".join(f"  - {problem}" for problem in problems)
        heading = _("%(file)s has problems; nothing was imported:") % {"file": path.name}
        raise CommandError(f"{heading}\n{lines}")
    return holidays


def _name_problems(holidays: list[IcsHoliday]) -> list[str]:
    limit = Holiday._meta.get_field("name").max_length or 0
    return [
        _("%(date)s: the name is %(length)s characters long; at most %(limit)s fit")
        % {"date": day.isoformat(), "length": len(name), "limit": limit}
        for day, name in holidays
        if limit and len(name) > limit
    ]


def _add(*, country: Country, day: dt.date, name: str) -> None:
    try:
        holiday_add(actor=None, country=country, date=day, name=name)
    except ValidationError as exc:
        # Only a concurrent edit can get here, since present dates were filtered out just before.
        raise CommandError(
            _(
                "%(date)s could not be added (%(errors)s); nothing was imported. "
                "Run the import again."
            )
            % {"date": day.isoformat(), "errors": "; ".join(exc.messages)}
        ) from exc
