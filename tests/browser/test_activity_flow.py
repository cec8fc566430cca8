"""A facilitator's flow through the activity register, in a real browser at tablet size.

Texts on screen are only asserted in English (after the language switch): the Dutch
catalog may or may not be compiled, so Dutch is checked through `<html lang>` only.
Steps that run before the switch find elements by name, value or data-testid.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import submit_login

pytestmark = pytest.mark.browser

TITLE = "Working visit Tablet Test Kitchen"
FORM_SCREENSHOT = "/tmp/browser-activity-form.png"
ERRORS_SCREENSHOT = "/tmp/browser-activity-form-errors.png"


def log_in(page: Page, login: dict) -> None:
    submit_login(page, login["email"], login["password"])
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/p/learn/$"))  # the dashboard


def filter_list(page: Page, activity_type: str) -> None:
    """Filter the activity list by type with the form, as a user would."""
    page.select_option("form.filters select[name=type]", activity_type)
    page.get_by_role("button", name="Filter").click()
    # Wait for the filtered page before asserting on the table, or the old one is read.
    expect(page).to_have_url(re.compile(rf"[?&]type={activity_type}(&|$)"))
    expect(page.locator("form.filters select[name=type]")).to_have_value(activity_type)


def test_create_and_filter_activity(page: Page, browser_login: dict):
    html = page.locator("html")

    page.goto("/login")
    expect(html).to_have_attribute("lang", "nl")  # Dutch for a first-time visitor
    log_in(page, browser_login)
    expect(html).to_have_attribute("lang", "nl")  # the user's own language

    page.click("[data-testid=switch-language]")
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/$"))  # the switch returns to the same page
    nav = page.locator("nav.main-nav")
    expect(nav).to_contain_text("Activities")

    nav.get_by_role("link", name="Activities", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activities")
    page.get_by_role("link", name="New activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New activity")

    page.select_option("select[name=type]", "ln_meeting")
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=format]", "working_visit")
    page.fill("input[name=starts]", "2024-02-12")
    page.screenshot(path=FORM_SCREENSHOT, full_page=True)  # for a human to look at
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/activities/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".flash")).to_have_text("Activity saved.")

    page.get_by_role("link", name="All activities").click()
    activity_list = page.locator("[data-testid=activity-list]")
    expect(activity_list).to_contain_text(TITLE)

    filter_list(page, "ln_meeting")
    expect(page.locator("form.filters select[name=type] option:checked")).to_have_text("Learning network meeting")
    expect(activity_list).to_contain_text(TITLE)

    filter_list(page, "consultation")
    expect(activity_list).not_to_contain_text(TITLE)


def test_invalid_activity_is_not_saved_and_keeps_input(page: Page, browser_login: dict, live_server):
    # Only names and values here, no texts: this test does not switch the language.
    title = "Advisory board session in the future"
    future_date = "2099-03-15"
    starts = page.locator("input[name=starts]")
    save = page.locator("main form[method=post] button[type=submit]")

    log_in(page, browser_login)
    page.goto("/activities/new")
    expect(page.locator("input[name=status][value=held]")).to_be_checked()  # the default

    # 1. No title: the form's own validation refuses it.
    page.select_option("select[name=type]", "maab")
    page.fill("input[name=starts]", future_date)
    page.fill("textarea[name=notes]", "Notes that must survive the error.")
    save.click()

    expect(page.locator(".field.has-error input[name=title]")).to_be_visible()
    expect(page.locator(".error").first).to_be_visible()
    expect(starts).to_have_value(future_date)
    expect(page.locator("select[name=type]")).to_have_value("maab")
    expect(page.locator("textarea[name=notes]")).to_have_value("Notes that must survive the error.")
    expect(page.locator("input[name=status][value=held]")).to_be_checked()

    # 2. With a title, the register's rule refuses a held activity dated in the future.
    #    (Checked in a second round: the form validation above stops before that rule runs.)
    page.fill("input[name=title]", title)
    save.click()

    expect(page.locator(".field.has-error input[name=starts]")).to_be_visible()
    expect(page.locator(".field.has-error input[name=title]")).to_have_count(0)
    expect(starts).to_have_value(future_date)
    expect(page.locator("input[name=title]")).to_have_value(title)
    page.screenshot(path=ERRORS_SCREENSHOT, full_page=True)  # for a human to look at

    # Nothing stored: not in the list, and not in the database either.
    page.goto("/activities/")
    activity_list = page.locator("[data-testid=activity-list]")
    expect(activity_list).to_be_visible()
    expect(activity_list).not_to_contain_text(title)
    expect(activity_list).not_to_contain_text("2099")

    from sqlalchemy import func, select

    from webapp.activities.models import Activity
    from webapp.extensions import db

    with live_server.app.app_context():
        stored = db.session.scalar(select(func.count()).select_from(Activity)
                                   .where((Activity.title == title) | (Activity.type == "maab")))
    assert stored == 0
