"""The hash chain over ``audit_event``: canonical form, hashing and verification.

Each event's hash is SHA-256 over the canonical JSON of its content and the previous event's hash;
events are numbered 1, 2, 3 ... by ``seq``. Verification walks the table in ``seq`` order and stops
at the first event that breaks any of: the numbering is gapless, ``prev_hash`` equals the hash of
the event before, and the stored hash equals the recomputed one. So a changed, removed or reordered
row is found, and named.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

GENESIS_HASH = "0" * 64
CHAIN_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "verb",
    "target_type",
    "target_id",
    "country_id",
    "data",
    "prev_hash",
)


def normalise_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """Make details JSON-stable: dates, decimals and UUIDs become strings, and so do floats
    (a float's text form is not guaranteed to survive every database's JSON type unchanged)."""

    def fix(value: Any) -> Any:
        if isinstance(value, float):
            return repr(value)
        if isinstance(value, dict):
            return {str(k): fix(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [fix(v) for v in value]
        return value

    return fix(json.loads(json.dumps(dict(data), cls=DjangoJSONEncoder))) or {}


def canonical_bytes(row: Mapping[str, Any]) -> bytes:
    content = {name: row[name] for name in CHAIN_FIELDS}
    created_at: dt.datetime = content["created_at"]
    content["created_at"] = created_at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(row)).hexdigest()


@dataclass(frozen=True)
class Verification:
    verified: int
    head: str
    broken_seq: int | None = None
    broken_id: int | None = None
    # Why the chain breaks at ``broken_seq``, for a person: in the active language.
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_rows(rows: Iterator[Mapping[str, Any]]) -> Verification:
    """Check rows given in ``seq`` order; each holds CHAIN_FIELDS plus ``id`` and ``hash``."""
    previous = GENESIS_HASH
    count = 0
    for row in rows:
        expected_seq = count + 1
        problem = ""
        if row["seq"] != expected_seq:
            problem = _("sequence number %(seq)s where %(expected)s was expected") % {
                "seq": row["seq"],
                "expected": expected_seq,
            }
        elif row["prev_hash"] != previous:
            problem = _("its previous-hash link does not match the event before it")
        elif event_hash(row) != row["hash"]:
            problem = _("its content does not match its hash")
        if problem:
            return Verification(count, previous, row["seq"], row["id"], problem)
        previous = row["hash"]
        count += 1
    return Verification(count, previous)
