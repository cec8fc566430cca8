"""Reviewers' personal links as CSV (shown once), and e-mail to reviewers: invitations and reminders."""
from __future__ import annotations

import csv
import io

from flask_babel import force_locale, format_date

from ..db_types import utcnow
from ..extensions import db
from ..i18n import _
from ..mail.services import email_address, mail_language, opted_out, opted_out_addresses, queue_message
from ..text import export_safe
from .models import ReviewAssignment, ReviewRound
from .services import new_link, today


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


def reviewer_address(assignment: ReviewAssignment) -> str | None:

    contributor = assignment.contributor
    address = email_address(contributor.contact) if contributor is not None else None
    return address if address and not opted_out(address) else None


def reminder_recipients(review_round: ReviewRound) -> list[ReviewAssignment]:
    """Reviewers who have not submitted, whose link works and who can be mailed; none once the round is closed."""
    if review_round.is_closed(today()):
        return []
    now = utcnow()
    waiting = [(a, email_address(a.contributor.contact)) for a in review_round.assignments
               if a.submitted_at is None and a.revoked_at is None and a.expires_at > now and a.contributor]
    refused = opted_out_addresses(address for _a, address in waiting)
    return [a for a, address in waiting if address and address not in refused]


def reviewer_mail_context(review_round: ReviewRound, language: str, reminder: bool, url: str) -> dict:

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
        tokens[assignment.id] = new_link(assignment)
    db.session.flush()
    return queue_reviewer_mail(review_round, tokens, True, link_for)
