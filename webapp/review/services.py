"""Review rounds: open a round and reviewers' links, and the texts reviewers read (frozen).
The rest of the review: comments.py (reviewers), board.py (authors), changes.py, annex.py
(what a report prints from the review), mailing.py.

Views, the demo loader and the report's appendix C come through here. Nothing here reads
the request: the reviewer's identity is the `ReviewAssignment` the token resolved to, and
every function that touches a comment takes that assignment and refuses anything else.

What reviewers read: the report's texts frozen when the round opens (`freeze_texts`, both
languages, stored on the round). A built version is one file in one language; the frozen
texts let a reviewer switch between Dutch and English, keep what they read stable while the
authors keep editing, and give the "what changed since the reviewed version" comparison its
starting point. Each new build also freezes its texts (`freeze_version_texts`), so the
comparison can name the version it compares with.
"""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import format_date
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..activities.models import Activity
from ..db_types import utcnow
from ..extensions import db
from ..findings.models import Contributor
from ..findings.pseudonyms import next_pseudonym_number
from ..i18n import _
from ..organisations.models import Organisation
from ..projects.scope import enter_project_of
from ..reports.models import Report, ReportVersion
from ..text import TextRefused, clean_text
from .models import ReportVersionTexts, ReviewAssignment, ReviewQuestion, ReviewRound, hash_token
from zoneinfo import ZoneInfo


#: Reviewers' links keep showing their (read-only) comments this long after the due date.
LINK_DAYS_AFTER_DUE = 180
LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
MAX_COMMENT_LENGTH = 10_000
#: Makes a comment's finding id stable: submitting twice stores one finding.
FINDING_NAMESPACE = uuid.UUID("2b7c61f8-3c1e-4d4e-9f0c-7a4f1d0c9e21")


class ReviewError(ValueError):
    """A translated message for the screen; nothing was stored."""


def today() -> date:
    return datetime.now(LOCAL_TIME).date()


# ---------------------------------------------------------------- frozen texts

def freeze_texts(report: Report) -> dict:
    """The chapters and recommendations of `report` in both languages, as plain data."""
    chapters = []
    for c_index, chapter in enumerate(report.chapters, start=1):
        chapters.append({
            "id": chapter.id, "number": c_index, "theme_code": chapter.theme.code,
            "title_nl": chapter.theme.label_nl, "title_en": chapter.theme.label_en,
            "intro_nl": chapter.intro_nl or "", "intro_en": chapter.intro_en or "",
            "recommendations": [{
                "id": rec.id, "number": f"{c_index}.{r_index}",
                "title_nl": rec.title_nl or "", "title_en": rec.title_en or "",
                "body_nl": rec.body_nl or "", "body_en": rec.body_en or "",
            } for r_index, rec in enumerate(chapter.recommendations, start=1)],
        })
    return {"title_nl": report.title_nl or "", "title_en": report.title_en or "", "chapters": chapters}


def freeze_version_texts(version: ReportVersion, report: Report) -> None:
    """Keep the texts a new build is made from (reports/builds.start_build, through review/hooks.py)."""
    if db.session.get(ReportVersionTexts, version.id) is None:
        db.session.add(ReportVersionTexts(version_id=version.id, texts=freeze_texts(report)))


def version_texts(version_id: int) -> dict | None:
    row = db.session.get(ReportVersionTexts, version_id)
    return row.texts if row else None


def pick(item: dict, field_name: str, language: str) -> str:
    """A frozen text in `language`, else in the other language (a reviewer never meets a blank)."""
    other = "en" if language == "nl" else "nl"
    return item.get(f"{field_name}_{language}") or item.get(f"{field_name}_{other}") or ""


def round_chapters(review_round: ReviewRound) -> list[dict]:
    """The frozen chapters the reviewers of this round read."""
    chosen = set(review_round.chapter_ids or [])
    return [c for c in review_round.texts.get("chapters", []) if not chosen or c["id"] in chosen]


# ---------------------------------------------------------------- reviewers and rounds

def reviewer_candidates() -> list[Contributor]:
    """Stakeholder contributors with an organisation: the people a round can invite."""
    return list(db.session.scalars(
        select(Contributor).where(Contributor.kind == "stakeholder")
        .options(selectinload(Contributor.organisation)).order_by(Contributor.pseudonym_number)))


def add_reviewer(name: str, contact: str, organisation_id: int | None, language: str = "nl") -> Contributor:
    """A new reviewer: a stakeholder contributor with the next pseudonym number."""
    name = (name or "").strip()
    if not name:
        raise ReviewError(_("Give the reviewer's name."))
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise ReviewError(_("Unknown organisation. Choose one from the list or add it to the register first."))

    number = next_pseudonym_number("stakeholder")
    contributor = Contributor(kind="stakeholder", pseudonym_number=number, name=name[:200],
                              contact=(contact or "").strip()[:300] or None, organisation_id=organisation_id,
                              language=language if language in ("nl", "en") else "nl")
    db.session.add(contributor)
    db.session.flush()
    return contributor


def new_link(assignment: ReviewAssignment) -> str:
    """A fresh secret for the assignment: 32 random bytes; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    assignment.token_hash = hash_token(token)
    return token


def _invite(review_round: ReviewRound, contributor: Contributor) -> tuple[ReviewAssignment, str]:
    expires = datetime.combine(review_round.due_on + timedelta(days=LINK_DAYS_AFTER_DUE), time(23, 59),
                               tzinfo=LOCAL_TIME).astimezone(timezone.utc)
    assignment = ReviewAssignment(contributor=contributor, expires_at=expires)
    token = new_link(assignment)
    review_round.assignments.append(assignment)
    return assignment, token


def field_test_activity(review_round: ReviewRound) -> Activity:
    """The round's own field-test activity, made at the first submission.

    Not earlier: until someone submits, appendix C still comes from the activity register,
    and an empty round must not appear there as a contribution.
    """
    # Lock the round (PostgreSQL; SQLite serialises writers): two first submissions make one activity.
    db.session.execute(select(ReviewRound.id).where(ReviewRound.id == review_round.id).with_for_update())
    db.session.refresh(review_round, ["activity_id"])
    if review_round.activity_id is not None:
        return db.session.get(Activity, review_round.activity_id)
    report = review_round.report
    start = review_round.opened_at.astimezone(LOCAL_TIME).date()
    title = _("Review round %(number)s: %(report)s", number=review_round.number,
              report=report.title_nl or report.title_en or report.id)
    activity = Activity(type="field_test", title=title[:300], format="written_feedback", status="held",
                        starts_on=start, ends_on=max(review_round.due_on, start), date_precision="day",
                        number=(db.session.scalar(select(func.max(Activity.number))
                                                  .where(Activity.type == "field_test")) or 0) + 1)
    db.session.add(activity)
    review_round.activity = activity
    db.session.flush()
    return activity


@dataclass
class RoundInput:
    due_on: date
    reviewer_ids: list[int]
    version_id: int | None = None
    chapter_ids: list[int] = field(default_factory=list)
    follows_id: int | None = None
    #: {chapter_id: (question in Dutch, question in English)}
    questions: dict[int, tuple[str, str]] = field(default_factory=dict)
    activity_id: int | None = None


def open_round(report: Report, data: RoundInput, user_id: int | None = None) -> tuple[ReviewRound, dict[int, str]]:
    """Open a round on a built version; returns it and each assignment's link token (shown once)."""
    if data.due_on < today():
        raise ReviewError(_("The due date lies in the past."))
    try:  # the chapter questions come straight from the form: the text boundary first
        questions = {chapter_id: (clean_text(text_nl or ""), clean_text(text_en or ""))
                     for chapter_id, (text_nl, text_en) in data.questions.items()}
    except TextRefused as refused:
        raise ReviewError(refused.message) from None
    version = None
    if data.version_id is not None:
        version = db.session.get(ReportVersion, data.version_id)
        if version is None or version.report_id != report.id or version.status != "done":
            raise ReviewError(_("Choose a built version of this report."))
    known_chapters = {c.id for c in report.chapters}
    if set(data.chapter_ids) - known_chapters:
        raise ReviewError(_("Choose chapters of this report."))
    follows = None
    if data.follows_id is not None:
        follows = db.session.get(ReviewRound, data.follows_id)
        if follows is None or follows.report_id != report.id:
            raise ReviewError(_("Choose an earlier round of this report."))
    reviewers = list(db.session.scalars(select(Contributor).where(
        Contributor.id.in_(data.reviewer_ids), Contributor.kind == "stakeholder"))) if data.reviewer_ids else []
    if not reviewers or len(reviewers) != len(set(data.reviewer_ids)):
        raise ReviewError(_("Choose at least one reviewer."))
    activity = None
    if data.activity_id is not None:
        activity = db.session.get(Activity, data.activity_id)
        if activity is None or activity.type != "field_test":
            raise ReviewError(_("Choose a field-test activity."))
    number = (db.session.scalar(select(func.max(ReviewRound.number))
                                .where(ReviewRound.report_id == report.id)) or 0) + 1
    # The version's own frozen texts when it has them: exactly what was built.
    texts = (version_texts(version.id) if version else None) or freeze_texts(report)
    review_round = ReviewRound(report=report, report_version=version, number=number, follows=follows,
                               activity=activity,
                               due_on=data.due_on, texts=texts, chapter_ids=sorted(set(data.chapter_ids)),
                               created_by_id=user_id)
    for chapter_id, (text_nl, text_en) in questions.items():
        if chapter_id in known_chapters and (text_nl.strip() or text_en.strip()):
            review_round.questions.append(ReviewQuestion(chapter_id=chapter_id, text_nl=text_nl.strip(),
                                                         text_en=text_en.strip()))
    db.session.add(review_round)
    tokens = {}
    pending = [_invite(review_round, contributor) for contributor in reviewers]
    db.session.flush()
    for assignment, token in pending:
        tokens[assignment.id] = token
    db.session.commit()
    return review_round, tokens


def _refuse_if_closed(review_round: ReviewRound) -> None:
    """A new link in a round that is over would open only a closed page (or be expired on
    arrival): refused, with the reason, instead of telling staff it worked."""
    if review_round.is_closed(today()):
        raise ReviewError(_("This round is over (its last day was %(date)s): a new link would only show a closed "
                            "round. Open a new round for more comments.", date=format_date(review_round.due_on, "long")))


def invite(review_round: ReviewRound, contributor: Contributor) -> tuple[ReviewAssignment, str]:
    _refuse_if_closed(review_round)
    if any(a.contributor_id == contributor.id for a in review_round.assignments):
        raise ReviewError(_("This reviewer is already in the round."))
    assignment, token = _invite(review_round, contributor)
    db.session.commit()
    return assignment, token


def renew_link(assignment: ReviewAssignment) -> str:
    """A new link for the reviewer; the old one stops working at once."""
    _refuse_if_closed(assignment.round)
    token = new_link(assignment)
    assignment.revoked_at = None
    db.session.commit()
    return token


def revoke_link(assignment: ReviewAssignment) -> None:
    assignment.revoked_at = utcnow()
    db.session.commit()


def close_round(review_round: ReviewRound) -> None:
    if review_round.closed_at is None:
        review_round.closed_at = utcnow()
        db.session.commit()


def assignment_by_token(token: str) -> ReviewAssignment | None:
    """The assignment a link opens: None for an unknown, revoked or expired link."""
    if not token or len(token) > 200:
        return None
    assignment = db.session.scalar(select(ReviewAssignment).where(ReviewAssignment.token_hash == hash_token(token)))
    if assignment is None or assignment.revoked_at is not None or assignment.expires_at < utcnow():
        return None
    enter_project_of(assignment.round)  # the rest of the request works inside the round's project
    return assignment


def can_edit(assignment: ReviewAssignment) -> bool:
    return assignment.submitted_at is None and not assignment.round.is_closed(today())
