"""What a report prints from its review: the field test in the methodology and appendix C
(the reviewers who submitted), and appendix E "How the review was used" (every comment with
what was done with it). reports/ asks for them through webapp/signals.py (hooks.py connects)."""
from __future__ import annotations


from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..findings.models import Contributor, Finding
from ..i18n import RTL_LANGUAGES
from ..organisations.models import Organisation
from ..reports.labels import label
from ..reports.models import Report
from ..reports.texts import author_text
from .models import DISPOSITIONS, ReviewAssignment, ReviewComment, ReviewRound
from .services import LOCAL_TIME


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


def review_annex(report_id: int, language: str) -> list[dict]:
    """Every review comment on the report with what was done with it (appendix E)."""
    comments = db.session.scalars(
        select(ReviewComment).join(ReviewAssignment, ReviewAssignment.id == ReviewComment.assignment_id)
        .join(ReviewRound, ReviewRound.id == ReviewAssignment.round_id)
        .where(ReviewRound.report_id == report_id, ReviewComment.text != "")
        .options(selectinload(ReviewComment.recommendation), selectinload(ReviewComment.chapter))
        .order_by(ReviewComment.id)).all()
    # A comment in another language prints with its translation beneath, as a quote does: the
    # translation is the one of the finding the comment became (the translation screen's).
    ids = {c.finding_id for c in comments if c.finding_id is not None and (c.language or language) != language}
    findings = {f.id: f for f in db.session.scalars(
        select(Finding).where(Finding.id.in_(ids)).options(selectinload(Finding.translations)))} if ids else {}
    rows = []
    with force_locale(language):
        for number, comment in enumerate(comments, start=1):
            written_in = comment.language or language
            finding = findings.get(comment.finding_id)
            translation = finding.translation_in(language) if finding is not None and written_in != language else ""
            rows.append({"number": number, "about": comment_place(comment, language),
                         "text": comment.text, "language": written_in,
                         "dir": "rtl" if written_in in RTL_LANGUAGES else "ltr",
                         "translation": translation, "untranslated": written_in != language and not translation,
                         "disposition": str(DISPOSITIONS.get(comment.disposition, comment.disposition)),
                         "note": comment.response or ""})
    return rows


def comment_place(comment, language: str) -> str:
    if getattr(comment, "recommendation", None) is not None:
        rec = comment.recommendation
        return f"{label('recommendation', language)} {author_text(rec, 'title', language) or rec.id}"
    if getattr(comment, "chapter", None) is not None:
        return getattr(comment.chapter.theme, f"label_{language}")
    return label("whole_report", language)


def comment_findings(report: Report, language: str) -> list[Finding]:
    """The findings the review comments on `report` became, in another language than `language`:
    the annex prints each comment with its translation from the finding, so it is translated
    like any finding."""
    return list(db.session.scalars(
        select(Finding).join(ReviewComment, ReviewComment.finding_id == Finding.id)
        .join(ReviewAssignment, ReviewAssignment.id == ReviewComment.assignment_id)
        .join(ReviewRound, ReviewRound.id == ReviewAssignment.round_id)
        .where(ReviewRound.report_id == report.id, ReviewComment.text != "", Finding.language != language)
        .options(selectinload(Finding.translations), selectinload(Finding.activity))
        .order_by(Finding.id).distinct()))
