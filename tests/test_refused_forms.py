"""Post/redirect/get on every HTML form that can be refused (webapp/refused_forms.py).

A refused POST answers 303 to the page; its GET shows the error and what was typed, once;
a reload shows the plain form. What was typed waits in the database, never in the cookie,
for the user (and browser) who typed it only.
"""
from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from webapp.db_types import utcnow
from webapp.extensions import db
from webapp.refused_forms import STASH_LIFETIME, RefusedForm

from .conftest import text_of, follow_refused
from .test_activities import _form as activity_form

NOTE = "Typed note, kept 4711"


def _organisation(typed=NOTE):
    return {"name": "", "stakeholder_type": "network", "aliases": "", "notes": typed}


# (path, data, error shown after the redirect, text typed that comes back); {activity} is filled in.
STAFF_FORMS = [
    ("/organisations/new", _organisation(), "This field is required.", NOTE),
    ("/activities/new", activity_form(title="", notes="Notes typed 0815"), "This field is required.",
     "Notes typed 0815"),
    ("/codebook/new", {"label_nl": "Label typed 22", "label_en": "", "theme_group": "nonsense"},
     "Not a valid choice", "Label typed 22"),
    ("/reference/abbreviations/new", {"abbreviation": "", "definition_nl": "Definition typed 33", "definition_en": "x"},
     "This field is required.", "Definition typed 33"),
    ("/reference/good-examples/new", {"title_en": "", "results_en": "Results typed 44"}, "This field is required.",
     "Results typed 44"),
    ("/reports/sources/new", {"key": "bad key!", "citation_en": "Citation typed 55"}, "bad key!",
     "Citation typed 55"),
    ("/contributors/new", {"kind": "advisory_member", "name": "Name typed 66", "contact": "", "language": "xx"},
     "Not a valid choice", "Name typed 66"),
    ("/users/new", {"name": "User typed 77", "email": "seventyseven@example.test", "role": "author", "locale": "en",
                    "password": "short"}, "at least 10 characters", "User typed 77"),
    ("/users/invite", {"name": "Invitee typed 88", "email": "not an address", "role": "author", "locale": "en"},
     "e-mail address", "Invitee typed 88"),
    ("/feedback/new", {"activity_id": "{activity}", "title_en": "Round typed 99"}, "advisory-board session",
     "Round typed 99"),
    ("/capture/activities/{activity}", {"client_id": "{uuid}", "text": "Finding typed 111", "kind": "nonsense",
                                        "language": "en"}, "Unknown kind of finding.", "Finding typed 111"),
    ("/projects/new", {"slug": "learn", "name_nl": "Project typed 222", "status": "active", "lead_organisation_id": 0,
                       "codebook": "empty", "codebook_source": 0}, "learn", "Project typed 222"),
]


def _fill(data: dict, activity) -> dict:
    return {k: (v.format(activity=activity.id, uuid=uuid.uuid4()) if isinstance(v, str) else v) for k, v in data.items()}


@pytest.mark.parametrize("path, data, error, typed", STAFF_FORMS, ids=[case[0] for case in STAFF_FORMS])
def test_a_refused_staff_form_comes_back_once_after_a_redirect(client, auth, make_activity, path, data, error, typed):
    activity = make_activity()
    auth.login("admin", locale="en")
    path = path.format(activity=activity.id)
    posted = client.post(path, data=_fill(data, activity))
    page = follow_refused(client, posted).get_data(as_text=True)
    assert error in page and typed in page
    again = text_of(client.get(posted.location))  # a reload: the plain form
    assert typed not in again
    assert db.session.scalar(select(func.count()).select_from(RefusedForm)) == 0  # read once, then gone


def test_a_file_that_cannot_be_read_comes_back_with_its_error(client, auth, make_activity):
    activity = make_activity()
    auth.login("facilitator", locale="en")
    posted = client.post(f"/activities/{activity.id}/findings/import", content_type="multipart/form-data",
                         data={"file": (io.BytesIO(b"\x00\x01 not a table"), "findings.pdf")})
    page = follow_refused(client, posted).get_data(as_text=True)
    assert 'data-testid="import-problem"' in page or "class=\"error\"" in page
    assert "import-preview" not in page


def test_a_refused_form_is_not_shown_to_another_user_on_the_same_browser(client, auth):
    auth.login("author", locale="en")
    assert client.post("/organisations/new", data=_organisation()).status_code == 303
    auth.logout()
    auth.login("admin", locale="en")
    page = text_of(client.get("/organisations/new"))
    assert NOTE not in page and "This field is required." not in page


def test_a_refused_form_is_not_shown_in_another_browser(app, client, auth):
    auth.login("author", locale="en")
    refused = client.post("/organisations/new", data=_organisation())
    assert refused.status_code in (302, 303)
    other = app.test_client()
    from .conftest import AuthActions

    AuthActions(other).login("author", locale="en")  # the same user, another browser
    assert NOTE not in text_of(other.get(refused.location))
    assert NOTE in text_of(client.get(refused.location))


def test_what_was_typed_is_not_in_the_session_cookie(app, client, auth):
    auth.login("author", locale="en")
    typed = "Vertrouwelijk verslag " * 300  # longer than a cookie could hold
    client.post("/organisations/new", data=_organisation(typed))
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    session = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert "Vertrouwelijk" not in str(session) and "Vertrouwelijk" not in cookie.value
    (page, key), = session["refused"].items()  # only a random key for the page (by the page's hash)
    assert "organisations" not in page and len(key) > 30
    stored = db.session.scalar(select(RefusedForm))
    assert "Vertrouwelijk" in stored.state and stored.user_id is not None


def test_a_stale_refused_form_is_dropped(client, auth):
    auth.login("author", locale="en")
    refused = client.post("/organisations/new", data=_organisation())
    assert refused.status_code in (302, 303)
    db.session.execute(update(RefusedForm).values(created_at=utcnow() - STASH_LIFETIME - timedelta(minutes=1)))
    db.session.commit()
    assert NOTE not in text_of(client.get(refused.location))
    # ... and the next refusal anywhere clears whatever else is old
    client.post("/organisations/new", data=_organisation("another note"))
    db.session.execute(update(RefusedForm).values(created_at=utcnow() - 2 * STASH_LIFETIME))
    db.session.commit()
    client.post("/codebook/new", data={"label_nl": "x", "theme_group": "nonsense"})
    assert db.session.scalar(select(func.count()).select_from(RefusedForm)) == 1


def test_passwords_are_never_kept(client, auth):
    auth.login("admin", locale="en")
    client.post("/users/new", data={"name": "Someone", "email": "someone@example.test", "role": "author",
                                    "locale": "en", "password": "Secret7"})
    assert "Secret7" not in db.session.scalar(select(RefusedForm)).state


def test_the_api_still_answers_422_with_json(client, auth, make_activity):
    activity = make_activity()
    auth.login("facilitator", locale="en")
    response = client.post("/api/v1/findings", json={"client_id": str(uuid.uuid4()), "activity_id": activity.id,
                                                     "text": "", "kind": "quote", "language": "en", "themes": []})
    assert response.status_code == 422 and "text" in response.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(RefusedForm)) == 0


def test_a_public_answer_page_keeps_its_refused_answers_in_the_database_not_its_token(client):
    from .test_surveys_services import build_survey
    from .test_surveys_views import answer_form

    survey = build_survey()
    response, _ = answer_form(client, f"/s/{survey.public_token}", survey, None, ["2"], None, "25", "Meer pauzes")
    assert response.status_code == 303
    stored = db.session.scalar(select(RefusedForm))
    assert "Meer pauzes" in stored.state and stored.user_id is None
    assert survey.public_token not in stored.state + stored.page_hash
    page = follow_refused(client, response).get_data(as_text=True)
    assert "Meer pauzes</textarea>" in page
    assert response.headers["Cache-Control"] == "no-store"


def test_a_refused_new_recommendation_comes_back_in_the_chapters_new_box(client, auth):
    from .test_review_services import make_report

    report = make_report()
    chapter = report.chapters[0]
    auth.login("author", locale="en")
    refused = client.post(f"/reports/chapters/{chapter.id}/recommendations",
                          data={"title_en": "Typed title\x1b with a control character", "title_nl": "Typed title 333"})
    page = follow_refused(client, refused, page=f"/reports/chapters/{chapter.id}").get_data(as_text=True)
    assert "U+001B" in page and 'value="Typed title 333"' in page
    assert len(db.session.get(type(chapter), chapter.id).recommendations) == 2  # nothing added


def test_a_refused_review_round_keeps_the_chosen_chapters(client, auth):
    from webapp.reports.builds import start_build
    from webapp.review.services import today

    from .test_review_services import make_report, make_reviewers

    report = make_report()
    make_reviewers()
    version = start_build(report, "en", "docx", background=False)
    auth.login("author", locale="en")
    chapter = report.chapters[1]
    refused = client.post(f"/review/reports/{report.id}/rounds/new", data={  # no reviewer chosen
        "version_id": version.id, "due_on": (today() + timedelta(days=10)).isoformat(), "follows_id": 0,
        "activity_id": 0, "chapter": [chapter.id]})
    page = follow_refused(client, refused).get_data(as_text=True)
    assert "Choose at least one reviewer." in page
    assert f'name="chapter" value="{chapter.id}" checked' in page
    assert f'name="chapter" value="{report.chapters[0].id}" checked' not in page
