"""Background jobs of the API (Huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from insaf.api.idempotency import purge_expired


@db_periodic_task(crontab(minute="17", hour="3"))
def forget_old_idempotency_keys() -> None:
    """Every night: forget Idempotency-Key records older than a week."""
    purge_expired()
