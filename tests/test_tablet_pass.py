"""Small faults found in the tablet pass (issue 14): icon, form markup, labels, dates."""
from __future__ import annotations

from datetime import datetime, timezone

from webapp.extensions import db
from webapp.findings.models import Finding
from .conftest import text_of


def test_the_favicon_is_served_to_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon" and response.data[:4] == b"\x00\x00\x01\x00"


def test_fields_without_help_have_no_describedby(client, auth):
    auth.login("admin", locale="en")
    for url in ("/activities/new", "/organisations/new", "/users/new"):
        html = text_of(client.get(url))
        assert 'aria-describedby="None"' not in html, url


def test_tables_have_no_empty_header_cells(client, auth, make_activity):
    auth.login("admin", locale="en")
    for url in ("/users/", "/feedback/", "/review/"):
        html = text_of(client.get(url))
        assert "<th></th>" not in html, url


def test_the_number_question_type_is_getal_in_dutch(client, auth, make_activity):
    from webapp.surveys.services import SurveyInput, save_survey

    survey = save_survey(None, SurveyInput(title_nl="Enquête", title_en="Survey", activity_id=make_activity().id))
    auth.login("facilitator", locale="nl")
    html = text_of(client.get(f"/surveys/{survey.id}/questions/new"))
    assert ">Getal<" in html and ">Nummer<" not in html


def test_english_dates_are_day_month_year(client, auth, make_activity):
    activity = make_activity()
    db.session.add(Finding(activity=activity, text="Een bevinding.", kind="quote", language="nl",
                           created_at=datetime(2026, 11, 3, 14, 5, tzinfo=timezone.utc)))
    db.session.commit()
    auth.login("facilitator", locale="en")
    html = text_of(client.get(f"/activities/{activity.id}/findings"))
    assert "03/11/2026, 15:05" in html and "11/3/26" not in html
