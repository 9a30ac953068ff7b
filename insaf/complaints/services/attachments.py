"""Files on a case.

``attachment_add`` steps:
1. Refuse when the case already has the maximum number of files or the upload is too large.
2. Sniff the type from the first bytes (``filetype``); the name and the declared type are ignored.
   Only documents, images, audio and video of the listed types are accepted.
3. Copy the upload to storage under a random name (never the uploaded one), hashing it on the
   way (SHA-256), in a folder that is not served.
4. In one transaction: record the attachment, its timeline entry and its audit event. If that
   fails, the stored copy is deleted, so no orphan file stays behind.
Downloads (``attachment_open``) go through the same scoping as the case, and are audited.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

import filetype
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.temp import NamedTemporaryFile
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
from insaf.complaints.enums import EventType
from insaf.complaints.errors import InvalidInput, NotFound
from insaf.complaints.models import Attachment, Complaint
from insaf.complaints.selectors import cases_for
from insaf.complaints.services.timeline import add_event
from insaf.complaints.services.workflow import locked_case

if TYPE_CHECKING:
    from insaf.accounts.models import User

ACCEPTED = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/amr": "amr",
    "video/mp4": "mp4",
    "video/3gpp": "3gp",
    "video/quicktime": "mov",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
SNIFF_BYTES = 8192
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Upload:
    """What a view hands over: a readable binary stream and the name the person gave it."""

    stream: IO[bytes]
    name: str


def upload_check(upload: Upload, *, size: int) -> None:
    """InvalidInput unless the file would be accepted (type read from its content, size within the
    limit); the stream is left at its start. For a form that files a case with its files: every
    file is checked before anything is written."""
    head = upload.stream.read(SNIFF_BYTES)
    upload.stream.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED:
        raise InvalidInput(
            fields={"file": _("Send a PDF, Word document, photo, audio or video file.")}
        )
    limit = _max_bytes()
    if size > limit:
        raise InvalidInput(
            fields={
                "file": _("The file is larger than %(megabytes)d MB.")
                % {"megabytes": max(1, limit // (1024 * 1024))}
            }
        )


def upload_limit() -> tuple[int, int]:
    """(largest file in bytes, most files per case)."""
    return _max_bytes(), _max_count()


def attachment_add(
    *, complaint_id: int, upload: Upload, actor: User | None, by_filer: bool = False
) -> Attachment:
    """Attach a file as ``actor`` (staff, scoped) or, with ``actor=None, by_filer=True``, as the
    filer whose receipt opened the case (the caller checked it)."""
    if actor is None and not by_filer:
        raise NotFound()
    case = (cases_for(actor) if actor is not None else Complaint.objects).filter(pk=complaint_id)
    if not case.exists():
        raise NotFound()
    if Attachment.objects.filter(complaint_id=complaint_id).count() >= _max_count():
        raise InvalidInput(fields={"file": _("This case already has the most files it can hold.")})
    head = upload.stream.read(SNIFF_BYTES)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED:
        raise InvalidInput(
            fields={"file": _("Send a PDF, Word document, photo, audio or video file.")}
        )
    stored_name, size, digest = _store(head, upload.stream, extension=ACCEPTED[kind.mime])
    try:
        with locked_case(actor=actor, complaint_id=complaint_id, version=None) as locked:
            event = add_event(
                locked,
                type=EventType.INFO_ADDED if by_filer else EventType.NOTE,
                actor=actor,
                public=by_filer,
                data={"attachment": stored_name},
            )
            attachment = Attachment.objects.create(
                complaint=locked,
                event=event,
                storage_name=stored_name,
                original_name=_safe_name(upload.name),
                content_type=kind.mime,
                size=size,
                sha256=digest,
                uploaded_at=timezone.now(),
            )
            audit_record(
                actor=actor,
                actor_label="filer" if by_filer else None,
                verb=Verb.ATTACHMENT_ADDED,
                target=attachment,
                country=locked.country_id,
                data={"reference": locked.reference, "sha256": digest, "size": size},
            )
    except BaseException:
        default_storage.delete(stored_name)
        raise
    return attachment


def attachment_open(
    *, attachment_id: int, actor: User | None, filer_case: Complaint | None = None
) -> tuple[Attachment, IO[bytes]]:
    """The attachment and an open stream of it, for staff who see the case or for the filer of
    that case; anyone else gets NotFound. Every download is audited."""
    attachments = Attachment.objects.select_related("complaint")
    if actor is not None:
        attachments = attachments.filter(complaint__in=cases_for(actor))
    elif filer_case is not None:
        attachments = attachments.filter(complaint=filer_case, event__public=True)
    else:
        raise NotFound()
    attachment = attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound()
    audit_record(
        actor=actor,
        actor_label=None if actor is not None else "filer",
        verb=Verb.ATTACHMENT_DOWNLOADED,
        target=attachment,
        country=attachment.complaint.country_id,
        data={"reference": attachment.complaint.reference},
    )
    return attachment, default_storage.open(attachment.storage_name, "rb")


def _store(head: bytes, rest: IO[bytes], *, extension: str) -> tuple[str, int, str]:
    limit = _max_bytes()
    digest = hashlib.sha256()
    size = 0
    with NamedTemporaryFile() as temporary:
        chunk = head
        while chunk:
            size += len(chunk)
            if size > limit:
                raise InvalidInput(
                    fields={
                        "file": _("The file is larger than %(megabytes)d MB.")
                        % {"megabytes": max(1, limit // (1024 * 1024))}
                    }
                )
            digest.update(chunk)
            temporary.write(chunk)
            chunk = rest.read(CHUNK)
        temporary.seek(0)
        name = default_storage.save(f"cases/{uuid.uuid4().hex}.{extension}", File(temporary))
    return name, size, digest.hexdigest()


def _safe_name(name: str) -> str:
    """The name as given, for display only: no path, no control characters, at most 200 chars."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable()).strip()
    return cleaned[:200] or "file"


def _max_bytes() -> int:
    return int(settings.INSAF_ATTACHMENT_MAX_BYTES)


def _max_count() -> int:
    return int(settings.INSAF_ATTACHMENTS_PER_CASE)


def attachments_of(case: Complaint, *, public_only: bool) -> list[Attachment]:
    """The files of a case (the filer sees the ones they sent; staff see all)."""
    files = Attachment.objects.filter(complaint=case).order_by("uploaded_at", "pk")
    return list(files.filter(event__public=True) if public_only else files)
