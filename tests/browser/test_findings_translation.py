"""A facilitator adds a Dutch translation to an Arabic finding on the edit screen and sees it
beneath the original, which stays right-to-left (tablet, 768x1024)."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from .conftest import submit_login

pytestmark = pytest.mark.browser

ARABIC = "أصحاب العمل يريدون نقطة اتصال واحدة."
SCREENSHOTS = "/tmp/browser-findings-translation-{}.png"


@pytest.fixture(scope="module")
def arabic_finding(live_server):
    from webapp.activities.services import ActivityInput, PartialDate, save_activity
    from webapp.findings.services import FindingInput, create_finding

    with live_server.app.app_context():
        activity = save_activity(None, ActivityInput(type="maab", title="Adviesraad maart",
                                                     starts=PartialDate(date(2024, 3, 4), "day")))
        finding = create_finding(FindingInput(activity.id, ARABIC, "quote", "ar"), author=None)
        return {"activity_id": activity.id, "finding_id": finding.id}


def test_translate_an_arabic_finding_on_the_edit_screen(page: Page, browser_login: dict, arabic_finding):
    submit_login(page, browser_login["email"], browser_login["password"])
    expect(page).to_have_url(re.compile(r"/$"))

    page.goto(f"/findings/{arabic_finding['finding_id']}/edit")
    # the staff member's own language (Dutch) is offered for the translation of an Arabic original
    expect(page.locator("[data-testid=finding-translation-language]")).to_have_value("nl")
    page.fill("[data-testid=finding-translation-input]", "Werkgevers willen één loket.")
    page.screenshot(path=SCREENSHOTS.format("edit"), full_page=True)
    page.click("[data-testid=save-finding]")
    expect(page).to_have_url(re.compile(rf"/activities/{arabic_finding['activity_id']}/findings$"))

    item = page.locator(f"li[data-finding-id='{arabic_finding['finding_id']}']")
    expect(item.locator("[data-testid=finding-original]")).to_have_attribute("dir", "rtl")
    translation = item.locator("[data-testid=finding-translation] p[lang=nl]")
    expect(translation).to_have_text("Werkgevers willen één loket.")
    expect(translation).to_have_attribute("dir", "ltr")
    # beneath the original, not beside it, at tablet width
    original_box = item.locator("[data-testid=finding-original]").bounding_box()
    assert translation.bounding_box()["y"] >= original_box["y"] + original_box["height"]
    page.screenshot(path=SCREENSHOTS.format("list"), full_page=True)


def test_a_stored_translation_has_its_own_field_and_another_can_be_added(page: Page, browser_login: dict,
                                                                          arabic_finding):
    """After the Dutch translation (previous test), the edit screen shows it in its own field,
    in Dutch, and offers one more: an English translation lands beside the Dutch one."""
    submit_login(page, browser_login["email"], browser_login["password"])
    expect(page).to_have_url(re.compile(r"/$"))

    page.goto(f"/findings/{arabic_finding['finding_id']}/edit")
    dutch = page.locator("[data-testid=finding-translation-nl]")
    expect(dutch).to_have_value("Werkgevers willen één loket.")
    expect(dutch).to_have_attribute("lang", "nl")
    expect(page.get_by_label("Nog een vertaling (optioneel)")).to_be_visible()
    page.fill("[data-testid=finding-translation-input]", "Employers want one desk.")
    page.select_option("[data-testid=finding-translation-language]", "en")
    page.screenshot(path=SCREENSHOTS.format("second"), full_page=True)
    page.click("[data-testid=save-finding]")
    expect(page).to_have_url(re.compile(rf"/activities/{arabic_finding['activity_id']}/findings$"))

    item = page.locator(f"li[data-finding-id='{arabic_finding['finding_id']}']")
    expect(item.locator("[data-testid=finding-translation] p[lang=nl]")).to_have_text("Werkgevers willen één loket.")
    expect(item.locator("[data-testid=finding-translation] p[lang=en]")).to_have_text("Employers want one desk.")
