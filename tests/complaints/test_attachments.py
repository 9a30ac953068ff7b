"""Files on a case: sniffed types, limits, private storage, scoped and audited downloads."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from insaf.accounts.roles import Role
from insaf.audit.models import Event
from insaf.complaints.errors import InvalidInput, NotFound
from insaf.complaints.models import Attachment, Complaint
from insaf.complaints.services import Submission, public_timeline
from insaf.complaints.services.attachments import Upload, attachment_add, attachment_open
from tests.conftest import Org

FileCase = Callable[..., Submission]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 5000 + b"\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 200
EXE = b"MZ\x90\x00" + b"\x00" * 500


@pytest.fixture(autouse=True)
def private_storage(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _upload(data: bytes, name: str = "evidence.pdf") -> Upload:
    return Upload(stream=io.BytesIO(data), name=name)


def test_filer_attaches_a_pdf(file_case: FileCase, private_storage: Path) -> None:
    case = file_case().complaint
    attachment = attachment_add(
        complaint_id=case.pk, upload=_upload(PDF, "تقرير طبي.pdf"), actor=None, by_filer=True
    )
    assert attachment.content_type == "application/pdf"
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.size == len(PDF)
    assert attachment.original_name == "تقرير طبي.pdf"
    stored = private_storage / attachment.storage_name
    assert stored.read_bytes() == PDF
    assert "تقرير" not in attachment.storage_name  # never the uploaded name on disk
    assert Event.objects.filter(verb="complaints.attachment_added").count() == 1
    assert any(e.type == "info_added" for e in public_timeline(case))


@pytest.mark.parametrize(
    "data,name",
    [(EXE, "photo.pdf"), (b"just some text, not a document", "notes.txt"), (b"", "empty.pdf")],
)
def test_type_comes_from_content_not_name(
    file_case: FileCase, private_storage: Path, data: bytes, name: str
) -> None:
    case = file_case().complaint
    with pytest.raises(InvalidInput) as error:
        attachment_add(complaint_id=case.pk, upload=_upload(data, name), actor=None, by_filer=True)
    assert "file" in error.value.fields
    assert not Attachment.objects.exists()
    assert not any(private_storage.rglob("*.*"))


def test_size_limit(file_case: FileCase, settings: Settings, private_storage: Path) -> None:
    settings.INSAF_ATTACHMENT_MAX_BYTES = 4096
    case = file_case().complaint
    with pytest.raises(InvalidInput):
        attachment_add(complaint_id=case.pk, upload=_upload(PDF), actor=None, by_filer=True)
    assert not any(private_storage.rglob("*.*"))


def test_count_limit(file_case: FileCase, settings: Settings) -> None:
    settings.INSAF_ATTACHMENTS_PER_CASE = 2
    case = file_case().complaint
    for _ in range(2):
        attachment_add(
            complaint_id=case.pk, upload=_upload(PNG, "a.png"), actor=None, by_filer=True
        )
    with pytest.raises(InvalidInput):
        attachment_add(
            complaint_id=case.pk, upload=_upload(PNG, "b.png"), actor=None, by_filer=True
        )


def test_downloads_are_scoped_and_audited(file_case: FileCase, jordan: Org, egypt: Org) -> None:
    case = file_case().complaint
    mine = attachment_add(complaint_id=case.pk, upload=_upload(PDF), actor=None, by_filer=True)
    staff_file = attachment_add(
        complaint_id=case.pk, upload=_upload(PNG, "x.png"), actor=jordan.staff[Role.UNIT_HEAD]
    )
    _, stream = attachment_open(attachment_id=mine.pk, actor=jordan.staff[Role.INVESTIGATOR])
    assert stream.read() == PDF
    stream.close()
    with pytest.raises(NotFound):
        attachment_open(attachment_id=mine.pk, actor=egypt.staff[Role.NATIONAL_ADMIN])
    _, own = attachment_open(attachment_id=mine.pk, actor=None, filer_case=case)
    own.close()
    with pytest.raises(NotFound):  # a staff file is internal
        attachment_open(attachment_id=staff_file.pk, actor=None, filer_case=case)
    other = file_case().complaint
    with pytest.raises(NotFound):  # another filer's case
        attachment_open(attachment_id=mine.pk, actor=None, filer_case=other)
    assert Event.objects.filter(verb="complaints.attachment_downloaded").count() == 2


def test_staff_outside_scope_cannot_attach(file_case: FileCase, egypt: Org) -> None:
    case = file_case().complaint
    with pytest.raises(NotFound):
        attachment_add(
            complaint_id=case.pk, upload=_upload(PDF), actor=egypt.staff[Role.NATIONAL_ADMIN]
        )


def test_files_are_not_served(file_case: FileCase, client: Client) -> None:
    case: Complaint = file_case().complaint
    attachment = attachment_add(
        complaint_id=case.pk, upload=_upload(PDF), actor=None, by_filer=True
    )
    for prefix in ("/media/", "/files/", "/static/", "/"):
        assert client.get(prefix + attachment.storage_name).status_code == 404
