"""Two user-facing flows of issue 12 in Chromium at tablet size:

1. A respondent pastes text holding a control character (as Word and phones produce): the
   form comes back with the error beside the question and the text still typed in.
2. The organiser gives a personal link a last day and then revokes it; the link then
   shows only the "not valid" page.
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from .conftest import submit_login

pytestmark = pytest.mark.browser


@pytest.fixture
def survey_with_link(live_server):
    from tests.test_surveys_services import build_survey

    from webapp.extensions import db
    from webapp.surveys.services import create_invitations

    with live_server.app.app_context():
        survey = build_survey()
        link, = create_invitations(survey, ["Gemeente Utrecht"])
        data = {"id": survey.id, "token": survey.public_token, "link": link.token, "link_id": link.id,
                "fields": {q.type: f"q{q.id}" for q in survey.questions}}
        db.session.remove()
    return data


def test_a_pasted_control_character_is_shown_with_the_text_kept(page: Page, survey_with_link):
    fields = survey_with_link["fields"]
    page.goto(f"/s/{survey_with_link['token']}")
    page.check(f"input[name={fields['single_choice']}][value='1']")
    page.check(f"input[name={fields['likert']}][value='4']")
    page.fill(f"textarea[name={fields['text']}]", "Meer pauzes\u001b graag")
    page.click("[data-testid=submit-survey]")
    expect(page.locator("main")).to_contain_text("U+001B")
    expect(page.locator(f"textarea[name={fields['text']}]")).to_have_value(re.compile("Meer pauzes.*graag"))
    expect(page.locator(f"input[name={fields['likert']}][value='4']")).to_be_checked()


def test_the_organiser_extends_then_revokes_a_personal_link(page: Page, survey_with_link, browser_login,
                                                               live_server):
    from webapp.surveys.services import today

    submit_login(page, browser_login["email"], browser_login["password"])
    expect(page).to_have_url(re.compile(r"/$"))

    link_id = survey_with_link["link_id"]
    page.goto(f"/surveys/{survey_with_link['id']}/invitations")
    row = page.locator(f"[data-testid=invitation-{link_id}]")
    with live_server.app.app_context():
        last_day = today() + timedelta(days=10)
    row.locator("input[type=date]").fill(last_day.isoformat())
    row.locator("form button[type=submit]").first.click()
    row = page.locator(f"[data-testid=invitation-{link_id}]")
    expect(row.locator("input[type=date]")).to_have_value(last_day.isoformat())
    page.screenshot(path="/tmp/browser-survey-links.png", full_page=True)

    page.once("dialog", lambda dialog: dialog.accept())
    row.locator(f"[data-testid=revoke-{link_id}]").click()
    expect(page.locator(f"[data-testid=revoke-{link_id}]")).to_have_count(0)

    response = page.goto(f"/i/{survey_with_link['link']}")
    assert response.status == 404
    expect(page.locator("main")).not_to_contain_text("Evaluatie bijeenkomst")
