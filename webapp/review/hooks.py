"""What the review adds to the features below it, connected at start-up (webapp/signals.py):
the report's field test, appendix C and E and their translations, the texts each build is
made from, and recommendations that must stay because reviewers commented on them."""
from __future__ import annotations

from sqlalchemy import delete, func, select, update

from .. import signals
from ..db_types import utcnow
from ..contributors.access_request import when
from ..contributors.erasure import Erasure, PersonalData, register
from ..extensions import db
from ..i18n import _
from .annex import comment_findings, field_test_summary, review_annex
from .models import ReviewAssignment, ReviewComment
from .services import freeze_version_texts


@signals.report_field_test.connect
def _field_test(report_id: int, language: str) -> dict | None:
    return field_test_summary(report_id, language)


@signals.report_review_annex.connect
def _review_annex(report_id: int, language: str) -> list[dict]:
    return review_annex(report_id, language)


@signals.report_annex_findings.connect
def _annex_findings(report, language: str) -> list:
    return comment_findings(report, language)


@signals.report_version_created.connect
def _keep_texts(version, report) -> None:
    freeze_version_texts(version, report)


@signals.recommendation_deleting.connect
def _commented(recommendation) -> str | None:
    """Review comments must keep pointing at what they were about (the dispositions board and
    the changes-since-review page read them)."""
    if db.session.scalar(select(func.count()).select_from(ReviewComment)
                         .where(ReviewComment.recommendation_id == recommendation.id)):
        return _("Reviewers commented on this recommendation, so it cannot be deleted. Change its text instead.")
    return None


def _assignment_links(contributor_id: int) -> list[tuple[str, int]]:
    return [("assignment", i) for i in db.session.scalars(
        select(ReviewAssignment.id).where(ReviewAssignment.contributor_id == contributor_id))]


def _erase(erasure: Erasure) -> None:
    assignment_ids = select(ReviewAssignment.id).where(ReviewAssignment.contributor_id == erasure.contributor_id)
    erasure.detail["review_comments"] = db.session.execute(
        delete(ReviewComment).where(ReviewComment.assignment_id.in_(assignment_ids))
        .execution_options(synchronize_session=False)).rowcount
    db.session.execute(delete(ReviewAssignment).where(ReviewAssignment.contributor_id == erasure.contributor_id)
                       .execution_options(synchronize_session=False))


def _end_links(contributor_id: int) -> int:
    """The person's review links stop working; the assignments stay, since their comments
    (and the dispositions board) hang on them."""
    return db.session.execute(update(ReviewAssignment).where(ReviewAssignment.contributor_id == contributor_id,
                                                             ReviewAssignment.revoked_at.is_(None))
                              .values(revoked_at=utcnow()).execution_options(synchronize_session=False)).rowcount


def _export(contributor, _finding_ids) -> dict[str, dict]:
    comments = db.session.scalars(select(ReviewComment).join(ReviewAssignment)
                                  .where(ReviewAssignment.contributor_id == contributor.id).order_by(ReviewComment.id))
    return {"contributions.json": {"review_comments": [
        {"target": c.target, "text": c.text, "relevance": c.relevance, "workability": c.workability,
         "language": c.language, "disposition": c.disposition, "authors_response": c.response,
         "created_at": when(c.created_at)} for c in comments]}}


#: A reviewer's links, comments and the messages that carried their links (contributors/erasure.py).
register(PersonalData(tables=("review_assignments", "review_comments"), counts=("review_comments",),
                      mail_links=_assignment_links, erase_everything=_erase, export=_export,
                      end_links=_end_links))
