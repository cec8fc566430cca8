"""What the privacy feature stores: each project's retention periods and statement texts, the
installation's controller and audit period, and the purge's runs (webapp/privacy/)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


def _positive(*columns: str) -> tuple[CheckConstraint, ...]:
    return tuple(CheckConstraint(f"{c} IS NULL OR {c} > 0", f"{c}_positive") for c in columns)


class ProjectPrivacy(db.Model):
    """A project's retention periods (None: the default, `retention.DEFAULTS`) and the free
    texts of its privacy statement. Everything else the statement says comes from the data.

    Not `ProjectScoped`: an archived project is read-only, but its periods must still be
    settable (a shorter one is a request a controller may make) and the purge reads them for
    every project at once."""

    __tablename__ = "project_privacy"
    __audit_kind__ = "privacy_settings"  # its create, update, delete are audited
    __table_args__ = (UniqueConstraint("project_id", name="uq_project_privacy_project"),
                      *_positive("contact_months", "outbox_days", "job_days", "photo_months"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    #: Names, contact details and personal links of members, reviewers and invited respondents:
    #: months after their last round closed (or the project was archived).
    contact_months: Mapped[int | None]
    #: The outbox's addresses and bodies: days after sending (or after queueing, for mail never sent).
    outbox_days: Mapped[int | None]
    #: Finished jobs (exports, build records) with their files and arguments: days after they ended.
    job_days: Mapped[int | None]
    #: Photos that may show people or names (not cleared): months after they were taken.
    photo_months: Mapped[int | None]
    #: Who decides about the data (an organisation); empty: the project's lead organisation.
    controller: Mapped[str] = mapped_column(String(300), default="")
    #: How to reach the controller about privacy (e-mail address, postal address, phone).
    contact: Mapped[str] = mapped_column(String(300), default="")
    #: Free texts per language: {"nl": {"purposes": ..., "notes": ...}, "en": ..., "ar": ...}.
    texts: Mapped[dict | None] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<ProjectPrivacy project={self.project_id}>"


class InstallationPrivacy(db.Model):
    """One row: who runs this installation, its data protection officer, how long the audit
    log keeps references to people, and the security measures an operator describes."""

    __tablename__ = "installation_privacy"
    __audit_kind__ = "privacy_settings"
    __table_args__ = _positive("audit_months", "outbox_days", "job_days")

    id: Mapped[int] = mapped_column(primary_key=True)
    controller: Mapped[str] = mapped_column(String(300), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    #: The data protection officer (name or function, and how to reach them).
    dpo: Mapped[str] = mapped_column(String(300), default="")
    #: Audit entries keep who did what for this many months; then the actor is pseudonymised.
    audit_months: Mapped[int | None]
    #: Periods for what belongs to no project: account mail, jobs of no project.
    outbox_days: Mapped[int | None]
    job_days: Mapped[int | None]
    #: Measures the operator takes outside the app (backups, encryption, hosting), in their words.
    security_notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PurgeRun(db.Model):
    """One run of the retention purge. Its counts grow with each step's own transaction, so a
    run that dies halfway has recorded what it did; the next run finishes the work and writes
    the audit entry for both (`purge.purge`)."""

    __tablename__ = "privacy_purge_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "schedule" (the RQ job), "command" (flask privacy purge) or "screen" (an admin's button).
    trigger: Mapped[str] = mapped_column(String(20), default="command")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: {"contacts": 2, "links": 3, "outbox": 5, ...}: counts only.
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The run that finished this one's work, when this one stopped halfway.
    finished_by_id: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<PurgeRun {self.id} {self.trigger}>"
