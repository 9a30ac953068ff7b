"""Workers in separate processes sending the same outbox deliver every message exactly once
(when none crashes). They must really commit, so they run on a database of their own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_insaf

MESSAGES = 120
WORKERS = 4

SETUP = """
import django, sys
django.setup()
from django.utils import timezone
from insaf.core.crypto import encrypt
from insaf.notifications.models import OutboxMessage
from insaf.notifications.services import RECIPIENT_CONTEXT
now = timezone.now()
OutboxMessage.objects.bulk_create(
    OutboxMessage(
        channel="sms",
        recipient_enc=encrypt(f"+96279{n:07d}", context=RECIPIENT_CONTEXT),
        body=f"message {n}",
        reference=f"JO-{n}",
        next_attempt_at=now,
        created_at=now,
    )
    for n in range(int(sys.argv[1]))
)
"""

WORKER = """
import django, time
django.setup()
from insaf.notifications import backends
from insaf.notifications.sending import send_due
file_backend = backends.SMS_BACKENDS["file"]
def slow(to, subject, body):
    time.sleep(0.002)  # long enough for the workers to overlap
    file_backend(to, subject, body)
backends.SMS_BACKENDS["file"] = slow
total = 0
while (report := send_due(limit=50)).sent:
    total += report.sent
print(total)
"""


def test_concurrent_workers_send_each_message_once(
    own_database: dict[str, str],
    tmp_path: Path,
) -> None:
    env = dict(own_database, INSAF_VAR_DIR=str(tmp_path), INSAF_SMS_BACKEND="file")
    assert run_insaf(env, "migrate", "-v", "0").returncode == 0
    setup = subprocess.run(
        [sys.executable, "-c", SETUP, str(MESSAGES)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    sent = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        sent.append(int(out))
    assert sum(sent) == MESSAGES
    lines = (tmp_path / "outbox" / "sms" / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    bodies = sorted(json.loads(line)["body"] for line in lines)
    assert bodies == sorted(f"message {n}" for n in range(MESSAGES))
    status = run_insaf(env, "outbox", "status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[3].split() == [
        "Sent",
        "0",
        str(MESSAGES),
        "0",
        str(MESSAGES),
    ]
