"""Background jobs of the complaint process (Huey)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from insaf.complaints.sla import sla_sweep


@db_periodic_task(crontab(minute="*/5"))
def sweep_deadlines() -> None:
    """Every five minutes: escalate what became overdue (safe to overlap: see sla.py)."""
    sla_sweep()
