"""What reviewers do through their link: comments on the report, a chapter or a recommendation,
and submitting them (each comment becomes a finding of the round's field-test activity)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..findings.services import FindingInput, create_finding_once
from ..i18n import _
from ..text import TextRefused, clean_text
from .models import SCALE, TARGETS, ReviewAssignment, ReviewComment
from .services import (FINDING_NAMESPACE, MAX_COMMENT_LENGTH, ReviewError, can_edit, field_test_activity,
                       round_chapters)


@dataclass
class CommentInput:
    target: str
    chapter_id: int | None = None
    recommendation_id: int | None = None
    question_id: int | None = None
    relevance: int | None = None
    workability: int | None = None
    text: str = ""
    language: str = "nl"


def _check_target(assignment: ReviewAssignment, data: CommentInput) -> None:
    """The target must be part of what this round showed this reviewer."""
    if data.target not in TARGETS:
        raise ReviewError(_("Unknown target."))
    chapters = {c["id"]: c for c in round_chapters(assignment.round)}
    if data.target == "report":
        data.chapter_id = data.recommendation_id = data.question_id = None
        return
    chapter = chapters.get(data.chapter_id)
    if chapter is None:
        raise ReviewError(_("Unknown chapter."))
    if data.target == "recommendation":
        if data.recommendation_id not in {r["id"] for r in chapter["recommendations"]}:
            raise ReviewError(_("Unknown recommendation."))
        data.question_id = None
    else:
        data.recommendation_id = None
        if data.question_id is not None and data.question_id not in {
                q.id for q in assignment.round.questions if q.chapter_id == data.chapter_id}:
            raise ReviewError(_("Unknown question."))


def _same_target(comment: ReviewComment, data: CommentInput) -> bool:
    return (comment.target, comment.chapter_id, comment.recommendation_id, comment.question_id) == (
        data.target, data.chapter_id, data.recommendation_id, data.question_id)


def save_comment(assignment: ReviewAssignment, data: CommentInput) -> ReviewComment | None:
    """Create or replace the reviewer's comment on one target; an empty comment removes it."""
    if not can_edit(assignment):
        raise ReviewError(_("This round is closed: comments can no longer be changed."))
    _check_target(assignment, data)
    try:
        text = (clean_text(data.text or "") or "").strip()
    except TextRefused as refused:
        raise ReviewError(refused.message) from None
    if len(text) > MAX_COMMENT_LENGTH:
        raise ReviewError(_("A comment can be at most %(max)s characters long.", max=MAX_COMMENT_LENGTH))
    for score in (data.relevance, data.workability):
        if score is not None and score not in SCALE:
            raise ReviewError(_("Choose a score from 1 to 5."))
    existing = next((c for c in assignment.comments if _same_target(c, data)), None)
    if not text and data.relevance is None and data.workability is None:
        if existing is not None:
            assignment.comments.remove(existing)
            db.session.commit()
        return None
    comment = existing or ReviewComment(target=data.target, chapter_id=data.chapter_id,
                                        recommendation_id=data.recommendation_id, question_id=data.question_id)
    comment.relevance, comment.workability, comment.text = data.relevance, data.workability, text
    comment.language = data.language if data.language in ("nl", "en") else "nl"
    if existing is None:
        assignment.comments.append(comment)
    db.session.commit()
    return comment


def own_comment(assignment: ReviewAssignment, comment_id: int) -> ReviewComment | None:
    """The comment only when it belongs to this assignment: other reviewers' ids find nothing."""
    return db.session.scalar(select(ReviewComment).where(ReviewComment.id == comment_id,
                                                         ReviewComment.assignment_id == assignment.id))


def delete_comment(assignment: ReviewAssignment, comment_id: int) -> bool:
    if not can_edit(assignment):
        raise ReviewError(_("This round is closed: comments can no longer be changed."))
    comment = own_comment(assignment, comment_id)
    if comment is None:
        return False
    assignment.comments.remove(comment)
    db.session.commit()
    return True


def comment_key(target: str, chapter_id: int | None, recommendation_id: int | None,
                question_id: int | None = None) -> str:
    return f"{target}:{chapter_id or ''}:{recommendation_id or ''}:{question_id or ''}"


def comments_by_key(comments: list[ReviewComment]) -> dict[str, ReviewComment]:
    return {comment_key(c.target, c.chapter_id, c.recommendation_id, c.question_id): c for c in comments}


def earlier_comments(assignment: ReviewAssignment) -> dict[str, ReviewComment]:
    """What the same reviewer submitted in the round this one follows, by target (questions left out)."""
    previous = assignment.round.follows
    if previous is None or assignment.contributor_id is None:
        return {}
    comments = db.session.scalars(
        select(ReviewComment).join(ReviewAssignment)
        .where(ReviewAssignment.round_id == previous.id, ReviewAssignment.contributor_id == assignment.contributor_id,
               ReviewAssignment.submitted_at.is_not(None)))
    return {comment_key(c.target, c.chapter_id, c.recommendation_id): c for c in comments}


def comment_as_json(comment: ReviewComment) -> dict:
    """A reviewer's own comment for the API; nothing about the authors' handling of it."""
    return {"id": comment.id, "target": comment.target, "chapter_id": comment.chapter_id,
            "recommendation_id": comment.recommendation_id, "question_id": comment.question_id,
            "relevance": comment.relevance, "workability": comment.workability, "text": comment.text}


def submit(assignment: ReviewAssignment) -> int:
    """Hand in the comments: they become findings of the round's field-test activity; returns how many."""
    if not can_edit(assignment):
        raise ReviewError(_("This round is closed: comments can no longer be changed."))
    if not assignment.comments:
        raise ReviewError(_("Write at least one comment before you submit."))
    review_round = assignment.round
    contributor = assignment.contributor
    organisation = contributor.organisation if contributor else None
    themes = {c["id"]: c.get("theme_code") for c in review_round.texts.get("chapters", [])}
    made = 0
    for comment in assignment.comments:
        if not comment.text:
            continue  # a score alone is not a finding
        if review_round.activity_id is None:
            field_test_activity(review_round)
        finding, _new = create_finding_once(FindingInput(
            activity_id=review_round.activity_id, text=comment.text, kind="observation", language=comment.language,
            theme_codes=[themes[comment.chapter_id]] if themes.get(comment.chapter_id) else [],
            stakeholder_type=organisation.stakeholder_type if organisation else None,
            organisation_id=organisation.id if organisation else None,
            contributor_id=contributor.id if contributor else None,
            client_id=uuid.uuid5(FINDING_NAMESPACE, f"review-comment-{comment.id}")), None, commit=False)
        comment.finding_id = finding.id
        made += 1
    assignment.submitted_at = utcnow()
    db.session.commit()
    return made
