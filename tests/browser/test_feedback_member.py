"""An advisory-board member's whole flow in a real browser, on a phone and on a tablet, in
Dutch and in Arabic: language, consent, save, resume on another device, send, withdraw.
Every member page is checked with axe-core (tests/browser/package.json, installed by
bin/install --test): no serious or critical accessibility violation."""
from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from playwright.sync_api import expect

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
ANSWERS = {
    "nl": ("De sessie was fijn, ik kon in mijn eigen tempo praten.", "Meer stageplekken bij gemeenten."),
    "ar": ("كانت الجلسة مفيدة، وتحدثت بلغتي.", "أريد مرشدًا ثابتًا في العمل."),
}
_numbers = itertools.count(1)


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run bin/install --test (npm ci --prefix tests/browser)", pytrace=False)
    return AXE.read_text(encoding="utf-8")


def assert_accessible(page, axe_source: str) -> None:
    # evaluate, not add_script_tag: our CSP (rightly) refuses inline scripts, DevTools evaluation is not subject to it.
    page.evaluate(axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{page.url}: {serious}"


def assert_fits(page) -> None:
    """Nothing sticks out sideways: no horizontal scrolling on a phone."""
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def make_link(live_server) -> str:
    """A fresh open round of its own advisory-board session, with one link for a new member."""
    from webapp.activities.services import ActivityInput, save_activity
    from webapp.feedback.services import RoundInput, add_prompt, invite_members, new_members, save_round
    from webapp.surveys.services import open_survey

    with live_server.app.app_context():
        number = next(_numbers)
        activity = save_activity(None, ActivityInput(type="maab", number=number, title=f"Advisory board {number}"))
        survey = save_round(None, RoundInput(activity_id=activity.id, title_nl="Terugblik", title_en="Looking back"))
        add_prompt(survey, "Wat vond je van de sessie?", "What did you think of the session?",
                   {"ar": "ما رأيك في الجلسة؟"})
        add_prompt(survey, "Wat moet er veranderen?", "What should change?", {"ar": "ما الذي يجب أن يتغيّر؟"})
        open_survey(survey)
        (link,) = invite_members(survey, new_members(1, "ar"))
        return link.token


def stored_findings(live_server, token: str) -> list[str]:
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.findings.models import Finding
    from webapp.surveys.models import Invitation

    with live_server.app.app_context():
        link = db.session.scalar(select(Invitation).where(Invitation.token == token))
        return sorted(db.session.scalars(select(Finding.text).where(Finding.contributor_id == link.contributor_id)))


def open_link(browser, live_server, viewport, token, language, axe_source):
    context = browser.new_context(viewport=viewport, base_url=live_server.url, is_mobile=viewport == PHONE,
                                  has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"/f/{token}")
    assert_accessible(page, axe_source)
    if page.get_by_test_id("language-choice").count():  # a language the pages do not speak: choose
        page.get_by_test_id(f"choose-{language}").click()
    else:  # the member's own language (Arabic) opens by itself; the others are one tap away in the header
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        if language != "ar":
            page.get_by_test_id(f"language-{language}").click()
    expected = "rtl" if language == "ar" else "ltr"
    assert page.locator("html").get_attribute("dir") == expected
    assert page.locator("html").get_attribute("lang") == language
    return context, page


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
@pytest.mark.parametrize("language", ["nl", "ar"])
def test_member_flow(browser, live_server, viewport, language, axe_source):
    token = make_link(live_server)
    first, second = ANSWERS[language]
    context, page = open_link(browser, live_server, viewport, token, language, axe_source)
    try:
        # consent first: plain language, nothing stored yet
        expect(page.get_by_test_id("consent")).to_be_visible()
        assert_accessible(page, axe_source)
        assert_fits(page)
        page.get_by_test_id("consent-agree").click()

        # write, save, and leave
        expect(page.get_by_test_id("feedback-form")).to_be_visible()
        assert_accessible(page, axe_source)
        assert_fits(page)
        page.get_by_test_id("prompt-1").fill(first)
        page.get_by_test_id("save").click()
        expect(page.get_by_test_id("member-flash")).to_be_visible()
        assert_accessible(page, axe_source)  # the page with the "saved" message
        assert stored_findings(live_server, token) == []
    finally:
        context.close()

    # the next day, on another device, with the same link
    context, page = open_link(browser, live_server, viewport, token, language, axe_source)
    try:
        assert page.get_by_test_id("prompt-1").input_value() == first
        page.get_by_test_id("prompt-2").fill(second)
        page.get_by_test_id("send").click()

        expect(page.get_by_test_id("contributions")).to_be_visible()
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        # expect() waits for the page after the post; a plain read could catch it mid-navigation
        expect(page.get_by_test_id("contribution-text")).to_have_text([first, second])
        assert_accessible(page, axe_source)
        assert_fits(page)
        assert stored_findings(live_server, token) == sorted([first, second])

        # withdraw the first answer
        page.get_by_test_id("withdraw-one").first.click()
        expect(page.get_by_test_id("withdraw-confirm")).to_be_visible()
        assert_accessible(page, axe_source)
        page.get_by_test_id("confirm-withdraw").click()
        expect(page.get_by_test_id("contribution-text")).to_have_text([second])
        assert stored_findings(live_server, token) == [second]

        # and then the rest
        page.get_by_test_id("withdraw-all").click()
        page.get_by_test_id("confirm-withdraw").click()
        expect(page.get_by_test_id("no-contributions")).to_be_visible()
        assert_accessible(page, axe_source)
        assert stored_findings(live_server, token) == []
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_a_broken_link_gets_a_friendly_accessible_page(browser, live_server, viewport, axe_source):
    token = make_link(live_server)
    context = browser.new_context(viewport=viewport, base_url=live_server.url)
    try:
        page = context.new_page()
        response = page.goto(f"/f/{token[:-3]}xyz")
        assert response.status == 404
        expect(page.get_by_test_id("link-invalid")).to_be_visible()
        assert "Terugblik" not in page.content() and "Looking back" not in page.content()
        assert_accessible(page, axe_source)
        assert_fits(page)
    finally:
        context.close()


@pytest.mark.browser
def test_the_arabic_page_shows_the_round_in_arabic_and_answers_default_to_arabic(browser, live_server, axe_source):
    """A member registered with Tigrinya who chooses Arabic writes Arabic: the answers'
    language follows the page, and the round's title and intro are the Arabic ones staff gave."""
    from webapp.activities.services import ActivityInput, save_activity
    from webapp.feedback.services import RoundInput, add_prompt, invite_members, new_members, save_round
    from webapp.surveys.services import open_survey

    with live_server.app.app_context():
        number = next(_numbers)
        activity = save_activity(None, ActivityInput(type="maab", number=number, title=f"Advisory board {number}"))
        survey = save_round(None, RoundInput(activity_id=activity.id, title_nl="Terugblik", title_en="Looking back",
                                             intro_en="Two questions.",
                                             extra={"ar": {"title": "نظرة إلى الوراء", "intro": "سؤالان."}}))
        add_prompt(survey, "Wat vond je van de sessie?", "What did you think of the session?",
                   {"ar": "ما رأيك في الجلسة؟", "ti": "ብዛዕባ እቲ ኣኼባ እንታይ ተሰሚዑኩም?"})
        open_survey(survey)
        (link,) = invite_members(survey, new_members(1, "ti"))
        token = link.token
    context, page = open_link(browser, live_server, PHONE, token, "ar", axe_source)
    try:
        page.get_by_test_id("consent-agree").click()
        expect(page.get_by_test_id("feedback-form")).to_be_visible()
        expect(page.get_by_test_id("round-title")).to_have_text("نظرة إلى الوراء")
        expect(page.get_by_test_id("round-title")).to_have_attribute("dir", "rtl")
        expect(page.get_by_test_id("round-intro")).to_have_text("سؤالان.")
        expect(page.get_by_test_id("written-language")).to_have_value("ar")
        assert_accessible(page, axe_source)
    finally:
        context.close()
