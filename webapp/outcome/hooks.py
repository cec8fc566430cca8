"""What the outcome pages add to an erasure (contributors/erasure.py): the messages that
carried a person's outcome links go; the links themselves go with the person's row
(CASCADE) when everything is erased, and on their own when only the identity goes (an
erasure of identity, the retention purge)."""
from __future__ import annotations

from sqlalchemy import delete, select

from ..contributors.erasure import PersonalData, register
from ..extensions import db
from .models import OutcomeLink


def _outcome_links(contributor_id: int) -> list[tuple[str, int]]:
    return [("outcome_link", i) for i in db.session.scalars(
        select(OutcomeLink.id).where(OutcomeLink.contributor_id == contributor_id))]


def _end_links(contributor_id: int) -> int:
    return db.session.execute(delete(OutcomeLink).where(OutcomeLink.contributor_id == contributor_id)
                              .execution_options(synchronize_session=False)).rowcount


register(PersonalData(tables=("outcome_links",), mail_links=_outcome_links, end_links=_end_links))
