"""Review rounds below the screens: opening, links, comments, submission, board, changes."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from io import BytesIO

from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.organisations.models import Organisation
from webapp.reports.models import Recommendation, Report, ReportChapter
from webapp.review.models import ReviewAssignment, ReviewComment, hash_token
from webapp.review.annex import field_test_summary
from webapp.review.board import board_comments, export_xlsx, progress, set_disposition
from webapp.review.changes import changes_since
from webapp.review.comments import CommentInput, delete_comment, earlier_comments, own_comment, save_comment, submit
from webapp.review.services import (ReviewError, RoundInput, add_reviewer, assignment_by_token, close_round,
                                    open_round, renew_link, revoke_link, today)
from webapp.text_diff import text_diff
from webapp.themes.models import Theme


def make_report(suffix: str = "") -> Report:
    """Two chapters; the first has two recommendations, the second one."""
    themes = [Theme(code=code + suffix, theme_group="recommendation", label_nl=nl, label_en=en, position=i)
              for i, (code, nl, en) in enumerate((("funding", "Financiering", "Funding"),
                                                  ("modular", "Modulair onderwijs", "Modular education")))]
    report = Report(title_nl="Conceptrapport", title_en="Draft report", chapters=[
        ReportChapter(theme=themes[0], position=0, intro_nl="Geld is nodig.", intro_en="Money is needed.",
                      recommendations=[
                          Recommendation(position=0, title_nl="Financier doorlopend", title_en="Fund continuously",
                                         body_nl="Geef meerjarige budgetten.", body_en="Give multi-year budgets."),
                          Recommendation(position=1, title_nl="Maak het overzichtelijk", title_en="Keep it simple",
                                         body_nl="Eén loket.", body_en="One desk.")]),
        ReportChapter(theme=themes[1], position=1, intro_nl="Modules helpen.", intro_en="Modules help.",
                      recommendations=[Recommendation(position=0, title_nl="Bied modules aan",
                                                      title_en="Offer modules", body_nl="Deelcertificaten.",
                                                      body_en="Partial certificates.")])])
    db.session.add(report)
    db.session.commit()
    return report


def make_reviewers(n: int = 2):
    organisations = [Organisation(name=f"Gemeente {i}", stakeholder_type="municipality") for i in range(n)]
    db.session.add_all(organisations)
    db.session.flush()
    reviewers = [add_reviewer(f"Reviewer Person {i}", f"r{i}@example.test", organisations[i].id) for i in range(n)]
    db.session.commit()
    return reviewers


def open_test_round(report, reviewers, **kwargs):
    data = RoundInput(due_on=kwargs.pop("due_on", today() + timedelta(days=14)),
                      reviewer_ids=[r.id for r in reviewers], **kwargs)
    return open_round(report, data)


def recs(report):
    return [r for c in report.chapters for r in c.recommendations]


def test_opening_a_round_freezes_texts_and_stores_only_hashed_links(app):
    report = make_report()
    reviewers = make_reviewers()
    review_round, tokens = open_test_round(report, reviewers)
    assert len(tokens) == 2 and all(len(t) >= 43 for t in tokens.values())  # 32 random bytes
    stored = {a.token_hash for a in review_round.assignments}
    assert not stored & set(tokens.values())
    assert stored == {hash_token(t) for t in tokens.values()}
    # The author keeps editing: what reviewers read stays as it was when the round opened.
    recs(report)[0].body_en = "Something else entirely."
    db.session.commit()
    assert review_round.texts["chapters"][0]["recommendations"][0]["body_en"] == "Give multi-year budgets."
    # The round's field-test activity is made at the first submission, not before.
    assert review_round.activity is None


def test_links_can_be_revoked_renewed_and_expire(app):
    report = make_report()
    review_round, tokens = open_test_round(report, make_reviewers(1))
    assignment = review_round.assignments[0]
    token = tokens[assignment.id]
    assert assignment_by_token(token) is assignment
    assert assignment_by_token("not-a-token") is None
    revoke_link(assignment)
    assert assignment_by_token(token) is None
    new_token = renew_link(assignment)
    assert assignment_by_token(new_token) is assignment and assignment_by_token(token) is None
    from webapp.db_types import utcnow

    assignment.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert assignment_by_token(new_token) is None


def test_comments_are_one_per_target_checked_against_the_round_and_private(app):
    report = make_report()
    review_round, _tokens = open_test_round(report, make_reviewers(), chapter_ids=[report.chapters[0].id])
    mine, theirs = review_round.assignments
    first = recs(report)[0]
    chapter_id = report.chapters[0].id
    save_comment(mine, CommentInput("recommendation", chapter_id, first.id, relevance=4, workability=2, text="Hm."))
    save_comment(mine, CommentInput("recommendation", chapter_id, first.id, relevance=5, text="Better."))
    assert [(c.relevance, c.workability, c.text) for c in mine.comments] == [(5, None, "Better.")]
    # A chapter left out of the round, or a recommendation of another chapter, is refused.
    other = report.chapters[1]
    with pytest.raises(ReviewError):
        save_comment(mine, CommentInput("chapter", other.id, text="Not in this round"))
    with pytest.raises(ReviewError):
        save_comment(mine, CommentInput("recommendation", chapter_id, other.recommendations[0].id, text="x"))
    with pytest.raises(ReviewError):
        save_comment(mine, CommentInput("recommendation", chapter_id, first.id, relevance=9, text="x"))
    theirs_comment = save_comment(theirs, CommentInput("report", text="Their words"))
    assert own_comment(mine, theirs_comment.id) is None
    assert delete_comment(mine, theirs_comment.id) is False
    assert db.session.get(ReviewComment, theirs_comment.id).text == "Their words"
    # An emptied comment is removed.
    save_comment(mine, CommentInput("recommendation", chapter_id, first.id, text=""))
    assert mine.comments == []


def test_submitting_turns_comments_into_tagged_findings_and_locks_them(app):
    report = make_report()
    review_round, _tokens = open_test_round(report, make_reviewers(1))
    assignment = review_round.assignments[0]
    with pytest.raises(ReviewError):
        submit(assignment)  # nothing written yet
    rec = report.chapters[1].recommendations[0]
    save_comment(assignment, CommentInput("recommendation", report.chapters[1].id, rec.id, relevance=5,
                                          text="Modules fit our learners.", language="en"))
    save_comment(assignment, CommentInput("report", relevance=3))  # a score only: no finding
    assert submit(assignment) == 1
    finding = db.session.get(Finding, assignment.comments[0].finding_id)
    assert finding.activity_id == review_round.activity_id and review_round.activity.type == "field_test"
    assert [t.code for t in finding.themes] == ["modular"]
    assert finding.organisation.name == "Gemeente 0" and finding.contributor_id == assignment.contributor_id
    with pytest.raises(ReviewError):
        save_comment(assignment, CommentInput("report", text="Too late"))


def test_after_the_due_date_nothing_can_change(app):
    report = make_report()
    review_round, _tokens = open_test_round(report, make_reviewers(1))
    assignment = review_round.assignments[0]
    save_comment(assignment, CommentInput("report", text="In time"))
    review_round.due_on = today() - timedelta(days=1)
    db.session.commit()
    with pytest.raises(ReviewError):
        save_comment(assignment, CommentInput("report", text="Late"))
    with pytest.raises(ReviewError):
        submit(assignment)
    review_round.due_on = today() + timedelta(days=1)
    close_round(review_round)
    with pytest.raises(ReviewError):
        save_comment(assignment, CommentInput("report", text="Closed early"))


def test_board_progress_filters_and_xlsx(app):
    report = make_report()
    review_round, _tokens = open_test_round(report, make_reviewers())
    first, second = review_round.assignments
    chapter = report.chapters[0]
    for assignment, text in ((first, "A"), (second, "B")):
        save_comment(assignment, CommentInput("recommendation", chapter.id, chapter.recommendations[0].id, text=text))
        save_comment(assignment, CommentInput("chapter", chapter.id, text=text + " chapter"))
    save_comment(second, CommentInput("report", text="=HYPERLINK(\"http://x\")"))
    submit(first)
    assert progress(report) == (0, 2)  # unsubmitted comments are not on the board
    submit(second)
    comments = board_comments(report)
    assert len(comments) == 5 and progress(report) == (0, 5)
    set_disposition(comments[0], "incorporated", "Done in 1.1", None)
    set_disposition(comments[1], "not_incorporated", "Out of scope", None)
    assert progress(report) == (2, 5)
    from webapp.review.board import BoardFilter

    assert len(board_comments(report, BoardFilter(disposition="open"))) == 3
    assert len(board_comments(report, BoardFilter(target="chapter"))) == 2
    organisation_id = first.contributor.organisation_id
    assert {c.assignment_id for c in board_comments(report, BoardFilter(organisation_id=organisation_id))} == {first.id}
    with pytest.raises(ReviewError):
        set_disposition(comments[0], "maybe", "", None)

    with force_locale("en"):
        sheet = load_workbook(BytesIO(export_xlsx(report, comments, "en"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Round", "Reviewer", "Organisation", "Target")
    assert len(rows) == 6
    assert ("Reviewer Person 0", "Gemeente 0") in {(r[1], r[2]) for r in rows}
    assert any(r[7] == "Incorporated" and r[8] == "Done in 1.1" for r in rows)
    assert all(not (isinstance(r[6], str) and r[6].startswith("=")) for r in rows)  # no formulas


def test_second_round_shows_the_reviewers_first_round_comments(app):
    report = make_report()
    first_round, _tokens = open_test_round(report, make_reviewers())
    a1 = first_round.assignments[0]
    chapter = report.chapters[0]
    rec = chapter.recommendations[0]
    save_comment(a1, CommentInput("recommendation", chapter.id, rec.id, relevance=2, text="Too vague."))
    submit(a1)
    second, _tokens = open_test_round(report, [a1.contributor], chapter_ids=[chapter.id], follows_id=first_round.id,
                                      questions={chapter.id: ("Is het nu concreet genoeg?", "Concrete enough now?")})
    assert second.number == 2 and [q.text_en for q in second.questions] == ["Concrete enough now?"]
    earlier = earlier_comments(second.assignments[0])
    assert [c.text for c in earlier.values()] == ["Too vague."]
    answer = save_comment(second.assignments[0], CommentInput("chapter", chapter.id, question_id=second.questions[0].id,
                                                              text="Yes."))
    assert answer.question_id == second.questions[0].id


def test_text_diff_marks_words_and_changes_list_the_comments(app):
    old, new = "Give multi-year budgets. Soon.", "Give stable multi-year budgets. Now."
    diff = text_diff(old, new)
    assert "".join(t for op, t in diff if op != "insert") == old
    assert "".join(t for op, t in diff if op != "delete") == new
    assert [t.strip() for op, t in diff if op == "insert"] == ["stable", "Now."]
    assert [t.strip() for op, t in diff if op == "delete"] == ["Soon."]
    report = make_report()
    review_round, _tokens = open_test_round(report, make_reviewers(1))
    assignment = review_round.assignments[0]
    rec = report.chapters[0].recommendations[0]
    save_comment(assignment, CommentInput("recommendation", report.chapters[0].id, rec.id, text="Say stable."))
    submit(assignment)
    rec.body_en = "Give stable <b>multi-year</b> budgets."
    db.session.commit()
    items = {item["id"]: item for item in changes_since(review_round, "en")}
    assert items[rec.id]["status"] == "changed"
    assert any(op == "insert" and "<b>multi-year</b>" in text for op, text in items[rec.id]["body_diff"])
    assert [c.text for c in items[rec.id]["comments"]] == ["Say stable."]
    assert items[report.chapters[1].recommendations[0].id]["status"] == "unchanged"


def test_field_test_summary_counts_reviewers_who_submitted(app):
    report = make_report()
    assert field_test_summary(report.id) is None
    review_round, _tokens = open_test_round(report, make_reviewers(3))
    for assignment in review_round.assignments[:2]:
        save_comment(assignment, CommentInput("report", text="ok"))
        submit(assignment)
    summary = field_test_summary(report.id)
    assert [row["organisation"] for row in summary["contributions"]] == ["Gemeente 0", "Gemeente 1"]
    assert summary["organisations"] == 2 and summary["first"] <= summary["last"]
    assert isinstance(summary["first"], date)


def test_a_round_needs_reviewers_a_future_due_date_and_this_reports_versions(app):
    report = make_report()
    reviewers = make_reviewers(1)
    with pytest.raises(ReviewError):
        open_test_round(report, [])
    with pytest.raises(ReviewError):
        open_test_round(report, reviewers, due_on=today() - timedelta(days=1))
    with pytest.raises(ReviewError):
        open_test_round(report, reviewers, version_id=12345)
    assert db.session.query(ReviewAssignment).count() == 0


def test_the_links_csv_neutralises_formulas():
    from webapp.review.mailing import links_csv

    text = links_csv([("=HYPERLINK(\"http://evil\")", "@Gemeente", "http://x/r/abc")])
    assert "'=HYPERLINK" in text and "'@Gemeente" in text and "http://x/r/abc" in text
