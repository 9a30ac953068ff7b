"""Idempotency-Key: a client that retries a filing (after a timeout, a dropped connection) gets
the first answer again instead of a second case.

- The same key with the same body (compared by the SHA-256 of its canonical JSON) replays the
  stored status and JSON, receipt code included, and creates nothing.
- The same key with another body is refused: 422 ``idempotency_key_reused``.
- Concurrent retries: the record is inserted in the same transaction as the case. The key is
  unique, so of two requests racing with one key exactly one commits; the other's insert fails,
  its whole transaction (case included) rolls back, and it replays the winner's answer.

The stored answer keeps the receipt code encrypted (insaf/core/crypto.py), like identities: it is
given back only to a request carrying the key and the very same body.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from insaf.api.errors import IdempotencyKeyReused, Malformed
from insaf.complaints.errors import InvalidInput
from insaf.complaints.models import Complaint, IdempotencyRecord
from insaf.core.crypto import decrypt, encrypt

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
KEY_MAX = 200
SEALED_FIELDS = ("receipt_code",)


def _context(field: str) -> str:
    return f"api.idempotency.{field}"


def request_hash(raw_body: bytes) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of the parsed body."""
    try:
        parsed = json.loads(raw_body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise Malformed() from None
    canonical = json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Outcome:
    status: int
    body: dict[str, Any]
    complaint: Complaint | None = None
    replayed: bool = False


def _seal(body: dict[str, Any]) -> dict[str, Any]:
    sealed = dict(body)
    for field in SEALED_FIELDS:
        if sealed.get(field):
            sealed[field] = {"encrypted": encrypt(str(sealed[field]), context=_context(field))}
    return sealed


def _unseal(stored: dict[str, Any]) -> dict[str, Any]:
    body = dict(stored)
    for field in SEALED_FIELDS:
        value = body.get(field)
        if isinstance(value, dict) and "encrypted" in value:
            body[field] = decrypt(str(value["encrypted"]), context=_context(field))
    return body


def _replay(record: IdempotencyRecord, digest: str) -> Outcome:
    if record.request_hash != digest:
        raise IdempotencyKeyReused(
            fields={HEADER: _("This key was already used for a different request.")}
        )
    return Outcome(record.status_code, _unseal(record.response), record.complaint, replayed=True)


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > KEY_MAX or not key.isprintable():
        raise InvalidInput(
            fields={
                HEADER: _("Give a key of 1 to %(max)d printable characters.") % {"max": KEY_MAX}
            }
        )
    return key


def run_once(*, key: str, digest: str, produce: Callable[[], Outcome]) -> Outcome:
    """``produce()`` at most once per key: its answer, or the stored one."""
    existing = IdempotencyRecord.objects.filter(key=key).select_related("complaint").first()
    if existing is not None:
        return _replay(existing, digest)
    try:
        with transaction.atomic():
            outcome = produce()
            IdempotencyRecord.objects.create(
                key=key,
                request_hash=digest,
                status_code=outcome.status,
                response=_seal(outcome.body),
                complaint=outcome.complaint,
                created_at=timezone.now(),
            )
    except IntegrityError:
        # Another request with this key committed first: this one's case was rolled back.
        winner = IdempotencyRecord.objects.filter(key=key).first()
        if winner is None:
            raise
        logger.info("Idempotency-Key race: another request filed %s first", winner.complaint_id)
        return _replay(winner, digest)
    return outcome


# A retry comes within minutes; a week covers any client's outage. Older keys are forgotten (the
# receipt codes sealed in them with them), and a key may then be used again.
KEEP = dt.timedelta(days=7)


def purge_expired(*, now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - KEEP
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
