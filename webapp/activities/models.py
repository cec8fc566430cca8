from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..organisations.models import Organisation
from ..projects.scope import ProjectScoped, link_of
from .types import ACTIVITY_TYPES

activity_organisations = link_of("activity_id", Table(
    "activity_organisations",
    db.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True),
))


class Activity(ProjectScoped, db.Model):
    """Something the learning network did that produced evidence: a meeting, a consultation..."""

    __tablename__ = "activities"

    __audit_kind__ = "activity"  # its create, update, delete are audited
    __table_args__ = (
        UniqueConstraint("project_id", "type", "number", name="uq_activities_project_type_number"),
        CheckConstraint(f"type IN ({', '.join(repr(t) for t in ACTIVITY_TYPES)})", "known_type"),
        CheckConstraint("date_precision IN ('day', 'month')", "known_date_precision"),
        CheckConstraint("status IN ('held', 'planned')", "known_status"),
        CheckConstraint("ends_on IS NULL OR (starts_on IS NOT NULL AND ends_on >= starts_on)", "ends_after_start"),
        CheckConstraint("number > 0", "positive_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A code of types.ACTIVITY_TYPES.
    type: Mapped[str] = mapped_column(String(20))
    #: Counts within the type: "meeting 7", "consultation 23" - the report's appendices use it.
    number: Mapped[int]
    #: The title as it was entered in the register (any language); used on the staff screens.
    title: Mapped[str] = mapped_column(String(300))
    #: The title as a report prints it in Dutch / English (methodology, appendices, attributions);
    #: empty: the report lists the gap before building and prints `title`.
    title_nl: Mapped[str] = mapped_column(String(300), default="", server_default="")
    title_en: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: A code of types.FORMATS (workshop, working visit, panel, ...).
    format: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="held")
    #: First day of the activity; for a month-precise date the first of that month. None: unknown.
    starts_on: Mapped[date | None]
    #: Last day when the activity spans a period (e.g. the field test, March-April 2024).
    ends_on: Mapped[date | None]
    #: How precisely the dates are known: "day" or "month" (the report gives some as a month).
    date_precision: Mapped[str] = mapped_column(String(5), default="day")
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organisations: Mapped[list[Organisation]] = relationship(
        secondary=activity_organisations, order_by=Organisation.name
    )
    facilitator: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Activity {self.type} {self.number}>"
