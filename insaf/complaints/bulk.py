"""Bulk import of historical cases (``insaf import``) from a JSONL or CSV file.

A record carries the fields of the filing API (``text``, ``country``, ``kind``, ``language``,
``anonymous``, ``complainant`` {name, phone, email, national_id}, ``subject``, ``occurred_at``,
``place``, ``unit_complained_about``, ``governorate``) plus ``external_id`` (required: the case's id
in the system it comes from) and optionally ``received_at``, ``status`` (default ``registered``)
and ``channel`` (default ``import``). In CSV the columns are the same keys, the complainant's as
``complainant_name``, ``complainant_phone``, ``complainant_email`` and ``complainant_national_id``;
an empty cell is an absent value. Dates are ISO 8601; a date without a UTC offset is the country's
local time. A national node takes the cases of its own member state only (``INSAF_COUNTRY``), as
the filing API does; a secretariat node takes none.

``import_file`` works in two passes over the file, so memory does not grow with the texts:

1. Check every record (``check_content``, the country, the units, the phone, duplicates of an
   external id inside the file) and look up the external ids already imported. Any bad record:
   the errors are returned by line number and nothing is written.
2. Read the file again and import, per country, in batches of ``batch_size``: triage each text,
   encrypt identities and compute route and deadlines in memory (the country's calendar, deadline
   rules and reference data are loaded once; each distinct routing question is asked of
   ``route()`` once and remembered), then in one transaction per batch reserve the references of
   each (country, year) in one call, insert cases, people and one FILED timeline event per case
   with ``bulk_create``, and append one COMPLAINT_IMPORTED audit event for the whole batch.
   Batches are written by worker processes (``workers``; triage is most of the cost), each with
   its own connection and its own copy of the per-country data (the triage model and the concept
   layer are loaded before they fork, and shared); references stay unique and
   without gaps per (country, year), consecutive within a batch and in file order within it.

Records whose (country, external id) is already present are skipped, so an import can be run again
after an interruption. Imported cases get no receipt code (they were filed elsewhere), no SMS or
e-mail, and grave ones are placed under oversight like any other grave case.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import multiprocessing
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ALL_COMPLETED, FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.complaints.config import CountryConfig, country_config
from insaf.complaints.deadlines import deadlines
from insaf.complaints.enums import Channel, EventType, Status
from insaf.complaints.models import CaseEvent, Complaint, Person
from insaf.complaints.routing import Route, route
from insaf.complaints.services.intake import (
    SUBJECT_MAX,
    PersonInput,
    build_person,
    check_content,
    format_reference,
    label_fields,
    reserve_references,
    served_country_code,
    subject_from,
)
from insaf.core.bulkinsert import insert_rows
from insaf.core.calendar import WorkCalendar
from insaf.core.models import Country, Governorate, Unit
from insaf.core.normalise import normalise_phone
from insaf.search.concepts import layer as concept_layer
from insaf.search.indexing import prepare_entries, write_entries
from insaf.triage.engine import TriageResult, triage_many
from insaf.triage.engine import warm_up as warm_up_triage

if TYPE_CHECKING:
    from insaf.accounts.models import User

FIELDS = frozenset(
    {
        "external_id",
        "text",
        "country",
        "kind",
        "language",
        "anonymous",
        "complainant",
        "subject",
        "occurred_at",
        "place",
        "unit_complained_about",
        "governorate",
        "received_at",
        "status",
        "channel",
    }
)
COMPLAINANT_FIELDS = ("name", "phone", "email", "national_id")
CSV_COMPLAINANT_PREFIX = "complainant_"
CSV_COLUMNS = (FIELDS - {"complainant"}) | {
    CSV_COMPLAINANT_PREFIX + name for name in COMPLAINANT_FIELDS
}
EXTERNAL_ID_MAX = 100
PLACE_MAX = 200
# Beyond this many, errors are counted but not kept (a wrong column would repeat on every line).
MAX_KEPT_ERRORS = 1000
# external_id IN (...) lookups stay well under every backend's limit on query parameters.
LOOKUP_CHUNK = 500
# A date this far ahead of the clock is a mistake, not a time-zone difference.
FUTURE_TOLERANCE = dt.timedelta(hours=1)
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})

ProgressCallback = Callable[[str, int, int], None]


class ImportFileError(Exception):
    """The file as a whole cannot be read (unknown extension, not UTF-8, not CSV, missing)."""


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field or _("record"),
            "message": self.message,
        }


@dataclass(slots=True)
class ImportRecord:
    """One checked record, ready to import."""

    line: int
    country: str
    external_id: str
    text: str
    anonymous: bool
    complainant: PersonInput | None
    kind: str | None
    language: str | None
    subject: str
    occurred_at: dt.datetime | None
    place: str
    unit_id: int | None
    governorate_id: int | None
    received_at: dt.datetime | None
    status: Status
    channel: Channel


@dataclass
class ImportReport:
    records: int = 0
    imported: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    # Per batch: (first reference, last reference), in the order written.
    batches: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def rate(self) -> float:
        return self.imported / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        if self.dry_run:
            count = self.records - self.skipped
            return ngettext(
                "Dry run: %(count)s case would be imported (skipped %(skipped)s already "
                "present); nothing was written.",
                "Dry run: %(count)s cases would be imported (skipped %(skipped)s already "
                "present); nothing was written.",
                count,
            ) % {"count": count, "skipped": self.skipped}
        return ngettext(
            "Imported %(count)s case (skipped %(skipped)s already present) in %(seconds).1f s: "
            "%(rate).0f cases/s",
            "Imported %(count)s cases (skipped %(skipped)s already present) in %(seconds).1f s: "
            "%(rate).0f cases/s",
            self.imported,
        ) % {
            "count": self.imported,
            "skipped": self.skipped,
            "seconds": self.seconds,
            "rate": self.rate,
        }


# --- Reading -------------------------------------------------------------------------------------
RawRow = tuple[int, dict[str, Any] | str]


def read_rows(path: Path) -> Iterator[RawRow]:
    """(line number, record as a dict) for each record, or (line number, error message) for a line
    that is not a record. Blank lines are ignored. The format follows the file's extension."""
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"}:
        return _read_jsonl(path)
    if suffix == ".csv":
        return _read_csv(path)
    raise ImportFileError(_("%(file)s: use a .jsonl or a .csv file.") % {"file": path.name})


def _open_binary(path: Path) -> io.BufferedReader:
    try:
        return path.open("rb")
    except OSError as exc:
        raise ImportFileError(f"{path}: {exc.strerror or exc}") from None


def _read_jsonl(path: Path) -> Iterator[RawRow]:
    with _open_binary(path) as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield number, _("the line is not valid UTF-8")
                continue
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError as exc:
                yield number, _("not valid JSON (%(reason)s)") % {"reason": exc}
                continue
            if not isinstance(value, dict):
                yield number, _("each line must be a JSON object")
                continue
            yield number, value


def _read_csv(path: Path) -> Iterator[RawRow]:
    with (
        _open_binary(path) as binary,
        io.TextIOWrapper(binary, encoding="utf-8-sig", newline="") as text,
    ):
        reader = csv.reader(text)
        try:
            header = next(reader, None)
            if header is None:
                return
            columns = [name.strip() for name in header]
            unknown = [name for name in columns if name not in CSV_COLUMNS]
            if unknown:
                raise ImportFileError(
                    _("%(file)s, line 1: unknown column(s): %(unknown)s. Columns: %(columns)s.")
                    % {
                        "file": path.name,
                        "unknown": ", ".join(unknown),
                        "columns": ", ".join(sorted(CSV_COLUMNS)),
                    }
                )
            if len(set(columns)) != len(columns):
                raise ImportFileError(
                    _("%(file)s, line 1: a column is named twice.") % {"file": path.name}
                )
            previous = reader.line_num
            for cells in reader:
                start, previous = previous + 1, reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(columns):
                    yield (
                        start,
                        _("%(cells)s cells where the header has %(columns)s")
                        % {
                            "cells": len(cells),
                            "columns": len(columns),
                        },
                    )
                    continue
                record: dict[str, Any] = {}
                person: dict[str, str] = {}
                for name, cell in zip(columns, cells, strict=True):
                    if cell == "":
                        continue
                    if name.startswith(CSV_COMPLAINANT_PREFIX):
                        person[name.removeprefix(CSV_COMPLAINANT_PREFIX)] = cell
                    else:
                        record[name] = cell
                if person:
                    record["complainant"] = person
                yield start, record
        except UnicodeDecodeError:
            raise ImportFileError(
                _("%(file)s: not valid UTF-8 (after line %(line)s).")
                % {"file": path.name, "line": reader.line_num}
            ) from None
        except csv.Error as exc:
            raise ImportFileError(
                _("%(file)s, line %(line)s: %(reason)s")
                % {"file": path.name, "line": reader.line_num, "reason": exc}
            ) from None


# --- Checking ------------------------------------------------------------------------------------
class _Lookups:
    """Countries (one query) and each country's units and governorates (one query each), cached
    for the whole import."""

    def __init__(self) -> None:
        self.countries: dict[str, Country] = Country.objects.in_bulk()
        self._units: dict[str, dict[int, Unit]] = {}
        self._governorates: dict[str, frozenset[int]] = {}

    def units(self, country: str) -> dict[int, Unit]:
        if country not in self._units:
            self._units[country] = Unit.objects.filter(agency__country_id=country).in_bulk()
        return self._units[country]

    def governorates(self, country: str) -> frozenset[int]:
        if country not in self._governorates:
            self._governorates[country] = frozenset(
                Governorate.objects.filter(country_id=country).values_list("pk", flat=True)
            )
        return self._governorates[country]


class _Checker:
    """Turns raw rows into ImportRecords, collecting errors by line."""

    def __init__(self, lookups: _Lookups, default_country: str | None, served: str) -> None:
        self.lookups = lookups
        self.default_country = default_country
        self.served = served  # the member state whose cases this node takes
        self.now = timezone.now()

    def check(self, line: int, raw: dict[str, Any]) -> tuple[ImportRecord | None, list[RowError]]:
        errors: list[RowError] = []

        def fail(name: str, message: str) -> None:
            errors.append(RowError(line, name, message))

        for name in sorted(set(raw) - FIELDS):
            fail(name, _("unknown field"))

        country_code = _text(raw.get("country"), "country", fail) or self.default_country or ""
        country_code = country_code.strip().upper()
        country = self.lookups.countries.get(country_code)
        if not country_code:
            fail("country", _("missing (or give --country)"))
        elif country is None:
            fail(
                "country",
                _("unknown country %(code)s: use the ISO code of a member state")
                % {"code": repr(country_code)},
            )
        elif self.default_country and country_code != self.default_country:
            fail(
                "country",
                _("%(code)s is not the country imported (%(imported)s)")
                % {"code": country_code, "imported": self.default_country},
            )
        elif country_code != self.served:
            fail(
                "country",
                _(
                    "%(code)s: this node holds the cases of %(served)s only (import them on that "
                    "member state's node)"
                )
                % {"code": country_code, "served": self.served},
            )
        zone = ZoneInfo(country.timezone) if country is not None else dt.UTC

        external_id = _text(raw.get("external_id"), "external_id", fail, numbers=True).strip()
        if "external_id" not in raw or not external_id:
            fail("external_id", _("missing"))
        elif len(external_id) > EXTERNAL_ID_MAX:
            fail("external_id", _("longer than %(max)s characters") % {"max": EXTERNAL_ID_MAX})

        text = _text(raw.get("text"), "text", fail)
        kind = _text(raw.get("kind"), "kind", fail) or None
        language = _text(raw.get("language"), "language", fail) or None
        subject = _text(raw.get("subject"), "subject", fail)
        place = _text(raw.get("place"), "place", fail).strip()[:PLACE_MAX]
        anonymous = _flag(raw.get("anonymous"), "anonymous", fail)
        occurred_at = _moment(raw.get("occurred_at"), "occurred_at", zone, fail)
        received_at = _moment(raw.get("received_at"), "received_at", zone, fail)
        if received_at is not None and received_at > self.now + FUTURE_TOLERANCE:
            fail("received_at", _("the date is in the future"))
        if occurred_at is not None and received_at is not None and occurred_at > received_at:
            fail("occurred_at", _("after the date the case was received"))
        status = _choice(raw.get("status"), "status", Status, Status.REGISTERED, fail)
        channel = _choice(raw.get("channel"), "channel", Channel, Channel.IMPORT, fail)
        complainant = _person(raw.get("complainant"), fail)

        for name, message in check_content(
            text=text,
            anonymous=anonymous,
            complainant=complainant,
            kind=kind,
            language=language,
            subject=subject,
            occurred_at=occurred_at,
        ).items():
            fail(name, str(message))

        unit_id = _identifier(raw.get("unit_complained_about"), "unit_complained_about", fail)
        governorate_id = _identifier(raw.get("governorate"), "governorate", fail)
        if country is not None:
            if unit_id is not None and unit_id not in self.lookups.units(country.pk):
                fail(
                    "unit_complained_about",
                    _("no unit %(unit)s in %(country)s") % {"unit": unit_id, "country": country.pk},
                )
            if governorate_id is not None and governorate_id not in self.lookups.governorates(
                country.pk
            ):
                fail(
                    "governorate",
                    _("no governorate %(governorate)s in %(country)s")
                    % {"governorate": governorate_id, "country": country.pk},
                )
            # The same test build_person applies when the case is written.
            if (
                complainant is not None
                and complainant.phone.strip()
                and not normalise_phone(complainant.phone, calling_code=country.calling_code)
            ):
                fail("complainant.phone", _("not a valid phone number"))

        if errors or country is None:
            return None, errors
        return (
            ImportRecord(
                line=line,
                country=country.pk,
                external_id=external_id,
                text=text.strip(),
                anonymous=anonymous,
                complainant=complainant,
                kind=kind,
                language=language,
                subject=subject.strip(),
                occurred_at=occurred_at,
                place=place,
                unit_id=unit_id,
                governorate_id=governorate_id,
                received_at=received_at,
                status=status,
                channel=channel,
            ),
            [],
        )


Fail = Callable[[str, str], None]


def _text(value: Any, name: str, fail: Fail, *, numbers: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    fail(name, _("must be a string"))
    return ""


def _flag(value: Any, name: str, fail: Fail) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    fail(name, _("must be true or false"))
    return False


def _moment(value: Any, name: str, zone: ZoneInfo | dt.timezone, fail: Fail) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
    fail(name, _("not an ISO 8601 date or date and time"))
    return None


_Choice = TypeVar("_Choice", Status, Channel)


_CHOICES: dict[type[Status] | type[Channel], frozenset[str]] = {
    Status: frozenset(Status.values),
    Channel: frozenset(Channel.values),
}


def _choice(value: Any, name: str, choices: type[_Choice], default: _Choice, fail: Fail) -> _Choice:
    if value is None:
        return default
    if isinstance(value, str) and value.strip() in _CHOICES[choices]:
        return choices(value.strip())
    fail(name, _("must be one of %(choices)s") % {"choices": ", ".join(choices.values)})
    return default


def _identifier(value: Any, name: str, fail: Fail) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    fail(name, _("must be an id (a positive whole number)"))
    return None


def _person(value: Any, fail: Fail) -> PersonInput | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        fail("complainant", _("must be an object with name, phone, email, national_id"))
        return None
    for name in sorted(set(value) - set(COMPLAINANT_FIELDS)):
        fail(f"complainant.{name}", _("unknown field"))

    def get(name: str) -> str:
        return _text(value.get(name), f"complainant.{name}", fail, numbers=True)

    return PersonInput(
        name=get("name"), phone=get("phone"), email=get("email"), national_id=get("national_id")
    )


# --- Writing -------------------------------------------------------------------------------------
@dataclass
class _CountryContext:
    """The country's configuration snapshot, taken once for the whole import, and its units."""

    config: CountryConfig
    units: dict[int, Unit]
    routes: dict[tuple[str, bool, int | None, int | None], Route] = field(default_factory=dict)

    def route(self, *, category: str, grave: bool, unit_id: int | None, gov: int | None) -> Route:
        """``route()``'s answer, asked once per distinct question: it depends on nothing else,
        and the routing rules do not change during an import."""
        key = (category, grave, unit_id, gov)
        found = self.routes.get(key)
        if found is None:
            found = self.routes[key] = route(
                country_code=self.config.country.pk,
                category=category,
                grave=grave,
                unit_complained_about=self.units[unit_id] if unit_id is not None else None,
                governorate_id=gov,
                config=self.config,
            )
        return found

    @property
    def country(self) -> Country:
        return self.config.country

    @property
    def calendar(self) -> WorkCalendar:
        return self.config.calendar


@dataclass(slots=True)
class _Prepared:
    complaint: Complaint
    person: Person | None
    route: Route
    year: int


def _prepare(
    ctx: _CountryContext, record: ImportRecord, labels: TriageResult, now: dt.datetime
) -> _Prepared:
    """Everything done outside the transaction: encryption, route, deadlines."""
    received = record.received_at or now
    chosen = ctx.route(
        category=labels.category,
        grave=labels.grave,
        unit_id=record.unit_id,
        gov=record.governorate_id,
    )
    ack_due, resolve_due = deadlines(
        ctx.calendar, ctx.config.deadline_rules[labels.priority], received
    )
    complaint = Complaint(
        country=ctx.country,
        external_id=record.external_id,
        channel=record.channel,
        language=labels.language,
        subject=(record.subject or subject_from(record.text))[:SUBJECT_MAX],
        text=record.text,
        anonymous=record.anonymous,
        receipt_hash="",
        occurred_at=record.occurred_at,
        governorate_id=record.governorate_id,
        place=record.place,
        unit_complained_about_id=record.unit_id,
        **label_fields(labels, kind_given=bool(record.kind)),
        status=record.status,
        received_at=received,
        ack_due_at=ack_due,
        resolve_due_at=resolve_due,
        handling_unit=chosen.unit,
        oversight=chosen.oversight or labels.grave,
    )
    person = None
    if record.complainant is not None and not record.complainant.is_empty():
        person = build_person(record.complainant, calling_code=ctx.country.calling_code)
    return _Prepared(complaint, person, chosen, ctx.calendar.local_date(received).year)


class _Writer:
    """Writes batches; one per process (the importing one, or each worker). It loads each
    country's reference data, calendar and deadline rules once, on the country's first batch."""

    def __init__(self, *, user_id: int | None, source: str, now: dt.datetime) -> None:
        from insaf.accounts.models import User

        self.user = User.objects.get(pk=user_id) if user_id is not None else None
        self.source = source
        self.now = now
        self.contexts: dict[str, _CountryContext] = {}

    def context(self, code: str) -> _CountryContext:
        if code not in self.contexts:
            self.contexts[code] = _CountryContext(
                config=country_config(code),
                units=Unit.objects.filter(agency__country_id=code).in_bulk(),
            )
        return self.contexts[code]

    def write(self, code: str, records: list[ImportRecord]) -> tuple[int, str, str]:
        """Import one batch of one country in one transaction: (count, first and last
        reference)."""
        ctx = self.context(code)
        user = self.user
        current = concept_layer()  # current before the transaction (see intake)
        # Triage of the whole batch at once (the model labels a batch faster than its texts).
        labels = triage_many(
            [r.text for r in records],
            languages=[r.language for r in records],
            kinds=[r.kind for r in records],
        )
        prepared = [
            _prepare(ctx, record, found, self.now)
            for record, found in zip(records, labels, strict=True)
        ]
        # The concepts triage found, for the index (None: found again there).
        concepts = [current.tokens_from(found.concepts, found.lexicon) for found in labels]
        entries = prepare_entries([item.complaint for item in prepared], concepts)
        by_year: dict[int, list[Complaint]] = defaultdict(list)
        for item in prepared:
            item.complaint.created_by = user
            by_year[item.year].append(item.complaint)
        with transaction.atomic():
            for year, complaints in by_year.items():
                numbers = reserve_references(ctx.country, year, len(complaints))
                for offset, complaint in enumerate(complaints):
                    complaint.reference = format_reference(ctx.country.pk, year, numbers[offset])
            complaints = [item.complaint for item in prepared]
            insert_rows(Complaint, complaints)
            ids = dict(
                Complaint.objects.filter(
                    reference__in=[c.reference for c in complaints]
                ).values_list("reference", "pk")
            )
            for complaint in complaints:
                complaint.pk = ids[complaint.reference]
            write_entries(complaints, entries)
            people = []
            for item in prepared:
                if item.person is not None:
                    item.person.complaint = item.complaint
                    people.append(item.person)
            insert_rows(Person, people)
            insert_rows(
                CaseEvent,
                [
                    CaseEvent(
                        complaint=item.complaint,
                        type=EventType.FILED,
                        public=True,
                        actor=user,
                        to_status=item.complaint.status,
                        data={
                            "imported": True,
                            "handling_unit": item.route.unit.pk if item.route.unit else None,
                            "rule": item.route.rule_id,
                        },
                        created_at=item.complaint.received_at,
                    )
                    for item in prepared
                ],
            )
            first_case, last_case = complaints[0], complaints[-1]
            audit_record(
                actor=user,
                verb=Verb.COMPLAINT_IMPORTED,
                country=ctx.country.pk,
                data={
                    "count": len(complaints),
                    "source": self.source,
                    "first": {
                        "reference": first_case.reference,
                        "external_id": first_case.external_id,
                    },
                    "last": {
                        "reference": last_case.reference,
                        "external_id": last_case.external_id,
                    },
                    "grave": sum(1 for c in complaints if c.grave),
                },
            )
        return len(complaints), first_case.reference, last_case.reference


# Worker processes: each holds its own Writer (and database connection).
_worker: _Writer | None = None


def _worker_start(user_id: int | None, source: str, now: dt.datetime) -> None:
    global _worker
    _worker = _Writer(user_id=user_id, source=source, now=now)


def _worker_write(code: str, records: list[ImportRecord]) -> tuple[int, str, str]:
    if _worker is None:
        raise RuntimeError("the import worker was not started")
    return _worker.write(code, records)


class BatchFailed(Exception):
    """A batch could not be written (its transaction was rolled back)."""

    def __init__(self, first_line: int, cause: BaseException) -> None:
        self.first_line = first_line
        self.cause = cause
        super().__init__(
            _("the batch starting on line %(line)s failed: %(cause)s")
            % {"line": first_line, "cause": repr(cause)}
        )


class _Sink:
    """Sends batches to the Writer in this process, or to a pool of worker processes (at most
    two batches in flight per worker, so the file is not read far ahead)."""

    def __init__(
        self,
        *,
        workers: int,
        user_id: int | None,
        source: str,
        now: dt.datetime,
        done: Callable[[tuple[int, str, str]], None],
    ) -> None:
        self.done = done
        self.pool: ProcessPoolExecutor | None = None
        self.local: _Writer | None = None
        self.in_flight: dict[Future[tuple[int, str, str]], int] = {}
        self.limit = 2 * workers
        if workers > 1:
            # The triage model and the concept layer take seconds to load: loaded here, once,
            # the forked workers share them instead of each loading its own copy.
            warm_up_triage()
            concept_layer()
            # Children must open their own connections: none may be inherited.
            connections.close_all()
            self.pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_worker_start,
                initargs=(user_id, source, now),
            )
        else:
            self.local = _Writer(user_id=user_id, source=source, now=now)

    def send(self, code: str, records: list[ImportRecord]) -> None:
        if self.local is not None:
            try:
                self.done(self.local.write(code, records))
            except Exception as exc:
                raise BatchFailed(records[0].line, exc) from exc
            return
        if self.pool is None:
            raise RuntimeError("no writer")
        if len(self.in_flight) >= self.limit:
            self._collect(FIRST_COMPLETED)
        self.in_flight[self.pool.submit(_worker_write, code, records)] = records[0].line

    def finish(self) -> None:
        if self.pool is not None:
            try:
                self._collect(ALL_COMPLETED)
            finally:
                self.pool.shutdown(wait=True, cancel_futures=True)

    def abort(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _collect(self, when: str) -> None:
        finished, _ = wait(self.in_flight, return_when=when)
        for future in sorted(finished, key=self.in_flight.__getitem__):
            line = self.in_flight.pop(future)
            try:
                self.done(future.result())
            except Exception as exc:
                raise BatchFailed(line, exc) from exc


# --- The whole import ----------------------------------------------------------------------------
# SQLite, several workers: every this many batches, the importing process checkpoints the WAL.
CHECKPOINT_EVERY = 20


def _checkpoint() -> None:
    """Copy SQLite's write-ahead log into the database and empty it. With workers writing in
    turn there is always a transaction open somewhere, so the automatic checkpoints never get to
    restart the log and it grows without end (tens of gigabytes for a million cases). This one
    waits (busy timeout) for a moment between transactions; the workers wait for it in turn."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _existing_ids(country: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), LOOKUP_CHUNK):
        rows = Complaint.objects.filter(
            country_id=country, external_id__in=ids[start : start + LOOKUP_CHUNK]
        ).values_list("external_id", flat=True)
        found.update(external_id for external_id in rows if external_id is not None)
    return found


def default_workers() -> int:
    """Worker processes for an import: one per CPU, at most four (the database is the limit)."""
    return max(1, min(4, os.cpu_count() or 1))


def import_file(
    path: Path | str,
    *,
    country: str | None = None,
    user: User | None = None,
    batch_size: int = 1000,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    workers: int = 1,
) -> ImportReport:
    """Check the whole file, then import it (see the module's docstring). Returns the report; when
    it has errors, nothing was written. Raises ImportFileError when the file cannot be read, and
    BatchFailed when a batch cannot be written (the batches before it stay imported; run the
    import again to finish: what is imported is skipped).

    ``workers`` > 1 prepares and writes batches in that many worker processes, each with its own
    database connection. It needs ``fork`` and committed data, so inside a transaction (as in
    tests) or for a single batch the import runs in this process."""
    path = Path(path)
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.perf_counter()
    report = ImportReport(dry_run=dry_run)
    default_country = country.strip().upper() if country else None
    served = served_country_code()
    if served is None:
        raise ImportFileError(
            _(
                "This is a secretariat node: it holds no cases. Import them on the member state's "
                "node."
            )
        )
    lookups = _Lookups()
    if default_country and default_country not in lookups.countries:
        raise ImportFileError(
            _("--country %(code)s: not a member state.") % {"code": default_country}
        )
    if default_country and default_country != served:
        raise ImportFileError(
            _("--country %(code)s: this node holds the cases of %(served)s only.")
            % {"code": default_country, "served": served}
        )
    checker = _Checker(lookups, default_country, served)

    # Pass 1: check everything; remember the external ids, per country, with their line.
    seen: dict[str, dict[str, int]] = defaultdict(dict)

    def error(item: RowError) -> None:
        report.error_count += 1
        if len(report.errors) < MAX_KEPT_ERRORS:
            report.errors.append(item)

    for line, raw in read_rows(path):
        report.records += 1
        if progress is not None:
            progress("checking", report.records, 0)
        if isinstance(raw, str):
            error(RowError(line, "", raw))
            continue
        record, errors = checker.check(line, raw)
        for item in errors:
            error(item)
        if record is not None:
            lines = seen[record.country]
            first_line = lines.setdefault(record.external_id, line)
            if first_line != line:
                error(
                    RowError(
                        line,
                        "external_id",
                        _("the same as on line %(line)s") % {"line": first_line},
                    )
                )
    existing = {code: _existing_ids(code, list(ids)) for code, ids in seen.items()}
    report.skipped = sum(len(ids) for ids in existing.values())
    if not report.ok or dry_run:
        report.seconds = time.perf_counter() - started
        return report

    # Pass 2: import, a batch per country at a time.
    total = report.records - report.skipped
    if (
        total <= batch_size
        or connection.in_atomic_block
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        workers = 1

    def done(result: tuple[int, str, str]) -> None:
        count, first, last = result
        report.imported += count
        report.batches.append((first, last))
        if workers > 1 and len(report.batches) % CHECKPOINT_EVERY == 0:
            _checkpoint()
        if progress is not None:
            progress("importing", report.imported, total)

    sink = _Sink(
        workers=workers,
        user_id=user.pk if user is not None else None,
        source=path.name,
        now=timezone.now(),
        done=done,
    )
    pending: dict[str, list[ImportRecord]] = defaultdict(list)
    try:
        for line, raw in read_rows(path):
            if isinstance(raw, str):
                raise ImportFileError(
                    _("line %(line)s: %(error)s (the file changed since it was checked)")
                    % {"line": line, "error": raw}
                )
            record, errors = checker.check(line, raw)
            if record is None:
                raise ImportFileError(
                    _("%(error)s (the file changed since it was checked)") % {"error": errors[0]}
                )
            if record.external_id in existing[record.country]:
                continue
            batch = pending[record.country]
            batch.append(record)
            if len(batch) >= batch_size:
                sink.send(record.country, pending.pop(record.country))
        for code in list(pending):
            sink.send(code, pending.pop(code))
        sink.finish()
    except BaseException:
        sink.abort()
        raise
    report.seconds = time.perf_counter() - started
    return report


# --- Progress ------------------------------------------------------------------------------------
# The phases the bar is told of (import_file's, and the reindex's), as it shows them.
PHASES = {
    "checking": gettext_lazy("checking"),
    "importing": gettext_lazy("importing"),
    "indexing": gettext_lazy("indexing"),
}


class ProgressBar:
    """A one-line progress bar, redrawn at most every ``interval`` seconds, for a terminal
    (``tty``); otherwise a line at each tenth of the way, so that logs stay short. A phase is
    timed from the last report of the one before (or from the bar's creation), so a phase whose
    first report is already its last still gets a true rate; ``clock`` is for tests."""

    def __init__(
        self,
        write: Callable[[str], object] | None = None,
        *,
        tty: bool | None = None,
        width: int = 30,
        interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.write = write or sys.stderr.write
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.width = width
        self.interval = interval
        self.clock = clock
        self._phase = ""
        self._started = self._last = clock()
        self._drawn = -math.inf
        self._tenth = -1

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = self.clock()
        if phase != self._phase:
            if self._phase and self.tty:
                self.write("\n")
            self._phase, self._started, self._drawn, self._tenth = phase, self._last, -math.inf, -1
        self._last = now
        finished = total > 0 and done >= total
        if self.tty:
            if not finished and now - self._drawn < self.interval:
                return
            self._drawn = now
            self.write("\r" + self._line(done, total, now) + ("\n" if finished else ""))
        elif total > 0:
            tenth = done * 10 // total
            if tenth != self._tenth:
                self._tenth = tenth
                self.write(self._line(done, total, now) + "\n")

    def _line(self, done: int, total: int, now: float) -> str:
        elapsed = now - self._started
        rate = done / elapsed if elapsed > 0 else 0.0
        phase = f"{PHASES.get(self._phase, self._phase)!s:<10}"
        if total <= 0:
            counted = _("%(done)s records %(rate)s/s")
            return f"{phase} " + counted % {"done": f"{done:,}", "rate": f"{rate:,.0f}"}
        filled = self.width * min(done, total) // total
        bar = "#" * filled + "." * (self.width - filled)
        seconds = (total - done) / rate if rate > 0 else 0.0
        eta = _("ETA %(seconds)s s") % {"seconds": f"{seconds:,.0f}"}
        share = f"{100 * done / total:3.0f}%"
        return f"{phase} [{bar}] {done:,}/{total:,} {share} {rate:,.0f}/s {eta}"
