"""The pages in a real Chromium: direction and language, sign-in with and without the second factor,
the admin, a phone-sized screen, and axe-core accessibility checks on each page.

Translations may not be compiled, so assertions rely on ``lang``/``dir``, ids and ARIA state
rather than on translated strings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"serious", "critical"}
_axe = Axe()


# --- Helpers -------------------------------------------------------------------------------------


def _describe(violation: dict[str, Any]) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}"]
    lines.append(f"  {violation['helpUrl']}")
    for node in violation["nodes"]:
        lines.append(f"  * {', '.join(map(str, node['target']))}: {node['html']}")
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        if summary:
            lines.append(f"    {summary}")
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    violations: list[dict[str, Any]] = _axe.run(page).response["violations"]
    return violations


def assert_accessible(page: Page, what: str) -> None:
    """axe-core finds nothing serious or critical; lesser findings are printed, not failed."""
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    minor = [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
    if minor:
        print(f"\naxe, {what} ({page.url}), not blocking:\n" + "\n".join(map(_describe, minor)))
    assert not blocking, (
        f"axe found serious or critical violations on {what} ({page.url}):\n"
        + "\n".join(map(_describe, blocking))
    )


def totp(secret_base32: str, at: float | None = None) -> str:
    """RFC 6238 code (HMAC-SHA1, 30-second steps, six digits), as authenticator apps compute it."""
    key = base64.b32decode(secret_base32.upper() + "=" * (-len(secret_base32) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def language_button(page: Page, code: str) -> Locator:
    return page.locator(f"button[name=language][value={code}]")


def expect_language(page: Page, code: str, direction: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", code)
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(language_button(page, code)).to_have_attribute("aria-current", "true")
    for other in {"ar", "en", "fr"} - {code}:
        expect(language_button(page, other)).not_to_have_attribute("aria-current", "true")
    assert page.evaluate("getComputedStyle(document.body).direction") == direction
    sheets = page.evaluate(
        "[...document.styleSheets].filter(s => s.href && s.href.includes('/bootstrap'))"
        ".map(s => [s.href, s.cssRules.length])"
    )
    assert len(sheets) == 1, sheets
    href, rules = sheets[0]
    assert ("bootstrap.rtl.min" in href) == (direction == "rtl"), href
    assert rules > 0, f"{href} did not load"
    # Bootstrap's logical utilities follow the direction: the brand sits at the start of the bar.
    brand = page.locator(".navbar-brand").bounding_box()
    menu = page.locator(".navbar-nav").bounding_box()
    assert brand and menu
    assert (brand["x"] > menu["x"]) == (direction == "rtl"), (brand, menu)


# --- Demo mode -----------------------------------------------------------------------------------


def test_home_is_arabic_and_right_to_left(demo_page: Page) -> None:
    response = demo_page.goto("/")
    assert response and response.ok
    expect_language(demo_page, "ar", "rtl")
    assert_accessible(demo_page, "home page (Arabic)")


def test_language_switcher_changes_and_keeps_the_language(demo_page: Page) -> None:
    demo_page.goto("/")
    for code in ("en", "fr"):
        with demo_page.expect_navigation():
            language_button(demo_page, code).click()
        assert urlsplit(demo_page.url).path == "/", demo_page.url
        expect_language(demo_page, code, "ltr")
        demo_page.reload()
        expect_language(demo_page, code, "ltr")
        assert_accessible(demo_page, f"home page ({code})")
    with demo_page.expect_navigation():
        language_button(demo_page, "ar").click()
    expect_language(demo_page, "ar", "rtl")


def test_demo_banner_is_shown_on_every_page(demo_page: Page) -> None:
    for path in ("/", "/accounts/login/"):
        demo_page.goto(path)
        banner = demo_page.locator("#demo-warning")
        expect(banner).to_be_visible()
        expect(banner).to_have_attribute("role", "alert")


def test_wrong_password_shows_the_error_summary(demo_page: Page) -> None:
    demo_page.goto("/accounts/login/")
    expect(demo_page.locator("label[for=id_username]")).to_be_visible()
    expect(demo_page.locator("label[for=id_password]")).to_be_visible()
    expect(demo_page.locator("#error-summary")).to_have_count(0)
    assert_accessible(demo_page, "login page")

    sign_in(demo_page, "natadmin", "not-the-password")
    assert demo_page.url.endswith("/accounts/login/")
    summary = demo_page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.locator("li")).not_to_have_count(0)
    expect(demo_page.locator("#id_username")).to_have_value("natadmin")
    expect(demo_page.locator("#id_password")).to_have_value("")
    assert_accessible(demo_page, "login page with an error")


def test_national_admin_reaches_home_with_roles(demo_page: Page, demo_server: Server) -> None:
    sign_in(demo_page, "natadmin", demo_server.password)
    assert demo_page.url.endswith("/"), demo_page.url
    expect(demo_page.locator("#roles-heading")).to_be_visible()
    expect(demo_page.locator("section[aria-labelledby=roles-heading] li")).to_have_count(1)
    expect(demo_page.locator("#nav-user")).to_have_text("natadmin")
    assert_accessible(demo_page, "home page signed in")


def test_admin_index_loads_for_system_admin(demo_page: Page, demo_server: Server) -> None:
    sign_in(demo_page, "sysadmin", demo_server.password)
    response = demo_page.goto("/admin/")
    assert response and response.status == 200
    assert demo_page.url.endswith("/admin/"), demo_page.url
    expect(demo_page.locator("body.dashboard")).to_be_visible()
    expect(demo_page.locator("#content-main")).to_be_visible()
    assert_accessible(demo_page, "admin index")


@pytest.mark.parametrize("language", ["ar", "en", "fr"])
def test_home_fits_a_phone_screen(
    language: str, open_page: Callable[..., Page], demo_server: Server
) -> None:
    page = open_page(demo_server, viewport={"width": 375, "height": 667}, is_mobile=True)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": demo_server.url}]
    )
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"horizontal scrolling on a phone: {widths}"


# --- Production-like mode: two-factor sign-in ----------------------------------------------------


def test_two_factor_enrolment_and_sign_in(production_page: Page, production_server: Server) -> None:
    page = production_page
    page.goto("/")
    expect(page.locator("#demo-warning")).to_have_count(0)

    sign_in(page, production_server.username, production_server.password)
    assert "/accounts/two-factor/" in page.url, page.url
    secret = page.locator("#totp-secret").inner_text().strip()
    assert secret and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567="), secret
    expect(page.locator(".qr-code[role=img] svg")).to_be_visible()
    expect(page.locator("label[for=id_token]")).to_be_visible()
    assert_accessible(page, "two-factor page")

    # Until the second factor is passed, every page leads back to it.
    page.goto("/")
    assert "/accounts/two-factor/" in page.url, page.url

    now = time.time()
    near = {totp(secret, now + 30 * step) for step in range(-2, 3)}
    wrong = next(code for code in ("000000", "111111", "222222", "333333") if code not in near)
    page.locator("#id_token").fill(wrong)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    failed_at = time.monotonic()
    assert "/accounts/two-factor/" in page.url, page.url
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#id_token")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "two-factor page with an error")

    # django-otp refuses any code for 1 s after a failure (OTP_TOTP_THROTTLE_FACTOR).
    time.sleep(max(0.0, 1.2 - (time.monotonic() - failed_at)))
    page.locator("#id_token").fill(totp(secret))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/"), page.url
    expect(page.locator("#roles-heading")).to_be_visible()
    expect(page.locator("#nav-user")).to_have_text(production_server.username)
