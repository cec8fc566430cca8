"""A facilitator tags untagged findings in bulk and sees the evidence matrix change (768x1024)."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from .conftest import submit_login

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/browser-analysis-findings.png"


@pytest.fixture(scope="module")
def findings_data(live_server):
    """One tagged and five untagged findings at one meeting, and the theme to tag them with."""
    from webapp.activities.services import ActivityInput, PartialDate, save_activity
    from webapp.extensions import db
    from webapp.findings.models import Finding
    from webapp.themes.models import Theme

    with live_server.app.app_context():
        activity = save_activity(None, ActivityInput(type="ln_meeting", title="Werkplaats Zwolle",
                                                     starts=PartialDate(date(2024, 3, 4), "day")))
        theme = Theme(code="accompaniment", theme_group="topic", label_en="Accompaniment", label_nl="Begeleiding")
        db.session.add(theme)
        db.session.add(Finding(activity=activity, text="Een vaste werkbegeleider helpt.", language="nl",
                               kind="solution", themes=[theme]))
        for n in range(5):
            db.session.add(Finding(activity=activity, text=f"Nog te coderen bevinding {n}", language="nl",
                                   kind="observation"))
        db.session.commit()
        return {"theme_id": theme.id}


def log_in(page: Page, login: dict) -> None:
    submit_login(page, login["email"], login["password"])
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/p/learn/$"))


def theme_total(page: Page):
    return page.locator("[data-testid=matrix-activity-types] tr[data-code=accompaniment] [data-testid=theme-total]")


def test_tag_three_untagged_findings_and_see_the_matrix_change(page: Page, browser_login: dict, findings_data):
    log_in(page, browser_login)
    page.goto("/analysis/evidence")
    expect(theme_total(page)).to_have_text("1")

    page.goto("/analysis/findings")
    page.check("[data-testid=filter-untagged]")
    page.click("[data-testid=apply-filters]")
    expect(page).to_have_url(re.compile(r"[?&]untagged=1(&|$)"))
    findings = page.locator("[data-testid=finding]")
    expect(findings).to_have_count(5)

    for index in range(3):
        findings.nth(index).locator("input[name=finding_ids]").check()
    page.select_option("[data-testid=bulk-theme]", str(findings_data["theme_id"]))
    page.screenshot(path=SCREENSHOT, full_page=True)
    page.click("[data-testid=bulk-add]")

    expect(page).to_have_url(re.compile(r"[?&]untagged=1(&|$)"))  # back on the same filtered list
    expect(findings).to_have_count(2)
    page.goto("/analysis/evidence")
    expect(theme_total(page)).to_have_text("4")
    theme_total(page).locator("a").click()
    expect(page.locator("[data-testid=finding]")).to_have_count(4)
