"""Real servers and a real browser for the browser tests.

Two gunicorn servers are started once per session, each with its own temporary directory (SQLite
database, generated secrets, collected static files):

- ``demo_server``: ``INSAF_DEMO=1`` after ``insaf migrate``, ``collectstatic`` and ``demo``, so the
  demo staff logins exist and two-factor login is off (every page shows the demo banner).
- ``production_server``: production-like settings (explicit secrets, two-factor required) with one
  national administrator created through the account services.

The browser is Debian's Chromium (/usr/bin/chromium) driven by playwright; it is never downloaded.
Without it the tests are skipped, except in CI (``CI=true``) where that is a failure.

These tests talk to separate processes over HTTP; they never touch the test database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

from tests.servers import ROOT, insaf_ok, server_env, start_gunicorn, stop_gunicorn

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DEMO_PASSWORD = "insaf-demo-2026"  # the documented demo password of every demo login
PRODUCTION_USERNAME = "browser-natadmin"
PRODUCTION_PASSWORD = "browser-test-password-0123456789"
STARTUP_SECONDS = 30.0


# Settings the test process itself may carry (tests/settings.py sets some of them, and
# scripts/run_tests.py sets DATABASE_URL); the servers get theirs explicitly instead.
@dataclass(frozen=True)
class Server:
    url: str
    var_dir: Path
    # A staff login that exists on this server (in demo mode every demo user has the password).
    username: str
    password: str


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _serve(var_dir: Path, env: dict[str, str], username: str, password: str) -> Iterator[Server]:
    """Run gunicorn until the session ends; yield once /health answers."""
    process, url = start_gunicorn(
        var_dir, env, workers=2, access_log=True, startup_seconds=STARTUP_SECONDS
    )
    try:
        yield Server(url=url, var_dir=var_dir, username=username, password=password)
    finally:
        stop_gunicorn(process)


@pytest.fixture(scope="session")
def demo_server(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var_dir = tmp_path_factory.mktemp("demo-server")
    # The browser tests file and open many cases from one address: the limits are raised.
    env = server_env(
        var_dir, {"INSAF_DEMO": "1", "INSAF_RATE_FILE": "500/hour", "INSAF_RATE_TRACK": "500/hour"}
    )
    insaf_ok(env, "migrate", "--no-input", "-v", "0")
    insaf_ok(env, "collectstatic", "--no-input", "-v", "0")
    insaf_ok(env, "demo")
    yield from _serve(var_dir, env, "natadmin", DEMO_PASSWORD)


@pytest.fixture(scope="session")
def workflow_server(
    chromium_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The demo data with two-factor sign-in required, for the whole flow of a case: a filer on
    the portal and an officer who signs in with a TOTP code."""
    var_dir = tmp_path_factory.mktemp("workflow-server")
    env = server_env(
        var_dir,
        {
            "INSAF_DEMO": "1",
            "INSAF_REQUIRE_2FA": "1",
            "INSAF_RATE_FILE": "500/hour",
            "INSAF_RATE_TRACK": "500/hour",
        },
    )
    insaf_ok(env, "migrate", "--no-input", "-v", "0")
    insaf_ok(env, "collectstatic", "--no-input", "-v", "0")
    insaf_ok(env, "demo")
    yield from _serve(var_dir, env, "unithead", DEMO_PASSWORD)


_CREATE_ADMIN = f"""
from insaf.accounts.roles import Role
from insaf.accounts.services import membership_grant, user_create
from insaf.core.models import Country

user = user_create(
    actor=None, username={PRODUCTION_USERNAME!r}, password={PRODUCTION_PASSWORD!r}
)
membership_grant(
    actor=None, user=user, role=Role.NATIONAL_ADMIN, country=Country.objects.get(pk="JO")
)
"""


@pytest.fixture(scope="session")
def production_server(
    chromium_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    var_dir = tmp_path_factory.mktemp("production-server")
    env = server_env(
        var_dir,
        {
            "SECRET_KEY": "browser-test-secret-key-0123456789-abcdefghijklmnop",
            "INSAF_ENCRYPTION_KEYS": "t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            "ALLOWED_HOSTS": "127.0.0.1",
            "INSAF_SSL_REDIRECT": "0",
        },
    )
    insaf_ok(env, "migrate", "--no-input", "-v", "0")
    insaf_ok(env, "collectstatic", "--no-input", "-v", "0")
    insaf_ok(env, "shell", "-c", _CREATE_ADMIN)
    yield from _serve(var_dir, env, PRODUCTION_USERNAME, PRODUCTION_PASSWORD)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; without it the tests skip (fail in CI) before any server starts."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt-get install chromium; `make browser` does it)"
        if in_ci():
            pytest.fail(f"{reason}; browser tests may not be skipped in CI.")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="package")
def chromium(chromium_path: Path) -> Iterator[Browser]:
    """A headless Chromium driven through playwright's sync API, closed when the tests leave this
    folder: while it is open, the thread runs playwright's event loop, and Django refuses database
    work in a thread with a running loop (a worker of a parallel run goes on to other tests)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def _foreign(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname != "127.0.0.1"


@pytest.fixture
def open_page(chromium: Browser) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (own cookies) on a server; closed after the test.

    Keyword arguments go to ``Browser.new_context`` (a viewport, for example). The test fails when a
    page asks for anything but the server itself (a CDN, a font service: nodes may run offline), or
    when the browser reports an error (a script error, a failed load, a Content-Security-Policy
    refusal).
    """
    contexts = []
    foreign: list[str] = []
    errors: list[str] = []

    def on_request(request: Request) -> None:
        if _foreign(request.url):
            foreign.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        location = message.location.get("url", "")
        if message.type == "error":
            errors.append(f"{location}: {message.text}")

    def factory(server: Server, **options: Any) -> Page:
        context = chromium.new_context(base_url=server.url, **options)
        context.set_default_timeout(10_000)
        context.on("request", on_request)
        contexts.append(context)
        page = context.new_page()
        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    yield factory
    for context in contexts:
        context.close()
    assert not foreign, f"pages requested other hosts: {foreign}"
    assert not errors, "the browser reported errors:\n" + "\n".join(errors)


ARTEFACTS = Path(os.environ.get("INSAF_TEST_ARTEFACTS", ROOT / "var" / "test-artefacts"))


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """Save a full-page screenshot as a test artefact, as
    var/test-artefacts/screenshots/TEST/NN-NAME.png (INSAF_TEST_ARTEFACTS moves the folder)."""
    folder = ARTEFACTS / "screenshots" / request.node.name.replace("/", "_")
    if folder.exists():
        for old in folder.glob("*.png"):
            old.unlink()
    taken: list[Path] = []

    def take(page: Page, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    return take


@pytest.fixture
def demo_page(chromium: Browser, demo_server: Server, open_page: Callable[..., Page]) -> Page:
    return open_page(demo_server)


@pytest.fixture
def production_page(
    chromium: Browser, production_server: Server, open_page: Callable[..., Page]
) -> Page:
    return open_page(production_server)
