"""Every way in refuses the same characters: imports, public survey, member and reviewer pages, CLI.

Each case is what a user would notice: the page (or file preview) says what is wrong, keeps
what was typed, and nothing is stored. The same tests run on PostgreSQL (bin/test), which
would answer a stored NUL with a server error.
"""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.surveys.models import Answer, Invitation, Response
from webapp.themes.models import Theme

from .conftest import follow_refused, text_of
from .test_feedback_member import agree, choose, make_round, send
from .test_review_routes import reviewed  # noqa: F401  (fixture)
from .test_surveys_services import build_survey
from .test_surveys_views import answer_form


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model).execution_options(include_deleted=True))


def refused_page(client, response):
    """A refused answer is shown again after a redirect (post/redirect/get), with the errors."""
    return follow_refused(client, response)


def test_a_public_survey_answer_with_a_nul_comes_back_with_the_error_and_the_text(client, make_activity):
    survey = build_survey()
    response, _data = answer_form(client, f"/s/{survey.public_token}", survey, "1", None, "4", "3", "voor\x00na")
    response = refused_page(client, response)
    page = response.get_data(as_text=True)
    assert "U+0000" in page and "voor" in page and "na</textarea>" in page
    assert count(Response) == 0 and count(Answer) == 0
    # a vertical tab (Word) is simply a new line
    response, _data = answer_form(client, f"/s/{survey.public_token}", survey, "1", None, "4", "3", "regel\x0bnieuw")
    assert response.status_code == 302
    assert db.session.scalar(select(Answer.value).where(Answer.value.like("regel%"))) == "regel\nnieuw"


def test_an_over_long_survey_answer_keeps_the_text(client):
    survey = build_survey()
    long_text = "woord " * 1000
    response, _data = answer_form(client, f"/s/{survey.public_token}", survey, "1", None, "4", "3", long_text)
    response = refused_page(client, response)
    assert "5000" in response.get_data(as_text=True)
    assert long_text.strip() in response.get_data(as_text=True)
    assert count(Response) == 0


def test_a_member_answer_with_a_control_character_is_refused_in_arabic_and_kept(client, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "ar")
    agree(client, link)
    response = refused_page(client, send(client, survey, link, "جواب\x1bهنا"))
    page = response.get_data(as_text=True)
    assert "U+001B" in page and "رمز تحكم" in page and "جواب" in page
    assert count(Response) == 0 and count(Finding) == 0
    # saving a draft with the same text keeps it (as far as PostgreSQL's JSON allows) instead of failing
    response = send(client, survey, link, "جواب\x00هنا", action="save")
    assert response.status_code in (302, 303)
    db.session.expire_all()
    draft = db.session.get(Invitation, link.id).draft
    assert draft is None or "\x00" not in str(draft)


def test_an_over_long_member_answer_keeps_the_text(client, make_activity):
    survey, (link,) = make_round(make_activity)
    choose(client, link, "en")
    agree(client, link)
    long_text = "x" * 6000
    response = refused_page(client, send(client, survey, link, long_text, language="en"))
    assert long_text in response.get_data(as_text=True)
    assert count(Response) == 0


def test_reviewer_comment_too_long_or_with_nul_comes_back_with_the_text(client, reviewed):  # noqa: F811
    report = reviewed["report"]
    chapter = report.chapters[0]
    rec = chapter.recommendations[0]
    long_text = "Een heel lange reactie. " * 500  # 12,000 characters
    for text, message in ((long_text, "10000"), ("Reactie\x00met NUL", "U+0000")):
        response = client.post(f"{reviewed['url1']}/comments", data={
            "target": "recommendation", "chapter_id": chapter.id, "recommendation_id": rec.id, "relevance": "3",
            "text": text})
        response = follow_refused(client, response, page=f"/chapters/{chapter.id}")
        page = response.get_data(as_text=True)
        assert message in page.replace(",", "").replace(".", "")
        assert text.replace("\x00", "")[:40] in page.replace("\x00", "")
        assert 'name="relevance" value="3" checked' in page
    response = client.post(f"{reviewed['url1']}/comments", data={"target": "report", "text": "Rapport\x1b"})
    response = follow_refused(client, response, page=reviewed["url1"].split("?")[0])
    assert "U+001B" in response.get_data(as_text=True) and "Rapport" in response.get_data(as_text=True)
    assert reviewed["first"].comments == []


def test_a_findings_import_with_refused_characters_names_the_cell_and_stores_nothing(client, auth, make_activity):
    activity = make_activity()
    auth.login("facilitator", locale="en")
    out = io.StringIO()
    csv.writer(out).writerows([["text", "kind", "language", "organisation"],
                               ["Goede regel", "bottleneck", "en", ""],
                               ["Slechte\x00regel", "bottleneck", "en", ""],
                               ["Regel", "bottleneck", "en", "IKEA\x00"]])
    response = client.post(f"/activities/{activity.id}/findings/import",
                           data={"file": (io.BytesIO(out.getvalue().encode()), "t.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422  # the preview, each refused cell named
    page = response.get_data(as_text=True)
    assert page.count("U+0000") == 2
    assert count(Finding) == 0


def test_a_codebook_import_with_a_nul_names_the_line(client, auth):
    auth.login("admin", locale="en")
    content = "code,parent,group,label_en,label_nl\nfunding,,topic,Funding\x00,Financiering\n"
    response = client.post("/codebook/import", data={"file": (io.BytesIO(content.encode()), "codebook.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Line 2" in page and "U+0000" in page
    assert count(Theme) == 0


def test_the_cli_refuses_control_characters(runner, app):
    result = runner.invoke(args=["users", "create", "a\x00@example.test", "--role", "admin", "--password", "x" * 12])
    assert result.exit_code != 0 and "U+0000" in result.output
    result = runner.invoke(args=["users", "create", "b@example.test", "--role", "admin", "--name", "Naam\x1b",
                                 "--password", "x" * 12])
    assert result.exit_code != 0 and "U+001B" in result.output
    result = runner.invoke(args=["users", "token", "c\x00@example.test"])
    assert result.exit_code != 0 and "U+0000" in result.output


def test_review_round_questions_pass_the_boundary(app):
    from webapp.review.models import ReviewRound
    from webapp.review.services import ReviewError

    from .test_review_services import make_report, make_reviewers, open_test_round

    report = make_report()
    with pytest.raises(ReviewError, match="U\\+0000"):
        open_test_round(report, make_reviewers(), questions={report.chapters[0].id: ("Vraag\x00", "Question")})
    assert count(ReviewRound) == 0


def test_a_refused_text_over_the_kept_length_says_it_was_cut_and_where(client, auth, make_activity):
    from webapp.refused_forms import MAX_KEPT_CHARACTERS

    activity = make_activity()
    auth.login("facilitator", locale="en")
    typed = "a" * (MAX_KEPT_CHARACTERS - 10) + "0123456789LAST-KEPT" + "b" * 50_000
    response = client.post(f"/capture/activities/{activity.id}", data={"text": typed, "kind": "bottleneck",
                                                                     "language": "nl"})
    page = follow_refused(client, response).get_data(as_text=True)
    assert "A finding can be at most" in page  # refused for its length ...
    assert "This text was longer than 100,000 characters" in page and "0123456789" in page  # ... and said to be cut
    assert "LAST-KEPT" not in page.split("This text was longer")[0]
    assert count(Finding) == 0


@pytest.mark.parametrize("body, code_point", [(b"text=ab%ED%A0%80cd", "U+D800"), (b"text=ab\xed\xa0\x80cd", "U+D800"),
                                              (b"text=%FFab", "0xFF")])
def test_form_bytes_that_are_not_utf8_are_refused_as_the_api_refuses_them(client, auth, make_activity,
                                                                          body, code_point):
    activity = make_activity()
    auth.login("facilitator", locale="en")
    response = client.post(f"/capture/activities/{activity.id}", data=body + b"&kind=bottleneck&language=nl",
                           content_type="application/x-www-form-urlencoded")
    page = text_of(response, 400)
    assert f"invisible control character ({code_point} at position 3" in page or \
        f"invisible control character ({code_point} at position 1" in page
    assert count(Finding) == 0
    # The API says the same of the same character in JSON.
    api = client.post("/api/v1/findings", json={"activity_id": activity.id, "text": "ab\ud800cd", "kind": "bottleneck",
                                                "language": "nl"})
    assert api.status_code == 422 and "invisible control character (U+D800 at position 3)" in api.get_data(as_text=True)
