"""A real Insaf server (gunicorn) for the tests that need committed data and real concurrency.

Used by the browser tests and the concurrent-retry tests; each gives its own environment and
database. The server runs in its own process group, which ``stop_gunicorn`` ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


# Variables of the test run that a server of its own must not inherit.
SCRUBBED = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
)


def server_env(var_dir: Path, extra: dict[str, str]) -> dict[str, str]:
    """The environment of a node of its own: nothing of the test run's configuration, its own
    var folder, Jordan, and ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SCRUBBED and not key.startswith("INSAF_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="insaf.settings",
        INSAF_VAR_DIR=str(var_dir),
        INSAF_COUNTRY="JO",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run_insaf(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``insaf ARGS`` in a process of its own, for the test to judge."""
    return subprocess.run(
        [sys.executable, "-m", "insaf.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def insaf_ok(env: dict[str, str], *args: str) -> None:
    """``insaf ARGS`` that must succeed; the test fails with its output otherwise."""
    result = run_insaf(env, *args)
    if result.returncode != 0:
        pytest.fail(
            f"`insaf {' '.join(args)}` failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(
    var_dir: Path,
    env: dict[str, str],
    *,
    workers: int = 2,
    threads: int = 1,
    access_log: bool = False,
    startup_seconds: float = 60.0,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start gunicorn on a free port of 127.0.0.1 and wait (bounded) until /health answers;
    the test fails with the server's log if it exits or does not answer in time."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = var_dir / "gunicorn.log"
    args = [
        str(BIN / "gunicorn"),
        "insaf.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
    ]
    if access_log:
        args += ["--access-logfile", "-"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    # Straight to the server, whatever proxy the environment names.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + startup_seconds
    while True:
        if process.poll() is not None:
            pytest.fail(
                f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-4000:]}"
            )
        try:
            with opener.open(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            stop_gunicorn(process)
            pytest.fail(
                f"gunicorn did not answer {url}/health within {startup_seconds:.0f} s:\n"
                f"{log_path.read_text()[-4000:]}"
            )
        time.sleep(0.1)


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn and its workers (their own process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass
