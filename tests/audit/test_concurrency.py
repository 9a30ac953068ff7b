"""Concurrent writers in separate processes leave one gapless, unforked chain.

Runs against a database of its own (a SQLite file, or a fresh PostgreSQL database when the suite
runs on PostgreSQL), because the writers must really commit.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

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


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        import psycopg

        db = settings.DATABASES["default"]
        name = f"insaf_concurrency_{uuid.uuid4().hex[:8]}"
        admin = f"host={db['HOST']} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"
        try:
            yield env
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
        yield env


def _insaf(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "insaf.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_concurrent_writers_keep_one_chain(own_database: dict[str, str]) -> None:
    assert _insaf(own_database, "migrate", "-v", "0").returncode == 0
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
    result = _insaf(own_database, "audit", "verify")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Verified {WRITERS * EVENTS_EACH} audit events.")
