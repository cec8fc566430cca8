"""What a survey's personal link tells beyond opening it: the last day it works, the one date
invitation mails print ("Please answer by <day>."; survey links stop at the midnight after
their last day, advisory-board links at the moment they were made plus their days), and the
language it was made for, which the page of a link that no longer works speaks."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..extensions import db
from .models import Invitation
from .services import LOCAL_TIMEZONE


def last_day(expires_at: datetime) -> date:
    """The last local day on which a link that stops working at `expires_at` still opens."""
    local = expires_at.astimezone(LOCAL_TIMEZONE)
    return local.date() - timedelta(days=1) if local.time() == time.min else local.date()


def link_language(token: str, purpose: str) -> str | None:
    """The language an invitation of a `purpose` survey was made in, usable or not: a survey
    link's e-mail language, an advisory-board link's member's language."""
    if not token or len(token) > 64:
        return None
    invitation = db.session.scalar(select(Invitation).where(Invitation.token == token))
    if invitation is None or invitation.survey.purpose != purpose:
        return None
    if invitation.contributor is not None:
        return invitation.contributor.language
    return invitation.email_language
