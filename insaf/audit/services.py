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
from insaf.core.bulkinsert import insert_one, next_pk_sql

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


def _chain_head() -> tuple[int, str, int | None]:
    """The last event's number and hash (0 and the genesis hash before the first), read after
    the lock; on PostgreSQL also the new event's id, taken in the same statement so that the
    INSERT need not wait for it (insaf/core/bulkinsert.py)."""
    table = connection.ops.quote_name(Event._meta.db_table)
    last = f"SELECT seq, hash FROM {table} ORDER BY seq DESC LIMIT 1"  # noqa: S608
    new_id = next_pk_sql(Event)
    with connection.cursor() as cursor:
        if new_id is None:
            cursor.execute(last)
            row = cursor.fetchone()
            return (int(row[0]), str(row[1]), None) if row else (0, GENESIS_HASH, None)
        cursor.execute(
            f"SELECT last.seq, last.hash, {new_id} "  # noqa: S608
            f"FROM (SELECT 1) AS one LEFT JOIN ({last}) AS last ON TRUE"
        )
        seq, hash_, pk = cursor.fetchone()
    return (int(seq), str(hash_), int(pk)) if seq is not None else (0, GENESIS_HASH, int(pk))


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
        last_seq, last_hash, new_id = _chain_head()
        event = Event(
            pk=new_id,
            seq=last_seq + 1,
            created_at=timezone.now(),
            actor=actor,
            actor_label=actor_label or (actor.get_username() if actor else SYSTEM),
            verb=verb,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            country_id=country,
            data=normalise_data(data or {}),
            prev_hash=last_hash,
        )
        event.hash = event_hash({name: getattr(event, name) for name in CHAIN_FIELDS})
        insert_one(event)
    return event


def audit_verify(*, chunk_size: int = 5000) -> Verification:
    """Walk the whole chain in order; see ``insaf.audit.chain`` for what is checked."""
    rows = (
        Event.objects.order_by("seq")
        .values("id", "hash", *CHAIN_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    return verify_rows(rows)
