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
    # and two fictional examples beside them (sample data: a conversation, and a meeting with a survey)
    assert counts == {"kickoff": 1, "ln_meeting": 10, "consultation": 40, "exchange": 2, "taking_stock": 2,
                      "maab": 3, "field_test": 26, "sample": 2}


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
    assert _count(Contributor, Contributor.kind == "advisory_member", Contributor.sample.is_(False)) == 9
    assert _count(Contributor, Contributor.name.is_not(None)) == 0  # demo members are pseudonyms only


def test_findings_are_tagged_and_multilingual(demo):
    total = _count(Finding)
    assert 140 <= total <= 170
    languages = Counter(db.session.scalars(select(Finding.language)))
    assert languages["nl"] > 40 and languages["en"] > 40 and languages["ar"] >= 2 and languages["ti"] >= 2
    untagged = _count(Finding, ~Finding.id.in_(select(finding_themes.c.finding_id)))
    assert untagged == 0
    # The IOM report attributes to the advisory board as a group, never to a member: no board finding has one.
    maab = db.session.scalars(select(Finding.contributor_id).join(Activity).where(Activity.type == "maab")).all()
    assert maab and not any(maab)


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


def test_no_demo_finding_names_a_real_organisation_without_its_place_in_the_seed(demo):
    """Issue 22: a finding tied to a real organisation (its own, its activity's, or one its text
    names) summarises what the IOM report says and cites where; what is made up to show a feature
    is a fictional example's, by fictional persons, and names no real organisation."""
    from webapp.organisations.models import Organisation, OrganisationAlias

    names = {n.lower() for n in db.session.scalars(select(Organisation.name))} | {
        a.lower() for a in db.session.scalars(select(OrganisationAlias.alias))}
    names = {n for n in names if len(n) > 3}  # "IW", "SER", "SAM", "UAF": words as much as names
    findings = db.session.scalars(select(Finding)).all()
    assert len(findings) > 100
    for finding in findings:
        activity = finding.activity
        if activity.type == "sample":
            assert finding.organisation is None and not activity.organisations
            assert finding.contributor is None or finding.contributor.sample
            assert not any(name in finding.text.lower() for name in names), finding.text
            continue
        assert finding.source_reference.startswith(("IOM 2024 ·", "IOM 2024,")), (finding.id, finding.text)
        assert finding.contributor is None or finding.contributor.kind == "stakeholder"  # reviewers, never the board
    sample = [f for f in findings if f.activity.type == "sample"]
    assert sample and all(f.contributor is not None and f.contributor.sample for f in sample if f.verbatim)
    assert {"ar", "ti", "en"} <= {f.language for f in sample if f.verbatim}


def test_the_board_is_nine_pseudonyms_and_every_quote_is_a_fictional_persons(demo):
    board = db.session.scalars(select(Contributor).where(Contributor.kind == "advisory_member",
                                                         Contributor.sample.is_(False))).all()
    assert len(board) == 9 and not db.session.scalar(
        select(func.count()).select_from(Finding).where(Finding.contributor_id.in_([c.id for c in board])))
    fictional = db.session.scalars(select(Contributor).where(Contributor.sample.is_(True))).all()
    assert fictional and all(str(c.pseudonym).startswith(("Fictieve persoon", "Fictional person")) for c in fictional)


def test_good_examples_keep_their_source_and_the_coa_pilots_are_no_box_of_the_learn_report(demo):
    from webapp.reference.models import GoodExample
    from webapp.reports.models import ReportBox, ReportChapter

    examples = {e.title_en: e for e in db.session.scalars(select(GoodExample))}
    assert all(e.source for e in examples.values())
    assert examples["Almere pilot 'Towards employment'"].source.startswith("COA")
    assert any(title.startswith("HIT Foundation") for title in examples)
    assert not any(c.good_examples for c in db.session.scalars(select(ReportChapter)))
    titles = " ".join(b.title_en for b in db.session.scalars(select(ReportBox)))
    assert "Almere" not in titles and "pilot" not in titles.lower()
    assert not any("status holder" in text.lower() for e in examples.values()
                   for text in (e.target_group_en, e.partners_en, e.results_en))


def test_the_demo_survey_and_feedback_round_belong_to_a_fictional_example(demo):
    from webapp.surveys.models import Survey

    for survey in db.session.scalars(select(Survey)):
        assert db.session.get(Activity, survey.activity_id).type == "sample", survey.title_en


def test_the_demo_photos_belong_to_a_fictional_example_and_the_wall_holds_its_findings(demo):
    """Photos made up to show the feature are not of a real meeting (issue 22's rule for sample data)."""
    from webapp.photos.models import Photo, PhotoFinding

    photos = db.session.scalars(select(Photo).order_by(Photo.id)).all()
    assert len(photos) == 2 and {p.activity.type for p in photos} == {"sample"}
    wall, flip_chart = photos
    assert wall.cleared_at is not None and flip_chart.cleared_at is None  # names on it: stays private
    typed = db.session.scalars(select(PhotoFinding).where(PhotoFinding.photo_id == wall.id)).all()
    assert len(typed) == 6 and all(link.finding.activity_id == wall.activity_id for link in typed)
