"""Export of cases (``insaf export``) to CSV or JSONL, streamed in chunks.

By default no identity leaves: the columns are the case's reference, ids, labels, status, dates,
handling unit and text. ``with_identity`` adds the complainant's name, phone, e-mail and national
ID, decrypted, and needs a member of staff with a role that sees personal data and a reason; each
case's identity is included only where ``can_see_identity`` allows it for that person (never for
someone in the unit complained about), and the others are exported without it and counted. Given a
user, only the cases that user may see are exported. Every export is audited (COMPLAINT_EXPORTED:
count, filters, whether identities were included, reason), even one that fails half-way.

In CSV, a text cell that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return) is prefixed with ``'``; phone numbers (``+`` and digits) are left as
they are.
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from insaf.accounts.access import can_see_personal_data
from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.complaints.enums import PersonRole
from insaf.complaints.models import Complaint, Person
from insaf.complaints.selectors import can_see_identity, cases_for
from insaf.complaints.services.intake import identity_context
from insaf.core.crypto import decrypt
from insaf.core.models import Country

if TYPE_CHECKING:
    from insaf.accounts.models import User

FORMATS = ("csv", "jsonl")
CHUNK_SIZE = 2000
COLUMNS = (
    "reference",
    "external_id",
    "country",
    "channel",
    "language",
    "kind",
    "category",
    "grave",
    "vulnerable",
    "priority",
    "status",
    "anonymous",
    "received_at",
    "occurred_at",
    "ack_due_at",
    "resolve_due_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "handling_unit",
    "text",
)
IDENTITY_FIELDS = ("name", "phone", "email", "national_id")
# The same names as the import's CSV columns, so that an export can be read back.
IDENTITY_COLUMNS = tuple(f"complainant_{name}" for name in IDENTITY_FIELDS)
_DATES = (
    "received_at",
    "occurred_at",
    "ack_due_at",
    "resolve_due_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PHONE = re.compile(r"\+\d+")


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


class ExportRefused(Exception):
    """The export may not be done as asked (nothing was written)."""


@dataclass
class ExportReport:
    count: int = 0
    # Rows exported with the complainant's identity, and rows it was withheld from.
    identities: int = 0
    withheld: int = 0
    seconds: float = 0.0
    with_identity: bool = False

    def summary(self) -> str:
        figures = {
            "count": self.count,
            "seconds": self.seconds,
            "identities": self.identities,
            "withheld": self.withheld,
        }
        if self.with_identity:
            return (
                ngettext(
                    "Exported %(count)s case in %(seconds).1f s; with the complainant's "
                    "identity: %(identities)s; identity withheld (not allowed for this user): "
                    "%(withheld)s.",
                    "Exported %(count)s cases in %(seconds).1f s; with the complainant's "
                    "identity: %(identities)s; identity withheld (not allowed for this user): "
                    "%(withheld)s.",
                    self.count,
                )
                % figures
            )
        return (
            ngettext(
                "Exported %(count)s case in %(seconds).1f s.",
                "Exported %(count)s cases in %(seconds).1f s.",
                self.count,
            )
            % figures
        )


def export_cases(
    out: Writable,
    *,
    format: str = "csv",
    country: str | None = None,
    user: User | None = None,
    with_identity: bool = False,
    reason: str = "",
    chunk_size: int = CHUNK_SIZE,
) -> ExportReport:
    """Write the cases to ``out`` (see the module's docstring); ExportRefused when not allowed."""
    check_export(
        format=format, user=user, with_identity=with_identity, reason=reason, country=country
    )
    cases = _cases(user=user, country=country, with_identity=with_identity)
    report = ExportReport(with_identity=with_identity)
    started = time.perf_counter()
    complete = False
    try:
        rows = _rows(cases, user=user, with_identity=with_identity, report=report, chunk=chunk_size)
        if format == "csv":
            _write_csv(out, rows, with_identity=with_identity)
        else:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        complete = True
    finally:
        report.seconds = time.perf_counter() - started
        audit_record(
            actor=user,
            verb=Verb.COMPLAINT_EXPORTED,
            country=country.upper() if country else None,
            data={
                "count": report.count,
                "format": format,
                "filters": {"country": country.upper() if country else None},
                "with_identity": with_identity,
                "identities": report.identities,
                "withheld": report.withheld,
                "reason": reason.strip(),
                "complete": complete,
            },
        )
    return report


def check_export(
    *, format: str, user: User | None, with_identity: bool, reason: str, country: str | None = None
) -> None:
    """ExportRefused unless the export may be done as asked."""
    if format not in FORMATS:
        raise ExportRefused(
            _("Unknown format %(format)s: use csv or jsonl.") % {"format": repr(format)}
        )
    if country and not Country.objects.filter(pk=country.upper()).exists():
        raise ExportRefused(
            _("Unknown country %(code)s: use the ISO code of a member state.")
            % {"code": repr(country)}
        )
    if with_identity:
        if user is None:
            raise ExportRefused(_("Exporting identities needs the user who asks (--user)."))
        if not reason.strip():
            raise ExportRefused(_("Exporting identities needs a reason (--reason)."))
        if not can_see_personal_data(user):
            raise ExportRefused(
                _("%(user)s may not see identities.") % {"user": user.get_username()}
            )


def _cases(*, user: User | None, country: str | None, with_identity: bool) -> QuerySet[Complaint]:
    cases = cases_for(user) if user is not None else Complaint.objects.all()
    if country:
        cases = cases.filter(country_id=country.upper())
    if with_identity:
        cases = cases.select_related("unit_complained_about").prefetch_related(
            Prefetch(
                "people",
                queryset=Person.objects.filter(role=PersonRole.COMPLAINANT).order_by("id"),
                to_attr="complainants",
            )
        )
    return cases.order_by("id")


def _rows(
    cases: QuerySet[Complaint],
    *,
    user: User | None,
    with_identity: bool,
    report: ExportReport,
    chunk: int,
) -> Iterator[dict[str, Any]]:
    for case in cases.iterator(chunk_size=chunk):
        row: dict[str, Any] = {
            "reference": case.reference,
            "external_id": case.external_id,
            "country": case.country_id,
            "channel": case.channel,
            "language": case.language,
            "kind": case.kind,
            "category": case.category,
            "grave": case.grave,
            "vulnerable": case.vulnerable,
            "priority": case.priority,
            "status": case.status,
            "anonymous": case.anonymous,
            **{name: _iso(getattr(case, name)) for name in _DATES},
            "handling_unit": case.handling_unit_id,
            "text": case.text,
        }
        if with_identity:
            if can_see_identity(user, case):
                row.update(_identity(getattr(case, "complainants", [])))
                report.identities += 1
            else:
                row.update(dict.fromkeys(IDENTITY_COLUMNS))
                report.withheld += 1
        report.count += 1
        yield row


def _identity(people: list[Person]) -> dict[str, str | None]:
    if not people:
        return dict.fromkeys(IDENTITY_COLUMNS)
    person = people[0]
    return {
        f"complainant_{name}": decrypt(
            getattr(person, f"{name}_enc"), context=identity_context(name)
        )
        or None
        for name in IDENTITY_FIELDS
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _write_csv(out: Writable, rows: Iterator[dict[str, Any]], *, with_identity: bool) -> None:
    columns = COLUMNS + (IDENTITY_COLUMNS if with_identity else ())
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[name]) for name in columns])


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(item) for item in value)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _PHONE.fullmatch(text):
        return "'" + text
    return text
