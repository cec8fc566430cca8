"""What changed since the review: the reviewed texts against a later version's (or today's),
per recommendation, with the comments on it."""
from __future__ import annotations


from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..findings.models import Contributor
from ..reports.models import Report, ReportVersion
from ..text_diff import text_diff
from .models import ReportVersionTexts, ReviewAssignment, ReviewComment, ReviewRound
from .services import freeze_texts, pick, version_texts


def later_version(review_round: ReviewRound) -> ReportVersion | None:
    """The newest built version after the reviewed one that has frozen texts, if any."""
    after = review_round.report_version_id or 0
    return db.session.scalar(
        select(ReportVersion).join(ReportVersionTexts, ReportVersionTexts.version_id == ReportVersion.id)
        .where(ReportVersion.report_id == review_round.report_id, ReportVersion.status == "done",
               ReportVersion.id > after, ReportVersion.finished_at >= review_round.opened_at)
        .order_by(ReportVersion.id.desc()).limit(1))


def changes_since(review_round: ReviewRound, language: str, version: ReportVersion | None = None) -> list[dict]:
    """Per recommendation: the reviewed text against the newer one (a version's, else the current
    texts), its diff, and the submitted comments on it from this round and the rounds it follows."""
    if version is not None:
        new_texts = version_texts(version.id) or {"chapters": []}
    else:
        report = db.session.get(Report, review_round.report_id)
        new_texts = freeze_texts(report)
    old = {r["id"]: r for c in review_round.texts.get("chapters", []) for r in c["recommendations"]}
    round_ids, walker = [], review_round
    while walker is not None and walker.id not in round_ids:
        round_ids.append(walker.id)
        walker = walker.follows
    comments: dict[int, list[ReviewComment]] = {}
    for comment in db.session.scalars(
            select(ReviewComment).join(ReviewAssignment)
            .where(ReviewAssignment.round_id.in_(round_ids), ReviewAssignment.submitted_at.is_not(None),
                   ReviewComment.recommendation_id.is_not(None))
            .options(selectinload(ReviewComment.assignment).selectinload(ReviewAssignment.contributor)
                     .selectinload(Contributor.organisation))
            .order_by(ReviewComment.id)):
        comments.setdefault(comment.recommendation_id, []).append(comment)
    result, seen = [], set()
    for chapter in new_texts.get("chapters", []):
        for rec in chapter["recommendations"]:
            seen.add(rec["id"])
            before = old.get(rec["id"])
            title_old, body_old = (pick(before, "title", language), pick(before, "body", language)) if before else ("", "")
            title_new, body_new = pick(rec, "title", language), pick(rec, "body", language)
            status = "new" if before is None else (
                "changed" if (title_old, body_old) != (title_new, body_new) else "unchanged")
            result.append({"id": rec["id"], "number": rec["number"], "title": title_new, "status": status,
                           "title_diff": text_diff(title_old, title_new), "body_diff": text_diff(body_old, body_new),
                           "comments": comments.get(rec["id"], [])})
    for rec_id, before in old.items():
        if rec_id not in seen:
            result.append({"id": rec_id, "number": before["number"], "title": pick(before, "title", language),
                           "status": "removed", "title_diff": [("delete", pick(before, "title", language))],
                           "body_diff": [("delete", pick(before, "body", language))],
                           "comments": comments.get(rec_id, [])})
    return result
