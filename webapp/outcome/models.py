"""Closing the loop: a personal link to "what became of your input" for one published version."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..findings.models import Contributor
from ..reports.models import ReportVersion


class OutcomeLink(db.Model):
    """One contributor's page about one published version; the token is stored only as a hash."""

    __tablename__ = "outcome_links"
    __table_args__ = (UniqueConstraint("version_id", "contributor_id", name="uq_outcome_links_version_contributor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"), index=True)
    #: CASCADE: erasing the person takes their page with them.
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the link's secret; a new message makes a new secret.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The language of the message and of the page (nl, en or ar).
    language: Mapped[str] = mapped_column(String(5), default="nl")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    version: Mapped[ReportVersion] = relationship()
    contributor: Mapped[Contributor] = relationship()

    def usable(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now

    def __repr__(self) -> str:  # no token, no name: reprs end up in logs
        return f"<OutcomeLink {self.id} version={self.version_id}>"
