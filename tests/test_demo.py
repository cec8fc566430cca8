"""The demo data is the real LEARN project: check it against the numbers of the IOM report."""
from collections import Counter

import pytest
from sqlalchemy import func, select

from webapp.activities.models import Activity, activity_organisations
from webapp.extensions import db
from webapp.findings.models import Contributor, Finding, finding_themes
from webapp.projects.models import Project
from webapp.projects.scope import set_scope
from webapp.themes.models import Theme

from .conftest import text_of, load_demo_data


@pytest.fixture
def demo(runner):
    output = load_demo_data(runner)
    # The numbers below are LEARN's; the demo's second project (the pilot) is checked in test_projects.py.
    learn = db.session.scalar(select(Project).where(Project.slug == "learn"))
    set_scope(learn, (learn.id,))
    return output


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_activity_register_matches_the_report(demo):
    counts = dict(db.session.execute(select(Activity.type, func.count()).group_by(Activity.type)).all())
    assert counts == {"kickoff": 1, "ln_meeting": 10, "consultation": 40, "exchange": 2, "taking_stock": 2,
                      "maab": 3, "field_test": 26}


def test_spellings_are_merged_into_36_consulted_and_17_testing_organisations(demo):
    def distinct_organisations(activity_type):
        return db.session.scalar(
            select(func.count(func.distinct(activity_organisations.c.organisation_id)))
            .join(Activity, Activity.id == activity_organisations.c.activity_id).where(Activity.type == activity_type))

    assert distinct_organisations("consultation") == 36
    assert distinct_organisations("field_test") == 17
    unlinked = db.session.scalars(
        select(Activity.title).where(Activity.type.in_(["consultation", "field_test"]), ~Activity.organisations.any()))
    assert list(unlinked) == []


def test_codebook_and_advisory_board(demo):
    assert _count(Theme, Theme.theme_group == "recommendation", Theme.parent_id.is_(None)) == 6
    assert _count(Contributor, Contributor.kind == "advisory_member") == 9
    assert _count(Contributor, Contributor.name.is_not(None)) == 0  # demo members are pseudonyms only


def test_findings_are_tagged_and_multilingual(demo):
    total = _count(Finding)
    assert 140 <= total <= 170
    languages = Counter(db.session.scalars(select(Finding.language)))
    assert languages["nl"] > 40 and languages["en"] > 40 and languages["ar"] >= 2 and languages["ti"] >= 2
    untagged = _count(Finding, ~Finding.id.in_(select(finding_themes.c.finding_id)))
    assert untagged == 0
    maab_members = db.session.scalars(
        select(Finding.contributor_id).join(Activity).where(Activity.type == "maab")).all()
    assert maab_members and all(maab_members)


def test_loading_twice_adds_nothing(demo, runner):
    before = [_count(m) for m in (Activity, Finding, Theme, Contributor)]
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0
    assert [_count(m) for m in (Activity, Finding, Theme, Contributor)] == before
    assert "findings: 0 new" in result.output


def test_demo_prints_a_login_per_role(demo):
    for role in ("admin", "author", "facilitator", "advisor", "reviewer"):
        assert role in demo
    assert "klankbord-demo" in demo


def test_dashboard_shows_the_demo(client, auth, demo):
    client.post("/login", data={"email": "auteur@klankbord.test", "password": "klankbord-demo"})
    html = text_of(client.get("/p/learn/"))
    assert "Bijeenkomst lerend netwerk" in html
    assert "Laatst vastgelegd" in html
    client.post("/language", data={"language": "en"})
    assert "Learning network meeting" in text_of(client.get("/p/learn/"))


def test_demo_members_speak_the_language_they_are_registered_with(demo):
    """A member registered as Arabic-speaking says things in Arabic, not in Tigrinya or Dutch
    (the advisory-board findings and the demo feedback round alike)."""
    rows = db.session.execute(
        select(Finding.language, Contributor.language, Contributor.pseudonym_number).join(Finding.contributor)
        .where(Contributor.kind == "advisory_member", Finding.language.in_(["ar", "ti", "fa", "uk"]))).all()
    assert len(rows) >= 7
    assert [row for row in rows if row[0] != row[1]] == []


def test_demo_feedback_prompts_are_in_arabic_and_tigrinya(demo):
    from webapp.surveys.models import Survey

    survey = db.session.scalar(select(Survey).where(Survey.purpose == "feedback"))
    assert survey is not None and survey.questions
    for question in survey.questions:
        assert set(question.extra_labels) >= {"ar", "ti"}
    assert survey.extra_texts["ar"]["title"]
