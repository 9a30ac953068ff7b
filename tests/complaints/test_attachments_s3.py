"""Case files in an S3-compatible object store (INSAF_FILES_URL=s3://...): the attachment
services work unchanged, nothing touches the local disk, objects stay private, and a failed
attachment leaves no object behind.

The store is moto's S3 server, run in this process on a free port: the storage speaks to it over
HTTP with boto3 exactly as to MinIO or AWS (no object store runs on the test machines).
"""

from __future__ import annotations

import io
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import server as moto_server
from pytest_django.fixtures import Settings

from insaf.complaints.models import Attachment
from insaf.complaints.services import Submission
from insaf.complaints.services.attachments import Upload, attachment_add, attachment_open
from insaf.core.storage import files_storage

FileCase = Callable[..., Submission]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 5000 + b"\n%%EOF\n"
BUCKET = "insaf-files"
PREFIX = "jo/cases"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(
    endpoint: str, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Any:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "insaf-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "insaf-test-secret")
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = str(tmp_path)  # must stay empty
    settings.STORAGES = {
        **settings.STORAGES,
        "default": files_storage(
            f"s3://{BUCKET}/{PREFIX}?endpoint={endpoint}&region=us-east-1&addressing=path"
        ),
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client: Any) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_attachment_goes_to_the_object_store(
    file_case: FileCase, bucket: Any, tmp_path: Path
) -> None:
    case = file_case().complaint
    attachment = attachment_add(
        complaint_id=case.pk,
        upload=Upload(stream=io.BytesIO(PDF), name="تقرير طبي.pdf"),
        actor=None,
        by_filer=True,
    )
    key = f"{PREFIX}/{attachment.storage_name}"
    assert _keys(bucket) == [key]
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read() == PDF
    assert not any(tmp_path.rglob("*.*"))  # nothing on this server's disk
    # Private: only the owner has a grant, nobody else (no public read).
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all("URI" not in g["Grantee"] for g in grants)
    # Downloads go through the permission check and read the store.
    found, stream = attachment_open(attachment_id=attachment.pk, actor=None, filer_case=case)
    with stream:
        assert found == attachment and stream.read() == PDF


def test_a_failed_attachment_leaves_no_object(
    file_case: FileCase, bucket: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = file_case().complaint

    def broken(**_kwargs: Any) -> None:
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr("insaf.complaints.services.attachments.audit_record", broken)
    with pytest.raises(RuntimeError):
        attachment_add(
            complaint_id=case.pk,
            upload=Upload(stream=io.BytesIO(PDF), name="a.pdf"),
            actor=None,
            by_filer=True,
        )
    assert not Attachment.objects.exists()
    assert _keys(bucket) == []
