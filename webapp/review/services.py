"""Review rounds: open a round, reviewers' links, comments, submission, dispositions, changes.

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

import csv
import difflib
import io
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from io import BytesIO
from zoneinfo import ZoneInfo

from flask_babel import format_date
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..activities.models import Activity
from ..db_types import utcnow
from ..extensions import db
from ..projects.scope import enter_project_of
from ..findings.models import Contributor
from ..i18n import _
from ..organisations.models import Organisation
from ..text import export_safe
from ..reports.models import Report, ReportVersion
from ..text import TextRefused, clean_text
from .models import (DISPOSITIONS, SCALE, TARGETS, ReportVersionTexts, ReviewAssignment, ReviewComment,
                     ReviewQuestion, ReviewRound, hash_token)

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
    """Keep the texts a new build is made from (called by reports.services.start_build)."""
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
    from ..findings.pseudonyms import next_pseudonym_number

    number = next_pseudonym_number("stakeholder")
    contributor = Contributor(kind="stakeholder", pseudonym_number=number, name=name[:200],
                              contact=(contact or "").strip()[:300] or None, organisation_id=organisation_id,
                              language=language if language in ("nl", "en") else "nl")
    db.session.add(contributor)
    db.session.flush()
    return contributor


def _new_link(assignment: ReviewAssignment) -> str:
    """A fresh secret for the assignment: 32 random bytes; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    assignment.token_hash = hash_token(token)
    return token


def _invite(review_round: ReviewRound, contributor: Contributor) -> tuple[ReviewAssignment, str]:
    expires = datetime.combine(review_round.due_on + timedelta(days=LINK_DAYS_AFTER_DUE), time(23, 59),
                               tzinfo=LOCAL_TIME).astimezone(timezone.utc)
    assignment = ReviewAssignment(contributor=contributor, expires_at=expires)
    token = _new_link(assignment)
    review_round.assignments.append(assignment)
    return assignment, token


def _field_test_activity(review_round: ReviewRound) -> Activity:
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
    token = _new_link(assignment)
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


# ---------------------------------------------------------------- comments (reviewer side)

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
    from ..findings.services import FindingInput, create_finding_once

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
            _field_test_activity(review_round)
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


# ---------------------------------------------------------------- the authors' board

@dataclass
class BoardFilter:
    round_id: int | None = None
    disposition: str | None = None
    organisation_id: int | None = None
    chapter_id: int | None = None
    target: str | None = None


def report_rounds(report: Report) -> list[ReviewRound]:
    return list(db.session.scalars(select(ReviewRound).where(ReviewRound.report_id == report.id)
                                   .order_by(ReviewRound.number)))


def board_comments(report: Report, filters: BoardFilter | None = None) -> list[ReviewComment]:
    """Every submitted comment on the report, with reviewer, organisation, target and round loaded."""
    return list(db.session.scalars(board_query(report, filters)))


def board_query(report: Report, filters: BoardFilter | None = None):
    """The statement behind `board_comments` (the board pages through it)."""
    filters = filters or BoardFilter()
    query = (select(ReviewComment).join(ReviewAssignment).join(ReviewRound)
             .where(ReviewRound.report_id == report.id, ReviewAssignment.submitted_at.is_not(None))
             .options(selectinload(ReviewComment.assignment).selectinload(ReviewAssignment.round),
                      selectinload(ReviewComment.assignment).selectinload(ReviewAssignment.contributor)
                      .selectinload(Contributor.organisation),
                      selectinload(ReviewComment.question))
             .order_by(ReviewRound.number, ReviewComment.chapter_id.nullsfirst(),
                       ReviewComment.recommendation_id.nullsfirst(), ReviewComment.id))
    if filters.round_id:
        query = query.where(ReviewRound.id == filters.round_id)
    if filters.disposition in DISPOSITIONS:
        query = query.where(ReviewComment.disposition == filters.disposition)
    if filters.target in TARGETS:
        query = query.where(ReviewComment.target == filters.target)
    if filters.chapter_id:
        query = query.where(ReviewComment.chapter_id == filters.chapter_id)
    if filters.organisation_id:
        query = query.where(ReviewAssignment.contributor_id.in_(
            select(Contributor.id).where(Contributor.organisation_id == filters.organisation_id)))
    return query


def board_organisations(report: Report) -> list[Organisation]:
    """The organisations of reviewers who submitted on the report: the board's filter choices."""
    return list(db.session.scalars(
        select(Organisation).join(Contributor, Contributor.organisation_id == Organisation.id)
        .join(ReviewAssignment, ReviewAssignment.contributor_id == Contributor.id)
        .join(ReviewRound, ReviewRound.id == ReviewAssignment.round_id)
        .where(ReviewRound.report_id == report.id, ReviewAssignment.submitted_at.is_not(None))
        .distinct().order_by(Organisation.name)))


def progress(report: Report) -> tuple[int, int]:
    """(handled, total) submitted comments of the report; handled means no longer "open"."""
    rows = db.session.execute(
        select(ReviewComment.disposition, func.count()).join(ReviewAssignment).join(ReviewRound)
        .where(ReviewRound.report_id == report.id, ReviewAssignment.submitted_at.is_not(None))
        .group_by(ReviewComment.disposition)).all()
    total = sum(n for _d, n in rows)
    return total - sum(n for d, n in rows if d == "open"), total


def set_disposition(comment: ReviewComment, disposition: str, response: str, user_id: int | None) -> None:
    if disposition not in DISPOSITIONS:
        raise ReviewError(_("Unknown disposition."))
    if comment.assignment.submitted_at is None:
        raise ReviewError(_("This comment has not been submitted yet."))
    comment.disposition = disposition
    comment.response = (response or "").strip()[:2000]
    comment.handled_at = utcnow() if disposition != "open" else None
    comment.handled_by_id = user_id
    db.session.commit()


def target_label(comment: ReviewComment, language: str) -> str:
    """"Whole report", "Chapter 2 Funding", "Recommendation 2.1 Offer modules", from the round's frozen texts."""
    if comment.target == "report":
        return str(TARGETS["report"])
    chapters = {c["id"]: c for c in comment.assignment.round.texts.get("chapters", [])}
    chapter = chapters.get(comment.chapter_id)
    if chapter is None:
        return str(TARGETS[comment.target])
    if comment.target == "chapter":
        return f"{TARGETS['chapter']} {chapter['number']} {pick(chapter, 'title', language)}"
    rec = next((r for r in chapter["recommendations"] if r["id"] == comment.recommendation_id), None)
    if rec is None:
        return str(TARGETS["recommendation"])
    return f"{TARGETS['recommendation']} {rec['number']} {pick(rec, 'title', language)}"


def reviewer_name(contributor: Contributor | None) -> str:
    if contributor is None:
        return _("(erased)")
    return contributor.name or str(contributor.pseudonym)


def export_xlsx(report: Report, comments: list[ReviewComment], language: str) -> bytes:
    """The board as a spreadsheet, for the authors' meeting about the comments (names included: staff only)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ..text import spreadsheet_cell

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Comments")[:31]
    headers = [_("Round"), _("Reviewer"), _("Organisation"), _("Target"), _("Relevant (1-5)"),
               _("Workable (1-5)"), _("Comment"), _("Disposition"), _("Response")]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for c in comments:
        contributor = c.assignment.contributor
        organisation = contributor.organisation.name if contributor and contributor.organisation else ""
        values = [c.assignment.round.number, reviewer_name(contributor), organisation, target_label(c, language),
                  c.relevance, c.workability, c.text, str(DISPOSITIONS[c.disposition]), c.response]
        # Export-safe, and a cell starting with = + - @ prefixed so Excel keeps it text.
        sheet.append([spreadsheet_cell(v) for v in values])
    for column, width in zip("ABCDEFGHI", (8, 24, 30, 40, 10, 10, 60, 20, 50)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- what changed since the review

_TOKENS = re.compile(r"\s+|[^\s]+")


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level difference as (op, text) pairs, op "equal", "insert" or "delete".

    Plain data: the template escapes every piece (no markup is built from user text here).
    """
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    result: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            result.append(("equal", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                result.append(("delete", "".join(a[i1:i2])))
            if j2 > j1:
                result.append(("insert", "".join(b[j1:j2])))
    return result


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


# ---------------------------------------------------------------- appendix C and the methodology

def field_test_summary(report_id: int, language: str | None = None) -> dict | None:
    """The reviewers who submitted in any round of the report, for appendix C and the methodology.

    One row per reviewer (a person reviewing in two rounds is one contribution); None when no
    round of this report has a submission yet, so the report falls back to the activity register.
    """
    rows = db.session.execute(
        select(ReviewAssignment.contributor_id, ReviewAssignment.id, ReviewAssignment.submitted_at,
               ReviewRound.opened_at, Organisation.id,
               func.coalesce(func.nullif(getattr(Organisation, f"display_name_{language}"), ""), Organisation.name)
               if language in ("nl", "en") else Organisation.name)
        .join(ReviewRound, ReviewRound.id == ReviewAssignment.round_id)
        .outerjoin(Contributor, Contributor.id == ReviewAssignment.contributor_id)
        .outerjoin(Organisation, Organisation.id == Contributor.organisation_id)
        .where(ReviewRound.report_id == report_id, ReviewAssignment.submitted_at.is_not(None))
        .order_by(ReviewAssignment.submitted_at, ReviewAssignment.id)).all()
    if not rows:
        return None
    reviewers: dict = {}
    for contributor_id, assignment_id, _submitted, _opened, organisation_id, organisation in rows:
        key = contributor_id if contributor_id is not None else f"a{assignment_id}"
        reviewers.setdefault(key, (organisation_id, organisation or ""))
    # In the order the contributions came in, numbered so (the LEARN report's no. 1 is SCP).
    ordered = list(reviewers.values())
    return {
        "contributions": [{"number": n, "organisation": name} for n, (_oid, name) in enumerate(ordered, start=1)],
        "organisations": len({oid for oid, _name in ordered if oid is not None}),
        "first": min(r[3] for r in rows).astimezone(LOCAL_TIME).date(),
        "last": max(r[2] for r in rows).astimezone(LOCAL_TIME).date(),
    }


# ---------------------------------------------------------------- personal links, handed out once

def links_csv(rows: list[tuple[str, str, str]]) -> str:
    """Reviewer, organisation, link as CSV text (the links page offers it for download: the
    links exist only on that page). Through the export boundary, formulas neutralised."""
    def cell(value: str) -> str:
        text = export_safe(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Reviewer"), _("Organisation"), _("Link")])
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()


# ---------------------------------------------------------------- e-mail to reviewers

def reviewer_address(assignment: ReviewAssignment) -> str | None:
    from ..mail.services import email_address, opted_out

    contributor = assignment.contributor
    address = email_address(contributor.contact) if contributor is not None else None
    return address if address and not opted_out(address) else None


def reminder_recipients(review_round: ReviewRound) -> list[ReviewAssignment]:
    """Reviewers who have not submitted, whose link works and who can be mailed; none once the round is closed."""
    from ..mail.services import email_address, opted_out_addresses

    if review_round.is_closed(today()):
        return []
    now = utcnow()
    waiting = [(a, email_address(a.contributor.contact)) for a in review_round.assignments
               if a.submitted_at is None and a.revoked_at is None and a.expires_at > now and a.contributor]
    refused = opted_out_addresses(address for _a, address in waiting)
    return [a for a, address in waiting if address and address not in refused]


def reviewer_mail_context(review_round: ReviewRound, language: str, reminder: bool, url: str) -> dict:
    from flask_babel import force_locale, format_date

    report = review_round.report
    code = language if language in ("nl", "en") else "en"
    with force_locale(language):
        due = format_date(review_round.due_on, "long")
        label = _("Read the draft and comment")
    return {"title": getattr(report, f"title_{code}") or report.title_nl or report.title_en or "",
            "due": due, "reminder": reminder, "link_url": url, "link_label": label}


def queue_reviewer_mail(review_round: ReviewRound, tokens: dict[int, str], reminder: bool, link_for) -> int:
    """Mail each assignment in `tokens` its link (an invitation, or a reminder); returns how many were queued.

    Links are stored only as a hash, so mail goes out when a link is made: at the
    invitation, or with the new link a reminder makes. `link_for(token)` makes the address."""
    from ..mail.services import mail_language, queue_message

    queued = 0
    for assignment in review_round.assignments:
        if assignment.id not in tokens:
            continue
        address = reviewer_address(assignment)
        if address is None:
            continue
        language = mail_language(assignment.contributor.language)
        message = queue_message(address, language, "review_reminder" if reminder else "review_invitation",
                                "review_invitation",
                                reviewer_mail_context(review_round, language, reminder, link_for(tokens[assignment.id])),
                                related_type="assignment", related_id=assignment.id)
        queued += message is not None
    db.session.commit()
    return queued


def remind_reviewers(review_round: ReviewRound, link_for) -> int:
    """A new link for each reviewer who has not submitted, sent in a reminder (their comments stay)."""
    tokens = {}
    for assignment in reminder_recipients(review_round):
        tokens[assignment.id] = _new_link(assignment)
    db.session.flush()
    return queue_reviewer_mail(review_round, tokens, True, link_for)
