"""Appendix C and the methodology of the report come from review rounds once there are any."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from webapp.activities.services import ActivityInput, PartialDate, save_activity
from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.organisations.models import Organisation
from webapp.reports.builds import demo_report
from webapp.reports.collect import collect_report
from webapp.review.models import ReviewAssignment, ReviewComment, ReviewRound
from webapp.review.annex import field_test_summary
from webapp.review.comments import CommentInput, save_comment, submit

from .test_review_services import make_report, make_reviewers, open_test_round


def test_appendix_c_falls_back_to_the_register_then_lists_the_reviewers(app):
    report = make_report()
    school = Organisation(name="Hogeschool Register", stakeholder_type="education")
    db.session.add(school)
    db.session.flush()
    save_activity(None, ActivityInput(type="field_test", title="Hogeschool Register", format="written_feedback",
                                      starts=PartialDate(date(2024, 3, 1), "month"), organisation_ids=(school.id,)))
    review_round, _tokens = open_test_round(report, make_reviewers(3))
    # No submission yet: the activity register still fills appendix C.
    assert [row["organisation"] for row in collect_report(report, "en")["appendices"]["c"]] == ["Hogeschool Register"]
    for assignment in review_round.assignments[:2]:
        save_comment(assignment, CommentInput("report", text="Relevant."))
        submit(assignment)
    data = collect_report(report, "nl")
    assert data["appendices"]["c"] == [{"number": 1, "organisation": "Gemeente 0"},
                                       {"number": 2, "organisation": "Gemeente 1"}]
    texts = [s["text"] for s in data["methodology"]["sections"]]
    assert any("2 bijdragen van 2 organisaties" in t for t in texts), texts
    english = [s["text"] for s in collect_report(report, "en")["methodology"]["sections"]]
    assert any("2 contributions from 2 organisations" in t for t in english)


def test_demo_field_test_is_a_review_round_with_26_contributions_from_17_organisations(app):
    from webapp.demo.services import load_demo

    load_demo()
    report = demo_report()
    rounds = db.session.scalars(select(ReviewRound).where(ReviewRound.report_id == report.id)).all()
    assert len(rounds) == 1
    assert db.session.scalar(select(func.count()).select_from(ReviewAssignment)
                             .where(ReviewAssignment.submitted_at.is_not(None))) == 26
    summary = field_test_summary(report.id)
    assert len(summary["contributions"]) == 26 and summary["organisations"] == 17
    assert (summary["first"].month, summary["last"].month) == (3, 4)
    data = collect_report(report, "en")
    assert data["appendices"]["c"] == field_test_summary(report.id, "en")["contributions"]
    # in the order the contributions came in, numbered so: no. 1 is SCP
    assert "SCP" in data["appendices"]["c"][0]["organisation"]
    assert any("26 contributions from 17 organisations" in s["text"] for s in data["methodology"]["sections"])
    # The demo comments are findings of the field test, tagged with their chapter's theme.
    comments = db.session.scalars(select(ReviewComment)).all()
    assert comments and all(c.finding_id for c in comments)
    for comment in comments:
        finding = db.session.get(Finding, comment.finding_id)
        assert finding.activity.type == "field_test" and finding.themes
    load_demo()  # twice adds nothing
    assert db.session.scalar(select(func.count()).select_from(ReviewRound)) == 1
