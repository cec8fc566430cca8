"""A tablet passed round at a meeting: kiosk mode at 768x1024, answered in English and
then in Dutch; the organiser then sees both responses and the chart.

Interface texts are not asserted (the Dutch catalog may lack them): the steps use names,
values and data-testid attributes, and the survey's own bilingual content.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import submit_login

pytestmark = pytest.mark.browser


@pytest.fixture
def kiosk_survey(live_server):
    from tests.test_surveys_services import build_survey

    from webapp.extensions import db

    with live_server.app.app_context():
        survey = build_survey()
        token, survey_id = survey.public_token, survey.id
        questions = {q.type: f"q{q.id}" for q in survey.questions}
        db.session.remove()
    return {"token": token, "id": survey_id, "fields": questions}


def answer(page: Page, fields: dict, role: str, likert: str, number: str, text: str) -> None:
    page.check(f"input[name={fields['single_choice']}][value='{role}']")
    page.check(f"input[name={fields['multiple_choice']}][value='2']")
    page.check(f"input[name={fields['likert']}][value='{likert}']")
    page.fill(f"input[name={fields['number']}]", number)
    page.fill(f"textarea[name={fields['text']}]", text)


def test_kiosk_answers_in_two_languages_and_results(page: Page, kiosk_survey, browser_login, live_server):
    html = page.locator("html")
    fields = kiosk_survey["fields"]
    page.goto(f"/s/{kiosk_survey['token']}/kiosk")
    expect(page.locator("nav.main-nav")).to_have_count(0)

    # First person: English.
    page.click("[data-testid=language-en]")
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meeting evaluation")
    expect(page.locator("[data-testid=question-1]")).to_contain_text("What is your role?")
    answer(page, fields, role="2", likert="5", number="3", text="More time for questions")
    page.screenshot(path="/tmp/browser-survey-kiosk-filled.png", full_page=True)
    page.click("[data-testid=submit-survey]")

    # The form is empty for the next person, and shows nothing of the first one.
    expect(page).to_have_url(re.compile(r"/kiosk\?sent=1$"))
    expect(page.locator("[data-testid=kiosk-thanks]")).to_be_visible()
    expect(page.locator("input:checked")).to_have_count(0)
    expect(page.locator(f"input[name={fields['number']}]")).to_have_value("")
    expect(page.locator(f"textarea[name={fields['text']}]")).to_have_value("")
    expect(page.locator("main")).not_to_contain_text("More time for questions")

    # Second person: Dutch, and forgets a required question first.
    page.click("[data-testid=language-nl]")
    expect(html).to_have_attribute("lang", "nl")
    expect(page.locator("[data-testid=question-1]")).to_contain_text("Wat is je rol?")
    page.check(f"input[name={fields['likert']}][value='4']")
    page.fill(f"textarea[name={fields['text']}]", "Meer pauzes graag")
    page.click("[data-testid=submit-survey]")
    expect(page.locator("[data-testid=form-errors]")).to_be_visible()
    expect(page.locator("fieldset.question.has-error")).to_have_count(1)
    expect(page.locator(f"textarea[name={fields['text']}]")).to_have_value("Meer pauzes graag")  # kept
    expect(page.locator(f"input[name={fields['likert']}][value='4']")).to_be_checked()
    page.check(f"input[name={fields['single_choice']}][value='3']")
    page.click("[data-testid=submit-survey]")
    expect(page.locator("[data-testid=kiosk-thanks]")).to_be_visible()
    expect(page.locator("input:checked")).to_have_count(0)

    # The organiser's results: two responses and the chart.
    submit_login(page, browser_login["email"], browser_login["password"])
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto(f"/surveys/{kiosk_survey['id']}/results")
    expect(page.locator("[data-testid=response-count]")).to_have_text("2")
    chart = page.locator("[data-testid=chart-1] svg")
    expect(chart).to_be_visible()
    expect(page.locator("[data-testid=chart-1]")).to_contain_text("Statushouder")
    expect(page.locator("[data-testid=result-5]")).to_contain_text("Meer pauzes graag")
    page.screenshot(path="/tmp/browser-survey-results.png", full_page=True)


def test_an_abandoned_kiosk_form_starts_again_empty(page: Page, kiosk_survey, live_server):
    """Someone walks away mid-way (here with an error on screen): after a quiet while the
    tablet shows an empty form, so the next person never sees the previous answers."""
    live_server.app.config["KIOSK_IDLE_SECONDS"] = 1
    try:
        fields = kiosk_survey["fields"]
        page.goto(f"/s/{kiosk_survey['token']}/kiosk")
        page.fill(f"textarea[name={fields['text']}]", "My private remark")
        page.click("[data-testid=submit-survey]")  # required questions missing: errors, answers kept
        expect(page.locator("[data-testid=form-errors]")).to_be_visible()
        expect(page.locator(f"textarea[name={fields['text']}]")).to_have_value("My private remark")
        expect(page.locator(f"textarea[name={fields['text']}]")).to_have_value("", timeout=5_000)
        expect(page.locator("[data-testid=form-errors]")).to_have_count(0)
        expect(page.locator("main")).not_to_contain_text("My private remark")
    finally:
        live_server.app.config["KIOSK_IDLE_SECONDS"] = 180
