"""Every transition of the state machine, allowed and refused, through the services."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from insaf.accounts.models import User
from insaf.accounts.roles import Role
from insaf.complaints import transitions
from insaf.complaints.enums import Status
from insaf.complaints.errors import Forbidden, NotFound, StaleVersion, TransitionNotAllowed
from insaf.complaints.models import CaseEvent, Complaint
from insaf.complaints.services import (
    Submission,
    complaint_assign,
    complaint_transition,
    filer_add_info,
    filer_appeal,
    filer_withdraw,
)
from insaf.complaints.transitions import ActorKind
from tests.conftest import Org, make_staff

S = Status
FileCase = Callable[..., Submission]
Drive = Callable[[Complaint, Status], Complaint]

# The machine, written out by hand: (transition, from, to). A change to transitions.py that is not
# also made here (and in docs/LIFECYCLE.md) fails this test.
EDGES = {
    ("register", S.RECEIVED, S.REGISTERED),
    ("assign", S.REGISTERED, S.ASSIGNED),
    ("start", S.ASSIGNED, S.IN_PROGRESS),
    ("request_info", S.IN_PROGRESS, S.AWAITING_INFO),
    ("receive_info", S.AWAITING_INFO, S.IN_PROGRESS),
    ("resolve", S.IN_PROGRESS, S.RESOLVED),
    ("not_uphold", S.IN_PROGRESS, S.NOT_UPHELD),
    ("refer", S.IN_PROGRESS, S.REFERRED),
    *(
        ("withdraw", source, S.WITHDRAWN)
        for source in (S.RECEIVED, S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_INFO)
    ),
    *(
        ("merge", source, S.CLOSED)
        for source in (S.RECEIVED, S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_INFO)
    ),
    *(
        ("close", source, S.CLOSED)
        for source in (
            S.RESOLVED,
            S.NOT_UPHELD,
            S.REFERRED,
            S.WITHDRAWN,
            S.REVIEW_UPHELD,
            S.REVIEW_OVERTURNED,
        )
    ),
    ("appeal", S.CLOSED, S.UNDER_REVIEW),
    ("uphold", S.UNDER_REVIEW, S.REVIEW_UPHELD),
    ("overturn", S.UNDER_REVIEW, S.REVIEW_OVERTURNED),
}


def test_the_machine_is_exactly_the_documented_one() -> None:
    actual = {
        (t.name, source, t.target) for t in transitions.TRANSITIONS.values() for source in t.sources
    }
    assert actual == EDGES


@pytest.mark.parametrize("status", list(Status))
def test_filer_transitions_by_status(status: Status) -> None:
    available = set(transitions.available(status=status, actor=ActorKind.FILER, roles=set()))
    expected = set()
    if status in transitions.OPEN:
        expected.add("withdraw")
    if status == S.AWAITING_INFO:
        expected.add("receive_info")
    if status == S.CLOSED:
        expected.add("appeal")
    assert available == expected


def _move(actor: User, case: Complaint, name: str) -> Complaint:
    case.refresh_from_db()
    return complaint_transition(actor=actor, complaint_id=case.pk, version=case.version, name=name)


# (transition, the status to start from, a role that may, a role that may not)
STAFF_TRANSITIONS = [
    ("start", S.ASSIGNED, Role.INVESTIGATOR, Role.INTAKE_OFFICER),
    ("request_info", S.IN_PROGRESS, Role.INVESTIGATOR, Role.INTAKE_OFFICER),
    ("receive_info", S.AWAITING_INFO, Role.UNIT_HEAD, Role.SYSTEM_ADMIN),
    ("resolve", S.IN_PROGRESS, Role.INVESTIGATOR, Role.INTAKE_OFFICER),
    ("not_uphold", S.IN_PROGRESS, Role.UNIT_HEAD, Role.INTAKE_OFFICER),
    ("refer", S.IN_PROGRESS, Role.OVERSIGHT_OFFICER, Role.SYSTEM_ADMIN),
    ("withdraw", S.REGISTERED, Role.INTAKE_OFFICER, Role.INVESTIGATOR),
    ("close", S.RESOLVED, Role.UNIT_HEAD, Role.INVESTIGATOR),
    ("close", S.WITHDRAWN, Role.NATIONAL_ADMIN, Role.INTAKE_OFFICER),
]


@pytest.mark.parametrize("name,source,allowed,refused", STAFF_TRANSITIONS)
def test_staff_transition_allowed_and_refused(
    named_case: Complaint,
    drive: Drive,
    jordan: Org,
    name: str,
    source: Status,
    allowed: Role,
    refused: Role,
) -> None:
    case = drive(named_case, source)
    with pytest.raises(Forbidden):
        _move(jordan.staff[refused], case, name)
    case.refresh_from_db()
    assert case.status == source
    moved = _move(jordan.staff[allowed], case, name)
    assert moved.status == transitions.TRANSITIONS[name].target
    assert CaseEvent.objects.filter(complaint=case, data__transition=name).exists()


def test_assign_allowed_and_refused(named_case: Complaint, jordan: Org) -> None:
    investigator = jordan.staff[Role.INVESTIGATOR]
    with pytest.raises(Forbidden):
        complaint_assign(
            actor=investigator, complaint_id=named_case.pk, version=1, officer=investigator
        )
    case = complaint_assign(
        actor=jordan.staff[Role.UNIT_HEAD],
        complaint_id=named_case.pk,
        version=1,
        officer=investigator,
    )
    assert case.status == S.ASSIGNED and case.handling_officer == investigator
    assert case.acknowledged_at is not None


@pytest.mark.parametrize(
    "name,source",
    [
        ("resolve", S.REGISTERED),
        ("start", S.IN_PROGRESS),
        ("close", S.IN_PROGRESS),
        ("request_info", S.AWAITING_INFO),
        ("withdraw", S.CLOSED),
        ("uphold", S.CLOSED),
        ("made_up", S.REGISTERED),
    ],
)
def test_transition_from_the_wrong_status_is_refused(
    named_case: Complaint, drive: Drive, jordan: Org, name: str, source: Status
) -> None:
    case = drive(named_case, source)
    with pytest.raises(TransitionNotAllowed):
        _move(jordan.staff[Role.NATIONAL_ADMIN], case, name)
    case.refresh_from_db()
    assert case.status == source


def test_investigator_acts_only_on_own_cases(
    named_case: Complaint, drive: Drive, jordan: Org
) -> None:
    case = drive(named_case, S.ASSIGNED)
    colleague = make_staff("jo-colleague", Role.INVESTIGATOR, jordan)
    with pytest.raises(Forbidden):
        _move(colleague, case, "start")


def test_stale_version_is_refused_and_changes_nothing(
    named_case: Complaint, drive: Drive, jordan: Org
) -> None:
    case = drive(named_case, S.IN_PROGRESS)
    head = jordan.staff[Role.UNIT_HEAD]
    stale = case.version - 1
    events = CaseEvent.objects.filter(complaint=case).count()
    with pytest.raises(StaleVersion):
        complaint_transition(actor=head, complaint_id=case.pk, version=stale, name="resolve")
    case.refresh_from_db()
    assert case.status == S.IN_PROGRESS
    assert CaseEvent.objects.filter(complaint=case).count() == events


def test_each_change_bumps_the_version(named_case: Complaint, drive: Drive) -> None:
    assert named_case.version == 1
    case = drive(named_case, S.IN_PROGRESS)
    assert case.version == 3  # assigned, then started


def test_staff_outside_the_scope_cannot_find_the_case(
    named_case: Complaint, egypt: Org, jordan: Org
) -> None:
    with pytest.raises(NotFound):
        complaint_transition(
            actor=egypt.staff[Role.NATIONAL_ADMIN],
            complaint_id=named_case.pk,
            version=1,
            name="withdraw",
        )


def test_filer_answers_a_question(named_case: Complaint, drive: Drive) -> None:
    case = drive(named_case, S.AWAITING_INFO)
    answered = filer_add_info(case=case, text="كان ذلك يوم الخميس الساعة العاشرة")
    assert answered.status == S.IN_PROGRESS


def test_filer_adds_information_without_changing_status(
    named_case: Complaint, drive: Drive
) -> None:
    case = drive(named_case, S.ASSIGNED)
    updated = filer_add_info(case=case, text="معلومة إضافية")
    assert updated.status == S.ASSIGNED and updated.version == case.version + 1


def test_filer_withdraws(named_case: Complaint) -> None:
    assert filer_withdraw(case=named_case, reason="حُلّت المشكلة").status == S.WITHDRAWN
    with pytest.raises(TransitionNotAllowed):
        filer_withdraw(case=named_case)


def _closed_and_appealed(case: Complaint, drive: Drive) -> Complaint:
    case = drive(case, S.CLOSED)
    return filer_appeal(case=case, reason="القرار غير منصف ولم يُسمع الشهود")


def test_appeal_is_reviewed_outside_the_handling_unit(
    named_case: Complaint, drive: Drive, jordan: Org, oversight_unit: object
) -> None:
    case = _closed_and_appealed(named_case, drive)
    assert case.status == S.UNDER_REVIEW
    assert case.reviewing_unit == oversight_unit
    with pytest.raises(Forbidden):
        _move(jordan.staff[Role.UNIT_HEAD], case, "uphold")  # the unit that handled it
    reviewed = _move(jordan.staff[Role.OVERSIGHT_OFFICER], case, "overturn")
    assert reviewed.status == S.REVIEW_OVERTURNED
    assert _move(jordan.staff[Role.OVERSIGHT_OFFICER], reviewed, "close").status == S.CLOSED


def test_appeal_upheld(named_case: Complaint, drive: Drive, jordan: Org) -> None:
    case = _closed_and_appealed(named_case, drive)
    assert _move(jordan.staff[Role.NATIONAL_ADMIN], case, "uphold").status == S.REVIEW_UPHELD


def test_only_one_appeal_and_only_within_the_period(
    named_case: Complaint, drive: Drive, jordan: Org
) -> None:
    case = _closed_and_appealed(named_case, drive)
    case = _move(jordan.staff[Role.OVERSIGHT_OFFICER], case, "uphold")
    case = _move(jordan.staff[Role.OVERSIGHT_OFFICER], case, "close")
    with pytest.raises(TransitionNotAllowed):
        filer_appeal(case=case, reason="مرة أخرى من فضلكم")


def test_appeal_after_the_period_is_refused(named_case: Complaint, drive: Drive) -> None:
    import datetime as dt

    case = drive(named_case, S.CLOSED)
    Complaint.objects.filter(pk=case.pk).update(appeal_until=case.closed_at - dt.timedelta(days=1))
    from django.utils import translation

    with translation.override("en"), pytest.raises(TransitionNotAllowed, match="period"):
        filer_appeal(case=case, reason="تأخرت في الاعتراض")


def test_staff_cannot_appeal(named_case: Complaint, drive: Drive, jordan: Org) -> None:
    case = drive(named_case, S.CLOSED)
    with pytest.raises(Forbidden):
        _move(jordan.staff[Role.NATIONAL_ADMIN], case, "appeal")
