"""The audit trail of privacy actions: what was done, never to whom by name."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class AuditEntry(db.Model):
    """One privacy action (an erasure). Holds no personal data of the person concerned:
    only the pseudonym's kind and number and what was removed, counted."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "erase_identity", "erase_everything".
    action: Mapped[str] = mapped_column(String(40))
    #: The pseudonym the person had: "advisory_member:3".
    subject: Mapped[str] = mapped_column(String(60), default="")
    #: Counts of what was removed: {"findings": 2, "links": 1, "responses": 1}.
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action}>"
