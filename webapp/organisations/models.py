from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, utcnow
from ..extensions import db


class Organisation(db.Model):
    __tablename__ = "organisations"
    __audit_kind__ = "organisation"  # its create, update, delete are audited

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The canonical spelling; other spellings are aliases.
    name: Mapped[str] = mapped_column(String(300), unique=True)
    #: A code of stakeholder_types.STAKEHOLDER_TYPES.
    stakeholder_type: Mapped[str] = mapped_column(String(40))
    #: How a report prints the organisation in Dutch and English ("Gemeente Leiden" / "Municipality
    #: of Leiden"); empty: the canonical `name`, and the report lists the gap before building.
    display_name_nl: Mapped[str] = mapped_column(String(300), default="", server_default="")
    display_name_en: Mapped[str] = mapped_column(String(300), default="", server_default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: The day the organisation agreed to be named in reports as the source of what it said;
    #: None: a report names it only by its kind ("a municipality"), whatever a finding asks.
    name_consent_on: Mapped[date | None]
    #: Who at the organisation gave that consent (name or role), as staff recorded it; the audit
    #: log keeps which staff member recorded it (organisation changes are logged by field name).
    name_consent_by: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def may_be_named(self) -> bool:
        """Whether a report may print this organisation's name as the source of a finding."""
        return self.name_consent_on is not None and bool(self.name_consent_by.strip())

    aliases: Mapped[list[OrganisationAlias]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="OrganisationAlias.alias"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class OrganisationAlias(db.Model):
    """Another spelling of an organisation's name, as found in minutes and reports."""

    __tablename__ = "organisation_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(300), unique=True)

    organisation: Mapped[Organisation] = relationship(back_populates="aliases")
