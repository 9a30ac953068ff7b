"""The filer's side: /track and its actions, opened with the reference and the receipt code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from insaf.accounts.models import User
from insaf.accounts.roles import Role
from insaf.complaints.models import CaseEvent, Complaint, Feedback
from tests.api.conftest import Filed, JsonClient, Staff
from tests.conftest import Org

FileAnonymous = Callable[..., Filed]
ToStatus = Callable[[str, str], dict[str, Any]]
StaffApi = Callable[[User], Staff]


def test_track_shows_status_and_public_timeline(
    api: JsonClient, file_anonymous: FileAnonymous
) -> None:
    filed = file_anonymous()
    response = api.post("/track", filed.credentials())
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"reference", "status", "kind", "received_at", "timeline", "files"}
    assert body["reference"] == filed.reference
    assert body["status"] == "registered"
    assert [e["type"] for e in body["timeline"]] == ["filed", "status"]
    assert [e["status"] for e in body["timeline"]] == ["received", "registered"]
    assert all(set(e) == {"type", "status", "body", "at"} for e in body["timeline"])


def test_receipt_code_may_be_typed_with_spaces_and_arabic_digits(
    api: JsonClient, file_anonymous: FileAnonymous
) -> None:
    filed = file_anonymous()
    arabic = filed.receipt_code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    spaced = " ".join(arabic[i : i + 4] for i in range(0, 16, 4))
    response = api.post("/track", {"reference": filed.reference.lower(), "receipt_code": spaced})
    assert response.status_code == 200


def test_wrong_reference_and_wrong_code_look_the_same(
    api: JsonClient, file_anonymous: FileAnonymous
) -> None:
    filed = file_anonymous()
    other = file_anonymous()
    wrong_code = api.post("/track", {**filed.credentials(), "receipt_code": other.receipt_code})
    wrong_reference = api.post("/track", {**filed.credentials(), "reference": "JO-1999-000001"})
    swapped = api.post("/track", {**filed.credentials(), "reference": other.reference[:-1] + "9"})
    malformed_code = api.post("/track", {**filed.credentials(), "receipt_code": "not a code"})
    responses = [wrong_code, wrong_reference, swapped, malformed_code]
    assert {r.status_code for r in responses} == {404}
    assert len({r.content for r in responses}) == 1
    assert wrong_code.json()["error"]["code"] == "not_found"
    assert wrong_code.json()["error"]["fields"] == {}
    headers = [sorted(k for k, _ in r.items()) for r in responses]
    assert all(h == headers[0] for h in headers)


def test_a_named_case_cannot_be_opened_without_a_receipt_code(
    api: JsonClient, policy: object
) -> None:
    body = {
        "text": "انتظرت ثلاثة أشهر لتجديد جواز السفر",
        "country": "JO",
        "complainant": {"name": "سامي", "phone": "0791234567"},
    }
    reference = api.post("/complaints", body).json()["reference"]
    for code in ("", "0000000000000000"):
        response = api.post("/track", {"reference": reference, "receipt_code": code})
        assert response.status_code == 404


def test_internal_notes_and_officers_never_reach_the_filer(
    api: JsonClient,
    file_anonymous: FileAnonymous,
    to_status: ToStatus,
    staff_api: StaffApi,
    jordan: Org,
) -> None:
    filed = file_anonymous()
    head = staff_api(jordan.staff[Role.UNIT_HEAD])
    to_status(filed.reference, "in_progress")
    head.act(filed.reference, "notes", body="ملاحظة داخلية سرية عن الضابط")
    head.act(filed.reference, "labels", grave=True)
    head.act(filed.reference, "identity", reason="للتحقق من هوية المشتكي قبل الاستدعاء")
    head.act(filed.reference, "messages", body="نعمل على قضيتك", question=False)

    response = api.post("/track", filed.credentials())
    text = response.content.decode()
    assert "ملاحظة داخلية" not in text
    assert "للتحقق من هوية" not in text
    for user in jordan.staff.values():
        assert user.username not in text
    types = [e["type"] for e in response.json()["timeline"]]
    assert "note" not in types and "labels" not in types and "assigned" not in types
    assert "identity_revealed" not in types
    assert "response" in types
    assert "نعمل على قضيتك" in text
    public = CaseEvent.objects.filter(complaint__reference=filed.reference, public=True).count()
    assert len(types) == public


def test_answering_a_question_puts_the_case_back_in_progress(
    api: JsonClient, file_anonymous: FileAnonymous, to_status: ToStatus
) -> None:
    filed = file_anonymous()
    to_status(filed.reference, "awaiting_info")
    question = api.post("/track", filed.credentials()).json()
    assert question["status"] == "awaiting_info"
    assert question["timeline"][-1]["body"] == "متى حدث ذلك بالضبط؟"

    response = api.post("/track/info", filed.credentials(text="يوم الأحد الماضي مساءً"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "in_progress"
    assert any(e["type"] == "answer" and "الأحد" in e["body"] for e in body["timeline"])


def test_information_added_to_an_open_case(api: JsonClient, file_anonymous: FileAnonymous) -> None:
    filed = file_anonymous()
    response = api.post("/track/info", filed.credentials(text="لدي صورة من الإيصال"))
    assert response.status_code == 200
    assert response.json()["status"] == "registered"
    assert response.json()["timeline"][-1]["type"] == "info_added"
    assert Complaint.objects.get(reference=filed.reference).version == 2


def test_empty_information_is_refused(api: JsonClient, file_anonymous: FileAnonymous) -> None:
    filed = file_anonymous()
    response = api.post("/track/info", filed.credentials(text="   "))
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"text"}


def test_withdraw(api: JsonClient, file_anonymous: FileAnonymous) -> None:
    filed = file_anonymous()
    response = api.post("/track/withdraw", filed.credentials(reason="حُلّت المشكلة"))
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    again = api.post("/track/withdraw", filed.credentials())
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "transition_not_allowed"


def test_appeal_a_closed_case(
    api: JsonClient, file_anonymous: FileAnonymous, to_status: ToStatus
) -> None:
    filed = file_anonymous()
    early = api.post("/track/appeal", filed.credentials(reason="لم يُنظر في شكواي"))
    assert early.status_code == 409
    to_status(filed.reference, "closed")
    response = api.post("/track/appeal", filed.credentials(reason="القرار لم يعالج المشكلة"))
    assert response.status_code == 200
    assert response.json()["status"] == "under_review"
    assert api.post("/track/appeal", filed.credentials(reason="مرة أخرى")).status_code == 409


def test_appeal_needs_a_reason(api: JsonClient, file_anonymous: FileAnonymous) -> None:
    filed = file_anonymous()
    response = api.post("/track/appeal", filed.credentials())
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"reason"}


def test_feedback_once_after_the_decision(
    api: JsonClient, file_anonymous: FileAnonymous, to_status: ToStatus
) -> None:
    filed = file_anonymous()
    assert api.post("/track/feedback", filed.credentials(rating=4)).status_code == 409
    to_status(filed.reference, "resolved")
    response = api.post("/track/feedback", filed.credentials(rating=4, comment="شكرًا"))
    assert response.status_code == 200
    assert response.json()["timeline"][-1]["type"] == "feedback"
    feedback = Feedback.objects.get(complaint__reference=filed.reference)
    assert (feedback.rating, feedback.comment) == (4, "شكرًا")
    again = api.post("/track/feedback", filed.credentials(rating=5))
    assert again.status_code == 409


@pytest.mark.parametrize("rating", [0, 6, "5", 4.5, None])
def test_feedback_rating_must_be_1_to_5(
    api: JsonClient, file_anonymous: FileAnonymous, to_status: ToStatus, rating: object
) -> None:
    filed = file_anonymous()
    to_status(filed.reference, "resolved")
    response = api.post("/track/feedback", filed.credentials(rating=rating))
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"rating"}
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("path", ["/track/info", "/track/withdraw", "/track/appeal"])
def test_actions_need_the_right_code(
    api: JsonClient, file_anonymous: FileAnonymous, path: str
) -> None:
    filed = file_anonymous()
    body = {"reference": filed.reference, "receipt_code": "1" * 16, "text": "x", "reason": "y"}
    if path != "/track/info":
        body.pop("text")
    if path == "/track/info":
        body.pop("reason")
    response = api.post(path, body)
    assert response.status_code == 404
    case = Complaint.objects.get(reference=filed.reference)
    assert case.version == 1 and case.status == "registered"
