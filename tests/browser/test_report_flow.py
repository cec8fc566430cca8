"""An author links findings to a recommendation, builds the report, watches progress, downloads it."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import submit_login

pytestmark = pytest.mark.browser

AUTHOR_EMAIL = "author@example.test"
AUTHOR_PASSWORD = "another-long-password"


@pytest.fixture
def report_setup(live_server):
    from datetime import date

    from webapp.activities.services import ActivityInput, PartialDate, save_activity
    from webapp.auth.services import create_user, get_user_by_email
    from webapp.extensions import db
    from webapp.findings.models import Finding
    from webapp.reports.models import Recommendation, Report, ReportChapter
    from webapp.themes.models import Theme

    with live_server.app.app_context():
        if get_user_by_email(AUTHOR_EMAIL) is None:
            create_user(AUTHOR_EMAIL, "Bram Test", "author", AUTHOR_PASSWORD, locale="en")
        theme = Theme(code="modular-education", theme_group="recommendation", label_nl="Modulair onderwijs",
                      label_en="Modular education")
        activity = save_activity(None, ActivityInput(type="ln_meeting", title="Workshop Practical Learning",
                                                     starts=PartialDate(date(2023, 10, 30), "day")))
        findings = [Finding(activity=activity, text=f"Partial certificates help, says school {n}.", language="en",
                            kind="solution", themes=[theme]) for n in (1, 2)]
        report = Report(title_en="Browser report", title_nl="Browserrapport", chapters=[ReportChapter(
            theme=theme, recommendations=[Recommendation(title_en="Offer modules", title_nl="Bied modules aan")])])
        db.session.add_all([*findings, report])
        db.session.commit()
        yield {"report_id": report.id, "recommendation_id": report.chapters[0].recommendations[0].id,
               "finding_ids": [f.id for f in findings]}


def test_author_links_evidence_builds_and_downloads(page: Page, report_setup, tmp_path):
    submit_login(page, AUTHOR_EMAIL, AUTHOR_PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator("nav.main-nav").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Browser report").click()
    page.get_by_role("link", name=re.compile("Offer modules")).click()
    expect(page.get_by_test_id("evidence-total")).to_have_text("0 findings support this recommendation.")

    for finding_id in report_setup["finding_ids"]:
        page.get_by_test_id(f"candidate-{finding_id}").get_by_label("Supports").check()
    first = page.get_by_test_id(f"candidate-{report_setup['finding_ids'][0]}")
    first.get_by_label("Print under the recommendation").check()
    # a summary unless recorded as said: marked verbatim, with an attribution that needs no consent
    expect(first.get_by_test_id(f"printed-as-{report_setup['finding_ids'][0]}")).to_contain_text("summary")
    first.get_by_label("Verbatim").check()
    first.get_by_test_id(f"attribution-{report_setup['finding_ids'][0]}").select_option("none")
    page.get_by_test_id("save-evidence").click()
    expect(page.get_by_test_id(f"printed-as-{report_setup['finding_ids'][0]}")).to_contain_text("quote")
    expect(page.get_by_test_id("evidence-total")).to_have_text("2 findings support this recommendation.")
    expect(page.get_by_test_id("evidence-summary")).to_contain_text("Learning network meeting")
    # both findings come from learning-network meetings: the screen warns, and they now sit under "Linked"
    expect(page.get_by_test_id("one-source")).to_be_visible()
    expect(page.get_by_test_id("linked-evidence")).to_contain_text("school 1")
    page.select_option("select[name=kind]", "solution")
    page.get_by_test_id("apply-filters").click()
    expect(page).to_have_url(re.compile(r"kind=solution"))
    expect(page.get_by_test_id("candidate-count")).to_have_text("0 findings match.")

    page.goto(f"/reports/{report_setup['report_id']}")
    # before any build: no empty progress bar, just "no versions yet"
    expect(page.get_by_test_id("build-progress")).to_be_hidden()
    expect(page.get_by_test_id("build-state")).to_be_hidden()
    expect(page.get_by_test_id("versions")).to_contain_text("No versions built yet.")
    page.select_option("select[name=language]", "nl")
    page.get_by_test_id("start-build").click()
    # the state in words at once ("In the queue" or already "Laying out"), never a bare 0 %
    expect(page.get_by_test_id("build-state")).to_have_text(re.compile(r"^(In the queue|Laying out|Ready)"))
    link = page.get_by_test_id("download-link")
    expect(link).to_have_text("Download version 1 (NL, PDF)", timeout=30_000)
    expect(page.get_by_test_id("build-state")).to_have_text("Ready")
    # the new version is in the list without a reload
    expect(page.get_by_test_id("versions").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("versions")).to_contain_text("NL")
    page.screenshot(path="/tmp/browser-report-build.png")
    with page.expect_download() as download_info:
        link.click()
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")

    page.reload()
    expect(page.locator("#versions")).to_contain_text("NL")
