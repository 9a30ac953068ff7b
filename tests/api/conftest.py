"""Fixtures for the API tests: a Jordanian node with a routing policy, a JSON client, staff
tokens, and cases filed through the API itself."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from insaf.accounts.models import User
from insaf.api.auth import token_create
from insaf.complaints.models import CountryPolicy
from tests.conftest import Org

API = "/api/v1"
PASSPORT = "انتظرت ثلاثة أشهر لتجديد جواز السفر ولم يرد أحد على الهاتف"
TORTURE = "عذبوني في مركز الشرطة ثلاثة أيام وضربوني حتى فقدت الوعي"


class JsonClient:
    """Django's test client speaking JSON to the API."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def post(
        self,
        path: str,
        body: Any = None,
        *,
        raw: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        language: str | None = None,
    ) -> Any:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(
            API + path,
            data=data,
            content_type="application/json",
            headers=self._headers(headers, language),
        )

    def get(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        language: str | None = None,
    ) -> Any:
        return self.client.get(API + path, params or {}, headers=self._headers(headers, language))

    @staticmethod
    def _headers(headers: dict[str, str] | None, language: str | None) -> dict[str, str]:
        merged = dict(headers or {})
        if language:
            merged["Accept-Language"] = language
        return merged


@pytest.fixture(autouse=True)
def _no_rate_limits(settings: SettingsWrapper) -> Iterator[None]:
    """Rate limits off and counters reset; test_ratelimit.py sets its own."""
    settings.INSAF_RATE_FILE = "off"
    settings.INSAF_RATE_TRACK = "off"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api(client: Client) -> JsonClient:
    return JsonClient(client)


def bearer(user: User) -> dict[str, str]:
    _row, token = token_create(user=user, name="tests")
    return {"Authorization": f"Bearer {token}"}


@dataclass(frozen=True)
class Filed:
    reference: str
    receipt_code: str

    def credentials(self, **extra: Any) -> dict[str, Any]:
        return {"reference": self.reference, "receipt_code": self.receipt_code, **extra}


@pytest.fixture
def file_anonymous(api: JsonClient, policy: CountryPolicy) -> Callable[..., Filed]:
    """File an anonymous case through the API; its reference and receipt code."""

    def file(text: str = PASSPORT, **extra: Any) -> Filed:
        response = api.post(
            "/complaints", {"text": text, "country": "JO", "anonymous": True, **extra}
        )
        assert response.status_code == 201, response.content
        body = response.json()
        return Filed(body["reference"], body["receipt_code"])

    return file


def tables_containing(text: str) -> list[str]:
    """Every table with a row in which some column's text contains ``text``."""
    from django.db import connection

    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            if any(text in str(value) for row in cursor.fetchall() for value in row):
                found.append(table)
    return found


class Staff:
    """One member of staff using the API with a bearer token."""

    def __init__(self, api: JsonClient, user: User) -> None:
        self.api = api
        self.user = user
        self.headers = bearer(user)

    def get(self, path: str, params: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.api.get(path, params, headers=self.headers, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.api.post(path, body, headers=self.headers, **kwargs)

    def case(self, reference: str) -> dict[str, Any]:
        response = self.get(f"/cases/{reference}")
        assert response.status_code == 200, response.content
        return dict(response.json())

    def act(self, reference: str, action: str, **body: Any) -> dict[str, Any]:
        """POST /cases/{reference}/{action} with the current version; the new case."""
        if action not in ("notes", "identity"):
            body.setdefault("version", self.case(reference)["version"])
        response = self.post(f"/cases/{reference}/{action}", body)
        assert response.status_code == 200, response.content
        return dict(response.json())

    def transition(self, reference: str, name: str, message: str = "") -> dict[str, Any]:
        assert name in self.case(reference)["allowed_transitions"], name
        return self.act(reference, "transition", name=name, message=message)


@pytest.fixture
def staff_api(api: JsonClient) -> Callable[[User], Staff]:
    return lambda user: Staff(api, user)


@pytest.fixture
def to_status(
    jordan: Org, staff_api: Callable[[User], Staff]
) -> Callable[[str, str], dict[str, Any]]:
    """Take a registered case handled by the first unit to a status, through the staff API."""
    from insaf.accounts.roles import Role

    head = staff_api(jordan.staff[Role.UNIT_HEAD])
    investigator = jordan.staff[Role.INVESTIGATOR]
    paths = {
        "assigned": ["assign"],
        "in_progress": ["assign", "start"],
        "awaiting_info": ["assign", "start", "request_info"],
        "resolved": ["assign", "start", "resolve"],
        "not_upheld": ["assign", "start", "not_uphold"],
        "referred": ["assign", "start", "refer"],
        "withdrawn": ["withdraw"],
        "closed": ["assign", "start", "resolve", "close"],
    }

    def run(reference: str, status: str) -> dict[str, Any]:
        case: dict[str, Any] = {}
        for step in paths[status]:
            if step == "assign":
                case = head.act(reference, "assign", officer=investigator.username)
            else:
                message = "متى حدث ذلك بالضبط؟" if step == "request_info" else ""
                case = head.transition(reference, step, message)
        assert case["status"] == status
        return case

    return run
