import uuid
from datetime import date

from webapp.activities.models import Activity
from webapp.extensions import db
from webapp.findings.models import Contributor, Finding
from webapp.organisations.models import Organisation
from webapp.organisations.services import OrganisationError, find_organisation, merge_organisations, save_organisation

import pytest

from .conftest import text_of, follow_refused


def _org(name, kind="network", aliases=()):
    return save_organisation(None, name, kind, list(aliases))


def test_found_by_any_spelling_ignoring_case(app):
    divosa = _org("Divosa", aliases=["DIVOSA "])
    assert find_organisation("divosa") is divosa
    assert find_organisation("  DIVOSA") is divosa
    assert find_organisation("Sigra") is None


def test_a_spelling_belongs_to_one_organisation(app):
    _org("Divosa", aliases=["DIVOSA"])
    with pytest.raises(OrganisationError):
        _org("Sigra", aliases=["divosa"])


def test_merge_keeps_every_link(app, make_activity):
    divosa = _org("Divosa")
    divosa_caps = _org("Divosa (vereniging)", aliases=["Divosa – Follow-up"])
    sigra = _org("SIGRA")
    both = make_activity(type="consultation", format="interview", title="Divosa",
                         organisation_ids=(divosa.id, divosa_caps.id))
    only_caps = make_activity(type="field_test", format="written_feedback", title="DIVOSA",
                              day=date(2024, 3, 1), organisation_ids=(divosa_caps.id, sigra.id))
    member = Contributor(kind="stakeholder", pseudonym_number=1, organisation=divosa_caps)
    finding = Finding(activity=only_caps, text="Too many rules", language="nl", kind="bottleneck",
                      organisation=divosa_caps, contributor=member, client_id=uuid.uuid4())
    db.session.add_all([member, finding])
    db.session.commit()

    merge_organisations(divosa_caps, divosa)

    assert db.session.scalars(db.select(Organisation.name).order_by(Organisation.name)).all() == ["Divosa", "SIGRA"]
    assert [o.name for o in db.session.get(Activity, both.id).organisations] == ["Divosa"]
    assert [o.name for o in db.session.get(Activity, only_caps.id).organisations] == ["Divosa", "SIGRA"]
    assert db.session.get(Finding, finding.id).organisation_id == divosa.id
    assert db.session.get(Contributor, member.id).organisation_id == divosa.id
    assert sorted(a.alias for a in divosa.aliases) == ["Divosa (vereniging)", "Divosa – Follow-up"]
    assert find_organisation("divosa – follow-up") is divosa


def test_merge_through_the_screen(client, auth):
    sigra = _org("SIGRA")
    sigra_lower = _org("Sigra netwerk")
    source_id = sigra_lower.id
    auth.login("author")
    page = text_of(client.get(f"/organisations/{sigra_lower.id}/merge"))
    assert "SIGRA" in page
    response = client.post(f"/organisations/{sigra_lower.id}/merge", data={"target_id": str(sigra.id)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, source_id) is None
    assert "Sigra netwerk" in text_of(client.get(f"/organisations/{sigra.id}"))


def test_merge_into_itself_is_refused(app):
    sigra = _org("SIGRA")
    with pytest.raises(OrganisationError):
        merge_organisations(sigra, sigra)


def test_facilitators_may_add_but_not_merge(client, auth):
    sigra = _org("SIGRA")
    auth.login("facilitator")
    response = client.post("/organisations/new", data={"name": "Open Embassy", "stakeholder_type": "ngo",
                                                       "aliases": "OpenEmbassy\nOpen embassy", "notes": ""})
    assert response.status_code == 302
    assert [a.alias for a in find_organisation("openembassy").aliases] == ["OpenEmbassy"]
    assert client.post(f"/organisations/{sigra.id}/merge", data={"target_id": "1"}).status_code == 403


def test_name_taken_by_an_alias_gives_a_translated_error(client, auth):
    _org("Divosa", aliases=["DIVOSA"])
    auth.login("author")
    response = follow_refused(client, client.post("/organisations/new", data={
        "name": "DIVOSA", "stakeholder_type": "network", "aliases": "", "notes": "kept note"}))
    html = response.get_data(as_text=True)
    assert "wordt al gebruikt door de organisatie Divosa" in html
    assert "kept note" in html
