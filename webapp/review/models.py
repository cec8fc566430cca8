"""Review rounds: a draft of the report read by people from the field, their comments, and
what the authors did with each comment.

Reviewers are `Contributor`s of kind "stakeholder" with their `Organisation`: their name and
contact are personal data, shown only on the authors' screens; everywhere else (findings,
the report) they appear under the contributor's pseudonym or as their organisation.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..activities.models import Activity
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..findings.models import Contributor
from ..i18n import _l
from ..projects.scope import ProjectScoped, child_of
from ..reports.models import Recommendation, Report, ReportChapter, ReportVersion

DISPOSITIONS = {
    "open": _l("Open"),
    "incorporated": _l("Incorporated"),
    "partly": _l("Partly incorporated"),
    "not_incorporated": _l("Not incorporated"),
}
TARGETS = {
    "report": _l("Whole report"),
    "chapter": _l("Chapter"),
    "recommendation": _l("Recommendation"),
}
#: The standard questions' scale: 1 (not at all) to 5 (completely).
SCALE = (1, 2, 3, 4, 5)


def hash_token(token: str) -> str:
    """Links are stored as SHA-256 of the token: a copy of the database opens no review page."""
    return hashlib.sha256(token.encode()).hexdigest()


class ReviewRound(ProjectScoped, db.Model):
    __tablename__ = "review_rounds"
    __audit_kind__ = "review_round"  # its create, update, delete are audited
    project_source = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    #: The built version the reviewers read; None for a round recorded afterwards (the demo's field test).
    report_version_id: Mapped[int | None] = mapped_column(ForeignKey("report_versions.id", ondelete="SET NULL"))
    #: 1, 2, ... per report.
    number: Mapped[int]
    #: The round this one follows up (a second round shows reviewers what they said in it).
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("review_rounds.id", ondelete="SET NULL"))
    #: The field-test activity whose findings the submitted comments become.
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"), index=True)
    #: The last day reviewers can comment; afterwards their link shows the round as closed.
    due_on: Mapped[date]
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Closed early by the author; None while it runs until `due_on`.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The report's texts frozen when the round opened, both languages (see services.freeze_texts).
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Ids of the chapters the reviewers read; empty means all of them.
    chapter_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    report: Mapped[Report] = relationship()
    report_version: Mapped[ReportVersion | None] = relationship()
    follows: Mapped[ReviewRound | None] = relationship(remote_side="ReviewRound.id")
    activity: Mapped[Activity | None] = relationship()
    assignments: Mapped[list[ReviewAssignment]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="ReviewAssignment.id")
    questions: Mapped[list[ReviewQuestion]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="ReviewQuestion.id")

    def is_closed(self, today: date | None = None) -> bool:
        return self.closed_at is not None or (today or date.today()) > self.due_on

    def __repr__(self) -> str:
        return f"<ReviewRound {self.id} report={self.report_id} #{self.number}>"


@child_of("round")
class ReviewQuestion(db.Model):
    """A follow-up question the author asks about one chapter (second rounds)."""

    __tablename__ = "review_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("report_chapters.id", ondelete="CASCADE"), index=True)
    text_nl: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str] = mapped_column(Text, default="")

    round: Mapped[ReviewRound] = relationship(back_populates="questions")
    chapter: Mapped[ReportChapter] = relationship()


@child_of("round")
class ReviewAssignment(db.Model):
    """One reviewer in one round: their personal link, and whether they submitted."""

    __tablename__ = "review_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("review_rounds.id", ondelete="CASCADE"), index=True)
    #: SET NULL: erasing the person keeps their (then anonymous) comments with the report.
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL"),
                                                       index=True)
    #: SHA-256 of the link's secret (32 random bytes); the secret itself is shown once, never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: After this moment the link opens nothing (the round's closed page stays readable until then).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    round: Mapped[ReviewRound] = relationship(back_populates="assignments")
    contributor: Mapped[Contributor | None] = relationship()
    comments: Mapped[list[ReviewComment]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="ReviewComment.id")

    def __repr__(self) -> str:  # no name, no token: reprs end up in logs
        return f"<ReviewAssignment {self.id} round={self.round_id}>"


@child_of("assignment.round")
class ReviewComment(db.Model):
    """A reviewer's comment on the whole report, a chapter or one recommendation."""

    __tablename__ = "review_comments"

    __audit_kind__ = "review_comment"  # its create, update, delete are audited
    __table_args__ = (
        CheckConstraint(f"target IN ({', '.join(repr(t) for t in TARGETS)})", "known_target"),
        CheckConstraint(f"disposition IN ({', '.join(repr(d) for d in DISPOSITIONS)})", "known_disposition"),
        CheckConstraint("relevance IS NULL OR (relevance >= 1 AND relevance <= 5)", "relevance_scale"),
        CheckConstraint("workability IS NULL OR (workability >= 1 AND workability <= 5)", "workability_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("review_assignments.id", ondelete="CASCADE"), index=True)
    #: "report", "chapter" or "recommendation" (a code of TARGETS).
    target: Mapped[str] = mapped_column(String(20))
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("report_chapters.id", ondelete="SET NULL"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id", ondelete="SET NULL"),
                                                          index=True)
    #: The follow-up question this answers (second rounds).
    question_id: Mapped[int | None] = mapped_column(ForeignKey("review_questions.id", ondelete="SET NULL"))
    #: "Is this relevant in your practice?" 1-5.
    relevance: Mapped[int | None]
    #: "Is it workable?" 1-5.
    workability: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text, default="")
    #: The language the reviewer read the draft in when writing.
    language: Mapped[str] = mapped_column(String(2), default="nl")
    #: What the authors did with it (a code of DISPOSITIONS) and their short answer.
    disposition: Mapped[str] = mapped_column(String(20), default="open")
    response: Mapped[str] = mapped_column(Text, default="")
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The finding the comment became when the reviewer submitted.
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    assignment: Mapped[ReviewAssignment] = relationship(back_populates="comments")
    chapter: Mapped[ReportChapter | None] = relationship()
    recommendation: Mapped[Recommendation | None] = relationship()
    question: Mapped[ReviewQuestion | None] = relationship()

    def __repr__(self) -> str:
        return f"<ReviewComment {self.id} {self.target}>"


@child_of("version.report")
class ReportVersionTexts(db.Model):
    """The report's texts as they were when a version was built, so later versions can be compared."""

    __tablename__ = "report_version_texts"

    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"), primary_key=True)
    texts: Mapped[dict] = mapped_column(JSON, default=dict)

    version: Mapped[ReportVersion] = relationship(viewonly=True)
