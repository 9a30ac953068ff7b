"""A case from filing to rating, in two real browsers on a server that requires two-factor sign-in:
an anonymous Arabic filer on a 360-pixel phone files and keeps the receipt; an officer signs in
with a TOTP code, finds the case in the queue and asks a question; the filer answers on the track
page; the officer resolves; the filer reads the answer and rates it. axe-core checks the workspace
pages in Arabic and English; each step leaves a screenshot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Server
from tests.browser.test_pages import assert_accessible, sign_in, totp
from tests.browser.test_portal_pages import PHONE, file_anonymously, fits, in_language
from tests.servers import insaf_ok, server_env

pytestmark = pytest.mark.browser

# Misconduct, not grave: the demo routes it to the complaints department, where "unithead" works.
TEXT = "الشرطي عند نقطة التفتيش شتمني أمام أولادي وأخذ رخصة السواقة ورفض يرجعها"
QUESTION = "في أي يوم وساعة حدث ذلك؟ وهل تذكر رقم الدورية؟"
ANSWER = "يوم الخميس الساعة السابعة مساءً، رقم الدورية 4471"
DECISION = "تم التحقيق مع الشرطي واتخاذ إجراء تأديبي، ورخصتك جاهزة للاستلام من المركز."


def officer_signs_in(page: Page, server: Server) -> None:
    """Password, then the TOTP enrolment a first sign-in asks for."""
    sign_in(page, server.username, server.password)
    assert "/accounts/two-factor/" in page.url, page.url
    secret = page.locator("#totp-secret").inner_text().strip()
    page.locator("#id_token").fill(totp(secret))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/accounts/two-factor/" not in page.url, page.url


def open_tracked_case(page: Page, reference: str, code: str) -> None:
    page.goto("/track/")
    page.locator("#id_reference").fill(reference)
    page.locator("#id_code").fill(code)
    with page.expect_navigation():
        page.locator("#track-form button[type=submit]").click()


def take(page: Page, action: str) -> None:
    with page.expect_navigation():
        page.locator(f"form[data-transition={action}] button[type=submit]").click()
    expect(page.locator("main .alert[role=status]")).to_be_visible()


def test_a_case_from_filing_to_rating(
    open_page: Callable[..., Page],
    workflow_server: Server,
    screenshot: Callable[[Page, str], Path],
) -> None:
    filer = open_page(workflow_server, **PHONE)
    reference, code = file_anonymously(filer, TEXT)
    screenshot(filer, "filer-receipt")

    officer = open_page(workflow_server, viewport={"width": 1280, "height": 900})
    officer_signs_in(officer, workflow_server)
    officer.locator("#nav-cases").click()
    row = officer.locator(f"#queue tr[data-reference='{reference}']")
    expect(row).to_be_visible()
    assert_accessible(officer, "queue (Arabic)")
    screenshot(officer, "officer-queue")
    with officer.expect_navigation():
        row.locator("a").first.click()
    expect(officer.locator("#case-text")).to_contain_text("شتمني")
    assert_accessible(officer, "case page (Arabic)")

    # Take the case, start, and ask the filer.
    officer.locator("#id_officer").select_option(label=workflow_server.username)
    with officer.expect_navigation():
        officer.locator("form[action$='/assign/'] button[type=submit]").click()
    take(officer, "start")
    officer.locator("#ask-body").fill(QUESTION)
    with officer.expect_navigation():
        officer.locator("#ask-form button[type=submit]").click()
    expect(officer.locator("#case-status")).to_have_attribute("data-status", "awaiting_info")
    screenshot(officer, "officer-asked")

    # The filer reads the question and answers it.
    open_tracked_case(filer, reference, code)
    expect(filer.locator("#answer-section")).to_be_visible()
    expect(filer.locator("#timeline")).to_contain_text(QUESTION)
    fits(filer)
    assert_accessible(filer, "case page with a question")
    screenshot(filer, "filer-question")
    filer.locator("#answer-section textarea").fill(ANSWER)
    with filer.expect_navigation():
        filer.locator("#answer-section button[type=submit]").click()
    expect(filer.locator("#case-status")).to_have_attribute("data-status", "in_progress")

    # The officer sees the answer and resolves the case with the reasons.
    officer.reload()
    expect(officer.locator("#timeline")).to_contain_text(ANSWER)
    expect(officer.locator("#case-status")).to_have_attribute("data-status", "in_progress")
    officer.locator("form[data-transition=resolve] textarea").fill(DECISION)
    take(officer, "resolve")
    expect(officer.locator("#case-status")).to_have_attribute("data-status", "resolved")
    screenshot(officer, "officer-resolved")

    # The filer reads the answer and rates the handling.
    filer.reload()
    expect(filer.locator("#case-status")).to_have_attribute("data-status", "resolved")
    expect(filer.locator("#timeline")).to_contain_text(DECISION)
    filer.locator("#rate-section label[for=id_rating_0]").click()  # 5, very well
    filer.locator("#id_comment").fill("شكراً على سرعة المتابعة")
    with filer.expect_navigation():
        filer.locator("#rate-section button[type=submit]").click()
    expect(filer.locator("#rate-section")).to_have_count(0)
    expect(filer.locator("#timeline li[data-event=feedback]")).to_have_count(1)
    screenshot(filer, "filer-rated")

    # The dashboard, in Arabic: the weeks run from the right, as the page reads.
    officer.locator("#nav-dashboard").click()
    expect(officer.locator("#weekly-chart")).to_be_visible()
    bars = officer.locator("#weekly-chart rect")
    first, last = bars.first.bounding_box(), bars.last.bounding_box()
    assert first and last and first["x"] > last["x"], (first, last)
    assert_accessible(officer, "dashboard (Arabic)")
    screenshot(officer, "dashboard-ar")

    # The workspace in English passes axe too.
    in_language(officer, workflow_server, "en")
    officer.goto("/work/")
    expect(officer.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(officer, "queue (English)")
    officer.goto(f"/work/cases/{reference}/")
    assert_accessible(officer, "case page (English)")
    officer.goto("/work/dashboard/")
    bars = officer.locator("#weekly-chart rect")
    first, last = bars.first.bounding_box(), bars.last.bounding_box()
    assert first and last and first["x"] < last["x"], (first, last)
    assert_accessible(officer, "dashboard (English)")
    screenshot(officer, "dashboard-en")


_PROPOSAL = """
from django.utils import timezone
from insaf.search.models import TermProposal

TermProposal.objects.get_or_create(
    label="category:torture_ill_treatment",
    key="طبيب شرعي",
    defaults={"text": "طبيب شرعي", "cases": 5, "share": 0.8, "updated_at": timezone.now()},
)
"""


@pytest.mark.parametrize("language", ["ar", "en"])
def test_administration_pages_are_accessible(
    language: str,
    open_page: Callable[..., Page],
    demo_server: Server,
    screenshot: Callable[[Page, str], Path],
) -> None:
    page = open_page(demo_server)
    in_language(page, demo_server, language)
    sign_in(page, "natadmin", demo_server.password)
    # A term proposed from the labels officers accepted, shown beside the concepts of its label.
    insaf_ok(
        server_env(demo_server.var_dir, {"INSAF_DEMO": "1"}),
        "shell",
        "-c",
        _PROPOSAL,
    )
    page.locator("#nav-lexicon").click()
    expect(page.locator("#terms tbody tr")).not_to_have_count(0)
    assert_accessible(page, f"lexicon page ({language})")
    page.goto("/work/lexicon/?concept=torture")
    expect(page.locator("#proposals")).to_contain_text("طبيب شرعي")
    # The concept's forms, opened: its names and labels, and a new concept.
    page.locator("#concept summary").click()
    page.locator("#new-concept-heading + details summary").click()
    expect(page.locator("#change-concept")).to_be_visible()
    expect(page.locator("#add-concept input[name='new-code']")).to_be_visible()
    assert_accessible(page, f"lexicon page, concept forms open ({language})")
    screenshot(page, f"lexicon-{language}")
    page.goto("/accounts/preferences/")
    assert_accessible(page, f"preferences ({language})")


def test_a_grave_case_reaches_the_oversight_queue(
    open_page: Callable[..., Page],
    workflow_server: Server,
    screenshot: Callable[[Page, str], Path],
) -> None:
    """A torture allegation filed on the portal is in the oversight officer's queue at once,
    marked grave and critical, whatever the routing rules say."""
    filer = open_page(workflow_server, **PHONE)
    reference, _code = file_anonymously(filer, "عذبوني في التحقيق وضربوني على رجلي حتى اعترفت")
    officer = open_page(workflow_server)
    server = Server(
        url=workflow_server.url,
        var_dir=workflow_server.var_dir,
        username="oversight",
        password=workflow_server.password,
    )
    officer_signs_in(officer, server)
    officer.goto("/work/?view=oversight")
    row = officer.locator(f"#queue tr[data-reference='{reference}']")
    expect(row).to_be_visible()
    expect(row.locator(".badge.text-bg-danger")).to_be_visible()  # grave
    expect(row.locator(".insaf-priority-critical")).to_be_visible()
    screenshot(officer, "oversight-queue")
