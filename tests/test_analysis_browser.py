"""The findings browser: filters, pages, bulk tagging, and a constant number of queries."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.test_analysis_helpers import bulk_findings, make_finding, make_theme
from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.organisations.models import Organisation
from .conftest import text_of


def shown_ids(response) -> list[int]:
    import re

    return [int(i) for i in re.findall(r'data-finding-id="(\d+)"', response.get_data(as_text=True))]


@pytest.fixture
def data(app, make_activity):
    meeting = make_activity(type="ln_meeting", title="Meeting", day=date(2023, 5, 1))
    consultation = make_activity(type="consultation", title="Talk", day=date(2024, 2, 1))
    work = make_theme("work", group="learning-network")
    buddy = make_theme("buddy", parent=work)
    other = make_theme("other")
    findings = {
        "buddy": make_finding(meeting, "buddy at work", [buddy], stakeholder_type="employer"),
        "work": make_finding(consultation, "work itself", [work], stakeholder_type=None, language="nl"),
        "other": make_finding(consultation, "something else", [other], kind="solution", stakeholder_type="municipality"),
        "untagged": make_finding(meeting, "not tagged yet", [], stakeholder_type="employer"),
    }
    return {"findings": {k: f.id for k, f in findings.items()}, "themes": {"work": work.id, "buddy": buddy.id,
            "other": other.id}, "meeting": meeting.id}


@pytest.mark.parametrize("query, expected", [
    ({"untagged": "1"}, {"untagged"}),
    ({"theme": "work"}, {"work", "buddy"}),  # a theme includes its sub-themes
    ({"theme": "buddy"}, {"buddy"}),
    ({"activity_type": "consultation"}, {"work", "other"}),
    ({"activity": "meeting"}, {"buddy", "untagged"}),
    ({"kind": "solution"}, {"other"}),
    ({"stakeholder_type": "none"}, {"work"}),
    ({"stakeholder_type": "employer"}, {"buddy", "untagged"}),
    ({"language": "nl"}, {"work"}),
    ({"from": "2024-01-01"}, {"work", "other"}),
    ({"to": "2023-12-31"}, {"buddy", "untagged"}),
    ({"kind": "no-such-kind", "from": "not-a-date", "theme": "x"}, {"buddy", "work", "other", "untagged"}),
])
def test_filters(client, auth, data, query, expected):
    auth.login("facilitator", locale="en")
    args = {k: data["themes"].get(v, data["meeting"] if k == "activity" else v) for k, v in query.items()}
    response = client.get("/analysis/findings", query_string=args)
    assert response.status_code == 200
    assert set(shown_ids(response)) == {data["findings"][k] for k in expected}


def test_bulk_add_and_remove_a_theme(client, auth, data):
    auth.login("facilitator", locale="en")
    ids = [data["findings"]["untagged"], data["findings"]["other"]]
    response = client.post("/analysis/findings/tag", data={
        "finding_ids": ids, "theme_id": data["themes"]["buddy"], "action": "add", "next": "/analysis/findings?untagged=1"})
    assert response.status_code == 302 and response.location == "/analysis/findings?untagged=1"
    tagged = client.get("/analysis/findings", query_string={"theme": data["themes"]["buddy"]})
    assert set(shown_ids(tagged)) == {data["findings"]["buddy"], *ids}
    assert shown_ids(client.get("/analysis/findings?untagged=1")) == []

    client.post("/analysis/findings/tag", data={"finding_ids": ids, "theme_id": data["themes"]["buddy"],
                                               "action": "remove"})
    assert shown_ids(client.get("/analysis/findings?untagged=1")) == [data["findings"]["untagged"]]


def test_bulk_tagging_refuses_archived_themes_and_foreign_redirects(client, auth, data):
    auth.login("facilitator", locale="en")
    archived = make_theme("archived", archived=True)
    response = client.post("/analysis/findings/tag", data={
        "finding_ids": [data["findings"]["untagged"]], "theme_id": archived.id, "next": "https://evil.example/"},
        follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.location == "/p/learn/analysis/findings"
    assert db.session.get(Finding, data["findings"]["untagged"]).themes == []
    page = text_of(client.get("/analysis/findings"))
    assert "Archived themes cannot be added" in page


def test_pages(client, auth, app, make_activity):
    auth.login("facilitator", locale="en")
    bulk_findings(make_activity(), 60)
    first = shown_ids(client.get("/analysis/findings?per_page=25"))
    last = shown_ids(client.get("/analysis/findings?per_page=25&page=3"))
    assert len(first) == 25 and len(last) == 10 and not set(first) & set(last)
    assert "Page 3 of 3" in text_of(client.get("/analysis/findings?page=99"))


def test_advisory_board_members_see_no_browser(client, auth):
    auth.login("advisor", locale="en")
    assert client.get("/analysis/findings").status_code == 403
    assert client.post("/analysis/findings/tag", data={}).status_code == 403


def _queries_for(client, count_queries, url):
    client.get(url)  # warm-up: the first request loads the user, the catalog, ...
    with count_queries() as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [
    "/analysis/findings", "/analysis/findings?q=werkgevers&theme=1", "/analysis/findings?untagged=1&per_page=100",
    "/analysis/evidence", "/codebook/",
])
def test_queries_do_not_grow_with_the_number_of_findings(client, auth, app, make_activity, count_queries, url):
    auth.login("facilitator", locale="en")
    activity = make_activity()
    organisation = Organisation(name="Werkgever BV", stakeholder_type="employer")
    db.session.add(organisation)
    themes = [make_theme(f"theme-{n}") for n in range(4)]
    make_theme("child", parent=themes[0])
    bulk_findings(activity, 45, themes)
    bulk_findings(activity, 5)  # every page has something to show at both sizes
    db.session.execute(Finding.__table__.update().values(organisation_id=organisation.id))
    db.session.commit()
    at_50 = _queries_for(client, count_queries, url)
    bulk_findings(activity, 1950, themes)
    bulk_findings(activity, 100)  # untagged ones too
    assert db.session.scalar(select(db.func.count(Finding.id))) == 2100
    assert _queries_for(client, count_queries, url) == at_50


def test_the_total_follows_every_change_and_each_project_counts_its_own(client, auth, make_activity):
    """The total is kept between requests until data changes (issue 17): it must never show
    an old number, nor another project's."""
    import re

    from webapp.findings.services import delete_finding
    from webapp.projects.models import Project
    from webapp.projects.scope import in_project

    def total(url):
        html = text_of(client.get(url, as_written=True))
        return re.search(r'data-testid="finding-count">([^<]*)<', html).group(1)

    auth.login("admin", locale="en")
    activity = make_activity()
    bulk_findings(activity, 3)
    search = "/p/learn/analysis/findings?q=werkgevers"
    assert total(search) == "3 findings" and total(search) == "3 findings"
    bulk_findings(activity, 2)
    assert total(search) == "5 findings"
    delete_finding(db.session.scalars(select(Finding)).first())
    db.session.commit()
    assert total(search) == "4 findings"
    other = Project(slug="other", name_nl="Ander", name_en="Other")
    db.session.add(other)
    db.session.commit()
    with in_project(other):
        bulk_findings(make_activity(), 1)
    assert total(search) == "4 findings"  # kept for this data: the other project must not get it
    assert total("/p/other/analysis/findings?q=werkgevers") == "1 finding"
