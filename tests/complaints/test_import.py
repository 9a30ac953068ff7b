"""`insaf import`: historical cases from JSONL or CSV, checked first, idempotent, in batches."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from insaf.accounts.roles import Role
from insaf.audit.models import Event
from insaf.audit.services import audit_verify
from insaf.complaints.bulk import ProgressBar, import_file
from insaf.complaints.enums import Channel, EventType, Status
from insaf.complaints.models import CaseEvent, Complaint, CountryPolicy, Person
from insaf.complaints.services import complaint_submit
from insaf.core.crypto import decrypt
from insaf.core.models import Unit
from tests.complaints.conftest import PASSPORT, TORTURE
from tests.conftest import Org

PHONE_ARABIC = "٠٧٩١٢٣٤٥٦٧"  # 0791234567 in Arabic-Indic digits
BRIBE = "طلب مني الشرطي رشوة لكي لا يحرر المخالفة على الطريق الصحراوي"
WOMAN = "أنا امرأة مسنة ورفض الموظف تسجيل بلاغي عن سرقة حقيبتي في السوق"
FRENCH = "J'ai déposé une demande de passeport il y a deux mois et je n'ai aucune réponse."

IMPORTED = "complaints.imported"


def _records() -> list[dict[str, Any]]:
    return [
        {
            "external_id": "OLD-1",
            "text": PASSPORT,
            "country": "JO",
            "complainant": {"name": "سامي الخطيب", "phone": PHONE_ARABIC},
            "received_at": "2025-03-02T10:00:00+03:00",
        },
        {
            "external_id": "OLD-2",
            "text": TORTURE,
            "country": "JO",
            "anonymous": True,
            "received_at": "2025-03-03T09:30:00",
            "status": "in_progress",
        },
        {
            "external_id": "OLD-3",
            "text": BRIBE,
            "country": "JO",
            "anonymous": True,
            "kind": "complaint",
            "language": "ar",
            "occurred_at": "2025-02-27",
            "place": "الطريق الصحراوي",
            "received_at": "2025-03-04T08:00:00Z",
            "channel": "letter",
        },
        {
            "external_id": "OLD-4",
            "text": WOMAN,
            "country": "JO",
            "complainant": {
                "name": "مريم",
                "email": "Mariam@Example.org",
                "national_id": "٩٨٧٦٥٤٣٢١٠",
            },
            "received_at": "2025-03-05T12:00:00+03:00",
        },
        {
            "external_id": 5,
            "text": FRENCH,
            "country": "jo",
            "anonymous": True,
            "received_at": "2025-03-06T11:00:00+03:00",
        },
    ]


def _jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text(
        "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records),
        encoding="utf-8",
    )
    return path


def _import(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _import_fails(path: Path, *args: str) -> tuple[str, int]:
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import", str(path), *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue() + str(failure.value), failure.value.returncode


def test_jsonl_import(tmp_path: Path, jordan: Org, policy: CountryPolicy) -> None:
    admin = jordan.staff[Role.NATIONAL_ADMIN]
    out, err = _import(
        _jsonl(tmp_path / "old.jsonl", _records()), "--user", admin.username, "--batch", "2"
    )
    assert re.fullmatch(
        r"Imported 5 cases \(skipped 0 already present\) in [\d.]+ s: \d+ cases/s\n", out
    )
    assert "importing" in err  # the progress bar

    cases = {c.external_id: c for c in Complaint.objects.all()}
    assert set(cases) == {"OLD-1", "OLD-2", "OLD-3", "OLD-4", "5"}
    for case in cases.values():
        assert case.country_id == "JO"
        assert case.receipt_hash == ""
        assert case.created_by == admin
        assert case.triage_version and case.label_sources["category"] == "triage"
        assert case.ack_due_at is not None and case.resolve_due_at is not None
        assert case.received_at < case.ack_due_at <= case.resolve_due_at
        events = list(CaseEvent.objects.filter(complaint=case))
        assert [(e.type, e.to_status, e.created_at) for e in events] == [
            (EventType.FILED, case.status, case.received_at)
        ]

    passport, torture, bribe = cases["OLD-1"], cases["OLD-2"], cases["OLD-3"]
    assert passport.channel == Channel.IMPORT and passport.status == Status.REGISTERED
    assert passport.category == "service_delay" and passport.priority == "normal"
    assert passport.handling_unit == jordan.unit and not passport.oversight
    assert passport.received_at == dt.datetime(2025, 3, 2, 7, 0, tzinfo=dt.UTC)
    # A date without an offset is the country's local time (Amman, UTC+3).
    assert torture.received_at == dt.datetime(2025, 3, 3, 6, 30, tzinfo=dt.UTC)
    assert torture.grave and torture.priority == "critical" and torture.oversight
    assert torture.handling_unit == policy.oversight_unit
    assert torture.status == Status.IN_PROGRESS
    assert bribe.category == "corruption" and bribe.channel == Channel.LETTER
    assert bribe.occurred_at == dt.datetime(2025, 2, 26, 21, 0, tzinfo=dt.UTC)
    assert bribe.place == "الطريق الصحراوي"
    assert cases["OLD-4"].vulnerable and cases["OLD-4"].priority == "high"
    assert cases["5"].language == "fr"

    # Identity: encrypted, normalised, and no plain phone in the row.
    person = Person.objects.get(complaint=passport)
    assert decrypt(person.phone_enc, context="complaints.person.phone") == "+962791234567"
    assert decrypt(person.name_enc, context="complaints.person.name") == "سامي الخطيب"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM complaints_person")
        rows = repr(cursor.fetchall())
    for needle in ("791234567", PHONE_ARABIC, "mariam@example.org", "9876543210", "الخطيب"):
        assert needle not in rows
    other = Person.objects.get(complaint=cases["OLD-4"])
    assert decrypt(other.email_enc, context="complaints.person.email") == "mariam@example.org"
    assert other.national_id_bidx
    assert Person.objects.count() == 2  # anonymous records have nobody

    # One audit event per batch of two, naming first and last reference and external id.
    events = list(Event.objects.filter(verb=IMPORTED).order_by("seq"))
    assert [e.data["count"] for e in events] == [2, 2, 1]
    first = events[0].data
    assert first["first"] == {"reference": passport.reference, "external_id": "OLD-1"}
    assert first["last"] == {"reference": torture.reference, "external_id": "OLD-2"}
    assert first["source"] == "old.jsonl"
    assert all(e.actor == admin and e.country_id == "JO" for e in events)
    assert audit_verify().ok


def test_imported_case_is_labelled_routed_and_timed_as_at_intake(
    tmp_path: Path, jordan: Org, policy: CountryPolicy
) -> None:
    """The same text received at the same moment: the same labels, unit, oversight and
    deadlines whether filed or imported."""
    received = dt.datetime(2025, 5, 8, 11, 0, tzinfo=dt.UTC)  # a Thursday afternoon in Amman
    texts = {"A": TORTURE, "B": PASSPORT, "C": BRIBE, "D": WOMAN}
    records = [
        {"external_id": key, "text": text, "anonymous": True, "received_at": received.isoformat()}
        for key, text in texts.items()
    ]
    records.append(
        {
            "external_id": "E",
            "text": BRIBE,
            "anonymous": True,
            "received_at": received.isoformat(),
            "unit_complained_about": jordan.unit.pk,
        }
    )
    _import(_jsonl(tmp_path / "same.jsonl", records), "--country", "JO")
    pairs = [(key, text, None) for key, text in texts.items()] + [("E", BRIBE, jordan.unit.pk)]
    for key, text, unit in pairs:
        imported = Complaint.objects.get(external_id=key)
        filed = complaint_submit(
            country="JO",
            text=text,
            channel="web",
            anonymous=True,
            received_at=received,
            unit_complained_about_id=unit,
        ).complaint
        for name in (
            "kind",
            "category",
            "grave",
            "vulnerable_mask",
            "priority",
            "priority_rank",
            "handling_unit_id",
            "oversight",
            "ack_due_at",
            "resolve_due_at",
            "language",
            "subject",
        ):
            assert getattr(imported, name) == getattr(filed, name), (key, name)
    # The case complaining about the default unit is not handled by it.
    assert Complaint.objects.get(external_id="E").handling_unit_id != jordan.unit.pk


def test_csv_import(tmp_path: Path, jordan: Org, policy: CountryPolicy) -> None:
    path = tmp_path / "old.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "external_id",
                "text",
                "anonymous",
                "complainant_name",
                "complainant_phone",
                "unit_complained_about",
                "received_at",
            ]
        )
        writer.writerow(["C-1", PASSPORT, "false", "ليلى حداد", PHONE_ARABIC, "", "2024-12-30"])
        # A text over several lines: the next record's line number must still be right.
        writer.writerow(["C-2", BRIBE + "\nسطر ثان\nسطر ثالث", "true", "", "", "", ""])
        writer.writerow(
            ["C-3", WOMAN, "no", "يوسف", "+962 79 765 4321", str(jordan.sibling_unit.pk), ""]
        )
    out, _ = _import(path, "--country", "JO")
    assert out.startswith("Imported 3 cases (skipped 0 already present)")
    first, second, third = (Complaint.objects.get(external_id=f"C-{n}") for n in (1, 2, 3))
    assert first.received_at.year == 2024 and first.reference.startswith("JO-2024-")
    assert not first.anonymous and second.anonymous
    assert second.text.endswith("سطر ثالث")
    assert third.unit_complained_about == jordan.sibling_unit
    person = Person.objects.get(complaint=first)
    assert decrypt(person.name_enc, context="complaints.person.name") == "ليلى حداد"
    assert decrypt(person.phone_enc, context="complaints.person.phone") == "+962791234567"
    phone = Person.objects.get(complaint=third).phone_enc
    assert decrypt(phone, context="complaints.person.phone") == "+962797654321"
    assert audit_verify().ok


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(
    tmp_path: Path, policy: CountryPolicy, egypt: Org
) -> None:
    good = {"external_id": "G", "text": PASSPORT, "anonymous": True}
    lines = [
        json.dumps(good, ensure_ascii=False),  # 1
        json.dumps({"external_id": "S", "text": "قصير", "anonymous": True}),  # 2
        json.dumps({"external_id": "X", "text": PASSPORT, "country": "XX", "anonymous": True}),
        "{not json",  # 4
        "",  # 5: blank lines are ignored
        json.dumps({"external_id": "P", "text": PASSPORT, "complainant": {"name": "علي"}}),  # 6
        json.dumps(
            {"external_id": "Q", "text": PASSPORT, "complainant": {"name": "علي", "phone": "abc"}}
        ),  # 7
        json.dumps({"external_id": "T", "text": PASSPORT, "anonymous": True, "status": "lost"}),
        json.dumps(
            {
                "external_id": "U",
                "text": PASSPORT,
                "anonymous": True,
                "unit_complained_about": egypt.unit.pk,
            }
        ),  # 9: a unit of another country
        json.dumps({"text": PASSPORT, "anonymous": True}),  # 10: no external id
        json.dumps(good, ensure_ascii=False),  # 11: the same external id as line 1
        json.dumps({**good, "external_id": "F", "received_at": "2999-01-01T00:00:00Z"}),  # 12
        json.dumps({**good, "external_id": "Y", "colour": "blue", "anonymous": "maybe"}),  # 13
        "[1, 2]",  # 14
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report, code = _import_fails(path, "--country", "JO")
    assert code == 1
    for expected in (
        "line 2: text:",
        "line 3: country: unknown country 'XX'",
        "line 4: record: not valid JSON",
        "line 6: complainant.phone:",
        "line 7: complainant.phone: not a valid phone number",
        "line 8: status: must be one of",
        f"line 9: unit_complained_about: no unit {egypt.unit.pk} in JO",
        "line 10: external_id: missing",
        "line 11: external_id: the same as on line 1",
        "line 12: received_at: the date is in the future",
        "line 13: colour: unknown field",
        "line 13: anonymous: must be true or false",
        "line 14: record: each line must be a JSON object",
    ):
        assert expected in report, expected
    assert "line 1:" not in report and "line 5:" not in report
    assert "nothing was imported" in report
    assert not Complaint.objects.exists()
    assert not Event.objects.filter(verb=IMPORTED).exists()


def test_bad_csv_rows_have_their_line_numbers(tmp_path: Path, policy: CountryPolicy) -> None:
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["external_id", "text", "anonymous"])
        writer.writerow(["A", PASSPORT + "\nسطر ثان", "true"])  # lines 2-3
        writer.writerow(["B", "قصير", "true"])  # line 4
        writer.writerow(["C", PASSPORT])  # line 5: a cell short
    report, code = _import_fails(path, "--country", "JO")
    assert code == 1
    assert "line 4: text:" in report
    assert "line 5: record: 2 cells where the header has 3" in report
    assert not Complaint.objects.exists()


def test_unknown_csv_column_and_extension_are_refused(tmp_path: Path, policy: object) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("external_id,text,colour\nA,x,y\n", encoding="utf-8")
    report, code = _import_fails(path)
    assert code == 2 and "unknown column(s): colour" in report
    other = tmp_path / "cases.xlsx"
    other.write_bytes(b"PK")
    report, code = _import_fails(other)
    assert code == 2 and "use a .jsonl or a .csv file" in report


def test_duplicates_in_the_file_are_refused(tmp_path: Path, policy: CountryPolicy) -> None:
    records = _records()
    records[3]["external_id"] = "OLD-1"
    report, code = _import_fails(_jsonl(tmp_path / "dup.jsonl", records))
    assert code == 1
    assert "line 4: external_id: the same as on line 1" in report
    assert not Complaint.objects.exists()


def test_reimport_is_idempotent(tmp_path: Path, policy: CountryPolicy) -> None:
    path = _jsonl(tmp_path / "old.jsonl", _records())
    _import(path)
    references = set(Complaint.objects.values_list("reference", flat=True))
    audit_events = Event.objects.count()

    out, _ = _import(path)
    assert out.startswith("Imported 0 cases (skipped 5 already present)")
    assert set(Complaint.objects.values_list("reference", flat=True)) == references
    assert Event.objects.count() == audit_events  # nothing written, nothing audited

    # One more record: only it is imported.
    _jsonl(
        path,
        [*_records(), {"external_id": "OLD-6", "country": "JO", "text": BRIBE, "anonymous": True}],
    )
    out, _ = _import(path)
    assert out.startswith("Imported 1 case (skipped 5 already present)")
    assert Complaint.objects.count() == 6
    assert audit_verify().ok


def test_dry_run_writes_nothing(tmp_path: Path, policy: CountryPolicy) -> None:
    out, _ = _import(_jsonl(tmp_path / "old.jsonl", _records()), "--dry-run")
    assert out.startswith("Dry run: 5 cases would be imported (skipped 0 already present)")
    assert not Complaint.objects.exists()


def test_references_are_unique_and_sequential_per_year(
    tmp_path: Path, policy: CountryPolicy
) -> None:
    records = []
    for n in range(7):
        for year in (2024, 2025):
            records.append(
                {
                    "external_id": f"JO-{year}-{n}",
                    "country": "JO",
                    "text": PASSPORT,
                    "anonymous": True,
                    "received_at": f"{year}-06-{n + 1:02d}T10:00:00+03:00",
                }
            )
    _import(_jsonl(tmp_path / "many.jsonl", records), "--batch", "3")
    for year in (2024, 2025):
        cases = Complaint.objects.filter(country_id="JO", received_at__year=year)
        numbers = sorted(
            int(ref.rsplit("-", 1)[1]) for ref in cases.values_list("reference", flat=True)
        )
        assert numbers == list(range(1, 8)), year
        by_external = dict(cases.values_list("external_id", "reference"))
        # In the order of the file within a year.
        assert [by_external[f"JO-{year}-{n}"] for n in range(7)] == [
            f"JO-{year}-{n:06d}" for n in range(1, 8)
        ]
    # One audit event per batch.
    events = Event.objects.filter(verb=IMPORTED)
    assert sum(e.data["count"] for e in events) == 14
    assert {e.country_id for e in events} == {"JO"}
    assert audit_verify().ok


def test_a_national_node_takes_the_cases_of_its_own_member_state_only(
    tmp_path: Path, policy: CountryPolicy, egypt: Org
) -> None:
    records = [
        *_records(),
        {"external_id": "E", "text": PASSPORT, "anonymous": True, "country": "EG"},
    ]
    report, code = _import_fails(_jsonl(tmp_path / "mixed.jsonl", records))
    assert code == 1
    assert "line 6: country: EG: this node holds the cases of JO only" in report
    assert not Complaint.objects.exists()
    report, code = _import_fails(_jsonl(tmp_path / "jo.jsonl", _records()), "--country", "EG")
    assert code == 2 and "--country EG: this node holds the cases of JO only" in report
    assert not Complaint.objects.exists()


def test_a_secretariat_node_imports_nothing(
    tmp_path: Path, policy: CountryPolicy, settings: Any
) -> None:
    settings.INSAF_MODE = "secretariat"
    report, code = _import_fails(_jsonl(tmp_path / "jo.jsonl", _records()))
    assert code == 2 and "secretariat node" in report
    assert not Complaint.objects.exists()


def test_country_option_refuses_other_countries(
    tmp_path: Path, policy: CountryPolicy, egypt: Org
) -> None:
    records = [{"external_id": "E", "text": PASSPORT, "anonymous": True, "country": "EG"}]
    report, code = _import_fails(_jsonl(tmp_path / "eg.jsonl", records), "--country", "JO")
    assert code == 1 and "line 1: country: EG is not the country imported (JO)" in report


def test_unknown_user_is_refused(tmp_path: Path, policy: CountryPolicy) -> None:
    report, _ = _import_fails(_jsonl(tmp_path / "a.jsonl", _records()), "--user", "nobody")
    assert "No active user 'nobody'" in report


def test_import_file_api_reports_errors_without_raising(
    tmp_path: Path, policy: CountryPolicy
) -> None:
    path = _jsonl(tmp_path / "a.jsonl", [{"external_id": "A", "text": "x"}])
    report = import_file(path, country="JO")
    assert not report.ok and report.imported == 0
    assert {(e.line, e.field) for e in report.errors} >= {(1, "text"), (1, "complainant.name")}


@translation.override("en")
def test_progress_bar_on_a_terminal_and_in_a_log() -> None:
    written: list[str] = []
    bar = ProgressBar(written.append, tty=False)
    for done in range(0, 101, 5):
        bar("importing", done, 100)
    assert len(written) == 11 and written[-1].startswith("importing  [" + "#" * 30 + "] 100/100")
    written.clear()
    bar = ProgressBar(written.append, tty=True, interval=3600)
    for done in range(1, 101):
        bar("importing", done, 100)
    assert len(written) == 2 and written[0].startswith("\r") and written[-1].endswith("\n")


def test_progress_bar_rate_counts_from_the_end_of_the_phase_before() -> None:
    """A phase done in one report (a small file) shows its true rate, not records per
    nanosecond."""
    now = [100.0]
    written: list[str] = []
    bar = ProgressBar(written.append, tty=False, clock=lambda: now[0])
    now[0] = 102.0
    bar("checking", 340, 340)  # two seconds after the start
    now[0] = 106.0
    bar("importing", 340, 340)  # four seconds after the check ended
    assert "170/s" in written[0] and "85/s" in written[1], written


INSAF = [sys.executable, "-m", "insaf.cli"]


def test_import_in_worker_processes(tmp_path: Path) -> None:
    """The pool path: a real database file, two worker processes, several batches."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(INSAF_DEMO="1", INSAF_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="insaf.settings")

    def insaf(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*INSAF, *args], env=env, capture_output=True, text=True, timeout=300, check=False
        )

    assert insaf("migrate", "-v", "0").returncode == 0
    records = [
        {
            "external_id": f"W-{n}",
            "text": (TORTURE, PASSPORT, BRIBE, WOMAN)[n % 4],
            "anonymous": n % 2 == 0,
            **({} if n % 2 == 0 else {"complainant": {"name": "سامي", "phone": PHONE_ARABIC}}),
            "received_at": f"2025-0{1 + n % 9}-10T10:00:00+03:00",
        }
        for n in range(120)
    ]
    path = _jsonl(tmp_path / "w.jsonl", records)
    done = insaf("import", str(path), "--country", "JO", "--batch", "10", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "Imported 120 cases (skipped 0 already present)" in done.stdout
    again = insaf("import", str(path), "--country", "JO", "--workers", "2")
    assert "Imported 0 cases (skipped 120 already present)" in again.stdout
    verify = insaf("audit", "verify")
    assert verify.returncode == 0, verify.stderr

    database = sqlite3.connect(tmp_path / "insaf.sqlite3")
    references = [row[0] for row in database.execute("SELECT reference FROM complaints_complaint")]
    events = database.execute("SELECT COUNT(*) FROM complaints_caseevent").fetchone()[0]
    people = database.execute("SELECT COUNT(*) FROM complaints_person").fetchone()[0]
    batches = database.execute(
        "SELECT COUNT(*) FROM audit_event WHERE verb = 'complaints.imported'"
    ).fetchone()[0]
    database.close()
    assert len(references) == len(set(references)) == 120
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(1, 121))
    assert events == 120 and people == 60 and batches == 12


def test_unit_ids_are_checked_against_the_country(
    tmp_path: Path, jordan: Org, policy: CountryPolicy
) -> None:
    unit = Unit.objects.filter(agency__country_id="JO").first()
    assert unit is not None
    records = [
        {"external_id": "U1", "text": BRIBE, "anonymous": True, "unit_complained_about": unit.pk},
        {"external_id": "U2", "text": BRIBE, "anonymous": True, "unit_complained_about": "abc"},
    ]
    report, _ = _import_fails(_jsonl(tmp_path / "u.jsonl", records), "--country", "JO")
    assert "line 2: unit_complained_about: must be an id" in report
    assert "line 1:" not in report


# --- The command line's language -----------------------------------------------------------------
def _bad_records() -> list[dict[str, Any]]:
    records = _records()[:3]
    records[1] = {**records[1], "external_id": "OLD-1"}
    records[2] = {**records[2], "received_at": "2999-01-01T00:00:00Z"}
    return records


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ar",
            (
                "السطر 2: external_id: مكرر، كما في السطر 1",
                "السطر 3: received_at: التاريخ في المستقبل",
                "خطآن في 3 سجلات؛ لم يُستورد شيء.",
            ),
        ),
        (
            "fr",
            (
                "ligne 2 : external_id : identique à celui de la ligne 1",
                "ligne 3 : received_at : la date est dans le futur",
                "2 erreurs dans 3 enregistrements ; rien n'a été importé.",
            ),
        ),
        (
            "en",
            (
                "line 2: external_id: the same as on line 1",
                "line 3: received_at: the date is in the future",
                "2 errors in 3 records: nothing was imported.",
            ),
        ),
    ],
)
def test_import_errors_in_the_command_line_language(
    tmp_path: Path,
    policy: CountryPolicy,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    expected: tuple[str, ...],
) -> None:
    """The same bad file, reported in the language the environment asks for; nothing written."""
    monkeypatch.setenv("INSAF_LANGUAGE", language)
    report, code = _import_fails(_jsonl(tmp_path / "bad.jsonl", _bad_records()))
    assert code == 1
    for line in expected:
        assert line in report
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [
        (
            "fr",
            "1 erreur dans 1 enregistrement ; rien n'a été importé.",
            "2 erreurs dans 2 enregistrements ; rien n'a été importé.",
        ),
        ("ar", "خطأ واحد في سجل واحد؛ لم يُستورد شيء.", "خطآن في سجلين؛ لم يُستورد شيء."),
        (
            "en",
            "1 error in 1 record: nothing was imported.",
            "2 errors in 2 records: nothing was imported.",
        ),
    ],
)
def test_import_errors_are_counted_in_the_form_their_number_needs(
    tmp_path: Path,
    policy: CountryPolicy,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    one: str,
    two: str,
) -> None:
    """One error in one record, then two in two: each noun in the singular, dual or plural."""
    monkeypatch.setenv("INSAF_LANGUAGE", language)
    future = [{**r, "received_at": "2999-01-01T00:00:00Z"} for r in _records()[:2]]
    report, _code = _import_fails(_jsonl(tmp_path / "one.jsonl", future[:1]))
    assert report.endswith(one)
    report, _code = _import_fails(_jsonl(tmp_path / "two.jsonl", future))
    assert report.endswith(two)


def test_import_in_arabic_writes_what_it_writes_in_english(
    tmp_path: Path, policy: CountryPolicy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the messages change with the language: the summary is Arabic, the cases the same."""
    monkeypatch.setenv("INSAF_LANGUAGE", "ar")
    out, err = _import(_jsonl(tmp_path / "old.jsonl", _records()), "--batch", "2")
    assert out.startswith("القضايا المستوردة: 5 (وتُخطيت 0 موجودة مسبقاً)")
    assert "الاستيراد" in err  # the progress bar's phase
    cases = Complaint.objects.order_by("external_id")
    assert [c.external_id for c in cases] == ["5", "OLD-1", "OLD-2", "OLD-3", "OLD-4"]
    assert {c.language for c in cases} == {"ar", "fr"}
    filed = CaseEvent.objects.filter(type=EventType.FILED)
    assert filed.count() == 5 and all(e.data["imported"] is True for e in filed)


def test_locale_of_the_shell_chooses_the_language(tmp_path: Path) -> None:
    """End to end, as an administrator runs it: LANG=ar_JO.UTF-8 gives Arabic errors, and
    LANGUAGE=fr French ones, with no INSAF_LANGUAGE set."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "INSAF_LANGUAGE"}}
    env.update(INSAF_DEMO="1", INSAF_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="insaf.settings")
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    path = _jsonl(tmp_path / "bad.jsonl", [{"external_id": "X", "text": "قصير", "anonymous": True}])

    def insaf(*args: str, **more: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*INSAF, *args],
            env={**env, **more},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    assert insaf("migrate", "-v", "0").returncode == 0
    arabic = insaf("import", str(path), "--country", "JO", LANG="ar_JO.UTF-8")
    assert arabic.returncode == 1
    assert "السطر 1: text:" in arabic.stderr
    assert "لم يُستورد شيء" in arabic.stderr
    french = insaf("import", str(path), "--country", "JO", LANG="ar_JO.UTF-8", LANGUAGE="fr")
    assert "ligne 1 : text :" in french.stderr and "rien n'a été importé" in french.stderr
    english = insaf("import", str(path), "--country", "JO", LANG="C.UTF-8")
    assert "line 1: text:" in english.stderr and "nothing was imported" in english.stderr


def test_progress_bar_speaks_the_active_language() -> None:
    written: list[str] = []
    bar = ProgressBar(written.append, tty=False, clock=iter([0.0, 1.0, 2.0]).__next__)
    with translation.override("fr"):
        bar("importing", 50, 100)
    assert written[0].startswith("import     [" + "#" * 15)
    assert "reste environ 1 s" in written[0]
