"""The authors' board: every comment with its disposition and the authors' response, filters,
progress and the export."""
from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..db_types import utcnow
from ..extensions import db
from ..findings.models import Contributor
from ..i18n import _
from ..organisations.models import Organisation
from ..reports.models import Report
from ..text import spreadsheet_cell
from .models import DISPOSITIONS, TARGETS, ReviewAssignment, ReviewComment, ReviewRound
from .services import ReviewError, pick


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
