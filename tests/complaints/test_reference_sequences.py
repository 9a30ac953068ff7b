"""PostgreSQL: two transactions that each create reference sequences of several years (two
import workers starting on a file that spans years) must not deadlock on the catalogue."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.db import connection

from tests.servers import ROOT, insaf_ok

# Each process creates the sequence of one year, waits, then the other's year, and commits.
SCRIPT = """
import sys, time
import django
django.setup()
from django.db import connection, transaction
from insaf.complaints.services.intake import _sequence
first, second = int(sys.argv[1]), int(sys.argv[2])
with transaction.atomic(), connection.cursor() as cursor:
    _sequence(cursor, "JO", first)
    time.sleep(1.5)
    _sequence(cursor, "JO", second)
print("ok")
"""


@pytest.mark.django_db
def test_concurrent_creators_of_sequences_do_not_deadlock(own_database: dict[str, str]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("reference sequences exist on PostgreSQL only")
    insaf_ok(own_database, "migrate", "--no-input", "-v", "0")
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, *years],
            cwd=ROOT,
            env=own_database,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for years in (("2019", "2020"), ("2020", "2019"))
    ]
    outcomes = [process.communicate(timeout=120) for process in processes]
    for process, (out, err) in zip(processes, outcomes, strict=True):
        assert process.returncode == 0, err[-2000:]
        assert out.strip() == "ok"
