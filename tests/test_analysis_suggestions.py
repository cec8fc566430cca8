"""Theme suggestions: learned from tagged findings, shown as chips, never applied silently."""
from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from tests.test_analysis_helpers import make_finding, make_theme
from webapp.analysis import suggestions
from webapp.analysis.models import RejectedSuggestion
from webapp.extensions import db
from webapp.findings.models import Finding, finding_themes
from .conftest import text_of

LANGUAGE_TEXTS = [
    "Taalles op de werkvloer helpt bij het leren van vaktaal.",
    "The language course should teach the vocabulary of the job.",
    "Nederlandse taal leren gaat sneller met een taalmaatje op het werk.",
    "Language lessons in the classroom are too general for the workplace.",
    "Taalcoaching en vaktaal horen bij elk leerwerktraject.",
]
MONEY_TEXTS = [
    "De financiering van trajecten stopt als het projectgeld op is.",
    "Funding for work-study programmes ends with the pilot budget.",
    "Gemeenten missen structureel geld voor de begeleiding na de subsidie.",
    "Structural funding is needed instead of project subsidies.",
    "Zonder financiering van de overheid stoppen goede pilots.",
]


@pytest.fixture
def trained(app, make_activity):
    app.config["JOBS_INLINE"] = True  # the training job runs before the page answers
    activity = make_activity()
    language, funding = make_theme("language"), make_theme("funding", group="recommendation")
    for text in LANGUAGE_TEXTS:
        make_finding(activity, text, [language])
    for text in MONEY_TEXTS:
        make_finding(activity, text, [funding])
    untagged = make_finding(activity, "Meer vaktaal en taalles op het werk, graag met een taalcoach.", [])
    return {"language": language, "funding": funding, "untagged": untagged}


def tag_count() -> int:
    return db.session.scalar(select(func.count()).select_from(finding_themes))


def test_suggests_the_theme_the_text_is_about(trained):
    result = suggestions.suggestions_for([trained["untagged"]])
    assert [s.theme.code for s in result[trained["untagged"].id]][:1] == ["language"]


def test_showing_suggestions_never_tags(client, auth, trained):
    auth.login("facilitator", locale="en")
    before = tag_count()
    page = text_of(client.get("/analysis/findings?untagged=1&suggest=1"))
    assert 'data-theme-code="language"' in page
    assert tag_count() == before


def test_accept_tags_and_reject_is_remembered(client, auth, trained):
    auth.login("facilitator", locale="en")
    finding, language = trained["untagged"], trained["language"]
    client.post(f"/analysis/findings/{finding.id}/suggestions/{language.id}/reject",
                data={"next": "/analysis/findings?suggest=1"})
    assert db.session.scalar(select(func.count()).select_from(RejectedSuggestion)) == 1
    assert "language" not in [s.theme.code for s in suggestions.suggestions_for([finding])[finding.id]]
    assert tag_count() == 10

    response = client.post(f"/analysis/findings/{finding.id}/suggestions/{trained['funding'].id}/accept",
                           data={"next": "/analysis/findings?suggest=1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert [t.code for t in db.session.get(Finding, finding.id).themes] == ["funding"]


def test_demo_precision_on_a_held_out_split(app):
    """The figure in docs/benchmarks.md, checked loosely: clearly better than guessing."""
    from webapp.demo.services import load_demo

    load_demo()
    examples = suggestions.training_examples()
    assert len(examples) >= 150
    random.Random(0).shuffle(examples)
    cut = int(len(examples) * 0.8)
    model = suggestions.train([(text, ids) for _id, text, ids in examples[:cut]])
    held_out = examples[cut:]
    found = model.suggest([text for _id, text, _ids in held_out])
    shown = sum(len(f) for f in found)
    right = sum(1 for (_id, _text, ids), f in zip(held_out, found) for theme_id, _p in f if theme_id in ids)
    # 26 themes, about 2.5 per finding: a random chip is right about one time in ten.
    assert shown >= 10 and right / shown >= 0.3
    # Nothing was written: the held-out findings still have exactly their own themes.
    assert tag_count() == sum(len(ids) for _id, _text, ids in examples)



def test_the_page_never_waits_for_training_and_shows_chips_when_ready(app, client, auth, make_activity):
    """Training is a job: the first page says the model is being learned; a later one shows chips."""
    import time

    from webapp.jobs.models import Job

    activity = make_activity()
    language, funding = make_theme("language"), make_theme("funding", group="recommendation")
    for text in LANGUAGE_TEXTS:
        make_finding(activity, text, [language])
    for text in MONEY_TEXTS:
        make_finding(activity, text, [funding])
    make_finding(activity, "Meer vaktaal en taalles op het werk, graag met een taalcoach.", [])
    auth.login("facilitator", locale="en")
    from unittest import mock

    started = mock.patch("webapp.jobs.local.submit")  # hold the job back: the page must not wait for it
    with started:
        first = text_of(client.get("/analysis/findings?untagged=1&suggest=1"))
    assert 'data-testid="suggestions-pending"' in first and "accept-suggestion" not in first
    job = db.session.scalar(select(Job).where(Job.kind == "train_suggestions"))
    assert job.state == "queued"
    from webapp.jobs.services import run_job

    run_job(job.id)  # the worker does its work
    assert db.session.get(Job, job.id).state == "done"
    later = text_of(client.get("/analysis/findings?untagged=1&suggest=1"))
    assert 'data-testid="suggestions-pending"' not in later and 'data-testid="accept-suggestion"' in later
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1  # no second training: tags unchanged
