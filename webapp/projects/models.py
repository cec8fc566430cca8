from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..access import ADMIN, ROLE_LABELS
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import _l
from ..organisations.models import Organisation

PROJECT_STATUSES = {
    "active": _l("Active"),
    "closed": _l("Closed"),
    "archived": _l("Archived (read-only)"),
}
#: Roles a membership can give; the administrator role is global (User.role), not per project.
MEMBER_ROLES = {code: label for code, label in ROLE_LABELS.items() if code != ADMIN}


class Project(db.Model):
    """A learning network, pilot or programme: the space its activities, findings, surveys,
    reports and codebook live in (bilingual pattern for name and description)."""

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in PROJECT_STATUSES)})", "known_status"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", "ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: In every staff URL: /p/<slug>/...
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_nl: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    lead_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"))
    #: active, closed or archived; an archived project is read-only but still reportable.
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the project was archived (None while it is not): the retention periods of its
    #: people's contact details count from here (webapp/privacy/).
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lead_organisation: Mapped[Organisation | None] = relationship()

    @validates("status")
    def _remember_archiving(self, _key, status):
        if status == "archived" and self.status != "archived":
            self.archived_at = utcnow()
        elif status != "archived":
            self.archived_at = None
        return status

    @property
    def is_archived(self) -> bool:
        return self.status == "archived"

    def __repr__(self) -> str:
        return f"<Project {self.slug}>"


class ProjectMembership(db.Model):
    """A user's role in one project: a facilitator in one pilot can be an author in another."""

    __tablename__ = "project_memberships"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id", name="uq_project_memberships_project_user"),
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in MEMBER_ROLES)})", "known_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship()
    user = relationship("User")
