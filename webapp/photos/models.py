"""A photo of an activity (`Photo`), and the finding typed from it (`PhotoFinding`)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..activities.models import Activity
from ..auth.models import User
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..projects.scope import ProjectScoped, child_of
from .storage import export_file, import_file


class Photo(ProjectScoped, db.Model):
    """One photo taken at an activity: the stored file is a JPEG re-encoded from the pixels of
    what was uploaded (no EXIF, GPS, device or time), at most 2,560 pixels a side.

    Private by default: `cleared_at` is empty ("may show people or names") until a facilitator
    clears it; only a cleared photo prints in a report or leaves in a project export.
    """

    __tablename__ = "photos"
    __audit_kind__ = "photo"  # its create, update, delete are audited
    #: Denormalised from the activity, so that scoping a photo is one criterion.
    project_source = "activity"
    __table_args__ = (
        CheckConstraint("width > 0 AND height > 0", "positive_size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Made on the device when the photo is taken: the same photo sent twice is stored once.
    client_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="RESTRICT"), index=True)
    #: The person whose sticky notes, drawing or face this photo holds, if one: erased with them.
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Where the file is in the photo store; a project export carries the file itself.
    file_key: Mapped[str] = mapped_column(String(100), info={"export": export_file, "import": import_file})
    #: The thumbnail, made by a job after the upload; None until then.
    thumbnail_key: Mapped[str | None] = mapped_column(String(100),
                                                      info={"export": export_file, "import": import_file})
    width: Mapped[int]
    height: Mapped[int]
    #: Bytes of the stored file.
    size: Mapped[int] = mapped_column(default=0)
    #: SHA-256 of the upload as received: a resend of the same photo compares equal.
    upload_sha256: Mapped[str] = mapped_column(String(64))
    #: When (and by whom) a facilitator confirmed it shows no people and no names; None: it may.
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    activity: Mapped[Activity] = relationship()
    contributor: Mapped[Contributor | None] = relationship()
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    cleared_by: Mapped[User | None] = relationship(foreign_keys=[cleared_by_id])
    findings: Mapped[list[PhotoFinding]] = relationship(back_populates="photo", cascade="all, delete-orphan",
                                                        passive_deletes=True)

    @property
    def leaves_in_export(self) -> bool:
        """Only a cleared photo leaves in a project export (projects/transfer.py)."""
        return self.cleared_at is not None

    @property
    def may_show_people(self) -> bool:
        return self.cleared_at is None

    def __repr__(self) -> str:
        return f"<Photo {self.id}>"


@child_of("photo")
class PhotoFinding(db.Model):
    """A finding typed from a photo, and optionally the region of the photo it was read from
    (fractions of the photo's width and height, so the region holds at any size)."""

    __tablename__ = "photo_findings"
    __table_args__ = (
        CheckConstraint("(region_x IS NULL) = (region_y IS NULL) AND (region_x IS NULL) = (region_w IS NULL) "
                        "AND (region_x IS NULL) = (region_h IS NULL)", "whole_region"),
        CheckConstraint("region_x IS NULL OR (region_x >= 0 AND region_y >= 0 AND region_w > 0 AND region_h > 0 "
                        "AND region_x + region_w <= 1.0001 AND region_y + region_h <= 1.0001)", "region_inside"),
    )

    #: A finding comes from one photo at most.
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id", ondelete="CASCADE"), index=True)
    region_x: Mapped[float | None] = mapped_column(Float)
    region_y: Mapped[float | None] = mapped_column(Float)
    region_w: Mapped[float | None] = mapped_column(Float)
    region_h: Mapped[float | None] = mapped_column(Float)

    photo: Mapped[Photo] = relationship(back_populates="findings")
    finding: Mapped[Finding] = relationship()

    @property
    def region(self) -> tuple[float, float, float, float] | None:
        if self.region_x is None:
            return None
        return (self.region_x, self.region_y, self.region_w, self.region_h)
