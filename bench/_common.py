"""Shared helpers for the benchmarks: fresh databases per backend, result files."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"

BASE_ENV = {
    "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
    "INSAF_ENCRYPTION_KEYS": "b1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "INSAF_COUNTRY": "JO",
    "INSAF_SSL_REDIRECT": "0",
    "DJANGO_SETTINGS_MODULE": "insaf.settings",
}


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def fresh_database(backend: str, name: str) -> Iterator[str]:
    """Yield a DATABASE_URL for an empty database that is removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/{name}.sqlite3"
        return
    import psycopg

    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def backends() -> list[str]:
    found = ["sqlite"]
    if postgres_reachable():
        found.append("postgresql")
    else:
        print("NOTE: PostgreSQL not reachable at 127.0.0.1:5432; SQLite only.")
    return found


def run_child(script: Path, database_url: str, *args: str) -> dict[str, object]:
    """Run ``script --child`` against a database; it prints one JSON object as its last line."""
    env = dict(os.environ, **BASE_ENV, DATABASE_URL=database_url)
    out = subprocess.run(
        [sys.executable, str(script), "--child", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"{script.name} {' '.join(args)} failed with exit code {out.returncode}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def machine_speed() -> dict[str, float]:
    """Two fixed workloads, timed here and now, so that figures from different machines (or a
    busy one) can be told apart: a pure-Python loop, and an Argon2id hash with the receipt codes'
    parameters (insaf/core/crypto.py documents 3.3 ms on the machine it was tuned on). Medians, in
    milliseconds; lower is faster."""
    import statistics

    from argon2 import PasswordHasher, Type

    hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID)
    loops, hashes = [], []
    for _ in range(7):
        began = time.perf_counter()
        sum(i * i for i in range(300_000))
        loops.append(time.perf_counter() - began)
        began = time.perf_counter()
        hasher.hash("0123456789012345")
        hashes.append(time.perf_counter() - began)
    return {
        "python_loop_ms": round(statistics.median(loops) * 1000, 1),
        "argon2_ms": round(statistics.median(hashes) * 1000, 1),
    }


def write_results(name: str, lines: list[str], data: object) -> None:
    """bench/results/NAME.txt (the lines, and how fast the machine was) and NAME.json."""
    speed = machine_speed()
    lines = [
        *lines,
        f"machine: Python loop {speed['python_loop_ms']} ms, Argon2id (8 MiB, t=1) "
        f"{speed['argon2_ms']} ms (lower is faster; compare figures only between like machines)",
    ]
    if isinstance(data, dict):
        data = {**data, "machine": speed}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def timed_import(source: Path, var: Path) -> tuple[str, float | None, float]:
    """Run ``insaf import SOURCE`` in a process of its own: (its summary line, the cases per
    second it reports, the wall time with start-up)."""
    env = dict(os.environ, INSAF_VAR_DIR=str(var))
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "insaf.cli", "import", str(source), "--no-progress"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - began
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-3000:])
        raise SystemExit(f"insaf import failed ({done.returncode})")
    summary = done.stdout.strip().splitlines()[-1]
    match = re.search(r"([\d.]+) cases/s", summary)
    return summary, float(match.group(1)) if match else None, wall
