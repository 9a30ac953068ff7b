"""The staff workspace through Django's test client: queues scoped by role, the case page with
its evidence, the actions the state machine allows (and only those), stale versions, the identity
reveal, label corrections and bulk assignment."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from insaf.accounts.roles import Role
from insaf.audit.models import Event
from insaf.audit.verbs import Verb
from insaf.complaints.enums import EventType, Status
from insaf.complaints.models import CaseEvent, Complaint, CountryPolicy
from insaf.complaints.services import PersonInput, Submission
from tests.conftest import Org, sign_in_with_second_factor

pytestmark = pytest.mark.django_db

TORTURE = "عذبوني في مركز الشرطة ثلاثة أيام وضربوني حتى فقدت الوعي"
PASSPORT = "انتظرت ثلاثة أشهر لتجديد جواز السفر ولم يرد أحد على الهاتف"


@pytest.fixture
def signed_in(jordan: Org) -> Callable[[Role], Client]:
    def sign_in(role: Role) -> Client:
        return sign_in_with_second_factor(Client(), jordan.staff[role])

    return sign_in


def references(page: str) -> list[str]:
    return re.findall(r'<tr data-reference="([A-Z]{2}-\d{4}-\d{6})"', page)


def test_sign_in_is_required(client: Client, policy: CountryPolicy) -> None:
    response = client.get("/work/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_queues_follow_the_roles(
    signed_in: Callable[[Role], Client],
    file_case: Callable[..., Submission],
    jordan: Org,
) -> None:
    ordinary = file_case(PASSPORT).complaint
    grave = file_case(TORTURE).complaint
    assert grave.oversight and not ordinary.oversight
    head = signed_in(Role.UNIT_HEAD).get("/work/?view=unit").content.decode()
    assert references(head) == [ordinary.reference]  # grave cases go to the oversight unit
    oversight = signed_in(Role.OVERSIGHT_OFFICER).get("/work/").content.decode()
    assert references(oversight) == [grave.reference]
    admin = signed_in(Role.NATIONAL_ADMIN).get("/work/?view=unit").content.decode()
    # Critical first.
    assert references(admin) == [grave.reference, ordinary.reference]
    investigator = signed_in(Role.INVESTIGATOR).get("/work/").content.decode()
    assert references(investigator) == []


def test_the_unit_complained_about_never_sees_the_case(
    signed_in: Callable[[Role], Client],
    file_case: Callable[..., Submission],
    jordan: Org,
) -> None:
    case = file_case(PASSPORT, unit_complained_about_id=jordan.unit.pk).complaint
    head = signed_in(Role.UNIT_HEAD)
    assert case.reference not in head.get("/work/?view=unit").content.decode()
    assert head.get(f"/work/cases/{case.reference}/").status_code == 404


def test_search_box_finds_cases_in_scope(
    signed_in: Callable[[Role], Client], file_case: Callable[..., Submission]
) -> None:
    case = file_case(PASSPORT).complaint
    file_case(TORTURE)
    page = signed_in(Role.UNIT_HEAD).get("/work/", {"q": "الجوازات"}).content.decode()
    assert references(page) == [case.reference]
    assert "<mark>" in page


def test_the_case_page_marks_the_evidence_and_offers_only_allowed_actions(
    signed_in: Callable[[Role], Client], file_case: Callable[..., Submission]
) -> None:
    case = file_case(TORTURE).complaint
    page = signed_in(Role.OVERSIGHT_OFFICER).get(f"/work/cases/{case.reference}/").content.decode()
    assert re.search(r'<mark data-evidence="[^"]*grave[^"]*">عذبوني</mark>', page), page
    assert 'data-transition="withdraw"' in page
    assert 'data-transition="resolve"' not in page  # not in progress yet
    assert 'id="ask-form"' not in page


def test_an_officer_asks_and_resolves_through_the_pages(
    signed_in: Callable[[Role], Client],
    file_case: Callable[..., Submission],
    jordan: Org,
) -> None:
    case = file_case(PASSPORT).complaint
    head = signed_in(Role.UNIT_HEAD)
    investigator = jordan.staff[Role.INVESTIGATOR]
    url = f"/work/cases/{case.reference}/"
    response = head.post(url + "assign/", {"version": case.version, "officer": investigator.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.handling_officer) == (Status.ASSIGNED, investigator)

    officer = signed_in(Role.INVESTIGATOR)
    assert case.reference in officer.get("/work/?view=mine").content.decode()
    officer.post(url + "do/start/", {"t-start-version": case.version, "t-start-name": "start"})
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert 'id="ask-form"' in officer.get(url).content.decode()
    officer.post(
        url + "message/", {"version": case.version, "body": "متى حدث ذلك؟", "question": "on"}
    )
    case.refresh_from_db()
    assert case.status == Status.AWAITING_INFO
    question = CaseEvent.objects.filter(complaint=case, public=True).latest("id")
    assert question.body == "متى حدث ذلك؟"

    case.status = Status.IN_PROGRESS  # as the filer's answer would (tested in the portal's tests)
    case.save(update_fields=["status"])
    # A decision needs its reasons for the filer.
    refused = officer.post(
        url + "do/resolve/", {"t-resolve-version": case.version, "t-resolve-name": "resolve"}
    )
    assert refused.status_code == 422
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    officer.post(
        url + "do/resolve/",
        {
            "t-resolve-version": case.version,
            "t-resolve-name": "resolve",
            "t-resolve-message": "جُدد جوازك وهو جاهز للاستلام",
        },
    )
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


def test_a_stale_version_is_409_and_changes_nothing(
    signed_in: Callable[[Role], Client], file_case: Callable[..., Submission], jordan: Org
) -> None:
    case = file_case(PASSPORT).complaint
    head = signed_in(Role.UNIT_HEAD)
    stale = case.version
    head.post(
        f"/work/cases/{case.reference}/assign/",
        {"version": stale, "officer": jordan.staff[Role.INVESTIGATOR].pk},
    )
    case.refresh_from_db()
    response = head.post(
        f"/work/cases/{case.reference}/do/withdraw/",
        {"t-withdraw-version": stale, "t-withdraw-name": "withdraw"},
    )
    assert response.status_code == 409
    assert 'id="error-summary"' in response.content.decode()
    after = Complaint.objects.get(pk=case.pk)
    assert (after.status, after.version) == (case.status, case.version)


def test_identities_are_shown_only_after_a_reason_and_are_audited(
    signed_in: Callable[[Role], Client], file_case: Callable[..., Submission]
) -> None:
    case = file_case(
        PASSPORT, anonymous=False, complainant=PersonInput(name="سامي الخطيب", phone="0791234567")
    ).complaint
    head = signed_in(Role.UNIT_HEAD)
    url = f"/work/cases/{case.reference}/"
    assert "سامي الخطيب" not in head.get(url).content.decode()
    short = head.post(url + "identity/", {"reason": "لماذا"})
    assert short.status_code == 422 and "سامي الخطيب" not in short.content.decode()
    shown = head.post(url + "identity/", {"reason": "للاتصال بالمشتكي بشأن موعد الاستلام"})
    assert "سامي الخطيب" in shown.content.decode()
    assert CaseEvent.objects.filter(complaint=case, type=EventType.IDENTITY_REVEALED).exists()
    assert Event.objects.filter(verb=Verb.IDENTITY_REVEALED).exists()
    assert "سامي الخطيب" not in head.get(url).content.decode()


def test_label_corrections_change_the_priority(
    signed_in: Callable[[Role], Client], file_case: Callable[..., Submission]
) -> None:
    case = file_case(PASSPORT).complaint
    assert not case.grave
    head = signed_in(Role.UNIT_HEAD)
    response = head.post(
        f"/work/cases/{case.reference}/labels/",
        {
            "version": case.version,
            "kind": case.kind,
            "category": "torture_ill_treatment",
            "grave": "on",
            "vulnerable": ["elderly"],
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.grave and case.priority == "critical" and case.vulnerable == ["elderly"]
    assert case.label_sources["grave"] == "officer"


def test_bulk_assignment_reports_each_case(
    signed_in: Callable[[Role], Client], file_case: Callable[..., Submission], jordan: Org
) -> None:
    first = file_case(PASSPORT).complaint
    second = file_case(PASSPORT + " مرة ثانية").complaint
    head = signed_in(Role.UNIT_HEAD)
    investigator = jordan.staff[Role.INVESTIGATOR]
    response = head.post(
        "/work/assign/",
        {
            "cases": [first.reference, second.reference],
            f"version-{first.reference}": first.version,
            f"version-{second.reference}": second.version + 5,  # stale: refused, nothing changes
            "officer": investigator.pk,
            "next": "/work/?view=unit",
        },
        follow=True,
    )
    page = response.content.decode()
    assert first.reference in page and second.reference in page
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.handling_officer == investigator
    assert second.handling_officer is None and second.status == Status.REGISTERED


def test_analysts_see_no_cases(
    client: Client, analyst: object, file_case: Callable[..., Submission]
) -> None:
    file_case(PASSPORT)
    sign_in_with_second_factor(client, analyst)  # type: ignore[arg-type]
    assert references(client.get("/work/?view=unit").content.decode()) == []


def test_dates_follow_the_users_calendar(
    signed_in: Callable[[Role], Client], file_case: Callable[..., Submission], jordan: Org
) -> None:
    case = file_case(PASSPORT).complaint
    head = signed_in(Role.UNIT_HEAD)
    url = f"/work/cases/{case.reference}/"
    assert "هـ" not in head.get(url).content.decode()
    user = jordan.staff[Role.UNIT_HEAD]
    user.calendar = "hijri"
    user.save(update_fields=["calendar"])
    assert "هـ" in head.get(url).content.decode()


def test_a_duplicate_is_closed_into_the_case_it_repeats(
    signed_in: Callable[[Role], Client], file_case: Callable[..., Submission]
) -> None:
    first = file_case(PASSPORT).complaint
    repeat = file_case(PASSPORT).complaint
    head = signed_in(Role.UNIT_HEAD)
    url = f"/work/cases/{repeat.reference}/link/"
    itself = head.post(url, {"version": repeat.version, "other": repeat.reference, "kind": "merge"})
    assert itself.status_code == 422
    response = head.post(
        url, {"version": repeat.version, "other": first.reference.lower(), "kind": "merge"}
    )
    assert response.status_code == 302
    repeat.refresh_from_db()
    first.refresh_from_db()
    assert repeat.status == Status.CLOSED and first.status == Status.REGISTERED
    page = head.get(f"/work/cases/{first.reference}/").content.decode()
    assert repeat.reference in page


def test_the_search_box_says_why_a_case_matched_by_meaning(
    signed_in: Callable[[Role], Client], file_case: Callable[..., Submission]
) -> None:
    case = file_case("قال لي الموظف لازم تدهن السير عشان تمشي المعاملة").complaint
    page = signed_in(Role.UNIT_HEAD).get("/work/", {"q": "رشوة"}).content.decode()
    assert references(page) == [case.reference]
    assert re.search(r"data-matched>[^<]*<span dir=\"auto\">رشوة — تدهن السير</span>", page), page
