"""E-mail for personal links: who gets an invitation or a reminder, and the message."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale, format_date
from sqlalchemy import select

from ..extensions import db
from ..i18n import _, localized
from ..mail.services import latest_messages, opted_out, queue_message
from .models import Invitation, Survey
from .services import LOCAL_TIMEZONE


def mail_recipients(survey: Survey, reminder: bool) -> list[Invitation]:
    """Personal links with an e-mail address that can get a message now: invitations for
    those not mailed yet, reminders for those not answered; nothing for a closed survey,
    a revoked or expired link, or an address that opted out."""
    if survey.status == "closed" or survey.purpose != "survey":
        return []
    links = list(db.session.scalars(select(Invitation).where(
        Invitation.survey_id == survey.id, Invitation.email.is_not(None), Invitation.completed.is_(False))
        .order_by(Invitation.id)))
    links = [i for i in links if i.usable() and not opted_out(i.email)]
    if reminder:
        return links
    mailed = latest_messages("invitation", [i.id for i in links])
    return [i for i in links if i.id not in mailed]


def invitation_mail_context(survey: Survey, invitation: Invitation, reminder: bool, url: str) -> dict:


    language = invitation.email_language
    with force_locale(language):
        label = _("Fill in the survey")
        # A link's expires_at is the midnight after its last day.
        due = format_date((invitation.expires_at.astimezone(LOCAL_TIMEZONE) - timedelta(days=1)).date(), "long") \
            if invitation.expires_at else ""
    return {"title": localized(survey, "title", language if language in ("nl", "en") else "en") or "",
            "due": due, "reminder": reminder, "link_url": url, "link_label": label}


def queue_invitation_mail(survey: Survey, invitations: list[Invitation], reminder: bool, link_for) -> int:

    queued = 0
    for invitation in invitations:
        if invitation.completed or not invitation.usable() or not invitation.email:
            continue
        message = queue_message(invitation.email, invitation.email_language,
                                "survey_reminder" if reminder else "survey_invitation", "survey_invitation",
                                invitation_mail_context(survey, invitation, reminder, link_for(invitation)),
                                related_type="invitation", related_id=invitation.id)
        queued += message is not None
    db.session.commit()
    return queued
