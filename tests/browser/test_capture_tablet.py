"""The capture and edit screens under a facilitator's thumb (768x1024, touch): issue 14.

Each test is one fault a facilitator met: theme search that did nothing, a message drawn
below the screen, a second tab's words wiped, a themes-only change invisible on the
conflict screen, a queued item without a reason.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from .test_capture_offline import duplicate_tab, log_in, open_capture, stored_texts

pytestmark = pytest.mark.browser

#: 26 themes, like the demo codebook; three of them about language.
THEMES = [("taal_werk", "Taal op het werk", "Language at work"), ("taalles", "Taalles", "Language classes"),
          ("taalcoach", "Taalcoach", "Language coach")] + [
    (f"thema_{n:02}", f"Thema {n:02}", f"Theme {n:02}") for n in range(1, 24)]


def make_activity_with_themes(live_server, title: str) -> int:
    from webapp.activities.services import ActivityInput, save_activity
    from webapp.extensions import db
    from webapp.themes.models import Theme

    with live_server.app.app_context():
        for code, nl, en in THEMES:
            if db.session.scalar(select(Theme).where(Theme.code == code)) is None:
                db.session.add(Theme(code=code, theme_group="recommendation", label_nl=nl, label_en=en))
        db.session.commit()
        return save_activity(None, ActivityInput(type="ln_meeting", title=title)).id


def in_view(page: Page, selector: str) -> bool:
    """The element's box lies inside the 1024 px high screen, without scrolling."""
    return page.evaluate("""(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }""", selector)


def test_theme_search_filters_the_chips_as_you_type(page: Page, live_server, browser_login):
    activity_id = make_activity_with_themes(live_server, "Meeting with many themes")
    log_in(page, browser_login)
    open_capture(page, activity_id)
    chips = page.locator("[data-theme-chips] .chip-toggle")
    expect(chips).to_have_count(len(THEMES))
    expect(chips.locator("visible=true")).to_have_count(12)  # the 12 most used (here: the first 12)

    page.fill("[data-theme-search]", "taal")
    expect(chips.locator("visible=true")).to_have_count(3)
    page.locator("label.chip-toggle", has_text="Taalcoach").click()
    page.fill("[data-theme-search]", "thema 2")
    # the match, and the chosen one that stays in sight
    expect(chips.locator("visible=true")).to_have_text(["Taalcoach", "Thema 20", "Thema 21", "Thema 22", "Thema 23"])

    # the same box on the edit screen
    from webapp.findings.services import FindingInput, create_finding

    with live_server.app.app_context():
        finding_id = create_finding(FindingInput(activity_id, "Taal is de sleutel.", "quote", "nl", ["taalles"]),
                                    author=None).id
    page.goto(f"/findings/{finding_id}/edit")
    page.fill("[data-theme-search]", "coach")
    expect(page.locator("[data-theme-chips] .chip-toggle").locator("visible=true")).to_have_text(
        ["Taalles", "Taalcoach"])


def test_messages_are_shown_in_the_save_bar_in_view(page: Page, live_server, browser_login):
    activity_id = make_activity_with_themes(live_server, "Meeting where Save seemed to do nothing")
    log_in(page, browser_login)
    open_capture(page, activity_id)
    page.fill("[data-testid=finding-text]", "Werkgevers zien de diploma's niet.")
    page.click("[data-testid=save-finding]")  # no kind chosen
    message = page.get_by_test_id("capture-message")
    expect(message).to_have_text("Kies de soort bevinding.")
    assert message.get_attribute("aria-live") == "polite"
    assert in_view(page, "[data-testid=capture-message]")

    page.locator("label.kind-bottleneck").click()
    page.locator("label.chip-toggle", has_text="Taalles").click()
    page.click("[data-testid=save-finding]")
    expect(message).to_have_text("Opgeslagen.")
    assert in_view(page, "[data-testid=capture-message]")
    stored = page.get_by_test_id("captured-list").locator("li").first
    expect(stored.locator(".chip")).to_have_text(["Taalles"])  # themes and date in the list at once
    expect(stored.locator(".meta")).to_have_text(re.compile(r"\d{2}-\d{2}-\d{4}"))

    # offline: it says what will happen, and why each waiting item waits
    page.context.set_offline(True)
    for text in ("Eerste zonder wifi", "Tweede zonder wifi"):
        page.fill("[data-testid=finding-text]", text)
        page.locator("label.kind-solution").click()
        page.locator("label.chip-toggle", has_text="Taalcoach").click()
        page.click("[data-testid=save-finding]")
        expect(message).to_have_text("Opgeslagen op dit apparaat, wordt verstuurd zodra er verbinding is.")
        assert in_view(page, "[data-testid=capture-message]")
    page.click("[data-testid=open-queue]")
    items = page.locator("[data-testid=queue] .queue-item")
    expect(items).to_have_count(2)
    for index in range(2):
        expect(items.nth(index).locator(".queue-reason")).to_contain_text("Geen verbinding")
        expect(items.nth(index).locator(".queue-themes")).to_have_text("Taalcoach")
    page.context.set_offline(False)
    expect(page.get_by_test_id("outbox-count")).to_have_attribute("data-count", "0", timeout=30_000)


def test_a_second_tab_keeps_its_own_words(page: Page, live_server, browser_login):
    """A duplicated tab shows the same draft (same client_id); its edits stay its own."""
    activity_id = make_activity_with_themes(live_server, "Meeting in two tabs")
    log_in(page, browser_login)
    open_capture(page, activity_id)
    page.fill("[data-testid=finding-text]", "Buddy op de werkvloer")
    page.locator("label.kind-solution").click()

    second = duplicate_tab(page)
    expect(second.get_by_test_id("finding-text")).to_have_value("Buddy op de werkvloer")  # the draft, restored
    second.fill("[data-testid=finding-text]", "Buddy op de werkvloer, de eerste drie maanden")

    page.click("[data-testid=save-finding]")
    expect(page.get_by_test_id("finding-text")).to_have_value("")
    expect(second.get_by_test_id("capture-message")).to_contain_text("Je tekst hier blijft staan")
    expect(second.get_by_test_id("finding-text")).to_have_value("Buddy op de werkvloer, de eerste drie maanden")

    second.click("[data-testid=save-finding]")
    expect(second.get_by_test_id("finding-text")).to_have_value("")
    expect(second.get_by_test_id("outbox-count")).to_have_attribute("data-count", "0", timeout=30_000)
    assert sorted(stored_texts(live_server, activity_id)) == ["Buddy op de werkvloer",
                                                              "Buddy op de werkvloer, de eerste drie maanden"]


def test_the_conflict_screen_shows_a_themes_only_change(browser, live_server, browser_login):
    from webapp.findings.services import FindingInput, create_finding

    activity_id = make_activity_with_themes(live_server, "Meeting with two editors")
    with live_server.app.app_context():
        finding_id = create_finding(FindingInput(activity_id, "Een vast aanspreekpunt.", "solution", "nl",
                                                 ["taalles"]), author=None).id
    contexts = [browser.new_context(viewport={"width": 768, "height": 1024}, base_url=live_server.url,
                                    has_touch=True) for _ in range(2)]
    try:
        first, second = (context.new_page() for context in contexts)
        for tab in (first, second):
            log_in(tab, browser_login)
            tab.goto(f"/findings/{finding_id}/edit")
        first.fill("[data-testid=finding-text]", "Een vast aanspreekpunt per regio.")
        first.click("[data-testid=save-finding]")
        expect(first).to_have_url(re.compile(r"/findings$"))

        # only the themes change in the second tab
        second.fill("[data-theme-search]", "coach")
        second.locator("label.chip-toggle", has_text="Taalcoach").click()
        second.click("[data-testid=save-finding]")
        expect(second.get_by_test_id("conflict")).to_be_visible()
        expect(second.get_by_test_id("their-themes").locator(".chip")).to_have_text(["Taalles"])
        mine = second.get_by_test_id("my-themes")
        expect(mine.locator(".chip")).to_have_text(["Taalles", "Taalcoach"])
        expect(mine.locator(".chip.added")).to_have_text(["Taalcoach"])
        # and the words the other one added are marked as missing from this version
        expect(second.get_by_test_id("my-text").locator("del")).to_have_text(re.compile("aanspreekpunt per regio"))
    finally:
        for context in contexts:
            context.close()


def capture_in_two_tabs(page: Page, live_server, login: dict, title: str, text: str) -> tuple[int, Page]:
    """A new activity's capture screen in this tab, `text` typed in it, and the screen in a second tab."""
    activity_id = make_activity_with_themes(live_server, title)
    log_in(page, login)
    open_capture(page, activity_id)
    page.fill("[data-testid=finding-text]", text)
    second = page.context.new_page()
    open_capture(second, activity_id)
    return activity_id, second


def test_each_tab_keeps_its_own_draft_through_a_reload(page: Page, live_server, browser_login):
    """Issue 24: both tabs of one capture screen shared one draft slot, so reloading tab 2
    put tab 1's later text in place of its own."""
    activity_id, second = capture_in_two_tabs(page, live_server, browser_login,
                                              "Meeting with two tablets' worth of tabs", "Tekst van tab 1")
    expect(second.get_by_test_id("finding-text")).to_have_value("")  # a tab of its own: nothing restored
    second.fill("[data-testid=finding-text]", "Tekst van tab 2")
    page.fill("[data-testid=finding-text]", "Tekst van tab 1, later aangevuld")  # tab 1 typed last

    second.reload()
    expect(second.get_by_test_id("finding-text")).to_have_value("Tekst van tab 2")
    expect(page.get_by_test_id("finding-text")).to_have_value("Tekst van tab 1, later aangevuld")
    # tab 1 is still open: its words are not offered in tab 2 as left behind
    second.wait_for_timeout(500)
    expect(second.get_by_test_id("recovered-drafts")).to_be_hidden()

    for tab, kind in ((page, "solution"), (second, "bottleneck")):
        tab.locator(f"label.kind-{kind}").click()
        tab.get_by_test_id("save-finding").click()
        expect(tab.get_by_test_id("finding-text")).to_have_value("")
    expect(second.get_by_test_id("outbox-count")).to_have_attribute("data-count", "0", timeout=30_000)
    expect(page.get_by_test_id("capture-message")).not_to_contain_text("ander tabblad")
    assert sorted(stored_texts(live_server, activity_id)) == ["Tekst van tab 1, later aangevuld", "Tekst van tab 2"]


def test_text_a_closed_tab_left_behind_is_offered_never_written_over(page: Page, live_server, browser_login):
    activity_id, closed = capture_in_two_tabs(page, live_server, browser_login, "Meeting where a tab was closed",
                                              "Mijn eigen tekst")
    closed.fill("[data-testid=finding-text]", "Achtergelaten tekst")
    closed.locator("label.kind-quote").click()
    closed.close()

    page.reload()
    expect(page.get_by_test_id("finding-text")).to_have_value("Mijn eigen tekst")  # ours, not theirs
    offered = page.get_by_test_id("recovered-draft")
    expect(offered).to_have_count(1)
    expect(offered).to_contain_text("Achtergelaten tekst")

    offered.get_by_test_id("recover-draft").click()
    expect(page.get_by_test_id("finding-text")).to_have_value("Achtergelaten tekst")
    expect(page.locator("label.kind-quote input")).to_be_checked()
    # our own words now wait in the same list: set aside, not written over
    expect(offered).to_have_count(1)
    expect(offered).to_contain_text("Mijn eigen tekst")
    expect(page.get_by_test_id("capture-message")).to_contain_text("Je eigen tekst staat nu onder")

    # a new tab is offered only what no open tab holds: our set-aside text
    third = page.context.new_page()
    open_capture(third, activity_id)
    expect(third.get_by_test_id("recovered-draft")).to_have_count(1)
    expect(third.get_by_test_id("recovered-draft")).to_contain_text("Mijn eigen tekst")
    third.get_by_test_id("recover-draft").click()
    expect(third.get_by_test_id("finding-text")).to_have_value("Mijn eigen tekst")
    expect(third.get_by_test_id("recovered-drafts")).to_be_hidden()
    expect(page.get_by_test_id("recovered-drafts")).to_be_hidden()  # taken there: no longer offered here
    expect(page.get_by_test_id("finding-text")).to_have_value("Achtergelaten tekst")


def test_the_menu_survives_an_offline_reload(page: Page, live_server, browser_login):
    """The "More" button (nav.js) and the phone's menu button come from the service worker's cache too."""
    activity_id = make_activity_with_themes(live_server, "Meeting without wifi")
    log_in(page, browser_login)
    open_capture(page, activity_id)
    expect(page.get_by_test_id("nav-more")).to_be_visible()
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("finding-text")).to_be_visible()
    expect(page.get_by_test_id("nav-more")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_test_id("menu-toggle").click()
    expect(page.locator("nav.main-nav")).to_be_visible()
    page.context.set_offline(False)
