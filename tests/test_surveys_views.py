"""Surveys through HTTP: organisers build and run them, respondents answer on public links."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.surveys.models import Invitation, Response, Survey
from webapp.surveys.answering import field_name
from webapp.surveys.services import create_invitations

from .conftest import text_of, follow_refused
from .test_surveys_services import build_survey, form_for


def count_responses() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def token_of(html: str) -> str:
    return re.search(r'name="submission_token"[^>]*value="([0-9a-f]{32})"', html).group(1)


def answer_form(client, url: str, survey: Survey, *answers, **extra):
    """Open the form as a respondent, then post it with its own submission token."""
    html = text_of(client.get(url))
    data = {"submission_token": token_of(html), **form_for(survey, *answers), **extra}
    return client.post(url, data=data), data


# --- organisers ------------------------------------------------------------------------------

def test_staff_build_preview_open_and_close_a_survey(client, auth, make_activity):
    activity = make_activity()
    auth.login("facilitator", locale="en")
    assert 'href="/p/learn/surveys/"' in text_of(client.get("/p/learn/"))  # the nav link
    response = client.post("/surveys/new", data={"title_nl": "Evaluatie", "title_en": "Evaluation",
                                                 "intro_en": "Five questions.", "activity_id": str(activity.id)})
    survey = db.session.scalar(select(Survey))
    assert response.status_code == 302 and response.location == f"/p/learn/surveys/{survey.id}"
    response = client.post(f"/surveys/{survey.id}/questions/new", data={
        "type": "single_choice", "label_nl": "Was het nuttig?", "label_en": "Was it useful?", "required": "y",
        "options_text": "Ja | Yes\nNee | No"})
    assert response.status_code == 302
    client.post(f"/surveys/{survey.id}/questions/new", data={"type": "text", "label_nl": "Tips?", "label_en": "Tips?"})

    # invalid: stays on the form with the message and the text typed
    response = follow_refused(client, client.post(f"/surveys/{survey.id}/questions/new", data={
        "type": "multiple_choice", "label_en": "Pick", "options_text": "Only one"}))
    assert "Give at least two options" in response.get_data(as_text=True)
    assert "\nPick</textarea>" in response.get_data(as_text=True) and "\nOnly one</textarea>" in response.get_data(as_text=True)

    english = text_of(client.get(f"/surveys/{survey.id}/preview/en"))
    dutch = text_of(client.get(f"/surveys/{survey.id}/preview/nl"))
    assert "Was it useful?" in english and "Yes" in english and "Was het nuttig?" not in english
    assert "Was het nuttig?" in dutch and "Ja" in dutch and '<html lang="nl">' in dutch
    assert "submission_token" not in english  # a preview cannot be sent

    assert client.post(f"/surveys/{survey.id}/open").status_code == 302
    db.session.expire_all()
    assert survey.status == "open"
    show = text_of(client.get(f"/surveys/{survey.id}"))
    assert f"/s/{survey.public_token}" in show
    qr = client.get(f"/surveys/{survey.id}/qr.svg")
    assert qr.status_code == 200
    assert qr.content_type == "image/svg+xml" and b"<svg" in qr.data

    client.post(f"/surveys/{survey.id}/open")  # illegal: stays open, with a message
    assert "Only a draft survey can be opened." in text_of(client.get(f"/surveys/{survey.id}"))
    client.post(f"/surveys/{survey.id}/close")
    db.session.expire_all()
    assert survey.status == "closed"


@pytest.mark.parametrize("role", ["advisor", "reviewer"])
def test_participants_cannot_manage_surveys(client, auth, role):
    survey = build_survey()
    auth.login(role)
    for url in ("/surveys/", f"/surveys/{survey.id}", f"/surveys/{survey.id}/results",
                f"/surveys/{survey.id}/responses.csv"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/surveys/{survey.id}/close").status_code == 403


# --- respondents -----------------------------------------------------------------------------

def test_public_link_answers_once_per_form_without_login(client):
    survey = build_survey()
    url = f"/s/{survey.public_token}"
    response, data = answer_form(client, url, survey, "1", ["1", "3"], "4", "3", "Meer pauzes")
    assert response.status_code == 302 and response.location == f"/s/{survey.public_token}/thanks"
    assert client.post(url, data=data).location == response.location  # reload / double tap
    assert count_responses() == 1
    thanks = client.get(response.location)
    assert thanks.status_code == 200 and "Meer pauzes" not in thanks.get_data(as_text=True)


def test_public_pages_show_no_staff_navigation_and_switch_language(client, auth):
    survey = build_survey()
    url = f"/s/{survey.public_token}"
    auth.login("facilitator")
    html = text_of(client.get(url))
    assert "main-nav" not in html and "/logout" not in html and "/activities/" not in html
    auth.logout()
    assert '<html lang="nl">' in text_of(client.get(url))
    assert "Wat is je rol?" in text_of(client.get(url))
    switched = client.post("/language", data={"language": "en", "next": url})
    assert switched.status_code in (302, 303)
    assert switched.location == url
    html = text_of(client.get(url))
    assert '<html lang="en">' in html and "What is your role?" in html


def test_invalid_answers_are_refused_with_messages_and_kept(client):
    survey = build_survey()
    client.post("/language", data={"language": "en"})
    response, _ = answer_form(client, f"/s/{survey.public_token}", survey, None, ["2"], None, "25", "Meer pauzes")
    # post/redirect/get: the refused form comes back on a GET, so "back" never asks to send again
    assert response.status_code == 303 and response.location == f"/s/{survey.public_token}"
    response = client.get(response.location)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and count_responses() == 0
    assert html.count("Please answer this question.") == 2 and "Please give a number from 0 to 20." in html
    assert 'value="25"' in html and "Meer pauzes</textarea>" in html
    assert re.search(rf'name="{field_name(survey.questions[1])}" value="2"\s+checked', html)
    # shown once: a reload starts clean
    assert "Please answer this question." not in text_of(client.get(f"/s/{survey.public_token}"))


def test_closed_draft_and_unknown_surveys_refuse_answers(client):
    survey = build_survey()
    html = text_of(client.get(f"/s/{survey.public_token}"))
    client.post("/language", data={"language": "en"})
    from webapp.surveys.services import close_survey

    close_survey(survey)
    response = client.post(f"/s/{survey.public_token}", data={"submission_token": token_of(html),
                                                              **form_for(survey, "1", None, "4", None, None)})
    assert response.status_code == 410 and "This survey is closed" in response.get_data(as_text=True)
    assert client.get(f"/s/{survey.public_token}/kiosk").status_code == 410
    assert count_responses() == 0
    draft = build_survey(open_it=False)
    assert client.get(f"/s/{draft.public_token}").status_code == 404
    assert client.get("/s/not-a-token").status_code == 404
    assert client.get("/i/not-a-token").status_code == 404


def test_kiosk_resets_for_the_next_person(client):
    survey = build_survey(ask_name=True)
    url = f"/s/{survey.public_token}/kiosk"
    response, _ = answer_form(client, url, survey, "3", ["1"], "5", "7", "Ik wil meer praktijk", name="Samira")
    assert response.status_code == 302 and response.location == url + "?sent=1"
    page = client.get(response.location)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert 'data-testid="kiosk-thanks"' in html
    assert "Samira" not in html and "Ik wil meer praktijk" not in html and 'value="7"' not in html
    assert "checked" not in html
    answer_form(client, url, survey, "1", None, "2", None, None, name="Joost")
    assert count_responses() == 2


def test_start_kiosk_logs_the_organiser_out(client, auth):
    survey = build_survey()
    auth.login("facilitator")
    response = client.post(f"/surveys/{survey.id}/kiosk")
    assert response.status_code in (302, 303)
    assert response.location == f"/s/{survey.public_token}/kiosk"
    assert client.get("/surveys/").status_code == 302  # back to the login page


def test_invitation_can_be_saved_resumed_and_used_once(client):
    survey = build_survey()
    invitation = create_invitations(survey, ["Werkgever X"])[0]
    url = f"/i/{invitation.token}"
    response, _ = answer_form(client, url, survey, "2", None, None, None, "Half af", action="save")
    assert response.status_code == 302 and count_responses() == 0
    resumed = text_of(client.get(url))
    assert "Half af</textarea>" in resumed and re.search(r'value="2"\s+checked', resumed)

    response, data = answer_form(client, url, survey, "2", None, "4", None, "Klaar")
    assert response.status_code == 302 and count_responses() == 1
    db.session.expire_all()
    stored = db.session.get(Invitation, invitation.id)
    assert stored.completed and stored.draft is None
    assert db.session.scalar(select(Response.invitation_id)) is None  # anonymous survey
    client.post("/language", data={"language": "en"})
    assert "already been used" in text_of(client.get(url))
    data["submission_token"] = "f" * 32  # a fresh form on the same link
    assert client.post(url, data=data).status_code == 200 and count_responses() == 1


# --- results ---------------------------------------------------------------------------------

def test_results_page_exports_and_findings(client, auth, make_activity):
    activity = make_activity()
    survey = build_survey(activity_id=activity.id)
    for answers in (("1", ["1"], "5", "2", "Meer Nederlandse les"), ("2", None, "4", None, None)):
        answer_form(client, f"/s/{survey.public_token}", survey, *answers)
    auth.login("author", locale="en")
    html = text_of(client.get(f"/surveys/{survey.id}/results"))
    assert re.search(r'data-testid="response-count">2<', html)
    assert html.count("<svg") == 3  # single, multiple, Likert
    assert "Meer Nederlandse les" in html and "50%" in html

    csv_response = client.get(f"/surveys/{survey.id}/responses.csv")
    assert csv_response.status_code == 200
    assert csv_response.content_type.startswith("text/csv") and csv_response.get_data(as_text=True).count("\n") == 3
    xlsx = client.get(f"/surveys/{survey.id}/responses.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"

    answer_id = int(re.search(r'/answers/(\d+)/finding', html).group(1))
    response = client.post(f"/surveys/{survey.id}/answers/{answer_id}/finding", data={"kind": "recommendation"})
    assert response.status_code == 302
    from webapp.findings.models import Finding

    finding = db.session.scalar(select(Finding))
    assert finding.activity_id == activity.id and finding.text == "Meer Nederlandse les"
    assert f"#{finding.id}" in text_of(client.get(f"/surveys/{survey.id}/results"))
