"""Background tasks that send the outbox (the work is in insaf/notifications/sending.py).

``send_outbox_now`` is queued after each commit that wrote notifications, so they leave within
seconds; ``send_outbox_every_minute`` catches up on retries that fall due and on anything the
first missed (a worker that was down, a queue that was unreachable).
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from insaf.notifications.sending import send_due


@db_task()
def send_outbox_now() -> None:
    send_due()


@db_periodic_task(crontab(minute="*"))
def send_outbox_every_minute() -> None:
    send_due()
