"""Codebook screens: who may change it, and the downloads."""
from __future__ import annotations

import io

from sqlalchemy import select

from tests.test_analysis_helpers import make_finding, make_theme
from webapp.extensions import db
from webapp.themes.models import Theme

from .conftest import text_of, follow_refused


def test_facilitators_read_the_codebook_but_do_not_change_it(client, auth):
    make_theme("work")
    auth.login("facilitator", locale="en")
    page = client.get("/codebook/")
    assert page.status_code == 200 and b'data-code="work"' in page.data
    assert client.get("/codebook/new").status_code == 403
    assert client.post("/codebook/import").status_code == 403


def test_author_adds_moves_archives_and_merges(client, auth, make_activity):
    auth.login("author", locale="en")
    parent = make_theme("work", group="learning-network")
    response = client.post("/codebook/new", data={"label_nl": "Taalmaatje", "label_en": "Language buddy",
                                                  "theme_group": "topic", "parent_id": parent.id, "code": ""})
    assert response.status_code == 302
    buddy = db.session.scalar(select(Theme).where(Theme.code == "language-buddy"))
    assert buddy.parent_id == parent.id

    response = follow_refused(client, client.post(f"/codebook/{buddy.id}/edit", data={
        "label_nl": "Taalmaatje (nieuw)", "label_en": "Language buddy", "theme_group": "topic", "parent_id": buddy.id,
        "code": "language-buddy"}))  # not under itself: not even offered
    assert 'value="Taalmaatje (nieuw)"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Theme, buddy.id).parent_id == parent.id

    client.post(f"/codebook/{buddy.id}/archive")
    db.session.expire_all()
    assert db.session.get(Theme, buddy.id).archived

    finding = make_finding(make_activity(), "x", [parent])
    target = make_theme("werk")
    response = client.post(f"/codebook/{parent.id}/merge", data={"target_id": target.id})
    assert response.status_code == 302
    db.session.expire_all()
    from webapp.findings.models import Finding

    assert [t.code for t in db.session.get(Finding, finding.id).themes] == ["werk"]
    assert "merged into" in text_of(client.get("/codebook/"))


def test_csv_import_upload_and_exports(client, auth, make_activity):
    auth.login("author", locale="en")
    csv_text = "code,parent,group,label_en,label_nl\nwork,,learning-network,Work,Werk\nbuddy,work,topic,Buddy,Maatje\n"
    response = client.post("/codebook/import", data={"file": (io.BytesIO(("\ufeff" + csv_text).encode()), "c.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert db.session.scalar(select(Theme).where(Theme.code == "buddy")).parent.code == "work"

    bad = client.post("/codebook/import", data={"file": (io.BytesIO(b"code,label_en\nx,y\n"), "c.csv")},
                      content_type="multipart/form-data")
    assert b"lacks the columns" in follow_refused(client, bad).data

    exported = client.get("/codebook/codebook.csv")
    assert exported.status_code == 200
    assert exported.mimetype == "text/csv" and "attachment" in exported.headers["Content-Disposition"]
    assert exported.get_data(as_text=True).lstrip("\ufeff").startswith("code,parent,group")
    assert client.get("/codebook/codebook.qdc").data.startswith(b"<?xml")
    assert client.get("/codebook/project.qdpx").data[:2] == b"PK"


def test_findings_leave_the_platform_only_for_authors(client, auth):
    auth.login("facilitator", locale="en")
    assert client.get("/codebook/project.qdpx").status_code == 403
