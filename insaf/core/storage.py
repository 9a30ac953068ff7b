"""Where case files live: a folder on this server's disk, or an S3-compatible object store.

``INSAF_FILES_URL`` chooses (see ``files_storage``):

- unset: ``var/files`` on local disk (``DurableFileSystemStorage``), for one server;
- ``s3://BUCKET[/PREFIX][?endpoint=URL&region=NAME&addressing=path|virtual]``: an object store
  shared by any number of application servers (AWS S3, MinIO, Ceph, ...), through
  django-storages. The credentials come from where boto3 looks for them (``AWS_ACCESS_KEY_ID``
  and ``AWS_SECRET_ACCESS_KEY``, a profile, an instance role), never from the URL.

Either way the files are reached only through the attachment services' permission check: the
store hands out no public addresses (private objects, no signed URLs are ever made).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.files.storage import FileSystemStorage

from insaf.env import ConfigurationError
from insaf.language import gettext_noop

FILES_URL_HINT = gettext_noop(
    "Use s3://BUCKET[/PREFIX][?endpoint=https://HOST:PORT&region=NAME&addressing=path], or leave "
    "it unset for files on this server's disk."
)
_S3_OPTIONS = frozenset({"endpoint", "region", "addressing"})


class DurableFileSystemStorage(FileSystemStorage):
    """Django's file storage, with each new file and its folder entry synced to disk before the
    transaction that records it commits: a power cut must not leave a case pointing at a file
    that never reached the disk (the database syncs its commits too)."""

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        name = super().save(name, content, max_length=max_length)
        path = Path(self.path(name))
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
        return name


def files_storage(url: str) -> dict[str, Any]:
    """The STORAGES["default"] entry for ``INSAF_FILES_URL`` (ConfigurationError when it is not
    understood). Local files go to MEDIA_ROOT."""
    if not url:
        return {"BACKEND": "insaf.core.storage.DurableFileSystemStorage"}
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ConfigurationError(
            gettext_noop("INSAF_FILES_URL=%(url)r is not understood."), hint=FILES_URL_HINT, url=url
        )
    if parts.username or parts.password:
        raise ConfigurationError(
            gettext_noop(
                "INSAF_FILES_URL must not carry credentials: set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY (or use a profile or an instance role)."
            )
        )
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - _S3_OPTIONS)
    if unknown:
        raise ConfigurationError(
            gettext_noop("INSAF_FILES_URL: unknown option(s) %(options)s."),
            hint=FILES_URL_HINT,
            options=", ".join(unknown),
        )
    options: dict[str, Any] = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
    if "endpoint" in query:
        endpoint = query["endpoint"][-1]
        if urlsplit(endpoint).scheme not in {"http", "https"}:
            raise ConfigurationError(
                gettext_noop("INSAF_FILES_URL: endpoint %(endpoint)r must be an http(s) address."),
                endpoint=endpoint,
            )
        options["endpoint_url"] = endpoint
    if "region" in query:
        options["region_name"] = query["region"][-1]
    if "addressing" in query:
        style = query["addressing"][-1]
        if style not in {"path", "virtual"}:
            raise ConfigurationError(
                gettext_noop("INSAF_FILES_URL: addressing is path or virtual.")
            )
        options["addressing_style"] = style
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
