"""The last day a personal link works, the one date invitation mails print ("Please answer by
<day>."): survey links stop at the midnight after their last day, advisory-board links at
the moment they were made plus their days; both mails mean the same day by it."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from .services import LOCAL_TIMEZONE


def last_day(expires_at: datetime) -> date:
    """The last local day on which a link that stops working at `expires_at` still opens."""
    local = expires_at.astimezone(LOCAL_TIMEZONE)
    return local.date() - timedelta(days=1) if local.time() == time.min else local.date()
