"""Named filers follow their case with a one-time code sent to the phone or e-mail they gave."""

from __future__ import annotations

import re

from insaf.complaints.models import CountryPolicy
from insaf.notifications.models import OutboxMessage
from tests.api.conftest import JsonClient
from tests.complaints.conftest import PASSPORT


def _file_named(api: JsonClient) -> str:
    response = api.post(
        "/complaints",
        {
            "text": PASSPORT,
            "country": "JO",
            "anonymous": False,
            "complainant": {"name": "هالة", "phone": "0797654321"},
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert "receipt_code" not in body or body["receipt_code"] is None
    return str(body["reference"])


def _last_code(reference: str) -> str:
    message = OutboxMessage.objects.filter(reference=reference).latest("pk")
    codes = re.findall(r"\b\d{6}\b", message.body.replace(reference, ""))
    assert len(codes) == 1, message.body
    return str(codes[0])


def test_code_by_sms_opens_the_case(api: JsonClient, policy: CountryPolicy) -> None:
    reference = _file_named(api)
    asked = api.post("/track/code", {"reference": reference, "contact": "+962 79 765 4321"})
    assert asked.status_code == 202 and asked.json() == {"sent": True}
    code = _last_code(reference)
    tracked = api.post("/track", {"reference": reference, "code": code})
    assert tracked.status_code == 200
    assert tracked.json()["reference"] == reference
    added = api.post("/track/info", {"reference": reference, "code": code, "text": "معلومة"})
    assert added.status_code == 200


def test_unknown_contact_gets_the_same_answer_and_nothing_is_sent(
    api: JsonClient, policy: CountryPolicy
) -> None:
    reference = _file_named(api)
    before = OutboxMessage.objects.count()
    for contact in ("0790000000", "nobody@example.org"):
        asked = api.post("/track/code", {"reference": reference, "contact": contact})
        assert asked.status_code == 202 and asked.json() == {"sent": True}
    assert OutboxMessage.objects.count() == before


def test_wrong_code_is_the_same_404(api: JsonClient, policy: CountryPolicy) -> None:
    reference = _file_named(api)
    api.post("/track/code", {"reference": reference, "contact": "0797654321"})
    wrong_code = f"{(int(_last_code(reference)) + 1) % 1_000_000:06d}"
    wrong = api.post("/track", {"reference": reference, "code": wrong_code})
    missing = api.post("/track", {"reference": reference})
    assert wrong.status_code == missing.status_code == 404
    assert wrong.json() == missing.json()
