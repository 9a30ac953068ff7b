"""Files through the API: the filer sends and fetches with the receipt; staff attach and download
within their scope; the type comes from the content; the size limit is the attachment limit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings

from insaf.accounts.roles import Role
from tests.api.conftest import Filed, bearer
from tests.conftest import Org

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 300_000 + b"\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 500


@pytest.fixture(autouse=True)
def private_storage(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def _send(client: Client, filed: Filed, data: bytes, name: str = "تقرير.pdf") -> object:
    return client.post(
        "/api/v1/track/files",
        {
            "reference": filed.reference,
            "receipt_code": filed.receipt_code,
            "file": SimpleUploadedFile(name, data, content_type="application/pdf"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_filer_sends_a_file_larger_than_a_json_body(
    client: Client, file_anonymous: Callable[..., Filed]
) -> None:
    filed = file_anonymous()
    response = _send(client, filed, PDF)
    assert response.status_code == 201, response.content  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["content_type"] == "application/pdf" and body["size"] == len(PDF)
    assert body["name"] == "تقرير.pdf"
    track = client.post(
        "/api/v1/track", filed.credentials(), content_type="application/json"
    ).json()
    assert [f["id"] for f in track["files"]] == [body["id"]]

    download = client.post(
        f"/api/v1/track/files/{body['id']}", filed.credentials(), content_type="application/json"
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert download["Content-Security-Policy"] == "sandbox"


def test_executable_named_pdf_is_refused(
    client: Client, file_anonymous: Callable[..., Filed]
) -> None:
    response = _send(client, file_anonymous(), EXE, "invoice.pdf")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "file" in response.json()["error"]["fields"]  # type: ignore[attr-defined]


def test_too_large_is_413(
    client: Client, file_anonymous: Callable[..., Filed], settings: Settings
) -> None:
    settings.INSAF_ATTACHMENT_MAX_BYTES = 100_000
    assert _send(client, file_anonymous(), PDF).status_code == 413  # type: ignore[attr-defined]


def test_wrong_receipt_cannot_send_or_fetch(
    client: Client, file_anonymous: Callable[..., Filed]
) -> None:
    filed = file_anonymous()
    file_id = _send(client, filed, PDF).json()["id"]  # type: ignore[attr-defined]
    wrong = Filed(filed.reference, "1" * 16)
    assert _send(client, wrong, PDF).status_code == 404  # type: ignore[attr-defined]
    other = file_anonymous()
    fetched = client.post(
        f"/api/v1/track/files/{file_id}", other.credentials(), content_type="application/json"
    )
    assert fetched.status_code == 404


def test_staff_attach_and_download_within_scope(
    client: Client, file_anonymous: Callable[..., Filed], jordan: Org, egypt: Org
) -> None:
    filed = file_anonymous()
    head = bearer(jordan.staff[Role.UNIT_HEAD])
    upload = client.post(
        f"/api/v1/cases/{filed.reference}/files",
        {"file": SimpleUploadedFile("memo.pdf", PDF)},
        headers=head,
    )
    assert upload.status_code == 201, upload.content
    file_id = upload.json()["id"]
    case = client.get(f"/api/v1/cases/{filed.reference}", headers=head).json()
    assert [f["id"] for f in case["files"]] == [file_id]
    got = client.get(f"/api/v1/cases/{filed.reference}/files/{file_id}", headers=head)
    assert got.status_code == 200
    outsider = bearer(egypt.staff[Role.NATIONAL_ADMIN])
    assert (
        client.get(f"/api/v1/cases/{filed.reference}/files/{file_id}", headers=outsider).status_code
        == 404
    )
    # An internal file is not the filer's to fetch.
    fetched = client.post(
        f"/api/v1/track/files/{file_id}", filed.credentials(), content_type="application/json"
    )
    assert fetched.status_code == 404
