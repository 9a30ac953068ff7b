"""Where case files live: INSAF_FILES_URL read into Django's storage setting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from insaf.core.storage import DurableFileSystemStorage, files_storage
from insaf.env import ConfigurationError


def test_unset_keeps_files_on_this_server() -> None:
    assert files_storage("") == {"BACKEND": "insaf.core.storage.DurableFileSystemStorage"}


def test_an_s3_url_gives_a_private_object_store() -> None:
    found = files_storage(
        "s3://insaf-files/jo/cases?endpoint=https://minio.moi.example:9000&region=me-south-1"
        "&addressing=path"
    )
    assert found == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "insaf-files",
            "location": "jo/cases",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "endpoint_url": "https://minio.moi.example:9000",
            "region_name": "me-south-1",
            "addressing_style": "path",
        },
    }
    assert files_storage("s3://bucket")["OPTIONS"]["location"] == ""


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://files.example/cases", "is not understood"),
        ("s3:///no-bucket", "is not understood"),
        ("/var/lib/insaf/files", "is not understood"),
        ("s3://KEY:SECRET@bucket", "must not carry credentials"),
        ("s3://bucket?endpont=https://x", "unknown option(s) endpont"),
        ("s3://bucket?endpoint=minio:9000", "must be an http(s) address"),
        ("s3://bucket?addressing=dns", "addressing is path or virtual"),
    ],
)
def test_mistakes_are_named(url: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=r"INSAF_FILES_URL") as error:
        files_storage(url)
    assert says in str(error.value)


def test_local_files_are_synced_before_they_are_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)
    storage = DurableFileSystemStorage(location=tmp_path)
    name = storage.save("cases/a.pdf", ContentFile(b"%PDF-1.4 test"))
    assert (tmp_path / name).read_bytes() == b"%PDF-1.4 test"
    assert synced == [str(tmp_path / name), str(tmp_path / "cases")]
