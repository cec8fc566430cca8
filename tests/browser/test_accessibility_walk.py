"""axe-core over the staff screens at 768x1024 in Dutch and English, walking the navigation
on the demo data, and over the respondent pages (survey, member link) at 390x844.

No violation of impact "serious" or "critical" is allowed. The walk is bounded: the menu's
pages and, from each, the first few staff links in the page body (at most MAX_PAGES a language).
"""
from __future__ import annotations

import re
import time
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from .conftest import submit_login

from .test_feedback_member import AXE

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MAX_PAGES = 32
LINKS_PER_PAGE = 2
#: Never followed: downloads, exports and anything that changes state on GET-free pages.
SKIP = re.compile(r"(\.(csv|xlsx|qdc|qdpx|svg|json|pdf|docx)$)|/download|/logout|/static/|/s/|/f/|/r/|/i/|suggest=1")


@pytest.fixture(scope="module")
def demo(live_server):
    from webapp.auth.services import create_user, get_user_by_email

    result = live_server.app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    with live_server.app.app_context():
        if get_user_by_email("axe-admin@example.test") is None:
            create_user("axe-admin@example.test", "Axe Admin", "admin", "a-long-password", locale="nl")
    return {"email": "axe-admin@example.test", "password": "a-long-password"}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run bin/install --test", pytrace=False)
    return AXE.read_text(encoding="utf-8")


def serious_violations(page: Page, axe_source: str) -> list:
    page.evaluate(axe_source)  # evaluated, not a script tag: the CSP refuses inline scripts
    # target-size (WCAG 2.2, 24 px) is off by default in axe: on here, the tablet's touch targets.
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations'], "
                           "rules: {'target-size': {enabled: true}}})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def log_in(page: Page, login: dict, language: str) -> None:
    submit_login(page, login["email"], login["password"])
    expect(page.locator("nav.main-nav")).to_be_visible()
    if page.locator("html").get_attribute("lang") != language:
        page.get_by_test_id("switch-language").click()
        expect(page.locator("html")).to_have_attribute("lang", language)


def same_site_paths(page: Page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.href)")
    paths = []
    for href in hrefs:
        parsed = urlparse(href)
        path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        if parsed.netloc == urlparse(page.url).netloc and not SKIP.search(path) and path not in paths:
            paths.append(path)
    return paths


@pytest.mark.parametrize("language", ["nl", "en"])
def test_staff_pages_have_no_serious_accessibility_violations(page: Page, demo, axe_source, language):
    started = time.monotonic()
    log_in(page, demo, language)
    menu = same_site_paths(page, "nav.main-nav a")
    assert len(menu) >= 10
    queue, seen, problems = list(menu), set(), {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(path)
        assert response is not None and response.status < 500, path
        found = serious_violations(page, axe_source)
        # nothing sticks out sideways: a wide table scrolls in its own box (first column sticky)
        if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"):
            found.append(("page-wider-than-screen", "serious", page.evaluate(
                "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > "
                "document.documentElement.clientWidth + 1).slice(0, 3).map(e => e.tagName + '.' + e.className)")))
        if found:
            problems[path] = found
        if path in menu:  # one level deeper from each menu page
            queue.extend(p for p in same_site_paths(page, "main a[href]")[:LINKS_PER_PAGE] if p not in seen)
    assert problems == {}
    assert len(seen) >= 20, seen
    assert time.monotonic() - started < 240  # bounded: the walk must stay quick


def test_respondent_and_member_pages_on_a_phone(browser, live_server, demo, axe_source):
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.surveys.models import Invitation, Survey

    with live_server.app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.purpose == "survey", Survey.status == "open"))
        member_link = db.session.scalar(select(Invitation).join(Survey).where(
            Survey.purpose == "feedback", Invitation.consented_at.is_(None)))
        assert survey is not None and member_link is not None
        slug = survey.project.slug
        pages = [f"/s/{survey.public_token}", f"/s/{survey.public_token}/kiosk", f"/f/{member_link.token}",
                 *(f"/privacy/{slug}?lang={language}" for language in ("nl", "en", "ar")), "/privacy/?lang=ar"]
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        problems = {}
        for path in pages:
            page.goto(path)
            problems[path] = serious_violations(page, axe_source)
        # the member's way in: language, consent, the form (Arabic, right to left)
        page.goto(f"/f/{member_link.token}")
        page.get_by_test_id("choose-ar").click()
        expect(page.get_by_test_id("consent")).to_be_visible()
        problems["consent (ar)"] = serious_violations(page, axe_source)
        with page.expect_navigation():  # the consent page links to the project's privacy statement
            page.get_by_test_id("privacy-link").click()
        expect(page.get_by_test_id("privacy-statement")).to_be_visible()
        assert page.locator("html").get_attribute("dir") == "rtl"
        page.go_back()
        page.get_by_test_id("consent-agree").click()
        expect(page.get_by_test_id("feedback-form")).to_be_visible()
        problems["form (ar)"] = serious_violations(page, axe_source)
        # a refused survey (post/redirect/get) is checked too
        page.goto(pages[0])
        page.locator("form button[type=submit]").last.click()
        problems["survey refused"] = serious_violations(page, axe_source)
        assert {k: v for k, v in problems.items() if v} == {}
    finally:
        context.close()
