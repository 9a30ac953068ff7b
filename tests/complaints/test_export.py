"""`insaf export`: cases without identities by default; identities only for those allowed."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from insaf.accounts.models import User
from insaf.accounts.roles import Role
from insaf.accounts.services import membership_grant
from insaf.audit.models import Event
from insaf.audit.services import audit_verify
from insaf.complaints.export import export_cases
from insaf.complaints.models import Complaint, CountryPolicy
from insaf.complaints.services import PersonInput, Submission
from tests.complaints.conftest import PASSPORT, TORTURE
from tests.conftest import Org, make_staff

FileCase = Callable[..., Submission]
EXPORTED = "complaints.exported"
PHONE = "٠٧٩١٢٣٤٥٦٧"
BRIBE = "طلب مني الشرطي رشوة لكي لا يحرر المخالفة على الطريق الصحراوي"


@pytest.fixture
def cases(file_case: FileCase, jordan: Org) -> list[Complaint]:
    """Two named cases (one about the first unit) and an anonymous grave one."""
    named = file_case(
        anonymous=False,
        complainant=PersonInput(name="سامي الخطيب", phone=PHONE, email="sami@example.org"),
    ).complaint
    about_unit = file_case(
        BRIBE,
        anonymous=False,
        complainant=PersonInput(name="ليلى حداد", phone="0797654321", national_id="٩٨٧٦٥٤٣٢١٠"),
        unit_complained_about_id=jordan.unit.pk,
    ).complaint
    grave = file_case(TORTURE).complaint
    return [named, about_unit, grave]


def _export(tmp_path: Path, *args: str, name: str = "out.csv") -> tuple[Path, str]:
    path = tmp_path / name
    err = io.StringIO()
    call_command("export", "--output", str(path), *args, stdout=io.StringIO(), stderr=err)
    return path, err.getvalue()


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_export_without_identity(tmp_path: Path, cases: list[Complaint]) -> None:
    path, summary = _export(tmp_path)
    raw = path.read_text(encoding="utf-8")
    for needle in ("791234567", "797654321", PHONE, "سامي", "ليلى", "sami@example.org", "987654"):
        assert needle not in raw
    rows = _csv(path)
    assert [row["reference"] for row in rows] == [case.reference for case in cases]
    assert "complainant_phone" not in rows[0]
    first, _, grave = rows
    assert (
        first["text"] == PASSPORT and first["country"] == "JO" and first["status"] == "registered"
    )
    assert first["category"] == "service_delay" and first["grave"] == "false"
    assert first["handling_unit"] == str(cases[0].handling_unit_id)
    assert first["received_at"] == cases[0].received_at.isoformat()
    assert first["resolve_due_at"] == cases[0].resolve_due_at.isoformat()  # type: ignore[union-attr]
    assert grave["grave"] == "true" and grave["priority"] == "critical"
    assert summary.startswith("Exported 3 cases")
    event = Event.objects.get(verb=EXPORTED)
    assert event.data["count"] == 3 and event.data["with_identity"] is False
    assert event.actor is None and event.actor_label == "system"
    assert (path.stat().st_mode & 0o777) == 0o600


def test_export_jsonl_by_country(tmp_path: Path, cases: list[Complaint], egypt: Org) -> None:
    path, _ = _export(tmp_path, "--format", "jsonl", "--country", "jo", name="out.jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3 and all(row["country"] == "JO" for row in rows)
    assert rows[2]["grave"] is True and isinstance(rows[0]["vulnerable"], list)
    assert "complainant_name" not in rows[0]
    assert Event.objects.get(verb=EXPORTED).data["filters"] == {"country": "JO"}
    path, _ = _export(tmp_path, "--format", "jsonl", "--country", "EG", name="eg.jsonl")
    assert path.read_text(encoding="utf-8") == ""
    with pytest.raises(CommandError, match="Unknown country 'XX'"):
        _export(tmp_path, "--country", "XX", name="xx.csv")
    assert not (tmp_path / "xx.csv").exists()


def test_export_with_identity_by_an_allowed_user(
    tmp_path: Path, cases: list[Complaint], jordan: Org
) -> None:
    admin = jordan.staff[Role.NATIONAL_ADMIN]
    path, summary = _export(
        tmp_path, "--with-identity", "--user", admin.username, "--reason", "court order 12/2025"
    )
    rows = {row["reference"]: row for row in _csv(path)}
    named, about_unit, grave = (rows[case.reference] for case in cases)
    assert named["complainant_name"] == "سامي الخطيب"
    assert named["complainant_phone"] == "+962791234567"  # not taken for a formula
    assert named["complainant_email"] == "sami@example.org"
    assert about_unit["complainant_national_id"] == "9876543210"
    assert grave["complainant_name"] == "" and grave["complainant_phone"] == ""
    assert "with the complainant's identity: 3; identity withheld" in summary
    event = Event.objects.get(verb=EXPORTED)
    assert event.actor == admin
    assert event.data["with_identity"] is True and event.data["reason"] == "court order 12/2025"
    assert event.data["count"] == 3 and event.data["withheld"] == 0
    assert audit_verify().ok


def test_identity_is_withheld_where_the_user_may_not_see_it(
    tmp_path: Path, cases: list[Complaint], jordan: Org
) -> None:
    """A national administrator who is also a member of the unit complained about sees every
    case, but not the identity of the one about their unit."""
    user = make_staff("jo-admin-and-station", Role.NATIONAL_ADMIN, jordan)
    membership_grant(
        actor=None, user=user, role=Role.INTAKE_OFFICER, country=jordan.country, unit=jordan.unit
    )
    user = User.objects.get(pk=user.pk)
    path, summary = _export(
        tmp_path, "--with-identity", "--user", user.username, "--reason", "audit"
    )
    rows = {row["reference"]: row for row in _csv(path)}
    assert rows[cases[0].reference]["complainant_name"] == "سامي الخطيب"
    assert rows[cases[1].reference]["complainant_name"] == ""
    assert "ليلى" not in path.read_text(encoding="utf-8")
    assert "identity withheld (not allowed for this user): 1" in summary
    assert Event.objects.get(verb=EXPORTED).data["withheld"] == 1


def test_a_user_exports_only_the_cases_they_may_see(
    tmp_path: Path, cases: list[Complaint], jordan: Org
) -> None:
    head = jordan.staff[Role.UNIT_HEAD]  # in the first unit, which handles the ordinary cases
    path, _ = _export(tmp_path, "--with-identity", "--user", head.username, "--reason", "review")
    references = {row["reference"] for row in _csv(path)}
    visible = {case.reference for case in cases if case.handling_unit_id == jordan.unit.pk}
    assert references == visible
    assert cases[1].reference not in references  # about the head's own unit


def test_export_with_identity_is_refused_without_rights(
    tmp_path: Path, cases: list[Complaint], analyst: User
) -> None:
    with pytest.raises(CommandError, match="may not see identities"):
        _export(tmp_path, "--with-identity", "--user", analyst.username, "--reason", "curious")
    with pytest.raises(CommandError, match="needs the user"):
        _export(tmp_path, "--with-identity", "--reason", "curious")
    with pytest.raises(CommandError, match="needs a reason"):
        _export(tmp_path, "--with-identity", "--user", analyst.username)
    assert not (tmp_path / "out.csv").exists()
    assert not Event.objects.filter(verb=EXPORTED).exists()


def test_existing_output_is_not_overwritten(tmp_path: Path, cases: list[Complaint]) -> None:
    (tmp_path / "out.csv").write_text("keep", encoding="utf-8")
    with pytest.raises(CommandError, match="exists"):
        _export(tmp_path)
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "keep"


def test_formula_cells_are_neutralised(
    tmp_path: Path, file_case: FileCase, policy: CountryPolicy
) -> None:
    file_case('=HYPERLINK("http://x.example") انتظرت ثلاثة أشهر لتجديد جواز السفر')
    path, _ = _export(tmp_path)
    assert _csv(path)[0]["text"].startswith("'=HYPERLINK")


def test_export_streams_in_chunks(cases: list[Complaint], jordan: Org) -> None:
    out = io.StringIO()
    admin = jordan.staff[Role.NATIONAL_ADMIN]
    report = export_cases(
        out, format="jsonl", user=admin, with_identity=True, reason="test", chunk_size=1
    )
    assert report.count == 3 and report.identities == 3
    assert len(out.getvalue().splitlines()) == 3


def test_stdout_export(cases: list[Complaint]) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("export", "--format", "jsonl", stdout=out, stderr=err)
    assert len(out.getvalue().splitlines()) == 3
    assert err.getvalue().startswith("Exported 3 cases")


def test_refusals_in_the_command_line_language(
    tmp_path: Path, cases: list[Complaint], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INSAF_LANGUAGE", "ar")
    with pytest.raises(CommandError) as refused:
        _export(tmp_path, "--with-identity")
    assert str(refused.value) == (
        "رُفض التصدير: يتطلب تصدير الهويات تحديد المستخدم الذي يطلبه (--user)."
    )
    monkeypatch.setenv("INSAF_LANGUAGE", "fr")
    with pytest.raises(CommandError) as refused:
        _export(tmp_path, "--country", "XX")
    assert str(refused.value) == (
        "Export refusé : Pays inconnu 'XX' : utilisez le code ISO d'un État membre."
    )
    assert not (tmp_path / "out.csv").exists()
