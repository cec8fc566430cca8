"""One row per action worth answering for later. Holds no personal data."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class AuditEntry(db.Model):
    """What was done to which object, by whom, when. Details are counts and codes only
    (`services.record_audit` checks): an erasure says how many findings went, not which words."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "create", "update", "delete", "export", "build", "publish", "erase_everything".
    action: Mapped[str] = mapped_column(String(40))
    #: What kind of object: "finding", "activity", "report", "contributor", ...
    object_kind: Mapped[str] = mapped_column(String(40), default="", server_default="", index=True)
    object_id: Mapped[int | None]
    #: Erasures: the pseudonym the person had ("advisory_member:3"), never a name.
    subject: Mapped[str] = mapped_column(String(60), default="")
    #: Counts and codes: {"findings": 2, "links": 1, "format": "xlsx"}.
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: Once the retention period of the audit log's references to people has passed
    #: (webapp/privacy/), `actor_id` is emptied and this keyed pseudonym ("staff-3f9a…") stays:
    #: entries of one person still go together, without naming them.
    actor_pseudonym: Mapped[str] = mapped_column(String(20), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action} {self.object_kind}:{self.object_id}>"

