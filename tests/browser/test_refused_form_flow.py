"""A refused staff form in a real browser at tablet size: the error and the typed text come
back after a redirect, and reloading or going back never sends the form again.

The refused form is shown once (the stash is read once): a reload shows the plain form; going
back shows the form as it was left, with what was typed (the browser's own form restore)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .test_activity_flow import log_in

pytestmark = pytest.mark.browser

TYPED = "Typed on the tablet: Werkgeversservicepunt Zwolle, 14 deelnemers"


def test_a_refused_form_comes_back_and_a_reload_sends_nothing_again(page: Page, browser_login):
    log_in(page, browser_login)
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto("/organisations/new")
    page.fill("textarea[name=notes]", TYPED)  # the name is left empty: refused
    page.click("main form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/p/learn/organisations/new$"))  # redirected to the form (a GET)
    expect(page.locator("main .error").first).to_be_visible()
    expect(page.locator("textarea[name=notes]")).to_have_value(TYPED)
    assert len(posts) == 1

    page.reload()  # a reload is a GET of the form: nothing is sent again, nothing is asked
    expect(page).to_have_url(re.compile(r"/p/learn/organisations/new$"))
    assert len(posts) == 1 and dialogs == []
    expect(page.locator("main .error")).to_have_count(0)  # the error was for that one answer

    page.fill("textarea[name=notes]", TYPED)
    page.click("main form button[type=submit]")
    expect(page.locator("textarea[name=notes]")).to_have_value(TYPED)
    assert len(posts) == 2
    page.go_back()  # back: the form as it was before sending (the browser keeps what was typed)
    expect(page).to_have_url(re.compile(r"/p/learn/organisations/new$"))
    expect(page.locator("textarea[name=notes]")).to_have_value(TYPED)
    page.go_forward()  # forward to the refused form: a GET, its error was shown once already
    expect(page.locator("main .error")).to_have_count(0)
    assert len(posts) == 2 and dialogs == []  # nothing was sent again, no "Confirm form resubmission"
