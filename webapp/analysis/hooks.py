"""What the analysis adds to the features below it, connected at start-up (webapp/signals.py)."""
from __future__ import annotations

from sqlalchemy import delete

from .. import signals
from ..extensions import db
from .models import RejectedSuggestion


@signals.themes_merging.connect
def _forget_rejections(source, target) -> None:
    """A suggestion rejected for the merged theme says nothing about the theme it went into."""
    db.session.execute(delete(RejectedSuggestion.__table__).where(RejectedSuggestion.theme_id == source.id))
