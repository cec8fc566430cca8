"""Names only on admin screens; erasure removes the person from every table and export."""
from __future__ import annotations

from sqlalchemy import JSON, String, Text, func, select

from webapp.audit.models import AuditEntry
from webapp.contributors.erasure import ERASED_HERE, PERSONAL_DATA
from webapp.extensions import db
from webapp.findings.models import Contributor, Finding
from webapp.surveys.models import Invitation, Response

from .test_feedback_member import ARABIC_ANSWER, agree, choose, make_round, send
from .conftest import text_of

NAME = "Member Name 1"
CONTACT = "06-12345671"


def tables_containing(*needles: str) -> list[str]:
    """Every table and text column (JSON included) where one of `needles` occurs."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, (String, Text, JSON))]
        for row in db.session.execute(select(*columns)).all() if columns else ():
            for column, value in zip(columns, row):
                if value is not None and any(needle in str(value) for needle in needles):
                    found.append(f"{table.name}.{column.name}")
    return sorted(set(found))


def _member_with_contributions(client, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "ar")
    agree(client, link)
    send(client, survey, link, ARABIC_ANSWER, "Meer stageplekken.")
    return survey, link.contributor_id


def test_only_admins_see_names_and_contact(client, auth, make_activity):
    _survey, member_id = _member_with_contributions(client, make_activity)
    auth.login("facilitator", locale="en")
    assert client.get("/contributors/").status_code == 403
    assert client.get(f"/contributors/{member_id}/erase").status_code == 403
    auth.logout()
    auth.login("admin", locale="en")
    html = text_of(client.get("/contributors/"))
    assert NAME in html and CONTACT in html and "Advisory board member 1" in html


def test_admin_adds_a_member_with_the_next_pseudonym(client, auth, make_activity):
    make_round(make_activity)
    auth.login("admin", locale="en")
    client.post("/contributors/new", data={"kind": "advisory_member", "name": "Yonas T.", "contact": "yonas@example.test",
                                           "language": "ti"})
    member = db.session.scalar(select(Contributor).where(Contributor.name == "Yonas T."))
    assert member.pseudonym_number == 2 and member.language == "ti"


def test_erasing_the_identity_keeps_the_words_under_the_pseudonym(client, auth, make_activity):
    survey, member_id = _member_with_contributions(client, make_activity)
    assert tables_containing(NAME, CONTACT) == ["contributors.contact", "contributors.name"]
    auth.login("admin", locale="en")
    response = client.post(f"/contributors/{member_id}/erase", data={"scope": "identity", "confirm": "y"})
    assert response.status_code == 302
    assert tables_containing(NAME, CONTACT) == []
    member = db.session.get(Contributor, member_id)
    assert member.name is None and member.contact is None and member.pseudonym_number == 1
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0  # links erased
    assert {f.contributor_id for f in db.session.scalars(select(Finding))} == {member_id}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action.like("erase_%")))
    assert entry.action == "erase_identity" and entry.subject == "advisory_member:1"
    assert entry.detail == {"links": 1, "findings": 0, "responses": 0, "photos": 0, "review_comments": 0,
                            "report_versions_withdrawn": 0}
    for url in (f"/activities/{survey.activity_id}/findings.csv", f"/activities/{survey.activity_id}/findings.xlsx",
                "/contributors/", f"/feedback/{survey.id}/contributions"):
        body = client.get(url).get_data()
        assert NAME.encode() not in body and CONTACT.encode() not in body, url


def test_erasing_everything_removes_the_words_too(client, auth, make_activity):
    survey, member_id = _member_with_contributions(client, make_activity)
    auth.login("admin", locale="en")
    refused = client.post(f"/contributors/{member_id}/erase", data={"scope": "everything"})
    assert refused.status_code == 303 and db.session.get(Contributor, member_id) is not None  # not without "cannot be undone"
    # A refused form that still holds the person's words (not shown again yet) goes with the erasure too.
    kept = client.post(f"/contributors/{member_id}/edit", data={"name": NAME, "contact": CONTACT, "language": "xx"})
    assert kept.status_code == 303 and tables_containing(NAME, CONTACT) == ["contributors.contact", "contributors.name",
                                                                           "refused_forms.state"]
    client.post(f"/contributors/{member_id}/erase", data={"scope": "everything", "confirm": "y"})
    assert tables_containing(NAME, CONTACT, ARABIC_ANSWER, "Meer stageplekken.") == []
    assert db.session.get(Contributor, member_id) is None
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert db.session.scalar(select(func.count()).select_from(Finding).execution_options(include_deleted=True)) == 0
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action.like("erase_%")))
    assert entry.detail == {"links": 1, "findings": 2, "responses": 1, "photos": 0, "review_comments": 0,
                            "report_versions_withdrawn": 0}
    assert ("erase_everything", "advisory_member:1") == (entry.action, entry.subject)
    html = text_of(client.get("/contributors/"))
    assert "Everything erased" in html and NAME not in html


def test_an_erased_members_link_gets_the_page_that_reveals_nothing(client, auth, make_activity):
    survey, (link,) = make_round(make_activity)
    token = link.token
    auth.login("admin", locale="en")
    client.post(f"/contributors/{link.contributor_id}/erase", data={"scope": "identity", "confirm": "y"})
    auth.logout()
    assert client.get(f"/f/{token}").status_code == 404


def test_every_table_that_points_at_a_contributor_is_erased(app):
    """A table with a foreign key to contributors is erased by contributors/erasure.py itself
    or by the PersonalData its feature registered there; a new one that is neither fails here."""
    pointing = {table.name for table in db.metadata.sorted_tables
                if any(fk.column.table.name == "contributors" for fk in table.foreign_keys)} | {"contributors"}
    registered = {name for part in PERSONAL_DATA for name in part.tables}
    assert sorted(pointing - set(ERASED_HERE) - registered) == []
    assert sorted((set(ERASED_HERE) | registered) - {table.name for table in db.metadata.sorted_tables}) == []
