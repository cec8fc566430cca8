"""Closing the loop: who took part, what became of each person's input, their personal link.

When a report version is published, each advisory-board member and reviewer whose words
are in the evidence (not withdrawn, not erased) can get a message in their language with a
personal link to a page that shows only their own contributions: for each, the
recommendation(s) it supports or is quoted under, and for each review comment the
authors' disposition and reply. Staff preview each person's page and choose who gets it.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..db_types import utcnow
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..i18n import _
from ..mail.services import email_address, mail_language, queue_message
from ..reports.models import Recommendation, RecommendationFinding, ReportChapter, ReportVersion
from ..review.board import target_label
from ..review.models import DISPOSITIONS, ReviewAssignment, ReviewComment, ReviewRound
from .models import OutcomeLink

#: How long a "what became of your input" link works.
LINK_DAYS = 365


class OutcomeError(ValueError):
    """The message is translated for display."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def page_language(contributor: Contributor) -> str:
    """The person's language if the pages speak it (nl, en, ar), else English."""
    return mail_language(contributor.language)


def _text_language(language: str) -> str:
    """Report texts exist in Dutch and English; an Arabic page shows the English ones."""
    return language if language in ("nl", "en") else "en"


# --- Who took part ---------------------------------------------------------------------------

@dataclass
class Participant:
    contributor: Contributor
    findings: int = 0
    comments: int = 0
    link: OutcomeLink | None = None

    @property
    def address(self) -> str | None:
        return email_address(self.contributor.contact)


def participants(version: ReportVersion) -> list[Participant]:
    """Advisory-board members with findings, and reviewers who submitted in a round of this report.

    Withdrawn answers and erased people are gone from the findings (and erased reviewers
    from their assignment), so they are not listed."""
    report_id = version.report_id
    people: dict[int, Participant] = {}
    for contributor, count in db.session.execute(
            select(Contributor, db.func.count(Finding.id)).join(Finding, Finding.contributor_id == Contributor.id)
            .where(Contributor.kind == "advisory_member").group_by(Contributor.id)):
        people[contributor.id] = Participant(contributor, findings=count)
    for assignment in db.session.scalars(
            select(ReviewAssignment).join(ReviewRound, ReviewRound.id == ReviewAssignment.round_id)
            .where(ReviewRound.report_id == report_id, ReviewAssignment.submitted_at.is_not(None),
                   ReviewAssignment.contributor_id.is_not(None))
            .options(selectinload(ReviewAssignment.contributor), selectinload(ReviewAssignment.comments))):
        person = people.setdefault(assignment.contributor_id, Participant(assignment.contributor))
        person.comments += len(assignment.comments)
    links = {link.contributor_id: link for link in db.session.scalars(
        select(OutcomeLink).where(OutcomeLink.version_id == version.id))}
    for person in people.values():
        person.link = links.get(person.contributor.id)
    return sorted(people.values(), key=lambda p: (p.contributor.kind, p.contributor.pseudonym_number))


def participant(version: ReportVersion, contributor_id: int) -> Participant | None:
    return next((p for p in participants(version) if p.contributor.id == contributor_id), None)


# --- What became of it -----------------------------------------------------------------------

@dataclass
class UsedIn:
    recommendation: Recommendation
    title: str
    number: str
    quoted: bool


@dataclass
class ContributionOutcome:
    finding: Finding
    used_in: list[UsedIn] = field(default_factory=list)


@dataclass
class CommentOutcome:
    comment: ReviewComment
    target: str
    disposition: str
    response: str


@dataclass
class Outcome:
    contributions: list[ContributionOutcome]
    comments: list[CommentOutcome]
    downloads: list[ReportVersion]
    title: str


def published_versions(report_id: int) -> list[ReportVersion]:
    """The newest published version per language and format: what the public download page offers."""
    newest: dict[tuple[str, str], ReportVersion] = {}
    for version in db.session.scalars(select(ReportVersion).where(
            ReportVersion.report_id == report_id, ReportVersion.published_at.is_not(None),
            ReportVersion.withdrawn_at.is_(None))
            .order_by(ReportVersion.published_at, ReportVersion.id)):
        newest[(version.language, version.format)] = version
    return sorted(newest.values(), key=lambda v: (v.language, v.format))


def report_title(version: ReportVersion, language: str) -> str:
    report = version.report
    code = _text_language(language)
    other = "nl" if code == "en" else "en"
    return getattr(report, f"title_{code}") or getattr(report, f"title_{other}") or ""


def outcome_for(version: ReportVersion, contributor: Contributor, language: str) -> Outcome:
    """Everything one person's page shows, and nothing about anyone else."""
    code = _text_language(language)
    other = "nl" if code == "en" else "en"
    findings = list(db.session.scalars(select(Finding).where(Finding.contributor_id == contributor.id)
                                       .order_by(Finding.created_at, Finding.id)))
    uses: dict[int, list[UsedIn]] = {}
    if findings:
        rows = db.session.execute(
            select(RecommendationFinding, Recommendation, ReportChapter)
            .join(Recommendation, Recommendation.id == RecommendationFinding.recommendation_id)
            .join(ReportChapter, ReportChapter.id == Recommendation.chapter_id)
            .where(ReportChapter.report_id == version.report_id,
                   RecommendationFinding.finding_id.in_([f.id for f in findings]))
            .order_by(ReportChapter.position, Recommendation.position))
        chapters = {c.id: number for number, c in enumerate(
            sorted(version.report.chapters, key=lambda c: c.position), start=1)}
        for link, recommendation, chapter in rows:
            position = sorted(r.position for r in chapter.recommendations).index(recommendation.position) + 1
            uses.setdefault(link.finding_id, []).append(UsedIn(
                recommendation=recommendation,
                title=getattr(recommendation, f"title_{code}") or getattr(recommendation, f"title_{other}") or "",
                number=f"{chapters.get(chapter.id, '?')}.{position}", quoted=link.quoted))
    contributions = [ContributionOutcome(finding=f, used_in=uses.get(f.id, [])) for f in findings]
    comments = []

    for comment in db.session.scalars(
            select(ReviewComment).join(ReviewAssignment, ReviewAssignment.id == ReviewComment.assignment_id)
            .join(ReviewRound, ReviewRound.id == ReviewAssignment.round_id)
            .where(ReviewAssignment.contributor_id == contributor.id, ReviewRound.report_id == version.report_id,
                   ReviewAssignment.submitted_at.is_not(None))
            .order_by(ReviewRound.number, ReviewComment.id)):
        comments.append(CommentOutcome(comment=comment, target=target_label(comment, code),
                                       disposition=str(DISPOSITIONS.get(comment.disposition, comment.disposition)),
                                       response=comment.response or ""))
    return Outcome(contributions=contributions, comments=comments,
                   downloads=published_versions(version.report_id), title=report_title(version, language))


# --- Links and messages ----------------------------------------------------------------------

def _new_link(version: ReportVersion, contributor: Contributor) -> tuple[OutcomeLink, str]:
    """A fresh secret for the person's page (the previous link, if any, stops working)."""
    token = secrets.token_urlsafe(32)
    link = db.session.scalar(select(OutcomeLink).where(OutcomeLink.version_id == version.id,
                                                      OutcomeLink.contributor_id == contributor.id))
    if link is None:
        link = OutcomeLink(version_id=version.id, contributor_id=contributor.id)
        db.session.add(link)
    link.token_hash = hash_token(token)
    link.language = page_language(contributor)
    link.expires_at = utcnow() + timedelta(days=LINK_DAYS)
    link.revoked_at = None
    db.session.flush()
    return link, token


def send_outcomes(version: ReportVersion, contributor_ids: set[int], url_for_token) -> tuple[int, int]:
    """Queue a message for each chosen participant who has an e-mail address.

    Returns (queued, skipped); `url_for_token(token)` makes the page's external address."""
    if version.published_at is None:
        raise OutcomeError(_("Publish this version first."))
    queued = skipped = 0
    for person in participants(version):
        if person.contributor.id not in contributor_ids:
            continue
        address = person.address
        if address is None:
            skipped += 1
            continue
        link, token = _new_link(version, person.contributor)
        language = link.language
        message = queue_message(address, language, "outcome", "outcome", {
            "title": report_title(version, language), "link_url": url_for_token(token),
            "link_label": _label_in(language)}, related_type="outcome_link", related_id=link.id)
        if message is None:
            skipped += 1  # opted out
        else:
            queued += 1
    db.session.commit()
    return queued, skipped


def _label_in(language: str) -> str:
    from flask_babel import force_locale

    with force_locale(language):
        return _("See what became of your input")


def link_by_token(token: str) -> OutcomeLink | None:
    """The usable link for a token, or None (unknown, expired, revoked, tampered, unpublished: all the same)."""
    if not token or len(token) > 200:
        return None
    link = db.session.scalar(select(OutcomeLink).where(OutcomeLink.token_hash == hash_token(token)))
    if link is None or not link.usable() or link.version.published_at is None or link.version.withdrawn_at:
        return None
    return link
