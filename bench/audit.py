"""Audit log: how fast events are appended (each in its own transaction) and verified.

Prints, per backend: appends per second from one writer and from four concurrent writer processes
(which queue on the chain-head lock), and verified events per second for `insaf audit verify`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import backends, fresh_database, run_child, write_results

EVENTS = 5000
WRITERS = 4


def _setup() -> None:
    import django

    django.setup()


def _append(count: int) -> tuple[float, float]:
    """Append ``count`` events, each in its own transaction; return wall-clock start and end."""
    from django.db import transaction

    from insaf.audit.services import audit_record
    from insaf.audit.verbs import Verb

    started = time.time()
    for n in range(count):
        with transaction.atomic():
            audit_record(
                actor=None,
                verb=Verb.LOGIN_FAILED,
                country="JO",
                data={"username": f"user{n}", "ip": "127.0.0.1"},
            )
    return started, time.time()


def writer(events: int) -> None:
    """One of several concurrent writer processes (as gunicorn workers would be)."""
    _setup()
    started, ended = _append(events)
    print(json.dumps({"start": started, "end": ended}))


def child(events: int) -> None:
    _setup()
    from django.core.management import call_command

    from insaf.audit.services import audit_verify

    call_command("migrate", verbosity=0)
    started, ended = _append(events)
    single = events / (ended - started)

    per_writer = events // WRITERS
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--writer", "--events", str(per_writer)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(WRITERS)
    ]
    spans = [json.loads(proc.communicate()[0].strip().splitlines()[-1]) for proc in procs]
    window = max(s["end"] for s in spans) - min(s["start"] for s in spans)
    concurrent = per_writer * WRITERS / window

    started = time.perf_counter()
    result = audit_verify()
    verify_rate = result.verified / (time.perf_counter() - started)
    assert result.ok and result.verified == events + per_writer * WRITERS
    print(
        json.dumps(
            {
                "appends_per_s_1_writer": round(single),
                f"appends_per_s_{WRITERS}_processes": round(concurrent),
                "verified_per_s": round(verify_rate),
                "events": result.verified,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--writer", action="store_true")
    parser.add_argument("--events", type=int, default=EVENTS)
    options = parser.parse_args()
    if options.writer:
        writer(options.events)
        return
    if options.child:
        child(options.events)
        return
    lines, data = [], {}
    for backend in backends():
        with fresh_database(backend, "insaf_bench_audit") as url:
            figures = run_child(Path(__file__), url, "--events", str(options.events))
        data[backend] = figures
        line = f"audit {backend}: " + ", ".join(f"{k}={v}" for k, v in figures.items())
        print(line, flush=True)
        lines.append(line)
    write_results("audit", lines, data)


if __name__ == "__main__":
    main()
