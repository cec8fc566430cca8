"""Tables of the analysis feature: what a user said "no" to, and the search index."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy.dialects.postgresql  # noqa: F401  (registers to_tsvector's types before the index below uses it)
from sqlalchemy import ForeignKey, Index, func, literal
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


#: PostgreSQL full-text index over the normalised words ('simple': no stemming, no stop
#: words, so it matches exactly what the SQLite query matches). SQLite has no such index:
#: see search.py for why.
SEARCH_INDEX = Index(
    "ix_findings_search_text_tsv",
    # `literal`, not `literal_column`: an index attaches to its table only when every
    # column in its expression belongs to one; DDL renders the value inline as 'simple'.
    func.to_tsvector(literal("simple"), Finding.__table__.c.search_text),
    postgresql_using="gin",
).ddl_if(dialect="postgresql")

from . import search  # noqa: E402,F401  (keeps Finding.search_text up to date wherever models load)
