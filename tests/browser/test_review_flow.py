"""A reviewer comments on two recommendations and submits; the author handles one comment;
after the due date the reviewer's link shows the round closed, their comments still readable."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

AUTHOR_EMAIL = "review-author@example.test"
AUTHOR_PASSWORD = "a-careful-editor-password"


@pytest.fixture
def review_setup(live_server):
    from webapp.auth.services import create_user, get_user_by_email
    from webapp.extensions import db
    from webapp.organisations.models import Organisation
    from webapp.reports.models import Recommendation, Report, ReportChapter
    from webapp.review.services import RoundInput, add_reviewer, open_round, today
    from webapp.themes.models import Theme

    with live_server.app.app_context():
        if get_user_by_email(AUTHOR_EMAIL) is None:
            create_user(AUTHOR_EMAIL, "Rita Author", "author", AUTHOR_PASSWORD, locale="en")
        theme = Theme(code="review-funding", theme_group="recommendation", label_nl="Financiering",
                      label_en="Funding")
        report = Report(title_en="Review draft", title_nl="Reviewconcept", chapters=[ReportChapter(
            theme=theme, intro_en="Money matters.", intro_nl="Geld doet ertoe.", recommendations=[
                Recommendation(position=0, title_en="Fund for several years", title_nl="Financier meerjarig",
                               body_en="Budgets of three years.", body_nl="Budgetten van drie jaar."),
                Recommendation(position=1, title_en="One desk for funding", title_nl="Eén loket",
                               body_en="One place to apply.", body_nl="Eén plek om aan te vragen.")])])
        organisation = Organisation(name="Gemeente Browserstad", stakeholder_type="municipality")
        db.session.add_all([report, organisation])
        db.session.flush()
        reviewer = add_reviewer("Berend Reviewer", "berend@example.test", organisation.id)
        db.session.commit()
        review_round, tokens = open_round(report, RoundInput(due_on=today() + timedelta(days=7),
                                                             reviewer_ids=[reviewer.id]))
        chapter = report.chapters[0]
        yield {"link": f"/r/{tokens[review_round.assignments[0].id]}", "round_id": review_round.id,
               "report_id": report.id, "chapter_id": chapter.id,
               "recommendation_ids": [r.id for r in chapter.recommendations]}


def _comment(page: Page, rec_id: int, relevance: str, workability: str, text: str) -> None:
    box = page.get_by_test_id(f"comment-rec-{rec_id}")
    box.locator(f"input[name=relevance][value='{relevance}']").check()
    box.locator(f"input[name=workability][value='{workability}']").check()
    box.locator("textarea").fill(text)
    box.get_by_role("button", name="Save comment").click()
    expect(page.get_by_test_id(f"comment-rec-{rec_id}").locator("textarea")).to_have_value(text)


def test_reviewer_comments_author_handles_round_closes(page: Page, browser, live_server, review_setup):
    first, second = review_setup["recommendation_ids"]
    # The reviewer: no login, only the personal link.
    page.goto(review_setup["link"])
    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_test_id(f"chapter-link-{review_setup['chapter_id']}").click()
    expect(page.get_by_text("Budgets of three years.")).to_be_visible()
    _comment(page, first, "5", "3", "Three years is what our council can commit to.")
    _comment(page, second, "4", "2", "One desk only works if the province joins.")
    page.screenshot(path="/tmp/browser-review-chapter.png", full_page=True)
    page.get_by_role("link", name="Overview and submit").click()
    expect(page.get_by_text("You have saved 2 comments.")).to_be_visible()
    page.get_by_test_id("submit-review").click()
    expect(page.get_by_test_id("round-submitted")).to_be_visible()
    expect(page.get_by_test_id("own-comment")).to_have_count(2)

    # The author, in a browser of their own.
    context = browser.new_context(viewport={"width": 768, "height": 1024}, base_url=live_server.url)
    author = context.new_page()
    try:
        author.goto("/login")
        author.fill("input[name=email]", AUTHOR_EMAIL)
        author.fill("input[name=password]", AUTHOR_PASSWORD)
        author.click("main form button[type=submit]")
        author.locator("nav.main-nav").get_by_role("link", name="Review").click()
        author.get_by_test_id(f"review-report-{review_setup['report_id']}").get_by_role(
            "link", name="Comments board").click()
        expect(author.get_by_test_id("board-progress")).to_have_text("0 of 2 comments handled")
        card = author.locator("article.review-card", has_text="Three years is what our council")
        expect(card).to_contain_text("Berend Reviewer")
        expect(card).to_contain_text("Gemeente Browserstad")
        card.locator("select[name=disposition]").select_option("incorporated")
        card.locator("textarea[name=response]").fill("We now name three years in 1.1.")
        card.get_by_role("button", name="Save").click()
        expect(author.get_by_test_id("board-progress")).to_have_text("1 of 2 comments handled")
        expect(author.locator("article.review-card.disposition-incorporated")).to_contain_text(
            "We now name three years in 1.1.")
        author.screenshot(path="/tmp/browser-review-board.png", full_page=True)
    finally:
        context.close()

    # The due date passes: the link still opens, says the round is closed, shows what was submitted.
    from webapp.extensions import db
    from webapp.review.models import ReviewRound
    from webapp.review.services import today

    with live_server.app.app_context():
        db.session.get(ReviewRound, review_setup["round_id"]).due_on = today() - timedelta(days=1)
        db.session.commit()
    page.goto(review_setup["link"])
    expect(page.get_by_test_id("round-closed")).to_have_text("This review round is closed")
    expect(page.get_by_test_id("own-comment")).to_have_count(2)
    expect(page.get_by_text("One desk only works if the province joins.")).to_be_visible()
    page.screenshot(path="/tmp/browser-review-closed.png", full_page=True)
