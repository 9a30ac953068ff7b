"""Run the test suite on SQLite, then on PostgreSQL when one is reachable, and say which ran.

PostgreSQL is used when DATABASE_URL names it, or when a server answers at 127.0.0.1:5432 (user
postgres). In CI (CI=true) an unreachable PostgreSQL is a failure, not a skip.

Each run spreads its tests over one worker process per core (pytest-xdist); INSAF_TEST_WORKERS sets
another number (1: no workers, the tests run in this process's child alone, in order).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/insaf"


def postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return LOCAL_POSTGRES
    except OSError:
        return None


def workers(extra: list[str]) -> list[str]:
    """pytest-xdist's options: a worker per core unless INSAF_TEST_WORKERS or the arguments say
    otherwise. Tests sharing an expensive session fixture stay in one worker (tests/conftest.py)."""
    chosen = any(arg.startswith(("-n", "--numprocesses", "--dist")) for arg in extra)
    if chosen or "no:xdist" in extra:
        return []
    wanted = os.environ.get("INSAF_TEST_WORKERS", "").strip()
    count = int(wanted) if wanted.isdigit() else len(os.sched_getaffinity(0))
    return ["-n", str(count), "--dist", "loadgroup"] if count > 1 else []


def run(backend: str, database_url: str, extra: list[str]) -> tuple[int, dict[str, int]]:
    print(f"\n=== Test suite on {backend} ===", flush=True)
    env = dict(os.environ, DATABASE_URL=database_url)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.xml"
        args = [sys.executable, "-m", "pytest", f"--junitxml={report}", *workers(extra), *extra]
        if backend == "postgresql":
            # The browser tests drive a server with its own SQLite database; once is enough.
            args += ["-m", "not browser"]
        code = subprocess.call(args, cwd=ROOT, env=env)
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if report.exists():
            suite = ET.parse(report).getroot()
            suite = suite if suite.tag == "testsuite" else suite[0]
            counts = {key: int(suite.get(key, 0)) for key in counts}
    return code, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "all"], default="all")
    options, extra = parser.parse_known_args()
    in_ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

    plan: list[tuple[str, str]] = []
    if options.backend in {"sqlite", "all"}:
        plan.append(("sqlite", "sqlite:///:memory:"))
    if options.backend in {"postgresql", "all"}:
        url = postgres_url()
        if url:
            plan.append(("postgresql", url))
        elif in_ci or options.backend == "postgresql":
            print("PostgreSQL was not reached (DATABASE_URL unset, nothing at 127.0.0.1:5432).")
            return 1
        else:
            print("\nNOTE: PostgreSQL was not reached; the suite ran on SQLite only.")

    results = [(backend, *run(backend, url, extra)) for backend, url in plan]
    print("\n=== Summary ===")
    total_passed = total_failed = total_skipped = 0
    worst = 0
    for backend, code, counts in results:
        failed = counts["failures"] + counts["errors"]
        passed = counts["tests"] - failed - counts["skipped"]
        total_passed += passed
        total_failed += failed
        total_skipped += counts["skipped"]
        state = "ok" if code == 0 else f"FAILED (exit {code})"
        print(f"{backend}: {passed} passed, {failed} failed, {counts['skipped']} skipped — {state}")
        worst = worst or code
    if not any(backend == "postgresql" for backend, *_ in results) and options.backend == "all":
        print("postgresql: not reached")
    print(f"{total_passed} passed, {total_failed} failed, {total_skipped} skipped")
    return worst


if __name__ == "__main__":
    sys.exit(main())
