"""`insaf audit verify` as an operator runs it: a real database file, a real process."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.servers import run_insaf, server_env


def _insaf(var: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_insaf(server_env(var, {"INSAF_DEMO": "1"}), *args)


def test_verify_holds_on_the_demo_and_fails_after_a_hand_edit(tmp_path: Path) -> None:
    assert _insaf(tmp_path, "migrate", "-v", "0").returncode == 0
    assert _insaf(tmp_path, "demo").returncode == 0

    good = _insaf(tmp_path, "audit", "verify")
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("Verified ")
    count = int(good.stdout.split()[1])
    assert count > 0

    database = sqlite3.connect(tmp_path / "insaf.sqlite3")
    with database:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            database.execute("UPDATE audit_event SET actor_label = 'x' WHERE seq = 3")
    with database:
        database.execute("DROP TRIGGER audit_event_no_update")
        database.execute("UPDATE audit_event SET actor_label = 'x' WHERE seq = 3")
    database.close()

    bad = _insaf(tmp_path, "audit", "verify")
    assert bad.returncode == 1
    assert "event #3" in bad.stderr
