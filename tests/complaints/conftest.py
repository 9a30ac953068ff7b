"""Fixtures for cases: a Jordanian node with a routing policy, and helpers that drive a case
through the lifecycle with the real services."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from insaf.accounts.models import User
from insaf.accounts.roles import Role
from insaf.complaints.enums import Channel, Status
from insaf.complaints.models import Complaint, CountryPolicy
from insaf.complaints.services import (
    PersonInput,
    Submission,
    complaint_assign,
    complaint_submit,
    complaint_transition,
)
from tests.conftest import Org, make_staff

TORTURE = "عذبوني في مركز الشرطة ثلاثة أيام وضربوني حتى فقدت الوعي"
PASSPORT = "انتظرت ثلاثة أشهر لتجديد جواز السفر ولم يرد أحد على الهاتف"


@pytest.fixture
def file_case(policy: CountryPolicy) -> Callable[..., Submission]:
    def file(text: str = PASSPORT, **kwargs: object) -> Submission:
        kwargs.setdefault("anonymous", True)
        kwargs.setdefault("channel", Channel.WEB)
        return complaint_submit(country="JO", text=text, **kwargs)  # type: ignore[arg-type]

    return file


@pytest.fixture
def named_case(file_case: Callable[..., Submission]) -> Complaint:
    return file_case(
        anonymous=False,
        complainant=PersonInput(name="سامي الخطيب", phone="٠٧٩١٢٣٤٥٦٧", email="sami@example.org"),
    ).complaint


@pytest.fixture
def drive(jordan: Org) -> Callable[[Complaint, Status], Complaint]:
    """Take a registered case (handled by the first unit) to ``target`` through the services."""
    head = jordan.staff[Role.UNIT_HEAD]
    investigator = jordan.staff[Role.INVESTIGATOR]
    paths: dict[Status, list[str]] = {
        Status.REGISTERED: [],
        Status.ASSIGNED: ["assign"],
        Status.IN_PROGRESS: ["assign", "start"],
        Status.AWAITING_INFO: ["assign", "start", "request_info"],
        Status.RESOLVED: ["assign", "start", "resolve"],
        Status.NOT_UPHELD: ["assign", "start", "not_uphold"],
        Status.REFERRED: ["assign", "start", "refer"],
        Status.WITHDRAWN: ["withdraw"],
        Status.CLOSED: ["assign", "start", "resolve", "close"],
    }

    def run(case: Complaint, target: Status) -> Complaint:
        for step in paths[target]:
            case.refresh_from_db()
            if step == "assign":
                case = complaint_assign(
                    actor=head, complaint_id=case.pk, version=case.version, officer=investigator
                )
            else:
                actor: User = head
                case = complaint_transition(
                    actor=actor,
                    complaint_id=case.pk,
                    version=case.version,
                    name=step,
                    message="سؤال؟" if step == "request_info" else "",
                )
        case.refresh_from_db()
        assert case.status == target
        return case

    return run


__all__ = ["PASSPORT", "TORTURE", "make_staff"]
