"""Concurrent writers in separate processes leave one gapless, unforked chain.

Runs against a database of its own (a SQLite file, or a fresh PostgreSQL database when the suite
runs on PostgreSQL), because the writers must really commit.
"""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import run_insaf

WRITERS = 4
EVENTS_EACH = 40

WRITER = """
import django, sys
django.setup()
from django.db import transaction
from insaf.audit.services import audit_record
from insaf.audit.verbs import Verb
for n in range(int(sys.argv[1])):
    with transaction.atomic():
        audit_record(actor=None, verb=Verb.LOGIN_FAILED, country="JO", data={"n": n})
"""


def test_concurrent_writers_keep_one_chain(own_database: dict[str, str]) -> None:
    assert run_insaf(own_database, "migrate", "-v", "0").returncode == 0
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(EVENTS_EACH)],
            env=own_database,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WRITERS)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    result = run_insaf(own_database, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Verified {WRITERS * EVENTS_EACH} audit events.")
