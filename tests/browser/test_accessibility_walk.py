"""axe-core over the staff screens at 768x1024 in Dutch and English, walking the navigation
on the demo data; over every staff page of the URL map at 390x844 (tests/browser/staff_pages.py);
and over the public pages (survey, kiosk, personal survey link, member link, reviewer link,
outcome page, opt-out page, published report, a bad link) at 390x844.

No violation of any impact is allowed (minor and moderate included). The tablet walk is bounded:
the menu's pages and, from each, the first few staff links in the page body (at most MAX_PAGES
a language).
"""
from __future__ import annotations

import re
import time
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from .conftest import submit_login
from .staff_pages import ADMIN, demo_ids, staff_page_urls
from .test_feedback_member import AXE
from .test_phone_layout import WIDER_THAN_SCREEN

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


def violations(page: Page, axe_source: str) -> list:
    """Every axe violation on the page, whatever its impact (minor and moderate included)."""
    page.evaluate(axe_source)  # evaluated, not a script tag: the CSP refuses inline scripts
    # target-size (WCAG 2.2, 24 px) is off by default in axe: on here, the tablet's touch targets.
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations'], "
                           "rules: {'target-size': {enabled: true}}})")
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


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
def test_staff_pages_have_no_accessibility_violations(page: Page, demo, axe_source, language):
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
        found = violations(page, axe_source)
        # nothing sticks out sideways: a wide table scrolls in its own box (first column sticky)
        if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"):
            found.append(("page-wider-than-screen", "-", page.evaluate(
                "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > "
                "document.documentElement.clientWidth + 1).slice(0, 3).map(e => e.tagName + '.' + e.className)")))
        if found:
            problems[path] = found
        if path in menu:  # one level deeper from each menu page
            queue.extend(p for p in same_site_paths(page, "main a[href]")[:LINKS_PER_PAGE] if p not in seen)
    assert problems == {}
    assert len(seen) >= 20, seen
    assert time.monotonic() - started < 240  # bounded: the walk must stay quick


def phone(browser, live_server) -> Page:
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def test_every_staff_page_on_a_phone_has_no_accessibility_violations(browser, live_server, demo, axe_source):
    """Every staff GET page as an administrator at 390x844 (Dutch), and the folded menu opened."""
    from webapp.demo.services import DEMO_PASSWORD

    started = time.monotonic()
    page = phone(browser, live_server)
    try:
        submit_login(page, ADMIN["email"], DEMO_PASSWORD)
        expect(page.get_by_test_id("menu-toggle")).to_be_visible()
        page.get_by_test_id("menu-toggle").click()
        problems = {"menu opened": violations(page, axe_source)}
        urls = staff_page_urls(live_server.app, ADMIN["role"], demo_ids(live_server.app))
        for url in urls:
            response = page.goto(url)
            assert response is not None and response.status == 200, (url, response and response.status)
            problems[url] = violations(page, axe_source)
        problems = {k: v for k, v in problems.items() if v}
        assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())
        assert len(urls) > 60
        assert time.monotonic() - started < 420
    finally:
        page.context.close()


def public_pages(app) -> dict[str, str]:
    """The pages people without an account open, by name, with links made on the demo data."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.findings.models import Contributor
    from webapp.mail.services import opt_out_token
    from webapp.outcome.services import _new_link
    from webapp.reports.models import ReportVersion
    from webapp.projects.scope import in_project
    from webapp.review.services import RoundInput, add_reviewer, open_round, today
    from webapp.surveys.models import Invitation, Survey
    from webapp.surveys.services import create_invitations

    ids = demo_ids(app)  # publishes the demo's stand-in build
    with app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.purpose == "survey", Survey.status == "open"))
        (invitation,) = create_invitations(survey, ["Axe walk"])
        member_link = db.session.scalar(select(Invitation).join(Survey).where(
            Survey.purpose == "feedback", Invitation.consented_at.is_(None)).order_by(Invitation.id))
        # a member whose language the pages do not speak chooses one first
        chooser_link = db.session.scalar(select(Invitation).join(Survey).join(
            Contributor, Contributor.id == Invitation.contributor_id).where(
            Survey.purpose == "feedback", Contributor.language.not_in(("nl", "en", "ar"))).order_by(Invitation.id))
        version = db.session.get(ReportVersion, ids[(None, "version_id")])
        member = db.session.scalar(select(Contributor).where(Contributor.kind == "advisory_member")
                                   .order_by(Contributor.id))
        assert None not in (survey, member_link, chooser_link, member)
        with in_project(version.report.project):  # a round open for a week on the demo report
            reviewer = add_reviewer("Axe Reviewer", "axe-reviewer@example.test", None)
            db.session.commit()
            review_round, tokens = open_round(version.report, RoundInput(
                due_on=today() + timedelta(days=7), reviewer_ids=[reviewer.id]))
        review_token = tokens[review_round.assignments[0].id]
        chapter_id = version.report.chapters[0].id
        _link, outcome_token = _new_link(version, member)
        db.session.commit()
        return {
            "survey": f"/s/{survey.public_token}",
            "kiosk": f"/s/{survey.public_token}/kiosk",
            "personal survey link": f"/i/{invitation.token}",
            "member link": f"/f/{member_link.token}",
            "member link (language choice)": f"/f/{chooser_link.token}",
            "reviewer home": f"/r/{review_token}",
            "reviewer chapter": f"/r/{review_token}/chapters/{chapter_id}",
            "outcome": f"/o/{outcome_token}",
            "opt-out (ar)": f"/mail/opt-out/{opt_out_token('member@example.test')}?lang=ar",
            "published report": f"/published/{version.report_id}",
            "bad link": "/s/not-a-token",
            **{f"privacy statement ({language})": f"/privacy/{survey.project.slug}?lang={language}"
               for language in ("nl", "en", "ar")},
            "installation privacy statement (ar)": "/privacy/?lang=ar",
            "login": "/login",
            "forgot password": "/password/forgot",
        }


def test_public_pages_on_a_phone(browser, live_server, demo, axe_source):
    pages = public_pages(live_server.app)
    page = phone(browser, live_server)
    try:
        problems = {}
        for name, path in pages.items():
            response = page.goto(path)
            assert response is not None and response.status in (200, 404), (name, response and response.status)
            problems[name] = violations(page, axe_source)
            print(name, path, response.status, page.title(), problems[name])
            if found := page.evaluate(WIDER_THAN_SCREEN, PHONE["width"]):
                problems[name].append(("page-wider-than-screen", "-", found))
        # the member's way in: language, consent, the form (Arabic, right to left)
        page.goto(pages["member link"])
        page.locator("[data-testid=choose-ar], [data-testid=language-ar]").first.click()
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        expect(page.get_by_test_id("consent")).to_be_visible()
        problems["consent (ar)"] = violations(page, axe_source)
        with page.expect_navigation():  # the consent page links to the project's privacy statement
            page.get_by_test_id("privacy-link").click()
        expect(page.get_by_test_id("privacy-statement")).to_be_visible()
        assert page.locator("html").get_attribute("dir") == "rtl"
        page.go_back()
        page.get_by_test_id("consent-agree").click()
        expect(page.get_by_test_id("feedback-form")).to_be_visible()
        problems["form (ar)"] = violations(page, axe_source)
        # a refused survey (post/redirect/get) is checked too
        page.goto(pages["survey"])
        page.locator("form button[type=submit]").last.click()
        problems["survey refused"] = violations(page, axe_source)
        assert {k: v for k, v in problems.items() if v} == {}
    finally:
        page.context.close()
