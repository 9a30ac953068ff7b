"""The citizen portal through Django's test client: filing with its review step (idempotent,
nothing written on bad input), the receipt, following a case with its codes, and what the filer
may do on it."""

from __future__ import annotations

import re
from collections.abc import Callable
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from insaf.complaints.enums import Channel, EventType, PersonRole, Status
from insaf.complaints.models import (
    Attachment,
    CaseEvent,
    Complaint,
    CountryPolicy,
    Feedback,
    Person,
)
from insaf.complaints.services import PersonInput, Submission, complaint_submit
from insaf.complaints.services.attachments import Upload, attachment_add
from insaf.core.crypto import decrypt
from insaf.notifications.models import OutboxMessage
from tests.conftest import Org

pytestmark = pytest.mark.django_db

TEXT = "ضربني شرطي في المخفر يوم السبت وأخذ هاتفي ولم يرجعه"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 200


def answers(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "complaint",
        "text": TEXT,
        "occurred_on": "",
        "governorate": "",
        "place": "مخفر الوسط",
        "unit": "",
        "harmed": "me",
        "victim_name": "",
        "contact": "anonymous",
        "name": "",
        "phone": "",
        "email": "",
        "national_id": "",
    }
    data.update(changes)
    return data


def review(client: Client, **changes: Any) -> Any:
    return client.post("/file/", {**answers(**changes), "step": "review"})


def token_of(response: Any) -> str:
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert match, "the review page carries a token"
    return match.group(1)


def submit(client: Client, token: str, files: list[Any] | None = None, **changes: Any) -> Any:
    data = {**answers(**changes), "step": "submit", "token": token}
    if files:
        data["files"] = files
    return client.post("/file/", data)


def receipt_of(response: Any) -> tuple[str, str | None]:
    html = response.content.decode()
    reference = re.search(r'id="reference">([A-Z]{2}-\d{4}-\d{6})<', html)
    assert reference, html
    code = re.search(r'id="receipt-code">([\d ]+)<', html)
    return reference.group(1), code.group(1).replace(" ", "") if code else None


# --- Filing --------------------------------------------------------------------------------------


def test_the_form_is_arabic_first_and_right_to_left(client: Client, policy: CountryPolicy) -> None:
    page = client.get("/file/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert 'data-draft="filing"' in page and 'data-draft-fresh="1"' in page
    client.cookies["django_language"] = "fr"
    page = client.get("/file/").content.decode()
    assert '<html lang="fr" dir="ltr">' in page


def test_review_files_nothing_and_shows_the_answers(client: Client, policy: CountryPolicy) -> None:
    response = review(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert TEXT in html and 'id="review-summary"' in html
    assert token_of(response)
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": "قصير"}, "id_text"),
        ({"contact": "contact", "name": "", "phone": "0791234567"}, "id_name"),
        ({"contact": "contact", "name": "سامي", "phone": "", "email": ""}, "id_phone"),
        ({"email": "not-an-address", "contact": "contact", "name": "سامي"}, "id_email"),
        ({"occurred_on": "2999-01-01"}, "id_occurred_on"),
        ({"governorate": "999999"}, "id_governorate"),
    ],
)
def test_bad_answers_are_named_and_nothing_is_filed(
    client: Client, policy: CountryPolicy, changes: dict[str, str], field: str
) -> None:
    for step in ("review", "submit"):
        response = client.post("/file/", {**answers(**changes), "step": step, "token": "t" * 20})
        html = response.content.decode()
        assert 'id="error-summary"' in html
        assert f'href="#{field}"' in html, html
        assert 'aria-invalid="true"' in html
    assert not Complaint.objects.exists()


def test_an_anonymous_filing_gives_the_receipt_once_and_a_retry_files_nothing_new(
    client: Client, policy: CountryPolicy
) -> None:
    token = token_of(review(client))
    first = submit(client, token)
    assert first.status_code == 201
    assert "no-store" in first["Cache-Control"]
    reference, code = receipt_of(first)
    assert code is not None and len(code) == 16
    case = Complaint.objects.get()
    assert (case.reference, case.channel, case.anonymous) == (reference, Channel.WEB, True)
    assert not Person.objects.filter(complaint=case).exists()
    assert case.receipt_hash and code not in case.receipt_hash
    # A double click or a reload of the same page: the same case, nothing new.
    again = submit(client, token)
    assert again.status_code == 200
    assert receipt_of(again) == (reference, code)
    assert Complaint.objects.count() == 1
    # The same page sent with other answers files nothing and asks to send it as a new case.
    other = submit(client, token, text=TEXT + " مرة أخرى")
    assert 'id="error-summary"' in other.content.decode()
    assert token_of(other) != token
    assert Complaint.objects.count() == 1


def test_a_named_filing_stores_the_identity_encrypted_with_the_person_harmed(
    client: Client, policy: CountryPolicy
) -> None:
    token = token_of(review(client))
    response = submit(
        client,
        token,
        contact="contact",
        name="سامي الخطيب",
        phone="٠٧٩١٢٣٤٥٦٧",
        harmed="other",
        victim_name="ابني عمر",
        occurred_on="2026-03-01",
    )
    assert response.status_code == 201
    assert receipt_of(response)[1] is None
    case = Complaint.objects.get()
    assert not case.anonymous
    assert case.occurred_at is not None
    assert case.occurred_at.astimezone(ZoneInfo("Asia/Amman")).date().isoformat() == "2026-03-01"
    people = {p.role: p for p in Person.objects.filter(complaint=case)}
    assert set(people) == {PersonRole.COMPLAINANT, PersonRole.VICTIM}
    filer = people[PersonRole.COMPLAINANT]
    assert "0791234567" not in filer.phone_enc
    assert decrypt(filer.phone_enc, context="complaints.person.phone") == "+962791234567"
    assert decrypt(people[PersonRole.VICTIM].name_enc, context="complaints.person.name") == (
        "ابني عمر"
    )


def test_files_are_attached_and_a_bad_file_files_nothing(
    client: Client, policy: CountryPolicy
) -> None:
    token = token_of(review(client))
    bad = submit(client, token, files=[SimpleUploadedFile("note.png", b"just text, not an image")])
    assert 'id="error-summary"' in bad.content.decode()
    assert not Complaint.objects.exists()
    good = submit(client, token, files=[SimpleUploadedFile("photo.png", PNG)])
    assert good.status_code == 201
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type) == ("photo.png", "image/png")


def test_filing_is_rate_limited_with_a_page_that_says_so(
    client: Client, policy: CountryPolicy, settings: SettingsWrapper
) -> None:
    settings.INSAF_RATE_FILE = "1/hour"
    assert submit(client, token_of(review(client))).status_code == 201
    refused = submit(client, token_of(review(client)), text=TEXT + " ثانية")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert Complaint.objects.count() == 1


def test_a_secretariat_node_takes_no_filings(client: Client, settings: SettingsWrapper) -> None:
    settings.INSAF_MODE = "secretariat"
    assert client.get("/file/").status_code == 404
    assert client.get("/track/").status_code == 404


# --- Following a case ----------------------------------------------------------------------------


@pytest.fixture
def filed(policy: CountryPolicy) -> Submission:
    return complaint_submit(country="JO", text=TEXT, channel=Channel.WEB, anonymous=True)


def open_case(client: Client, reference: str, code: str) -> Any:
    return client.post("/track/", {"reference": reference, "code": code})


def test_wrong_codes_open_nothing_and_say_nothing_about_which_part(
    client: Client, filed: Submission
) -> None:
    reference, code = filed.complaint.reference, filed.receipt_code
    assert code
    wrong_code = open_case(client, reference, "1" * 16).content.decode()
    wrong_reference = open_case(client, "JO-2020-000001", code).content.decode()
    for page in (wrong_code, wrong_reference):
        assert 'id="error-summary"' in page
    assert client.get("/track/case/").status_code == 302


def test_the_receipt_opens_the_case_in_plain_words(client: Client, filed: Submission) -> None:
    assert filed.receipt_code
    # Typed with Arabic-Indic digits and spaces, as a filer may.
    typed = " ".join(
        filed.receipt_code[i : i + 4].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        for i in range(0, 16, 4)
    )
    response = open_case(client, filed.complaint.reference.lower(), typed)
    assert response.status_code == 302 and response["Location"] == "/track/case/"
    page = client.get("/track/case/").content.decode()
    assert filed.complaint.reference in page
    assert 'data-status="registered"' in page
    assert 'id="info-section"' in page and 'id="withdraw-section"' in page
    assert 'id="appeal-section"' not in page and 'id="rate-section"' not in page
    client.post("/track/case/leave/")
    assert client.get("/track/case/").status_code == 302


def test_a_one_time_code_opens_a_named_case(client: Client, policy: CountryPolicy) -> None:
    case = complaint_submit(
        country="JO",
        text=TEXT,
        channel=Channel.WEB,
        anonymous=False,
        complainant=PersonInput(name="سامي", phone="0791234567"),
    ).complaint
    page = client.post(
        "/track/code/", {"code-reference": case.reference, "code-contact": "٠٧٩١٢٣٤٥٦٧"}
    )
    assert 'id="code-sent"' in page.content.decode()
    message = OutboxMessage.objects.filter(reference=case.reference).latest("pk")
    (code,) = re.findall(r"\b\d{6}\b", message.body.replace(case.reference, ""))
    assert open_case(client, case.reference, code).status_code == 302
    assert case.reference in client.get("/track/case/").content.decode()


@pytest.fixture
def following(client: Client, filed: Submission) -> Callable[[], Complaint]:
    assert filed.receipt_code
    assert open_case(client, filed.complaint.reference, filed.receipt_code).status_code == 302

    def current() -> Complaint:
        return Complaint.objects.get(pk=filed.complaint.pk)

    return current


def test_the_filer_answers_a_question_with_a_file(
    client: Client,
    following: Callable[[], Complaint],
    drive: Callable[[Complaint, Status], Complaint],
) -> None:
    drive(following(), Status.AWAITING_INFO)
    page = client.get("/track/case/").content.decode()
    assert 'id="answer-section"' in page
    response = client.post(
        "/track/case/message/",
        {"text": "كان ذلك الساعة العاشرة مساء", "files": [SimpleUploadedFile("p.png", PNG)]},
    )
    assert response.status_code == 302
    assert following().status == Status.IN_PROGRESS
    assert CaseEvent.objects.filter(complaint=following(), type=EventType.ANSWER).exists()
    attachment = Attachment.objects.get(complaint=following())
    download = client.get(f"/track/case/files/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG  # type: ignore[attr-defined]


def test_a_bad_message_changes_nothing(client: Client, following: Callable[[], Complaint]) -> None:
    before = following().version
    response = client.post(
        "/track/case/message/",
        {"text": "معلومة", "files": [SimpleUploadedFile("x.png", b"not an image")]},
    )
    assert response.status_code == 422
    assert 'id="error-summary"' in response.content.decode()
    assert following().version == before
    assert not Attachment.objects.exists()
    assert not CaseEvent.objects.filter(type=EventType.INFO_ADDED).exists()


def test_the_filer_rates_a_decided_case_once(
    client: Client,
    following: Callable[[], Complaint],
    drive: Callable[[Complaint, Status], Complaint],
) -> None:
    drive(following(), Status.RESOLVED)
    page = client.get("/track/case/").content.decode()
    assert 'id="rate-section"' in page and 'id="info-section"' not in page
    assert client.post("/track/case/feedback/", {"rating": "9"}).status_code == 422
    assert (
        client.post("/track/case/feedback/", {"rating": "4", "comment": "شكرا"}).status_code == 302
    )
    assert Feedback.objects.get().rating == 4
    assert 'id="rate-section"' not in client.get("/track/case/").content.decode()


def test_the_filer_appeals_a_closed_case(
    client: Client,
    following: Callable[[], Complaint],
    drive: Callable[[Complaint, Status], Complaint],
) -> None:
    drive(following(), Status.CLOSED)
    assert 'id="appeal-section"' in client.get("/track/case/").content.decode()
    assert client.post("/track/case/appeal/", {"appeal-reason": ""}).status_code == 422
    assert following().status == Status.CLOSED
    response = client.post("/track/case/appeal/", {"appeal-reason": "لم يحقق أحد في شكواي"})
    assert response.status_code == 302
    assert following().status == Status.UNDER_REVIEW
    assert 'id="appeal-section"' not in client.get("/track/case/").content.decode()


def test_the_filer_withdraws(client: Client, following: Callable[[], Complaint]) -> None:
    assert client.post("/track/case/withdraw/", {"withdraw-reason": ""}).status_code == 302
    assert following().status == Status.WITHDRAWN


def test_a_file_of_another_case_is_not_found(
    client: Client, following: Callable[[], Complaint], jordan: Org
) -> None:
    other = complaint_submit(country="JO", text=TEXT, channel=Channel.WEB, anonymous=True)
    attachment = attachment_add(
        complaint_id=other.complaint.pk,
        upload=Upload(stream=BytesIO(PNG), name="other.png"),
        actor=None,
        by_filer=True,
    )
    assert client.get(f"/track/case/files/{attachment.pk}/").status_code == 404
