"""Tables of the analysis feature: what a user said "no" to, and the search index."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..findings.models import Finding
from ..projects.scope import child_of


@child_of("finding")
class RejectedSuggestion(db.Model):
    """A theme a user rejected for a finding: it is not suggested for that finding again."""

    __tablename__ = "rejected_suggestions"

    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True)
    rejected_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rejected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    finding: Mapped[Finding] = relationship(viewonly=True)


#: PostgreSQL's full-text index over the normalised words ('simple': no stemming, no stop
#: words, so it matches exactly what the SQLite query matches). The words' vector is a stored
#: generated column, not only an index expression: a phrase ('taal' <-> 'werkgever') is checked
#: against each candidate row's vector, which PostgreSQL otherwise computes again per row
#: (560 ms for a phrase at 50,000 findings). Not in the model: SQLite has no tsvector (it has
#: FTS5, fts.py); migration 0021 and these events make it, `fts.alembic_include_object` hides it.
SEARCH_VECTOR = "search_vector"
SEARCH_VECTOR_DDL = (
    f"ALTER TABLE findings ADD COLUMN {SEARCH_VECTOR} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', coalesce(search_text, ''))) STORED",
    f"CREATE INDEX ix_findings_{SEARCH_VECTOR} ON findings USING gin ({SEARCH_VECTOR})",
)
for _statement in SEARCH_VECTOR_DDL:
    event.listen(Finding.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))

from . import search  # noqa: E402,F401  (keeps Finding.search_text up to date wherever models load)
