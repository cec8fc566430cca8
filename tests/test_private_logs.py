"""Logs never hold user text: hostile strings go in everywhere, then the captured log is read."""
from __future__ import annotations

import logging

import pytest

from webapp.extensions import db
from webapp.themes.models import Theme

# The same on SQLite and PostgreSQL: bin/test runs this module on SQLite only.
pytestmark = pytest.mark.same_on_every_database

#: Words a person said, with the characters that made libraries complain about them.
SECRET = "geheimwoord"
HOSTILE = [f"{SECRET} voor\x00na", f"{SECRET}\x0bregel", f"{SECRET}\x1b[31m", f"{SECRET}\ufffe",
           f"{SECRET} \ud83d half"]


@pytest.fixture
def log(caplog):
    # Alembic's fileConfig (a migration test earlier in the run) disables existing loggers.
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("webapp"):
            logging.getLogger(name).disabled = False
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.mark.server_error  # the view is made to fail: the test reads what the log keeps of it
def test_an_unhandled_error_quoting_user_text_is_logged_by_type_only(app, client, auth, make_activity, log,
                                                                       monkeypatch):
    from webapp.findings import routes

    activity = make_activity()

    def explode(*args, **kwargs):
        raise ValueError(f"IllegalCharacterError: {HOSTILE[0]} cannot be used in worksheets")

    monkeypatch.setattr(routes, "export_xlsx", explode)
    auth.login("facilitator", locale="en")
    assert client.get(f"/activities/{activity.id}/findings.xlsx").status_code == 500
    assert "ValueError" in log.text and "findings" in log.text
    assert SECRET not in log.text


@pytest.mark.server_error
def test_an_unhandled_api_error_is_logged_by_type_only(app, client, auth, make_activity, log, monkeypatch):
    from webapp.api import routes

    activity = make_activity()

    def explode(*args, **kwargs):
        raise RuntimeError(f"text fields cannot contain NUL: {HOSTILE[0]}")

    monkeypatch.setattr(routes, "list_findings", explode)
    auth.login("facilitator", locale="en")
    response = client.get(f"/api/v1/findings?activity_id={activity.id}")
    assert response.status_code == 500 and response.is_json
    assert "RuntimeError" in log.text and SECRET not in log.text


def test_a_failed_report_build_logs_the_type_not_the_text(app, log, monkeypatch):
    from webapp.reports import builds

    from .test_review_services import make_report

    def broken(*args, **kwargs):
        raise ValueError(f"All strings must be XML compatible: {HOSTILE[0]}")

    monkeypatch.setattr(builds, "render_file", broken)
    version = builds.start_build(make_report(), "en", "docx", background=False)
    assert version.status == "failed"
    assert "ValueError" in log.text and SECRET not in log.text


def test_hostile_text_through_every_way_in_leaves_no_trace_in_the_log(app, client, auth, make_activity, log):
    from .test_surveys_services import build_survey
    from .test_surveys_views import answer_form

    activity = make_activity()
    db.session.add(Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding"))
    db.session.commit()
    survey = build_survey()
    auth.login("facilitator", locale="en")
    for text in HOSTILE:
        client.post("/api/v1/findings", json={"client_id": "3f2b8c9e-4d1a-4c57-9a0e-2b7f5d8c1e64",
                                               "activity_id": activity.id, "text": text, "kind": "bottleneck",
                                               "language": "en", "themes": [text]})
        if "\ud83d" in text:
            continue  # a form post cannot carry a lone surrogate (no browser can encode one)
        client.post(f"/capture/activities/{activity.id}", data={"text": text, "kind": "bottleneck",
                                                                "language": "nl"})
        client.post("/organisations/new", data={"name": text, "stakeholder_type": "employer", "notes": text})
        answer_form(client, f"/s/{survey.public_token}", survey, "1", None, "4", "3", text)
    assert SECRET not in log.text
