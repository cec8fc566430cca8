"""The audit log: who did what to which object and when, without personal data; the admin
screen with filters and paging; the CSV export; a person's data on request (GDPR art. 15)."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from webapp.audit.models import AuditEntry
from webapp.audit.services import AuditDetailRefused, record_audit
from webapp.auth.models import User
from webapp.db_types import utcnow
from webapp.extensions import db

from .test_activities import _form
from .test_contributors_erasure import CONTACT, NAME, _member_with_contributions
from .test_feedback_member import ARABIC_ANSWER
from .conftest import text_of


def _entries(**where):
    query = select(AuditEntry).order_by(AuditEntry.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEntry, key) == value)
    return list(db.session.scalars(query))


def test_create_change_delete_and_export_are_logged_with_who_and_never_what_was_written(client, auth):
    auth.login("facilitator")
    facilitator = db.session.scalar(select(User).where(User.role == "facilitator"))
    client.post("/activities/new", data=_form(title="Werkbezoek Geheime Titel"))
    (created,) = _entries(object_kind="activity", action="create")
    assert created.actor_id == facilitator.id and created.object_id == 1
    client.post("/activities/1/edit", data=_form(title="Werkbezoek Andere Titel", notes="Vertrouwelijk"))
    changes = _entries(object_kind="activity", action="update")
    (changed,) = changes
    assert "title" in changed.detail["fields"] and "notes" in changed.detail["fields"]
    assert client.get("/activities/1/findings.csv").status_code == 200
    (exported,) = _entries(action="export")
    assert (exported.object_kind, exported.object_id, exported.detail["format"]) == ("activity", 1, "csv")
    everything = json.dumps([[e.action, e.object_kind, e.subject, e.detail] for e in _entries()])
    assert "Geheime" not in everything and "Vertrouwelijk" not in everything


def test_details_with_free_text_are_refused(app):
    with pytest.raises(AuditDetailRefused):
        record_audit(None, "update", "finding", 1, {"text": "Mijn naam is Amal"})
    with pytest.raises(AuditDetailRefused):
        record_audit(None, "update", "finding", 1, {"Said by": 1})
    record_audit(None, "update", "finding", 1, {"fields": ["text", "kind"], "count": 2})


def test_admin_screen_filters_pages_and_exports_csv_safely(app, client, auth):
    auth.login("admin")
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    other = User(email="o@example.test", name="=HYPERLINK(\"http://evil.example\")", role="author", locale="nl",
                 password_hash="x")
    db.session.add(other)
    db.session.commit()
    long_ago = utcnow() - timedelta(days=400)
    for n in range(60):
        record_audit(admin.id, "update", "theme", n)
    db.session.add(AuditEntry(action="delete", object_kind="finding", object_id=7, detail={}, actor_id=other.id,
                              created_at=long_ago))
    db.session.commit()

    first = text_of(client.get("/audit/?kind=theme"))
    assert "60 regels" in first and 'data-testid="audit-next"' in first
    assert client.get("/audit/?kind=theme&page=2").status_code == 200
    by_other = text_of(client.get(f"/audit/?user={other.id}"))
    assert "1 regel" in by_other and "finding" in by_other
    period = (long_ago - timedelta(days=1)).date().isoformat(), (long_ago + timedelta(days=1)).date().isoformat()
    in_period = text_of(client.get(f"/audit/?since={period[0]}&until={period[1]}"))
    assert "1 regel" in in_period

    body = text_of(client.get(f"/audit.csv?user={other.id}"))
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[1][3].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    assert _entries(action="export", object_kind="audit_log")  # the export of the log is logged too


def test_only_admins_see_the_audit_log(client, auth):
    auth.login("author")
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit.csv").status_code == 403


def test_a_persons_data_in_one_zip_for_admins_only(client, auth, make_activity):
    _survey, member_id = _member_with_contributions(client, make_activity)
    auth.login("facilitator")
    assert client.get(f"/contributors/{member_id}/personal-data.zip").status_code == 403
    auth.logout()
    auth.login("admin", locale="en")
    assert f"/contributors/{member_id}/personal-data.zip" in text_of(client.get("/contributors/"))
    response = client.get(f"/contributors/{member_id}/personal-data.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "consents.json", "contributions.json", "person.json",
                                              "where_used.json"]
        person = json.loads(archive.read("person.json"))
        contributions = json.loads(archive.read("contributions.json"))
        consents = json.loads(archive.read("consents.json"))
    assert (person["name"], person["contact"]) == (NAME, CONTACT)
    assert ARABIC_ANSWER in [a["answer"] for a in contributions["answers"]]
    assert ARABIC_ANSWER in [f["text"] for f in contributions["findings"]]
    assert consents["personal_links"][0]["consented_at"]
    (entry,) = _entries(action="export", object_kind="contributor")
    assert entry.object_id == member_id and NAME not in json.dumps(entry.detail)
