"""Every error is JSON of one shape, in the language asked for; bad input is a 4xx that leaves
nothing behind, never a 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from insaf.audit.models import Event
from insaf.complaints.models import CaseEvent, Complaint, IdempotencyRecord
from tests.api.conftest import API, PASSPORT, Filed, JsonClient

FileAnonymous = Callable[..., Filed]
NOT_FOUND = "No such case, or the code does not match."
UNKNOWN_COUNTRY = "This node takes cases for its own country only."


def _in(language: str, message: str) -> str:
    with translation.override(language):
        return str(translation.gettext(message))


def _assert_error_shape(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    assert all(isinstance(v, str) and v for v in error["fields"].values())
    return dict(error)


def _nothing_saved() -> tuple[int, ...]:
    return (
        Complaint.objects.count(),
        CaseEvent.objects.count(),
        IdempotencyRecord.objects.count(),
        Event.objects.count(),
    )


@pytest.mark.parametrize("language", ["ar", "en", "fr"])
def test_messages_follow_accept_language(
    api: JsonClient, file_anonymous: FileAnonymous, language: str
) -> None:
    filed = file_anonymous()
    response = api.post(
        "/track", {**filed.credentials(), "receipt_code": "0" * 16}, language=language
    )
    assert response.status_code == 404
    assert response["Content-Language"] == language
    error = _assert_error_shape(response)
    assert error["message"] == _in(language, NOT_FOUND)
    if language != "en":
        assert error["message"] != NOT_FOUND  # really translated, not the English source


def test_arabic_is_the_default(api: JsonClient, file_anonymous: FileAnonymous) -> None:
    filed = file_anonymous()
    response = api.post("/track", {**filed.credentials(), "receipt_code": "0" * 16})
    assert response["Content-Language"] == "ar"
    assert response.json()["error"]["message"] == _in("ar", NOT_FOUND)
    unsupported = api.post(
        "/track", {**filed.credentials(), "receipt_code": "0" * 16}, language="de"
    )
    assert unsupported["Content-Language"] == "ar"


@pytest.mark.parametrize("language", ["ar", "en", "fr"])
def test_field_messages_follow_accept_language(
    api: JsonClient, policy: object, language: str
) -> None:
    service = api.post(
        "/complaints",
        {"text": PASSPORT, "country": "XX", "anonymous": True},
        language=language,
    )
    assert service.status_code == 422
    assert _assert_error_shape(service)["fields"] == {"country": _in(language, UNKNOWN_COUNTRY)}

    schema = api.post(
        "/complaints",
        {"text": PASSPORT, "country": "JO", "colour": "blue", "anonymous": "maybe"},
        language=language,
    )
    assert schema.status_code == 422
    fields = _assert_error_shape(schema)["fields"]
    assert fields == {
        "colour": _in(language, "Unknown field."),
        "anonymous": _in(language, "Give true or false."),
    }


@pytest.mark.parametrize(
    "raw",
    [
        "{bad json",
        '{"text": "abc", ',
        "",
        "null",
        "[]",
        '"a string"',
        "42",
        "NaN",
        "[" * 50_000 + "]" * 50_000,
        b"\xff\xfe\x00garbage",
        '{"text": "\\ud800 lone surrogate", "country": "JO", "anonymous": true}',
        '{"text": "a NUL \\u0000 character here", "country": "JO", "anonymous": true}',
        '{"reference": "JO-2026-000001\\u0000", "receipt_code": "1234567812345678"}',
    ],
)
def test_malformed_bodies_are_4xx_and_save_nothing(
    api: JsonClient, policy: object, raw: str | bytes
) -> None:
    before = _nothing_saved()
    for path in ("/complaints", "/track"):
        response = api.post(path, raw=raw, headers={"Idempotency-Key": "k1"}, language="en")
        assert 400 <= response.status_code < 500, (path, response.status_code)
        error = _assert_error_shape(response)
        assert error["code"] in ("malformed", "invalid")
    assert _nothing_saved() == before


@pytest.mark.parametrize(
    "field,value",
    [
        ("text", 12345),
        ("text", ["a list"]),
        ("country", None),
        ("country", {"iso": "JO"}),
        ("anonymous", "yes"),
        ("anonymous", 1),
        ("complainant", "سامي"),
        ("occurred_at", "yesterday"),
        ("unit_complained_about", "3"),
        ("unit_complained_about", 0),
        ("place", "x" * 201),
        ("kind", "rumour"),
    ],
)
def test_wrong_types_name_the_field(
    api: JsonClient, policy: object, field: str, value: object
) -> None:
    before = _nothing_saved()
    body = {"text": PASSPORT, "country": "JO", "anonymous": True, field: value}
    response = api.post("/complaints", body, language="en")
    assert response.status_code == 422
    error = _assert_error_shape(response)
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert _nothing_saved() == before


def test_nested_fields_are_named_with_dots(api: JsonClient, policy: object) -> None:
    body = {"text": PASSPORT, "country": "JO", "complainant": {"name": 7, "age": 30}}
    response = api.post("/complaints", body, language="en")
    assert set(response.json()["error"]["fields"]) == {"complainant.name", "complainant.age"}


def test_oversized_bodies_are_413(
    api: JsonClient, policy: object, file_anonymous: FileAnonymous
) -> None:
    filed = file_anonymous()
    before = _nothing_saved()
    huge = json.dumps({"text": "ش" * 200_000, "country": "JO", "anonymous": True})
    assert len(huge.encode()) > 256 * 1024
    for path in ("/complaints", "/track/info", "/cases/JO-2020-000001/notes"):
        response = api.post(path, raw=huge, language="en")
        assert response.status_code == 413, path
        assert _assert_error_shape(response)["code"] == "too_large"
    assert _nothing_saved() == before
    # Under the limit, the service's own length rule answers.
    long = api.post("/track/info", filed.credentials(text="ش" * 20_500), language="en")
    assert long.status_code == 422


def test_the_size_limit_is_a_setting(api: JsonClient, settings: Any, policy: object) -> None:
    settings.INSAF_API_MAX_BODY = 100
    response = api.post("/complaints", {"text": PASSPORT, "country": "JO", "anonymous": True})
    assert response.status_code == 413


@pytest.mark.parametrize(
    "path",
    ["/nowhere", "/complaints/", "/cases/JO-2026-000001/nothing", "/", "/track/", "/v2/cases"],
)
def test_unknown_addresses_are_json_404(api: JsonClient, db: None, path: str) -> None:
    for response in (api.get(path, language="en"), api.post(path, {}, language="en")):
        assert response.status_code == 404
        assert _assert_error_shape(response)["code"] == "not_found"


def test_wrong_method_is_json_405(api: JsonClient, db: None) -> None:
    response = api.get("/complaints", language="en")
    assert response.status_code == 405
    assert _assert_error_shape(response)["code"] == "method_not_allowed"
    assert response["Allow"] == "POST"
    assert api.client.delete(f"{API}/track").status_code == 405


def test_unexpected_errors_are_json_500(policy: object, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("insaf.api.public.complaint_submit", broken)
    client = Client(raise_request_exception=False)
    response = client.post(
        f"{API}/complaints",
        {"text": PASSPORT, "country": "JO", "anonymous": True},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 500
    error = _assert_error_shape(response)
    assert error["code"] == "server_error"
    assert "fire" not in response.content.decode()


def test_answers_are_not_cached(api: JsonClient, policy: object) -> None:
    response = api.post("/complaints", {"text": PASSPORT, "country": "JO", "anonymous": True})
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in api.get("/nowhere")["Cache-Control"]


def test_openapi_and_docs_are_served_from_the_node(client: Client, db: None) -> None:
    schema = client.get(f"{API}/openapi.json").json()
    assert schema["info"]["title"] == "Insaf API" and schema["info"]["version"] == "1"
    paths = set(schema["paths"])
    assert {
        "/api/v1/complaints",
        "/api/v1/track",
        "/api/v1/track/info",
        "/api/v1/track/withdraw",
        "/api/v1/track/appeal",
        "/api/v1/track/feedback",
        "/api/v1/cases",
        "/api/v1/cases/{reference}",
        "/api/v1/cases/{reference}/assign",
        "/api/v1/cases/{reference}/transition",
        "/api/v1/cases/{reference}/notes",
        "/api/v1/cases/{reference}/messages",
        "/api/v1/cases/{reference}/labels",
        "/api/v1/cases/{reference}/identity",
    } <= paths
    filing = schema["paths"]["/api/v1/complaints"]["post"]
    assert filing["security"] == []
    assert any(p["name"] == "Idempotency-Key" for p in filing["parameters"])

    docs = client.get(f"{API}/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "http://" not in html and "https://" not in html  # no third-party host
    assert "<script>" not in html  # no inline script (the Content-Security-Policy forbids it)
    for asset in ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"):
        assert f"{API}/docs/assets/{asset}" in html
        response = client.get(f"{API}/docs/assets/{asset}")
        assert response.status_code == 200
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
