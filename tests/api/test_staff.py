"""Staff endpoints: authentication, the queue, a case, and every change through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insaf.accounts.models import User
from insaf.accounts.roles import Role
from insaf.accounts.services import membership_grant, user_deactivate
from insaf.api.auth import token_create, token_revoke
from insaf.api.models import ApiToken
from insaf.complaints import transitions
from insaf.complaints.models import CaseEvent, Complaint
from tests.api.conftest import TORTURE, Filed, JsonClient, Staff, bearer
from tests.conftest import Org, make_staff, sign_in_with_second_factor

FileAnonymous = Callable[..., Filed]
ToStatus = Callable[[str, str], dict[str, Any]]
StaffApi = Callable[[User], Staff]

NAMED = {
    "text": "انتظرت ثلاثة أشهر لتجديد جواز السفر ولم يرد أحد",
    "country": "JO",
    "complainant": {
        "name": "سامي الخطيب",
        "phone": "0791234567",
        "email": "sami@example.org",
        "national_id": "9861012345",
    },
}


@pytest.fixture
def head(jordan: Org, staff_api: StaffApi) -> Staff:
    return staff_api(jordan.staff[Role.UNIT_HEAD])


@pytest.fixture
def named(api: JsonClient, policy: object) -> str:
    response = api.post("/complaints", NAMED)
    assert response.status_code == 201
    return str(response.json()["reference"])


def _snapshot(reference: str) -> tuple[Any, ...]:
    case = Complaint.objects.get(reference=reference)
    return (
        case.version,
        case.status,
        case.handling_officer_id,
        case.kind,
        case.category,
        case.grave,
        CaseEvent.objects.filter(complaint=case).count(),
    )


# --- Authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer insaf_not-a-real-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_staff_endpoints_need_credentials(
    api: JsonClient, jordan: Org, headers: dict[str, str]
) -> None:
    response = api.get("/cases", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_is_stored_as_a_digest_with_a_prefix(api: JsonClient, jordan: Org) -> None:
    row, token = token_create(user=jordan.staff[Role.UNIT_HEAD], name="case system")
    assert token.startswith("insaf_") and len(token) > 40
    assert token.startswith(row.prefix) and len(row.prefix) < 16
    assert token not in str(ApiToken.objects.filter(pk=row.pk).values().get())
    assert row.last_used_at is None
    response = api.get("/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_revoked_expired_and_deactivated_tokens_are_refused(api: JsonClient, jordan: Org) -> None:
    user = jordan.staff[Role.UNIT_HEAD]
    revoked, revoked_token = token_create(user=user)
    token_revoke(revoked)
    _expired, expired_token = token_create(
        user=user, expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    investigator = jordan.staff[Role.INVESTIGATOR]
    _row, deactivated_token = token_create(user=investigator)
    user_deactivate(actor=None, user=investigator)
    for token in (revoked_token, expired_token, deactivated_token):
        response = api.get("/cases", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token


def test_management_command_creates_lists_and_revokes(
    api: JsonClient, jordan: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    user = jordan.staff[Role.INVESTIGATOR]
    call_command("api", "token", "create", user.username, "--name", "case system", "--days", "30")
    token = capsys.readouterr().out.strip()
    assert api.get("/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    row = ApiToken.objects.get(user=user)
    assert row.name == "case system" and row.expires_at is not None

    call_command("api", "token", "list", user.username)
    listing = capsys.readouterr().out
    assert row.prefix in listing and token not in listing

    call_command("api", "token", "revoke", row.prefix)
    assert api.get("/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_session_that_passed_the_second_factor(jordan: Org, file_anonymous: FileAnonymous) -> None:
    filed = file_anonymous()
    client = Client(enforce_csrf_checks=True)
    user = jordan.staff[Role.UNIT_HEAD]
    sign_in_with_second_factor(client, user)
    assert client.get("/api/v1/cases").status_code == 200

    body = '{"body": "ملاحظة"}'
    path = f"/api/v1/cases/{filed.reference}/notes"
    refused = client.post(path, body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "csrf_failed"

    token = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    accepted = client.post(
        path, body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 200


def test_session_without_the_second_factor_is_refused(jordan: Org) -> None:
    client = Client()
    client.force_login(jordan.staff[Role.UNIT_HEAD])  # password only: the second factor is owed
    response = client.get("/api/v1/cases")
    assert response.status_code == 401


def test_session_that_owes_no_second_factor_is_accepted(analyst: User) -> None:
    """The same rule as the pages: the analyst, who sees no personal data, needs none."""
    client = Client()
    client.force_login(analyst)
    response = client.get("/api/v1/cases")
    assert response.status_code == 200
    assert response.json()["items"] == []


# --- The queue -----------------------------------------------------------------------------------


def test_queue_is_scoped_to_the_user(
    file_anonymous: FileAnonymous, head: Staff, staff_api: StaffApi, egypt: Org, analyst: User
) -> None:
    filed = file_anonymous()
    assert [c["reference"] for c in head.get("/cases").json()["items"]] == [filed.reference]
    assert staff_api(egypt.staff[Role.UNIT_HEAD]).get("/cases").json()["items"] == []
    assert staff_api(egypt.staff[Role.NATIONAL_ADMIN]).get("/cases").json()["items"] == []
    assert staff_api(analyst).get("/cases").json()["items"] == []


def test_queue_filters(file_anonymous: FileAnonymous, head: Staff) -> None:
    passport = file_anonymous()
    torture = file_anonymous(TORTURE)
    petition = file_anonymous("أطلب تجديد رخصة القيادة في أقرب وقت ممكن", kind="petition")

    def refs(**params: Any) -> list[str]:
        response = head.get("/cases", params)
        assert response.status_code == 200, response.content
        return [c["reference"] for c in response.json()["items"]]

    assert set(refs()) >= {passport.reference, petition.reference}
    assert refs(kind="petition") == [petition.reference]
    assert passport.reference in refs(category="service_delay")
    assert passport.reference not in refs(grave="true")
    assert refs(status="assigned") == []
    grave = Complaint.objects.get(reference=torture.reference)
    assert grave.grave and grave.priority == "critical"
    assert passport.reference in refs(priority="normal")
    assert passport.reference in refs(grave="false")


def test_queue_pages(file_anonymous: FileAnonymous, head: Staff) -> None:
    filed = {file_anonymous().reference for _ in range(5)}
    first = head.get("/cases", {"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_offset"] == 2
    second = head.get("/cases", {"limit": 2, "offset": 2}).json()
    third = head.get("/cases", {"limit": 2, "offset": 4}).json()
    assert third["next_offset"] is None
    seen = [c["reference"] for page in (first, second, third) for c in page["items"]]
    assert set(seen) == filed and len(seen) == 5


@pytest.mark.parametrize("params", [{"limit": 101}, {"limit": 0}, {"offset": -1}, {"grave": "x"}])
def test_queue_refuses_bad_parameters(head: Staff, params: dict[str, Any]) -> None:
    response = head.get("/cases", params)
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == set(params)


def test_queue_page_is_one_query_whatever_its_size(
    file_anonymous: FileAnonymous,
    head: Staff,
    to_status: ToStatus,
    django_assert_max_num_queries: Any,
) -> None:
    head.get("/cases")  # the token's last-used time is then written at most every few minutes
    assigned = file_anonymous()
    to_status(assigned.reference, "assigned")  # a handling officer and unit to show
    file_anonymous()
    with CaptureQueriesContext(connection) as small:
        assert len(head.get("/cases").json()["items"]) == 2
    for _ in range(10):
        file_anonymous()
    # The token (with its user), the user's memberships, and the page.
    with django_assert_max_num_queries(3) as large:
        page = head.get("/cases", {"limit": 100}).json()
    assert len(page["items"]) == 12
    assert any(c["handling_officer"] and c["handling_unit"] for c in page["items"])
    assert len(small.captured_queries) == len(large.captured_queries)
    cases = [q for q in large.captured_queries if "complaints_complaint" in q["sql"]]
    assert len(cases) == 1


# --- A case --------------------------------------------------------------------------------------


def test_case_detail_without_identities(named: str, head: Staff) -> None:
    head.act(named, "notes", body="ملاحظة داخلية للفريق")
    response = head.get(f"/cases/{named}")
    assert response.status_code == 200
    case = response.json()
    text = response.content.decode()
    for value in NAMED["complainant"].values():  # type: ignore[union-attr]
        assert value not in text
    assert "9861012345" not in text and "0791234567" not in text
    assert case["reference"] == named and case["version"] == 1
    assert case["text"] == NAMED["text"]
    assert case["labels"]["category"] == "service_delay"
    assert set(case["deadlines"]) >= {"ack_due_at", "resolve_due_at", "appeal_until"}
    assert case["allowed_transitions"] == ["withdraw"] and case["can_assign"]
    note = case["timeline"][-1]
    assert note["type"] == "note" and not note["public"]
    assert note["body"] == "ملاحظة داخلية للفريق"
    assert note["actor"] == head.user.username


def test_allowed_transitions_follow_the_user(
    file_anonymous: FileAnonymous, jordan: Org, staff_api: StaffApi, to_status: ToStatus
) -> None:
    reference = file_anonymous().reference
    to_status(reference, "assigned")
    investigator = staff_api(jordan.staff[Role.INVESTIGATOR])
    assert investigator.case(reference)["allowed_transitions"] == ["start"]
    other = make_staff("jo-investigator-2", Role.INVESTIGATOR, jordan)
    case = staff_api(other).case(reference)
    assert case["allowed_transitions"] == [] and not case["can_assign"]
    refused = staff_api(other).post(
        f"/cases/{reference}/transition", {"version": case["version"], "name": "start"}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "forbidden"


def test_cases_of_another_country_do_not_exist(
    file_anonymous: FileAnonymous, egypt: Org, staff_api: StaffApi
) -> None:
    reference = file_anonymous().reference
    before = _snapshot(reference)
    officer = staff_api(egypt.staff[Role.NATIONAL_ADMIN])
    missing = officer.get("/cases/JO-1999-000001")
    assert missing.status_code == 404
    assert officer.get(f"/cases/{reference}").content == missing.content
    for action, body in [
        ("assign", {"version": 1, "officer": egypt.staff[Role.INVESTIGATOR].username}),
        ("transition", {"version": 1, "name": "withdraw"}),
        ("notes", {"body": "x"}),
        ("messages", {"version": 1, "body": "x"}),
        ("labels", {"version": 1, "grave": True}),
        ("identity", {"reason": "أريد أن أعرف من هو"}),
    ]:
        response = officer.post(f"/cases/{reference}/{action}", body)
        assert response.status_code == 404, action
        assert response.content == missing.content
    assert _snapshot(reference) == before


def test_identity_is_revealed_with_a_reason(named: str, jordan: Org, staff_api: StaffApi) -> None:
    admin = staff_api(jordan.staff[Role.NATIONAL_ADMIN])
    short = admin.post(f"/cases/{named}/identity", {"reason": "لماذا"})
    assert short.status_code == 422 and set(short.json()["error"]["fields"]) == {"reason"}
    response = admin.post(
        f"/cases/{named}/identity", {"reason": "الاتصال بالمشتكي لتحديد موعد المقابلة"}
    )
    assert response.status_code == 200
    people = response.json()["people"]
    assert len(people) == 1
    assert people[0]["name"] == "سامي الخطيب"
    assert people[0]["email"] == "sami@example.org"
    assert people[0]["phone"].endswith("791234567")
    event = admin.case(named)["timeline"][-1]
    assert event["type"] == "identity_revealed" and event["actor"] == admin.user.username


def test_identity_is_refused_to_the_unit_complained_about(
    api: JsonClient, jordan: Org, staff_api: StaffApi, policy: object
) -> None:
    body = {**NAMED, "unit_complained_about": jordan.sibling_unit.pk}
    reference = api.post("/complaints", body).json()["reference"]
    # A national administrator who also works in the unit complained about sees the case
    # (country-wide), but never who filed it.
    user = make_staff("jo-admin-and-station-2", Role.NATIONAL_ADMIN, jordan)
    membership_grant(
        actor=None,
        user=user,
        role=Role.INVESTIGATOR,
        country=jordan.country,
        unit=jordan.sibling_unit,
    )
    staff = staff_api(user)
    case = staff.case(reference)
    assert not case["can_see_identity"]
    events = CaseEvent.objects.filter(complaint__reference=reference).count()
    response = staff.post(f"/cases/{reference}/identity", {"reason": "أحتاج الاسم للتحقيق الداخلي"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert CaseEvent.objects.filter(complaint__reference=reference).count() == events
    # Unit staff of the unit complained about do not even see the case.
    station = make_staff("jo-station-2-head", Role.UNIT_HEAD, jordan, unit=jordan.sibling_unit)
    assert staff_api(station).get(f"/cases/{reference}").status_code == 404


# --- Changes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action,body",
    [
        ("transition", {"name": "withdraw", "message": "بطلب المشتكي"}),
        ("assign", {"officer": "jo-investigator"}),
        ("messages", {"body": "نعمل على قضيتك", "question": False}),
        ("labels", {"grave": True}),
    ],
)
def test_stale_version_is_refused_and_changes_nothing(
    file_anonymous: FileAnonymous, head: Staff, action: str, body: dict[str, Any]
) -> None:
    reference = file_anonymous().reference
    head.act(reference, "transition", name="withdraw") if action == "messages" else None
    current = head.case(reference)["version"]
    head.post(f"/cases/{reference}/notes", {"body": "لا تغير الإصدار"})
    before = _snapshot(reference)
    for version in (current - 1, current + 1):
        response = head.post(f"/cases/{reference}/{action}", {**body, "version": version})
        assert response.status_code == 409, response.content
        assert response.json()["error"]["code"] == "stale_version"
    assert _snapshot(reference) == before


def test_assign_names_an_officer_of_the_case(
    file_anonymous: FileAnonymous, head: Staff, jordan: Org, egypt: Org, staff_api: StaffApi
) -> None:
    reference = file_anonymous().reference
    unknown = head.post(f"/cases/{reference}/assign", {"version": 1, "officer": "nobody"})
    foreign = head.post(
        f"/cases/{reference}/assign",
        {"version": 1, "officer": egypt.staff[Role.INVESTIGATOR].username},
    )
    assert unknown.status_code == foreign.status_code == 422
    assert unknown.content == foreign.content
    assert set(unknown.json()["error"]["fields"]) == {"officer"}
    investigator = staff_api(jordan.staff[Role.INVESTIGATOR])
    refused = investigator.post(
        f"/cases/{reference}/assign", {"version": 1, "officer": investigator.user.username}
    )
    assert refused.status_code == 403
    case = head.act(reference, "assign", officer=investigator.user.username)
    assert case["status"] == "assigned" and case["handling_officer"] == investigator.user.username
    assert case["version"] == 2


def test_labels_correction_reprioritises(file_anonymous: FileAnonymous, head: Staff) -> None:
    reference = file_anonymous().reference
    case = head.act(reference, "labels", category="corruption", vulnerable=["woman", "elderly"])
    assert case["labels"]["category"] == "corruption"
    assert case["labels"]["vulnerable"] == ["woman", "elderly"]
    assert case["priority"] == "high" and case["version"] == 2
    assert case["labels"]["sources"]["category"] == "officer"
    case = head.act(reference, "labels", grave=True)
    assert case["priority"] == "critical" and case["oversight"]
    bad = head.post(f"/cases/{reference}/labels", {"version": 3, "vulnerable": ["giant"]})
    assert bad.status_code == 422
    assert all(name.startswith("vulnerable") for name in bad.json()["error"]["fields"])


def test_notes_and_messages(
    api: JsonClient, file_anonymous: FileAnonymous, head: Staff, to_status: ToStatus
) -> None:
    filed = file_anonymous()
    empty = head.post(f"/cases/{filed.reference}/notes", {"body": "  "})
    assert empty.status_code == 422 and set(empty.json()["error"]["fields"]) == {"body"}
    case = head.act(filed.reference, "notes", body="داخلية")
    assert case["version"] == 1
    to_status(filed.reference, "in_progress")
    case = head.act(filed.reference, "messages", body="هل لديك إيصال؟", question=True)
    assert case["status"] == "awaiting_info"
    public = api.post("/track", filed.credentials()).json()["timeline"]
    assert public[-1]["body"] == "هل لديك إيصال؟"


def test_unknown_transition_is_not_allowed(file_anonymous: FileAnonymous, head: Staff) -> None:
    reference = file_anonymous().reference
    for name in ("explode", "assign", "appeal", "register"):
        response = head.post(f"/cases/{reference}/transition", {"version": 1, "name": name})
        assert response.status_code in (403, 409), name
        assert response.json()["error"]["code"] in ("transition_not_allowed", "forbidden")
    assert _snapshot(reference)[0] == 1


def test_every_transition_is_reachable_through_the_api(
    api: JsonClient, file_anonymous: FileAnonymous, jordan: Org, staff_api: StaffApi
) -> None:
    head = staff_api(jordan.staff[Role.UNIT_HEAD])
    admin = staff_api(jordan.staff[Role.NATIONAL_ADMIN])
    intake = staff_api(jordan.staff[Role.INTAKE_OFFICER])
    officer = jordan.staff[Role.INVESTIGATOR].username

    # Registration is intake's own step (routing and deadlines), never a staff transition.
    first = file_anonymous()
    head.act(first.reference, "assign", officer=officer)
    head.transition(first.reference, "start")
    head.act(first.reference, "messages", body="ما اسم المركز؟", question=True)
    head.transition(first.reference, "receive_info", "أجاب المشتكي بالهاتف")
    head.transition(first.reference, "request_info", "ومتى حدث ذلك؟")
    assert api.post("/track/info", first.credentials(text="الأسبوع الماضي")).status_code == 200
    head.transition(first.reference, "resolve", "أعيد الجواز")
    head.transition(first.reference, "close")
    appeal = api.post("/track/appeal", first.credentials(reason="لم يعد الجواز كاملًا"))
    assert appeal.status_code == 200
    admin.transition(first.reference, "uphold", "القرار صحيح")
    admin.transition(first.reference, "close")

    second = file_anonymous()
    head.act(second.reference, "assign", officer=officer)
    head.transition(second.reference, "start")
    head.transition(second.reference, "not_uphold")
    head.transition(second.reference, "close")
    assert api.post("/track/appeal", second.credentials(reason="أعيدوا النظر")).status_code == 200
    admin.transition(second.reference, "overturn", "يعاد فتح الملف")

    third = file_anonymous()
    head.act(third.reference, "assign", officer=officer)
    head.transition(third.reference, "start")
    head.transition(third.reference, "refer", "أحيلت إلى النيابة العامة")

    fourth = file_anonymous()
    intake.transition(fourth.reference, "withdraw", "بطلب المشتكي هاتفيًا")
    fifth = file_anonymous()
    assert api.post("/track/withdraw", fifth.credentials()).status_code == 200
    # A merge has its own call, naming the case merged into.
    sixth, seventh = file_anonymous(), file_anonymous()
    intake.act(sixth.reference, "merge", into=seventh.reference)

    taken = {
        event.data["transition"] for event in CaseEvent.objects.filter(data__has_key="transition")
    }
    assert taken == set(transitions.TRANSITIONS)
    statuses = set(Complaint.objects.values_list("status", flat=True))
    assert statuses == {"closed", "review_overturned", "referred", "withdrawn", "registered"}


def test_a_token_acts_with_its_users_rights_only(
    file_anonymous: FileAnonymous, jordan: Org, staff_api: StaffApi
) -> None:
    reference = file_anonymous().reference
    intake = staff_api(jordan.staff[Role.INTAKE_OFFICER])
    response = intake.post(f"/cases/{reference}/labels", {"version": 1, "grave": True})
    assert response.status_code == 403
    centre = make_staff("jo-centre-2", Role.CENTRE_OFFICER, jordan, unit=jordan.other_unit)
    assert staff_api(centre).get(f"/cases/{reference}").status_code == 404
    assert bearer(centre)["Authorization"].startswith("Bearer insaf_")


@pytest.mark.parametrize("reference", ["JO%00-2026", "x" * 40, "JO 2026", "%D8%A3"])
def test_references_that_cannot_exist_are_not_found(head: Staff, reference: str) -> None:
    for response in (
        head.get(f"/cases/{reference}"),
        head.post(f"/cases/{reference}/notes", {"body": "x"}),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
