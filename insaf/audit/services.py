"""The single writer of the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from insaf.audit.chain import (
    CHAIN_FIELDS,
    GENESIS_HASH,
    Verification,
    event_hash,
    normalise_data,
    verify_rows,
)
from insaf.audit.models import Event
from insaf.audit.verbs import Verb

if TYPE_CHECKING:
    from insaf.accounts.models import User

# Any constant will do; it names the chain-head lock among the application's advisory locks.
_CHAIN_LOCK_KEY = 0x1A5AF_A0D17

SYSTEM = "system"
ANONYMOUS = "anonymous"


def _lock_chain_head() -> None:
    """Serialise appends so that two transactions never link to the same previous event.

    PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback. SQLite: every
    transaction begins IMMEDIATE (see settings), so it already holds the database's write lock.
    The unique index on ``prev_hash`` would refuse a fork in any case.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def audit_record(
    *,
    actor: User | None,
    verb: Verb,
    target: models.Model | None = None,
    country: str | None = None,
    data: Mapping[str, Any] | None = None,
    actor_label: str | None = None,
) -> Event:
    """Append one event, inside the caller's transaction (call it from within ``atomic``).

    ``data`` holds the details, typically ``{"old": {...}, "new": {...}}``; no secrets in it.
    """
    verb = Verb(verb)  # refuses a string that is not a known verb
    # No savepoint inside a caller's transaction: a failure here must abort the whole change
    # anyway, and a savepoint costs two round trips on every audited write.
    with transaction.atomic(savepoint=False):
        _lock_chain_head()
        last = Event.objects.order_by("-seq").values("seq", "hash").first()
        event = Event(
            seq=(last["seq"] + 1) if last else 1,
            created_at=timezone.now(),
            actor=actor,
            actor_label=actor_label or (actor.get_username() if actor else SYSTEM),
            verb=verb,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            country_id=country,
            data=normalise_data(data or {}),
            prev_hash=last["hash"] if last else GENESIS_HASH,
        )
        event.hash = event_hash({name: getattr(event, name) for name in CHAIN_FIELDS})
        event.save(force_insert=True)
    return event


def audit_verify(*, chunk_size: int = 5000) -> Verification:
    """Walk the whole chain in order; see ``insaf.audit.chain`` for what is checked."""
    rows = (
        Event.objects.order_by("seq")
        .values("id", "hash", *CHAIN_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    return verify_rows(rows)
