"""A member opens "what became of your input" on a phone, in Arabic: right to left, their own
words with the recommendation that quotes them, the published report to download."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .test_feedback_member import PHONE, assert_accessible, assert_fits, axe_source  # noqa: F401

pytestmark = pytest.mark.browser

WORDS = "أريد مرشدًا ثابتًا في العمل."


def make_outcome_link(live_server) -> str:
    from webapp.activities.services import ActivityInput, save_activity
    from webapp.extensions import db
    from webapp.findings.models import Contributor, Finding
    from webapp.outcome.services import _new_link
    from webapp.reports.models import Recommendation, RecommendationFinding, Report, ReportChapter
    from webapp.reports.builds import start_build
    from webapp.reports.publishing import publish_version
    from webapp.themes.models import Theme

    with live_server.app.app_context():
        activity = save_activity(None, ActivityInput(type="maab", number=90, title="Advisory board 90"))
        member = Contributor(kind="advisory_member", pseudonym_number=90, language="ar", name="Hidden Name",
                             contact="member90@example.test")
        db.session.add(member)
        db.session.flush()
        finding = Finding(activity_id=activity.id, text=WORDS, language="ar", kind="quote", contributor_id=member.id)
        theme = Theme(code="mentor-90", theme_group="recommendation", label_nl="Begeleiding", label_en="Guidance")
        recommendation = Recommendation(position=0, title_nl="Eén vaste begeleider", title_en="One steady mentor")
        report = Report(title_nl="Eindrapport", title_en="Final report",
                        chapters=[ReportChapter(theme=theme, position=0, recommendations=[recommendation])])
        db.session.add_all([finding, report])
        db.session.flush()
        db.session.add(RecommendationFinding(recommendation_id=recommendation.id, finding_id=finding.id, quoted=True))
        db.session.commit()
        version = start_build(report, "en", "docx", background=False)
        publish_version(version)
        _link, token = _new_link(version, member)
        db.session.commit()
        return token


def test_a_member_reads_what_became_of_their_input_in_arabic_on_a_phone(browser, live_server, axe_source):  # noqa: F811
    token = make_outcome_link(live_server)
    context = browser.new_context(viewport=PHONE, base_url=live_server.url, accept_downloads=True)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(f"/o/{token}")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        expect(page.locator("html")).to_have_attribute("lang", "ar")
        expect(page.get_by_role("heading", level=1)).to_have_text("ما حدث لمساهمتك")
        expect(page.get_by_test_id("outcome-text")).to_have_text(WORDS)
        expect(page.get_by_test_id("outcome-use")).to_contain_text("مقتبسة في التوصية 1.1")
        expect(page.get_by_test_id("outcome-use")).to_contain_text("One steady mentor")
        assert "Hidden Name" not in page.content()
        assert_fits(page)
        assert_accessible(page, axe_source)
        download_button = page.get_by_test_id("outcome-download")
        expect(download_button).to_be_visible()
        with page.expect_download() as download:
            download_button.click()
        assert download.value.suggested_filename.endswith(".docx")
        # another token, or this one changed, shows the page that reveals nothing
        page.goto(f"/o/{token[:-2]}zz")
        expect(page.get_by_test_id("link-invalid")).to_be_visible()
        assert WORDS not in page.content()
    finally:
        context.close()
