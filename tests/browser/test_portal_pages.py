"""The citizen portal in a real Chromium on a 360-pixel phone screen: an anonymous filer writes in
Arabic, reloads half-way (the draft survives), checks, sends with a photo, keeps the receipt (saved
as a file), then opens the case with it and adds information. axe-core checks every portal page in
Arabic and English. Screenshots of each step are written as test artefacts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_pages import assert_accessible

if TYPE_CHECKING:
    from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
TEXT = "اعتقلوني في مخفر الوسط يومين بدون ما يخبروا أهلي، وضربني واحد منهم على وجهي"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 200


def fits(page: Page) -> None:
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"{page.url} scrolls sideways: {widths}"


def check(page: Page, what: str) -> None:
    fits(page)
    assert_accessible(page, what)


def in_language(page: Page, server: Server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": server.url}])


def file_anonymously(page: Page, text: str, *, check_review: str = "") -> tuple[str, str]:
    """File through the form; the reference and the receipt code shown. With ``check_review``,
    axe checks the review page under that name."""
    page.goto("/file/")
    page.locator("#id_text").fill(text)
    page.locator("label[for=id_contact_1]").click()
    page.locator("#filing-form button[type=submit]").click()
    expect(page.locator("#review-summary")).to_be_visible()
    if check_review:
        assert_accessible(page, check_review)
    page.locator("#send-button").click()
    reference = page.locator("#reference").inner_text().strip()
    code = page.locator("#receipt-code").inner_text().replace(" ", "").strip()
    return reference, code


def test_an_anonymous_arabic_filer_on_a_phone_files_and_follows_the_case(
    open_page: Callable[..., Page],
    demo_server: Server,
    screenshot: Callable[[Page, str], Path],
    tmp_path: Path,
) -> None:
    page = open_page(demo_server, accept_downloads=True, **PHONE)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    check(page, "portal home (Arabic, phone)")
    screenshot(page, "home")

    with page.expect_navigation():
        page.locator("#file-link").click()
    assert page.url.endswith("/file/")
    check(page, "filing form (Arabic, phone)")

    # Half-way through, the page reloads: nothing written is lost.
    page.locator("#id_text").fill(TEXT)
    page.locator("#id_place").fill("مخفر الوسط")
    page.locator("label[for=id_contact_1]").click()  # anonymous
    expect(page.locator("#id_name")).to_be_hidden()
    page.reload()
    expect(page.locator("#id_text")).to_have_value(TEXT)
    expect(page.locator("#id_place")).to_have_value("مخفر الوسط")
    expect(page.locator("#id_contact_1")).to_be_checked()
    expect(page.locator("#id_name")).to_be_hidden()
    screenshot(page, "form-filled")

    # Too short a text: the error summary takes the focus and links to the field.
    page.locator("#id_text").fill("قصير")
    page.locator("#filing-form button[type=submit]").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page.locator("#id_text")).to_have_attribute("aria-invalid", "true")
    check(page, "filing form with an error")
    screenshot(page, "form-error")
    summary.locator("a[href='#id_text']").click()
    expect(page.locator("#id_text")).to_be_focused()
    page.locator("#id_text").fill(TEXT)
    page.locator("#filing-form button[type=submit]").click()

    # The review step: the answers, files, and send.
    expect(page.locator("#review-summary")).to_contain_text(TEXT)
    check(page, "review page")
    page.locator("#id_files").set_input_files(
        [{"name": "صورة.png", "mimeType": "image/png", "buffer": PNG}]
    )
    screenshot(page, "review")
    page.locator("#send-button").click()

    # The confirmation: the reference and the receipt code, once, with print and save.
    expect(page.locator("#receipt-warning")).to_be_visible()
    reference = page.locator("#reference").inner_text().strip()
    code = page.locator("#receipt-code").inner_text().replace(" ", "").strip()
    assert re.fullmatch(r"JO-\d{4}-\d{6}", reference), reference
    assert re.fullmatch(r"\d{16}", code), code
    check(page, "confirmation page")
    screenshot(page, "receipt")
    with page.expect_download() as download_info:
        page.locator("[data-action=save-receipt]").click()
    saved = tmp_path / "receipt.txt"
    download_info.value.save_as(saved)
    kept = saved.read_text(encoding="utf-8")
    assert reference in kept and code in kept

    # The draft was erased once the case was filed.
    page.goto("/file/")
    expect(page.locator("#id_text")).to_have_value("")

    # Following the case with the receipt (typed with spaces, as printed).
    page.goto("/track/")
    check(page, "tracking page")
    page.locator("#id_reference").fill(reference)
    page.locator("#id_code").fill(" ".join(code[i : i + 4] for i in range(0, 16, 4)))
    with page.expect_navigation():
        page.locator("#track-form button[type=submit]").click()
    assert page.url.endswith("/track/case/"), page.url
    expect(page.locator("#case-status")).to_have_attribute("data-status", "registered")
    expect(page.locator("#timeline li")).not_to_have_count(0)
    expect(page.locator("a[href*='/track/case/files/']")).to_have_count(1)
    check(page, "case page")
    screenshot(page, "case")

    page.locator("#info-section textarea").fill("الضابط اسمه أبو خالد، وكان ذلك الساعة العاشرة")
    with page.expect_navigation():
        page.locator("#info-section button[type=submit]").click()
    expect(page.locator("main .alert[role=status]")).to_be_visible()
    expect(
        page.locator("#timeline li[data-event=info_added]").filter(has_text="أبو خالد")
    ).to_have_count(1)
    # The message draft does not come back once sent.
    expect(page.locator("#info-section textarea")).to_have_value("")
    screenshot(page, "information-added")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_portal_pages_are_accessible(
    language: str,
    open_page: Callable[..., Page],
    demo_server: Server,
    screenshot: Callable[[Page, str], Path],
) -> None:
    page = open_page(demo_server)
    in_language(page, demo_server, language)
    for path, what in (("/", "home"), ("/file/", "filing form"), ("/track/", "tracking page")):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page, f"{what} ({language})")
    reference, code = file_anonymously(page, TEXT, check_review=f"review page ({language})")
    assert_accessible(page, f"confirmation ({language})")
    page.goto("/track/")
    page.locator("#id_reference").fill(reference)
    page.locator("#id_code").fill("0" * 16)
    page.locator("#track-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    assert_accessible(page, f"tracking page with an error ({language})")
    page.locator("#id_code").fill(code)
    with page.expect_navigation():
        page.locator("#track-form button[type=submit]").click()
    assert_accessible(page, f"case page ({language})")
    screenshot(page, f"case-{language}")


FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
    || (s.boxShadow && s.boxShadow !== 'none');
  return {id: e.id, tag: e.tagName, visible: visible,
          ring: s.outlineStyle + ' ' + s.outlineWidth + ' / ' + s.boxShadow};
}"""


def test_filing_works_with_the_keyboard_alone(
    open_page: Callable[..., Page], demo_server: Server
) -> None:
    """Tab reaches every field in order with a visible focus ring; typing, arrow keys and Enter
    file the case. (Reduced motion: Bootstrap then draws the focus ring at once, not after a
    transition.)"""
    page = open_page(demo_server, reduced_motion="reduce")
    page.goto("/file/")
    page.locator("#filing-form").evaluate("form => form.reset()")
    seen: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        # Checked as focus arrives on a control (a date field then steps through its parts and
        # its calendar button, which the browser rings inside the field).
        arriving = not seen or seen[-1] != (focused["id"] or focused["tag"])
        if arriving and (focused["id"].startswith("id_") or focused["tag"] == "BUTTON"):
            assert focused["visible"], f"no visible focus on {focused} after {seen}"
        seen.append(focused["id"] or focused["tag"])
        if focused["id"] == "id_text":
            page.keyboard.type(TEXT)
        if focused["id"].startswith("id_contact_"):
            page.keyboard.press("ArrowDown")  # the second choice: anonymous
        if focused["tag"] == "BUTTON" and page.locator("#filing-form button:focus").count():
            break
    for wanted in ("id_kind_0", "id_text", "id_occurred_on", "id_place", "id_harmed_0"):
        assert wanted in seen, (wanted, seen)
    assert seen.index("id_text") < seen.index("id_place") < seen.index("id_harmed_0")
    expect(page.locator("#id_contact_1")).to_be_checked()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#review-summary")).to_contain_text(TEXT)
    for _ in range(50):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED)["id"] == "send-button":
            break
    focused = page.evaluate(FOCUSED)
    assert (focused["id"], focused["visible"]) == ("send-button", True), focused
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#receipt-code")).to_be_visible()
