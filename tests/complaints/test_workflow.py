"""Staff work on cases: scoping, identity protection, notes and messages, label corrections."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from insaf.accounts.roles import Role
from insaf.audit.models import Event
from insaf.complaints.enums import Status
from insaf.complaints.errors import Forbidden, InvalidInput, NotFound
from insaf.complaints.models import CaseEvent, Complaint, LabelCorrection
from insaf.complaints.selectors import can_see_identity, case_for, cases_for, queue_for
from insaf.complaints.services import (
    LabelChanges,
    PersonInput,
    Submission,
    complaint_assign,
    complaint_correct_labels,
    complaint_message,
    complaint_note,
    identity_reveal,
    public_timeline,
)
from insaf.notifications.models import OutboxMessage
from tests.complaints.conftest import PASSPORT
from tests.conftest import Org, make_staff

FileCase = Callable[..., Submission]
Drive = Callable[[Complaint, Status], Complaint]
NAMED = PersonInput(name="ليلى حسن", phone="0791234567")


@pytest.fixture
def against_sibling(file_case: FileCase, jordan: Org) -> Complaint:
    """A case complaining about the second station, handled by the first."""
    return file_case(
        anonymous=False, complainant=NAMED, unit_complained_about_id=jordan.sibling_unit.pk
    ).complaint


def test_unit_complained_about_never_sees_the_case(against_sibling: Complaint, jordan: Org) -> None:
    head_of_sibling = make_staff(
        "jo-sibling-head", Role.UNIT_HEAD, jordan, unit=jordan.sibling_unit
    )
    assert not cases_for(head_of_sibling).filter(pk=against_sibling.pk).exists()
    with pytest.raises(NotFound):
        case_for(head_of_sibling, against_sibling.reference)
    with pytest.raises(NotFound):
        identity_reveal(
            actor=head_of_sibling, complaint_id=against_sibling.pk, reason="أريد أن أعرف من اشتكى"
        )


def test_unit_complained_about_is_never_the_handling_unit(
    file_case: FileCase, jordan: Org, policy: object
) -> None:
    # The default handling unit is the first station; a complaint about it goes elsewhere.
    case = file_case(unit_complained_about_id=jordan.unit.pk).complaint
    assert case.handling_unit != jordan.unit


def test_country_staff_in_the_unit_complained_about_cannot_see_identity(
    against_sibling: Complaint, jordan: Org
) -> None:
    """Someone who is both national admin and a member of the unit complained about."""
    admin = jordan.staff[Role.NATIONAL_ADMIN]
    from insaf.accounts.services import membership_grant

    membership_grant(
        actor=None,
        user=admin,
        role=Role.INVESTIGATOR,
        country=jordan.country,
        unit=jordan.sibling_unit,
    )
    assert cases_for(admin).filter(pk=against_sibling.pk).exists()  # country-wide role
    assert not can_see_identity(admin, against_sibling)
    with pytest.raises(Forbidden):
        identity_reveal(actor=admin, complaint_id=against_sibling.pk, reason="مراجعة إدارية للقضية")


def test_identity_reveal_is_reasoned_and_audited(named_case: Complaint, jordan: Org) -> None:
    head = jordan.staff[Role.UNIT_HEAD]
    with pytest.raises(InvalidInput):
        identity_reveal(actor=head, complaint_id=named_case.pk, reason="")
    (person,) = identity_reveal(
        actor=head, complaint_id=named_case.pk, reason="للتواصل مع المشتكي بشأن موعد"
    )
    assert person.name == "سامي الخطيب" and person.phone == "+962791234567"
    event = Event.objects.filter(verb="complaints.identity_revealed").latest("seq")
    assert event.actor == head and "موعد" in event.data["reason"]


def test_other_country_and_analyst_see_nothing(
    named_case: Complaint, egypt: Org, analyst: object
) -> None:
    for user in [*egypt.staff.values(), analyst]:
        assert not cases_for(user).exists()


def test_unit_staff_see_their_units_cases_only(
    named_case: Complaint, jordan: Org, file_case: FileCase
) -> None:
    in_unit = jordan.staff[Role.INVESTIGATOR]
    elsewhere = make_staff("jo-other-unit", Role.INVESTIGATOR, jordan, unit=jordan.other_unit)
    assert cases_for(in_unit).filter(pk=named_case.pk).exists()
    assert not cases_for(elsewhere).exists()
    for role in (Role.NATIONAL_ADMIN, Role.OVERSIGHT_OFFICER, Role.SYSTEM_ADMIN):
        assert cases_for(jordan.staff[role]).filter(pk=named_case.pk).exists()


def test_queue_order(file_case: FileCase, jordan: Org) -> None:
    normal = file_case(PASSPORT).complaint
    vulnerable = file_case("طفل صغير انتظر شهرا لتجديد جواز السفر في مكتب الجوازات").complaint
    low = file_case("أقترح زيادة عدد الموظفين في مكتب الجوازات صباحا", kind="suggestion").complaint
    queue = list(queue_for(jordan.staff[Role.NATIONAL_ADMIN]))
    assert vulnerable.priority == "high" and normal.priority == "normal"
    assert queue.index(vulnerable) < queue.index(normal) < queue.index(low)


def test_internal_notes_never_reach_the_filer(named_case: Complaint, jordan: Org) -> None:
    head = jordan.staff[Role.UNIT_HEAD]
    complaint_note(
        actor=head, complaint_id=named_case.pk, body="المشتكي معروف لدينا — ملاحظة داخلية"
    )
    complaint_message(
        actor=head, complaint_id=named_case.pk, version=1, body="نعمل على طلبك", question=False
    )
    bodies = [e.body for e in public_timeline(named_case)]
    assert "نعمل على طلبك" in bodies
    assert not any("داخلية" in body for body in bodies)
    assert not any(head.username in str(e) for e in public_timeline(named_case))
    assert OutboxMessage.objects.filter(channel="sms", reference=named_case.reference).count() == 2


def test_question_waits_for_the_filer(named_case: Complaint, drive: Drive, jordan: Org) -> None:
    case = drive(named_case, Status.IN_PROGRESS)
    asked = complaint_message(
        actor=jordan.staff[Role.INVESTIGATOR],
        complaint_id=case.pk,
        version=case.version,
        body="في أي ساعة حدث ذلك؟",
        question=True,
    )
    assert asked.status == Status.AWAITING_INFO


def test_label_correction_recomputes_and_is_kept(named_case: Complaint, jordan: Org) -> None:
    head = jordan.staff[Role.UNIT_HEAD]
    before = (named_case.priority, named_case.resolve_due_at)
    case = complaint_correct_labels(
        actor=head,
        complaint_id=named_case.pk,
        version=1,
        changes=LabelChanges(category="arbitrary_detention", vulnerable=["elderly"]),
    )
    assert case.priority == "high" and before[0] == "normal"
    assert case.resolve_due_at < before[1]  # ten working days instead of twenty
    assert case.label_sources["category"] == "officer"
    corrections = LabelCorrection.objects.filter(complaint=case)
    assert {c.label for c in corrections} == {"category", "vulnerable"}
    assert all(c.triage_version == case.triage_version for c in corrections)


def test_correcting_to_grave_enters_oversight(named_case: Complaint, jordan: Org) -> None:
    officer = jordan.staff[Role.OVERSIGHT_OFFICER]
    officer.email = "oversight@moi.example"
    officer.save(update_fields=["email"])
    case = complaint_correct_labels(
        actor=jordan.staff[Role.UNIT_HEAD],
        complaint_id=named_case.pk,
        version=1,
        changes=LabelChanges(grave=True),
    )
    assert case.oversight and case.priority == "critical"
    assert OutboxMessage.objects.filter(channel="email", reference=case.reference).exists()


def test_bad_label_values_are_refused(named_case: Complaint, jordan: Org) -> None:
    with pytest.raises(InvalidInput) as error:
        complaint_correct_labels(
            actor=jordan.staff[Role.UNIT_HEAD],
            complaint_id=named_case.pk,
            version=1,
            changes=LabelChanges(category="bad", vulnerable=["martian"]),
        )
    assert set(error.value.fields) == {"category", "vulnerable"}


def test_assign_refuses_officer_who_cannot_work_the_case(
    named_case: Complaint, jordan: Org, egypt: Org
) -> None:
    head = jordan.staff[Role.UNIT_HEAD]
    for officer in (egypt.staff[Role.INVESTIGATOR], jordan.staff[Role.INTAKE_OFFICER]):
        with pytest.raises(InvalidInput):
            complaint_assign(actor=head, complaint_id=named_case.pk, version=1, officer=officer)


def test_reassignment_keeps_status(named_case: Complaint, drive: Drive, jordan: Org) -> None:
    case = drive(named_case, Status.IN_PROGRESS)
    colleague = make_staff("jo-second", Role.INVESTIGATOR, jordan)
    moved = complaint_assign(
        actor=jordan.staff[Role.UNIT_HEAD],
        complaint_id=case.pk,
        version=case.version,
        officer=colleague,
    )
    assert moved.status == Status.IN_PROGRESS and moved.handling_officer == colleague
    assert CaseEvent.objects.filter(complaint=case, type="assigned").count() == 2
