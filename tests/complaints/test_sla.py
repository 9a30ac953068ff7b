"""The deadline sweep escalates overdue cases once per level, however often it runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.management import call_command

from insaf.accounts.roles import Role
from insaf.audit.models import Event
from insaf.complaints.enums import EventType, Status
from insaf.complaints.models import CaseEvent, Complaint
from insaf.complaints.services import Submission
from insaf.complaints.sla import sla_sweep
from insaf.notifications.models import OutboxMessage
from tests.conftest import Org

FileCase = Callable[..., Submission]
Drive = Callable[[Complaint, Status], Complaint]


def _emails(org: Org) -> None:
    for role, user in org.staff.items():
        user.email = f"{role.value}@moi.example"
        user.save(update_fields=["email"])


def test_nothing_is_due_at_intake(file_case: FileCase) -> None:
    file_case()
    assert sla_sweep().total == 0


def test_unacknowledged_case_goes_to_the_unit_head(file_case: FileCase, jordan: Org) -> None:
    _emails(jordan)
    case = file_case().complaint
    report = sla_sweep(now=case.ack_due_at + dt.timedelta(minutes=1))
    assert report.escalated == {1: 1, 2: 0, 3: 0}
    case.refresh_from_db()
    assert case.escalation_level == 1 and case.version == 2
    mail = OutboxMessage.objects.filter(reference=case.reference, channel="email")
    assert mail.count() == 1
    assert Event.objects.filter(verb="complaints.escalated", target_id=str(case.pk)).count() == 1


def test_running_twice_escalates_nothing_twice(file_case: FileCase, jordan: Org) -> None:
    _emails(jordan)
    case = file_case().complaint
    late = case.resolve_due_at + dt.timedelta(hours=1)
    first = sla_sweep(now=late)
    second = sla_sweep(now=late)
    assert first.total == 1 and second.total == 0
    assert CaseEvent.objects.filter(complaint=case, type=EventType.ESCALATED).count() == 1


def test_levels_follow_each_other(file_case: FileCase, jordan: Org) -> None:
    _emails(jordan)
    case = file_case().complaint
    sla_sweep(now=case.ack_due_at + dt.timedelta(minutes=1))
    sla_sweep(now=case.resolve_due_at + dt.timedelta(minutes=1))
    case.refresh_from_db()
    assert case.escalation_level == 2
    assert not case.oversight
    sla_sweep(now=case.resolve_due_at + dt.timedelta(days=30))
    case.refresh_from_db()
    assert case.escalation_level == 3 and case.oversight
    told = set(
        OutboxMessage.objects.filter(reference=case.reference).values_list("subject", flat=True)
    )
    assert len(told) == 1  # one subject, three messages to three different people
    assert OutboxMessage.objects.filter(reference=case.reference).count() == 3


def test_acknowledged_case_is_not_escalated_for_acknowledgement(
    named_case: Complaint, drive: Drive
) -> None:
    case = drive(named_case, Status.ASSIGNED)
    assert sla_sweep(now=case.ack_due_at + dt.timedelta(minutes=1)).total == 0


def test_decided_case_is_never_escalated(named_case: Complaint, drive: Drive) -> None:
    case = drive(named_case, Status.RESOLVED)
    assert sla_sweep(now=case.resolve_due_at + dt.timedelta(days=60)).total == 0


def test_a_sweep_that_lost_the_race_escalates_nothing(file_case: FileCase) -> None:
    """A concurrent sweep already raised the level: the conditional update claims nothing."""
    case = file_case().complaint
    Complaint.objects.filter(pk=case.pk).update(escalation_level=1)
    stale = Complaint.objects.get(pk=case.pk)
    stale.escalation_level = 0
    from insaf.complaints.sla import _escalate

    assert not _escalate(stale, level=1)
    assert not CaseEvent.objects.filter(complaint=case, type=EventType.ESCALATED).exists()


def test_command(file_case: FileCase, capsys: object) -> None:
    file_case()
    call_command("sla", "sweep")
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert out.startswith("Examined 0 overdue cases; escalated 0")


def test_command_in_french_and_arabic(
    file_case: FileCase, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    file_case()
    monkeypatch.setenv("INSAF_LANGUAGE", "fr")
    call_command("sla", "sweep")
    assert capsys.readouterr().out.startswith(
        "Dossiers en retard examinés : 0 ; escaladés : 0 "
        "(niveau 1 : 0, niveau 2 : 0, niveau 3 : 0)."
    )
    monkeypatch.setenv("INSAF_LANGUAGE", "ar")
    call_command("sla", "sweep")
    assert capsys.readouterr().out.startswith(
        "القضايا المتأخرة المفحوصة: 0؛ المُصعَّدة: 0 (المستوى 1: 0، المستوى 2: 0"
    )


def test_oversight_officers_are_told_at_level_three(file_case: FileCase, jordan: Org) -> None:
    _emails(jordan)
    case = file_case().complaint
    sla_sweep(now=case.resolve_due_at + dt.timedelta(days=30))
    from insaf.core.crypto import decrypt

    recipients = {
        decrypt(m.recipient_enc, context="notifications.outbox.recipient")
        for m in OutboxMessage.objects.filter(reference=case.reference)
    }
    assert recipients == {f"{Role.OVERSIGHT_OFFICER.value}@moi.example"}


def test_each_person_told_of_an_escalation_reads_it_in_their_language(
    file_case: FileCase, jordan: Org
) -> None:
    _emails(jordan)
    head = jordan.staff[Role.UNIT_HEAD]
    head.language = "fr"
    head.save(update_fields=["language"])
    case = file_case().complaint
    sla_sweep(now=case.ack_due_at + dt.timedelta(minutes=1))
    (mail,) = OutboxMessage.objects.filter(reference=case.reference, channel="email")
    assert mail.subject == f"Dossier en retard {case.reference}"
