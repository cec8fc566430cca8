"""The strict Content-Security-Policy breaks nothing a facilitator uses, and "log out
everywhere" ends the sessions on other devices — in a real browser at tablet size."""
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from .test_activity_flow import log_in

pytestmark = pytest.mark.browser

#: Installed before any page script: every CSP violation on the page is kept.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


@pytest.fixture
def tagged_findings(live_server):
    """Two themes (one nested) and tagged findings, so the pages draw bars, indents and charts."""
    from webapp.activities.services import ActivityInput, PartialDate, save_activity
    from webapp.extensions import db
    from webapp.findings.services import FindingInput, create_finding
    from webapp.themes.models import Theme

    with live_server.app.app_context():
        if db.session.scalar(db.select(Theme).where(Theme.code == "csp-work")) is None:
            work = Theme(code="csp-work", theme_group="recommendation", label_nl="Werk", label_en="Work")
            child = Theme(code="csp-intern", theme_group="recommendation", label_nl="Stage", label_en="Internship",
                          parent=work)
            db.session.add_all([work, child])
            db.session.commit()
            activity = save_activity(None, ActivityInput(type="ln_meeting", title="CSP check",
                                                         starts=PartialDate(date(2024, 5, 1), "day")))
            for n, code in enumerate(["csp-work", "csp-intern", "csp-work"]):
                create_finding(FindingInput(activity_id=activity.id, text=f"Bevinding {n}", kind="bottleneck",
                                            language="nl", theme_codes=[code]), None)
        return db.session.scalar(db.select(Theme.id).where(Theme.code == "csp-work"))


def test_staff_pages_run_under_the_csp_without_a_single_violation(page: Page, browser_login, tagged_findings):
    page.add_init_script(WATCH_CSP)
    log_in(page, browser_login)
    for path in ("/", "/codebook/", "/analysis/evidence", "/analysis/findings", "/activities/", "/account"):
        response = page.goto(path)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("load")
        assert page.evaluate("window.__cspViolations") == [], path
    page.goto("/")
    widths = page.eval_on_selector_all("[data-testid=theme-counts] .bar", "els => els.map(e => e.style.width)")
    assert widths and widths[0] == "100%"  # page.js drew the bars
    page.goto("/analysis/evidence")
    indents = page.eval_on_selector_all("[data-indent]", "els => els.map(e => e.style.paddingInlineStart)")
    assert indents and all(indents) and len(set(indents)) >= 2  # the nested theme sits further in


def test_log_out_everywhere_ends_the_session_on_another_device(page: Page, browser, live_server, browser_login):
    from .conftest import TABLET_VIEWPORT

    other = browser.new_context(viewport=TABLET_VIEWPORT, base_url=live_server.url)
    try:
        tablet = other.new_page()
        log_in(tablet, browser_login)
        log_in(page, browser_login)
        page.goto("/account")
        page.once("dialog", lambda dialog: dialog.accept())  # "Log out on every device, this one included?"
        page.get_by_test_id("logout-everywhere").click()
        expect(page).to_have_url(re.compile(r"/login"))
        tablet.goto("/activities/")
        expect(tablet).to_have_url(re.compile(r"/login"))  # the other device is logged out too
    finally:
        other.close()
