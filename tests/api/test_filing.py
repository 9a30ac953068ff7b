"""POST /api/v1/complaints: anonymous and named filing through the API channel."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from insaf.audit.models import Event
from insaf.complaints.enums import Channel, PersonRole, Status
from insaf.complaints.models import CaseEvent, Complaint, CountryPolicy, Person
from insaf.core.crypto import check_receipt_code, decrypt
from tests.api.conftest import PASSPORT, JsonClient, tables_containing
from tests.conftest import Org

pytestmark = pytest.mark.usefixtures("policy")

REFERENCE = re.compile(r"JO-\d{4}-\d{6}")


def _file(api: JsonClient, **body: Any) -> Any:
    return api.post("/complaints", {"text": PASSPORT, "country": "JO", **body})


def test_anonymous_filing_returns_reference_and_receipt_code(api: JsonClient) -> None:
    response = _file(api, anonymous=True)
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"reference", "status", "receipt_code"}
    assert REFERENCE.fullmatch(body["reference"])
    assert body["status"] == Status.REGISTERED
    assert re.fullmatch(r"[0-9]{16}", body["receipt_code"])
    case = Complaint.objects.get(reference=body["reference"])
    assert case.channel == Channel.API
    assert case.anonymous
    assert check_receipt_code(body["receipt_code"], case.receipt_hash)
    assert not Person.objects.filter(complaint=case).exists()


def test_named_filing_has_no_receipt_code(api: JsonClient) -> None:
    response = _file(
        api,
        complainant={"name": "سامي الخطيب", "phone": "0791234567", "email": "sami@example.org"},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"reference", "status"}
    case = Complaint.objects.get(reference=body["reference"])
    assert not case.anonymous and case.receipt_hash == ""
    person = Person.objects.get(complaint=case)
    assert person.role == PersonRole.COMPLAINANT
    assert "سامي" not in person.name_enc
    assert decrypt(person.name_enc, context="complaints.person.name") == "سامي الخطيب"


def test_receipt_code_is_not_stored_in_plain(api: JsonClient) -> None:
    body = _file(api, anonymous=True).json()
    code = body["receipt_code"]
    case = Complaint.objects.get(reference=body["reference"])
    assert code not in str(Complaint.objects.filter(pk=case.pk).values().get())
    assert tables_containing(code) == []
    assert tables_containing(body["reference"])  # the search does find what is there


def test_optional_fields_are_kept(api: JsonClient, jordan: Org) -> None:
    occurred = (timezone.now() - dt.timedelta(days=3)).replace(microsecond=0)
    response = _file(
        api,
        anonymous=True,
        kind="petition",
        language="ar",
        occurred_at=occurred.isoformat(),
        place="عمّان، الشميساني",
        unit_complained_about=jordan.sibling_unit.pk,
    )
    assert response.status_code == 201, response.json()
    case = Complaint.objects.get(reference=response.json()["reference"])
    assert case.kind == "petition" and case.label_sources["kind"] == "filer"
    assert case.occurred_at == occurred
    assert case.place == "عمّان، الشميساني"
    assert case.unit_complained_about == jordan.sibling_unit
    assert case.handling_unit != jordan.sibling_unit


@pytest.mark.parametrize(
    "body,fields",
    [
        ({"anonymous": False}, {"complainant.name", "complainant.phone"}),
        ({"anonymous": False, "complainant": {"name": "سامي"}}, {"complainant.phone"}),
        ({"anonymous": True, "text": "قصير"}, {"text"}),
        ({"anonymous": True, "country": "XX"}, {"country"}),
        ({"anonymous": True, "language": "de"}, {"language"}),
        ({"anonymous": True, "unit_complained_about": 999999}, {"unit_complained_about"}),
        ({"anonymous": True, "kind": "rumour"}, {"kind"}),
        ({"anonymous": True, "occurred_at": "2020-01-01T10:00:00"}, {"occurred_at"}),
        ({"anonymous": True, "occurred_at": "2999-01-01T10:00:00+03:00"}, {"occurred_at"}),
    ],
)
def test_invalid_filing_names_the_fields_and_saves_nothing(
    api: JsonClient, body: dict[str, Any], fields: set[str]
) -> None:
    before = (Complaint.objects.count(), CaseEvent.objects.count(), Event.objects.count())
    response = _file(api, **body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == fields
    assert all(error["fields"].values())
    after = (Complaint.objects.count(), CaseEvent.objects.count(), Event.objects.count())
    assert after == before


def test_unit_of_another_country_is_refused(api: JsonClient, egypt: Org) -> None:
    response = _file(api, anonymous=True, unit_complained_about=egypt.unit.pk)
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"unit_complained_about"}


def test_country_is_case_insensitive(api: JsonClient) -> None:
    response = api.post("/complaints", {"text": PASSPORT, "country": "jo", "anonymous": True})
    assert response.status_code == 201
    assert response.json()["reference"].startswith("JO-")


def test_each_filing_is_a_new_case(api: JsonClient, policy: CountryPolicy) -> None:
    first = _file(api, anonymous=True).json()
    second = _file(api, anonymous=True).json()
    assert first["reference"] != second["reference"]
    assert first["receipt_code"] != second["receipt_code"]
    assert Complaint.objects.count() == 2
