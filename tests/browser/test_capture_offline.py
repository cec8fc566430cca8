"""Capture on a tablet when the wifi drops: nothing typed is lost or stored twice.

Real Chromium at 768x1024 against a live server. `context.set_offline(True)` is the
dropped wifi. Elements are found by data-testid and counts by data attributes, so the
tests hold in either interface language.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .conftest import submit_login
from sqlalchemy import func, select

pytestmark = pytest.mark.browser


def log_in(page: Page, login: dict) -> None:
    submit_login(page, login["email"], login["password"])
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/p/learn/$"))


def make_activity(live_server, title: str) -> int:
    from webapp.activities.services import ActivityInput, save_activity
    from webapp.extensions import db
    from webapp.themes.models import Theme

    with live_server.app.app_context():
        if db.session.scalar(select(Theme).where(Theme.code == "funding")) is None:
            db.session.add(Theme(code="funding", theme_group="recommendation", label_nl="Financiering",
                                 label_en="Funding"))
            db.session.commit()
        return save_activity(None, ActivityInput(type="ln_meeting", title=title)).id


def stored_texts(live_server, activity_id: int) -> list[str]:
    from webapp.extensions import db
    from webapp.findings.models import Finding

    with live_server.app.app_context():
        return list(db.session.scalars(select(Finding.text).where(Finding.activity_id == activity_id)))


@contextmanager
def server_requests(live_server):
    """Paths the live server was asked for while the block ran."""
    seen: list[str] = []
    app = live_server.app
    original = app.wsgi_app

    def counting(environ, start_response):
        seen.append(environ.get("PATH_INFO", ""))
        return original(environ, start_response)

    app.wsgi_app = counting
    try:
        yield seen
    finally:
        app.wsgi_app = original


def open_capture(page: Page, activity_id: int) -> None:
    page.goto(f"/capture/activities/{activity_id}")
    # The screen has put itself and its files in the cache: it can now work offline.
    expect(page.locator("[data-capture]")).to_have_attribute("data-offline-ready", "1")


def capture(page: Page, text: str, kind: str = "bottleneck") -> None:
    page.fill("[data-testid=finding-text]", text)
    page.locator(f"label.kind-{kind}").click()
    page.click("[data-testid=save-finding]")
    expect(page.locator("[data-testid=finding-text]")).to_have_value("")  # a new draft started


def waiting(page: Page):
    return page.locator("[data-testid=outbox-count]")


def duplicate_tab(page: Page) -> Page:
    """A copy of the tab, as the browser's "Duplicate tab" makes it: a new page holding the
    same sessionStorage, so the same tab id (capture.js gives it one of its own)."""
    tab_id = page.evaluate("sessionStorage.getItem('klankbord.capture.tab')")
    assert tab_id
    copy = page.context.new_page()
    copy.add_init_script(f"sessionStorage.setItem('klankbord.capture.tab', {tab_id!r})")
    copy.goto(page.url)
    return copy


def test_offline_capture_survives_a_reload_and_is_stored_once(page: Page, live_server, browser_login):
    activity_id = make_activity(live_server, "Working visit with poor wifi")
    log_in(page, browser_login)
    open_capture(page, activity_id)

    for number in (1, 2, 3):
        capture(page, f"Online finding {number}")
    expect(waiting(page)).to_have_attribute("data-count", "0")
    expect(page.locator("[data-testid=captured-list] li")).to_have_count(3)

    page.context.set_offline(True)
    capture(page, "Offline finding 4")
    capture(page, "Offline finding 5", kind="solution")
    expect(waiting(page)).to_have_attribute("data-count", "2")
    page.fill("[data-testid=finding-text]", "A draft typed but not saved yet")

    with server_requests(live_server) as seen:
        page.reload()
        expect(page.locator("[data-testid=finding-text]")).to_have_value("A draft typed but not saved yet")
        expect(waiting(page)).to_have_attribute("data-count", "2")
        expect(waiting(page)).to_have_text(re.compile("2"))
        page.click("[data-testid=open-queue]")
        expect(page.locator("[data-testid=queue] .queue-item")).to_have_count(2)
        page.screenshot(path="/tmp/capture-shots/offline-queue.png", full_page=True)
    assert seen == [], "the offline reload must come from the service worker's cache"
    assert len(stored_texts(live_server, activity_id)) == 3

    page.context.set_offline(False)
    expect(waiting(page)).to_have_attribute("data-count", "0", timeout=30_000)
    texts = stored_texts(live_server, activity_id)
    assert sorted(texts) == sorted([f"Online finding {n}" for n in (1, 2, 3)]
                                   + ["Offline finding 4", "Offline finding 5"])
    # the unsaved draft is still there, not sent
    expect(page.locator("[data-testid=finding-text]")).to_have_value("A draft typed but not saved yet")


def test_the_same_offline_draft_in_two_tabs_becomes_one_finding(page: Page, live_server, browser_login):
    activity_id = make_activity(live_server, "Consultation in a kitchen")
    text = "Draft restored in two tabs"
    log_in(page, browser_login)
    open_capture(page, activity_id)
    page.context.set_offline(True)
    page.fill("[data-testid=finding-text]", text)
    page.locator("label.kind-quote").click()

    second = duplicate_tab(page)  # the same page, offline: from the service worker's cache
    expect(second.locator("[data-testid=finding-text]")).to_have_value(text)  # the draft, restored
    draft_id = page.locator("input[name=client_id]").input_value()
    assert second.locator("input[name=client_id]").input_value() == draft_id
    # the copy took a tab id of its own: its draft no longer shares the first tab's slot
    first_tab = page.evaluate("sessionStorage.getItem('klankbord.capture.tab')")
    second.wait_for_function("(first) => sessionStorage.getItem('klankbord.capture.tab') !== first", arg=first_tab)

    page.click("[data-testid=save-finding]")
    second.click("[data-testid=save-finding]")
    for tab in (page, second):
        expect(tab.locator("[data-testid=finding-text]")).to_have_value("")
        expect(waiting(tab)).to_have_attribute("data-count", "1")

    page.context.set_offline(False)
    for tab in (page, second):
        expect(waiting(tab)).to_have_attribute("data-count", "0", timeout=30_000)
    second.wait_for_timeout(500)  # give a second tab's late send the chance to arrive
    assert stored_texts(live_server, activity_id) == [text]


def test_two_people_editing_one_finding_the_second_sees_the_conflict(browser, live_server, browser_login):
    from webapp.extensions import db
    from webapp.findings.models import Finding
    from webapp.findings.services import FindingInput, create_finding

    activity_id = make_activity(live_server, "Meeting with two facilitators")
    with live_server.app.app_context():
        finding_id = create_finding(FindingInput(activity_id, "Employers want one contact point.", "bottleneck",
                                                 "en", ["funding"]), author=None).id
    contexts = [browser.new_context(viewport={"width": 768, "height": 1024}, base_url=live_server.url)
                for _ in range(2)]
    try:
        first, second = (context.new_page() for context in contexts)
        for tab in (first, second):
            log_in(tab, browser_login)
            tab.goto(f"/findings/{finding_id}/edit")

        first.fill("[data-testid=finding-text]", "Employers want one contact point per region.")
        first.click("[data-testid=save-finding]")
        expect(first).to_have_url(re.compile(rf"/activities/{activity_id}/findings$"))

        second.fill("[data-testid=finding-text]", "Employers want a single contact point.")
        second.click("[data-testid=save-finding]")
        expect(second.locator("[data-testid=conflict]")).to_be_visible()
        expect(second.locator("[data-testid=their-version]")).to_contain_text("one contact point per region")
        expect(second.locator("[data-testid=my-version]")).to_contain_text("a single contact point")
        second.screenshot(path="/tmp/capture-shots/conflict.png", full_page=True)
        with live_server.app.app_context():  # nothing overwritten
            assert db.session.get(Finding, finding_id).text == "Employers want one contact point per region."

        # Merge by hand and keep that.
        second.fill("[data-testid=finding-text]", "Employers want a single contact point per region.")
        second.click("[data-testid=keep-mine]")
        expect(second).to_have_url(re.compile(rf"/activities/{activity_id}/findings$"))
        with live_server.app.app_context():
            stored = db.session.get(Finding, finding_id)
            assert (stored.text, stored.version) == ("Employers want a single contact point per region.", 3)
    finally:
        for context in contexts:
            context.close()
