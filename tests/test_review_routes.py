"""Review screens: the author opens a round, reviewers use their personal links, the board."""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from webapp.extensions import db
from webapp.reports.builds import start_build
from webapp.review.models import ReviewComment, ReviewRound
from webapp.review.comments import CommentInput, save_comment, submit
from webapp.review.services import today

from .test_review_services import make_report, make_reviewers, open_test_round
from .conftest import text_of


def _links(html: str) -> list[str]:
    return re.findall(r'value="https?://[^/"]+(/r/[A-Za-z0-9_-]+)"', html)


def _english(client):
    with client.session_transaction() as session:
        session["lang"] = "en"


@pytest.fixture
def reviewed(app):
    """A report, two reviewers in one open round, and their links."""
    report = make_report()
    review_round, tokens = open_test_round(report, make_reviewers())
    first, second = review_round.assignments
    return {"report": report, "round": review_round, "first": first, "second": second,
            "url1": f"/r/{tokens[first.id]}", "url2": f"/r/{tokens[second.id]}"}


def test_author_opens_a_round_on_a_built_version_and_gets_the_links_once(app, client, auth):
    report = make_report()
    reviewers = make_reviewers()
    version = start_build(report, "en", "docx", background=False)
    assert version.status == "done"
    auth.login("author", locale="en")
    page = client.get(f"/review/reports/{report.id}/rounds/new")
    assert page.status_code == 200 and "Reviewer Person 0" in page.text and "Gemeente 1" in page.text
    response = client.post(f"/review/reports/{report.id}/rounds/new", data={
        "version_id": version.id, "due_on": (today() + timedelta(days=10)).isoformat(), "follows_id": 0,
        "activity_id": 0, "reviewer": [r.id for r in reviewers], "chapter": [report.chapters[0].id]})
    assert response.status_code == 200
    links = _links(response.text)
    assert len(links) == 2
    # handed out from this one page: a copy button and a QR code per link, and a CSV of them all
    assert response.text.count('data-testid="copy-link"') == 2
    assert response.text.count('<svg role="img"') == 2 and "QR code for Reviewer Person" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    csv_text = html.unescape(re.search(r"<textarea hidden data-links-csv[^>]*>(.*?)</textarea>", response.text, re.S)[1])
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert rows[0] == ["Reviewer", "Organisation", "Link"]
    assert sorted(r[2].split("://", 1)[1].split("/", 1)[1] for r in rows[1:]) == sorted(l.lstrip("/") for l in links)
    review_round = db.session.scalar(db.select(ReviewRound))
    assert review_round.report_version_id == version.id and review_round.chapter_ids == [report.chapters[0].id]
    # The round page lists the reviewers but never shows the links again.
    round_page = client.get(f"/review/rounds/{review_round.id}")
    assert round_page.status_code == 200
    assert "Reviewer Person 1" in round_page.text and not _links(round_page.text)
    auth.logout()
    reviewer_page = client.get(links[0])
    assert reviewer_page.status_code == 200 and reviewer_page.headers["Cache-Control"] == "no-store"
    assert "Funding" in reviewer_page.text or "Financiering" in reviewer_page.text
    assert "Modular education" not in reviewer_page.text and "Modulair onderwijs" not in reviewer_page.text


def test_reviewer_reads_in_either_language_saves_comes_back_and_submits(client, reviewed):
    report = reviewed["report"]
    chapter = report.chapters[0]
    rec = chapter.recommendations[0]
    page = client.get(f"{reviewed['url1']}/chapters/{chapter.id}")
    assert page.status_code == 200
    assert "Geef meerjarige budgetten." in page.text  # Dutch by default
    _english(client)
    page = client.get(f"{reviewed['url1']}/chapters/{chapter.id}")
    assert page.status_code == 200
    assert "Give multi-year budgets." in page.text and "Is it workable?" in page.text
    response = client.post(f"{reviewed['url1']}/comments", data={
        "target": "recommendation", "chapter_id": chapter.id, "recommendation_id": rec.id, "relevance": "4",
        "workability": "2", "text": "Multi-year budgets <script>alert(1)</script> are rare."})
    assert response.status_code == 302 and f"#rec-{rec.id}" in response.location
    again = client.get(f"{reviewed['url1']}/chapters/{chapter.id}")  # coming back later
    assert again.status_code == 200
    assert "Multi-year budgets &lt;script&gt;alert(1)&lt;/script&gt; are rare." in again.text
    assert re.search(r'name="relevance" value="4" checked', again.text)
    client.post(f"{reviewed['url1']}/submit")
    done = client.get(reviewed["url1"])
    assert done.status_code == 200
    assert 'data-testid="round-submitted"' in done.text and "are rare." in done.text
    assert client.post(f"{reviewed['url1']}/comments", data={"target": "report", "text": "late"}).status_code == 302
    assert [c.text for c in reviewed["first"].comments] == ["Multi-year budgets <script>alert(1)</script> are rare."]


def test_a_reviewer_cannot_see_or_change_another_reviewers_comments(client, reviewed):
    chapter = reviewed["report"].chapters[0]
    theirs = save_comment(reviewed["second"], CommentInput("chapter", chapter.id, text="Second reviewer's secret"))
    mine = save_comment(reviewed["first"], CommentInput("report", text="My own words"))
    url1 = reviewed["url1"]
    assert client.get(f"{url1}/comments/{mine.id}.json").json["text"] == "My own words"
    # Their comment's id in my link: as if it did not exist.
    assert client.get(f"{url1}/comments/{theirs.id}.json").status_code == 404
    assert client.post(f"{url1}/comments/{theirs.id}/delete").status_code == 404
    listing = client.get(f"{url1}/comments.json").json
    assert [c["text"] for c in listing] == ["My own words"]
    for page in (client.get(url1), client.get(f"{url1}/chapters/{chapter.id}")):
        assert "secret" not in page.text and "Reviewer Person" not in page.text
    # Saving on the same target from my link writes my comment, never theirs.
    client.post(f"{url1}/comments", data={"target": "chapter", "chapter_id": chapter.id, "text": "Overwrite?"},
                headers={"Accept": "application/json"})
    assert db.session.get(ReviewComment, theirs.id).text == "Second reviewer's secret"
    # A recommendation of another report (or a made-up id) is refused.
    other = make_report("-other")
    response = client.post(f"{url1}/comments", data={
        "target": "recommendation", "chapter_id": chapter.id,
        "recommendation_id": other.chapters[0].recommendations[0].id, "text": "x"},
        headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(ReviewComment)) == 3
    # Another reviewer's assignment id or a guessed token opens nothing.
    assert client.get(f"/r/{reviewed['second'].id}").status_code == 404
    assert client.get("/r/" + "A" * 43).status_code == 404


def test_revoked_link_opens_nothing(app, client, auth, reviewed):
    auth.login("author", locale="en")
    client.post(f"/review/assignments/{reviewed['first'].id}/revoke")
    auth.logout()
    revoked, guessed = client.get(reviewed["url1"]), client.get("/r/" + "B" * 43)
    assert revoked.status_code == guessed.status_code == 404
    # the public "ask for a new link" page of every personal link: no staff menu, nothing of the round
    for response in (revoked, guessed):
        html = response.get_data(as_text=True)
        assert 'data-testid="link-invalid"' in html and "Ask the authors for a new one." in html
        assert "main-nav" not in html and "/login" not in html
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get(reviewed["url2"]).status_code == 200


def test_after_the_due_date_the_link_shows_the_round_closed_with_the_comments(app, client, reviewed):
    save_comment(reviewed["first"], CommentInput("report", text="Submitted in time"))
    submit(reviewed["first"])
    reviewed["round"].due_on = today() - timedelta(days=1)
    db.session.commit()
    _english(client)
    page = client.get(reviewed["url1"])
    assert page.status_code == 200
    assert 'data-testid="round-closed"' in page.text and "This review round is closed" in page.text
    assert "Submitted in time" in page.text
    chapter = reviewed["report"].chapters[0]
    assert "<textarea" not in text_of(client.get(f"{reviewed['url1']}/chapters/{chapter.id}"))


def test_board_shows_names_to_authors_only_and_records_dispositions(app, client, auth, reviewed):
    chapter = reviewed["report"].chapters[0]
    for assignment in (reviewed["first"], reviewed["second"]):
        save_comment(assignment, CommentInput("recommendation", chapter.id, chapter.recommendations[0].id,
                                              text=f"Comment of {assignment.id}"))
        submit(assignment)
    report_id = reviewed["report"].id
    auth.login("facilitator")
    assert client.get(f"/review/reports/{report_id}/board").status_code == 403
    auth.logout()
    auth.login("author", locale="en")
    board = client.get(f"/review/reports/{report_id}/board")
    assert board.status_code == 200
    assert "0 of 2 comments handled" in board.text and "Reviewer Person 0" in board.text
    comment_id = reviewed["first"].comments[0].id
    response = client.post(f"/review/comments/{comment_id}/disposition",
                           data={"disposition": "incorporated", "response": "Now in 1.1",
                                 "next": f"/review/reports/{report_id}/board"})
    assert response.status_code == 302
    board = client.get(f"/review/reports/{report_id}/board")
    assert board.status_code == 200
    assert "1 of 2 comments handled" in board.text and "Now in 1.1" in board.text
    filtered = client.get(f"/review/reports/{report_id}/board?disposition=open")
    assert filtered.status_code == 200
    assert f"Comment of {reviewed['second'].id}" in filtered.text
    assert f"Comment of {reviewed['first'].id}" not in filtered.text
    export = client.get(f"/review/reports/{report_id}/board.xlsx")
    assert export.status_code == 200
    assert export.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(BytesIO(export.data)).active.iter_rows(values_only=True))
    assert len(rows) == 3


def test_changes_page_shows_an_escaped_diff_and_the_comments(app, client, auth, reviewed):
    chapter = reviewed["report"].chapters[0]
    rec = chapter.recommendations[0]
    save_comment(reviewed["first"], CommentInput("recommendation", chapter.id, rec.id, text="Mention stability"))
    submit(reviewed["first"])
    rec.body_en = "Give stable <em>multi-year</em> budgets."
    db.session.commit()
    auth.login("author", locale="en")
    page = client.get(f"/review/rounds/{reviewed['round'].id}/changes")
    assert page.status_code == 200
    assert "<ins>stable &lt;em&gt;multi-year&lt;/em&gt; </ins>" in page.text or (
        "<ins>" in page.text and "&lt;em&gt;" in page.text and "<em>multi-year" not in page.text)
    assert "Mention stability" in page.text


def test_second_round_reviewer_sees_round_one_next_to_the_revised_text(app, client, reviewed):
    chapter = reviewed["report"].chapters[0]
    rec = chapter.recommendations[0]
    first = reviewed["first"]
    save_comment(first, CommentInput("recommendation", chapter.id, rec.id, relevance=2, text="Too vague in round one"))
    submit(first)
    rec.body_en = "Give multi-year budgets of at least three years."
    db.session.commit()
    second_round, tokens = open_test_round(reviewed["report"], [first.contributor], chapter_ids=[chapter.id],
                                           follows_id=reviewed["round"].id,
                                           questions={chapter.id: ("Is drie jaar genoeg?", "Are three years enough?")})
    _english(client)
    page = client.get(f"/r/{tokens[second_round.assignments[0].id]}/chapters/{chapter.id}")
    assert page.status_code == 200
    assert "at least three years" in page.text and "Too vague in round one" in page.text
    assert f'data-testid="earlier-{rec.id}"' in page.text and "Are three years enough?" in page.text


def test_the_next_version_shows_what_changed_since_the_reviewed_version(app, client, auth):
    report = make_report()
    reviewers = make_reviewers(1)
    reviewed_version = start_build(report, "en", "docx", background=False)
    review_round, _tokens = open_test_round(report, reviewers, version_id=reviewed_version.id)
    assignment = review_round.assignments[0]
    rec = report.chapters[0].recommendations[1]
    save_comment(assignment, CommentInput("recommendation", report.chapters[0].id, rec.id, text="Name the desk."))
    submit(assignment)
    assignment.comments[0].disposition = "incorporated"
    rec.body_en = "One desk: the municipality's work desk."
    db.session.commit()
    next_version = start_build(report, "en", "docx", background=False)
    assert next_version.number == 2
    rec.body_en = "Edited after version 2."  # not part of version 2: must not show
    db.session.commit()
    auth.login("author", locale="en")
    page = client.get(f"/review/versions/{next_version.id}/changes")
    assert page.status_code == 200
    assert "Reviewed: version 1 (round 1)." in page.text and "Compared with version 2." in page.text
    assert f'data-testid="change-status-{rec.id}">changed' in page.text
    assert "<ins>" in page.text and "municipality" in page.text and "Edited after version 2." not in page.text
    assert "Name the desk." in page.text and "Incorporated" in page.text
    unchanged = report.chapters[1].recommendations[0]
    assert f'data-testid="change-status-{unchanged.id}">unchanged' in page.text
    before = client.get(f"/review/versions/{reviewed_version.id}/changes")
    assert before.status_code == 302
    assert f"/review/versions/{next_version.id}/changes" in text_of(client.get(f"/reports/{report.id}"))


def test_round_page_and_board_use_a_constant_number_of_queries(app, client, auth, count_queries):
    from webapp.organisations.models import Organisation
    from webapp.review.services import add_reviewer, invite

    report = make_report()
    review_round, _tokens = open_test_round(report, make_reviewers(2))
    auth.login("author", locale="en")

    def queries(url):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        return len(statements)

    pages = (f"/review/rounds/{review_round.id}", f"/review/reports/{report.id}/board")
    few = [queries(url) for url in pages]
    for n in range(2, 12):
        organisation = Organisation(name=f"Werkgever {n}", stakeholder_type="employer")
        db.session.add(organisation)
        db.session.flush()
        invite(review_round, add_reviewer(f"Reviewer Person {n}", f"r{n}@example.test", organisation.id))
    db.session.commit()
    assert [queries(url) for url in pages] == few


def test_a_refused_disposition_comes_back_on_its_own_card(app, client, auth, reviewed):
    from .conftest import follow_refused

    save_comment(reviewed["first"], CommentInput("report", text="Een opmerking"))
    submit(reviewed["first"])
    comment_id = reviewed["first"].comments[0].id
    report_id = reviewed["report"].id
    auth.login("author", locale="en")
    board = f"/p/learn/review/reports/{report_id}/board"
    refused = client.post(f"/review/comments/{comment_id}/disposition",
                          data={"disposition": "incorporated", "response": "Typed response\x1b 555", "next": board})
    page = follow_refused(client, refused, page=board).get_data(as_text=True)
    assert "U+001B" in page and "Typed response" in page
    assert 'value="incorporated" selected' in page
    assert "U+001B" not in text_of(client.get(board))


def test_a_new_link_in_a_round_that_is_over_is_refused_with_the_reason(client, auth, reviewed):
    first, review_round = reviewed["first"], reviewed["round"]
    review_round.due_on = today() - timedelta(days=200)  # past its last day (and its links' too)
    db.session.commit()
    old_hash = first.token_hash
    auth.login("author", locale="en")
    response = client.post(f"/review/assignments/{first.id}/renew")
    assert response.status_code == 302 and response.location.endswith(f"/review/rounds/{review_round.id}")
    page = text_of(client.get(response.location))
    assert "This round is over" in page and "A new link was made" not in page
    db.session.expire_all()
    assert db.session.get(type(first), first.id).token_hash == old_hash  # the link was not replaced
