"""GET /api/v1/search and the similar / links / merge endpoints."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from insaf.accounts.models import User
from insaf.accounts.roles import Role
from tests.api.conftest import Filed, JsonClient, Staff
from tests.conftest import Org

pytestmark = pytest.mark.django_db

BRIBE = "طلب الموظف الرشوة مقابل إنهاء معاملة رخصة القيادة في دائرة السير"
COPY = "طلب الموظف الرشوة مقابل إنهاء معاملة رخصة القيادة في دائرة السير بالزرقاء"


def test_search_in_scope_with_snippets(
    jordan: Org,
    egypt: Org,
    file_anonymous: Callable[..., Filed],
    staff_api: Callable[[User], Staff],
) -> None:
    filed = file_anonymous(BRIBE)
    admin = staff_api(jordan.staff[Role.NATIONAL_ADMIN])
    response = admin.get("/search", {"q": "رشوه"})
    assert response.status_code == 200, response.content
    (item,) = response.json()["items"]
    assert item["reference"] == filed.reference
    assert "<mark>الرشوة</mark>" in item["snippet"]
    assert item["score"] > 0 and item["external_id"] is None
    assert (
        staff_api(egypt.staff[Role.NATIONAL_ADMIN]).get("/search", {"q": "رشوة"}).json()["items"]
        == []
    )
    filtered = admin.get("/search", {"q": "رشوة", "status": ["closed", "resolved"]})
    assert filtered.json()["items"] == []


def test_search_errors(
    jordan: Org, api: JsonClient, staff_api: Callable[[User], Staff], policy: object
) -> None:
    admin = staff_api(jordan.staff[Role.NATIONAL_ADMIN])
    empty = admin.get("/search", {"q": "في"}, language="fr")
    assert empty.status_code == 422
    assert empty.json()["error"]["fields"]["q"]
    assert admin.get("/search", {"q": "x", "status": "nope"}).status_code == 422
    assert admin.get("/search", {"q": "x", "limit": 1000}).status_code == 422
    assert api.get("/search", {"q": "رشوة"}).status_code == 401


def test_similar_link_and_merge(
    jordan: Org, file_anonymous: Callable[..., Filed], staff_api: Callable[[User], Staff]
) -> None:
    first, second = file_anonymous(BRIBE), file_anonymous(COPY)
    head = staff_api(jordan.staff[Role.UNIT_HEAD])
    admin = staff_api(jordan.staff[Role.NATIONAL_ADMIN])
    similar = admin.get(f"/cases/{second.reference}/similar").json()
    assert [d["reference"] for d in similar["duplicates"]] == [first.reference]
    assert similar["duplicates"][0]["reason"] == "similar_text"
    linked = admin.post(
        f"/cases/{second.reference}/links",
        {"other": first.reference, "kind": "duplicate", "note": "x"},
    )
    assert linked.status_code == 200, linked.content
    again = admin.post(
        f"/cases/{second.reference}/links", {"other": first.reference, "kind": "duplicate"}
    )
    assert again.status_code == 422
    links = admin.get(f"/cases/{first.reference}/similar").json()["links"]
    assert [(x["reference"], x["kind"], x["direction"]) for x in links] == [
        (second.reference, "duplicate", "from")
    ]
    version = admin.case(second.reference)["version"]
    stale = head.post(
        f"/cases/{second.reference}/merge", {"version": version - 1, "into": first.reference}
    )
    assert stale.status_code == 409
    merged = head.post(
        f"/cases/{second.reference}/merge", {"version": version, "into": first.reference}
    )
    assert merged.status_code == 200, merged.content
    assert merged.json()["status"] == "closed"
