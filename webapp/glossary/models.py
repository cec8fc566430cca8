"""GlossaryEntry: one concept, its preferred term per language and the terms to avoid."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..activities.types import ACTIVITY_TYPES
from ..extensions import db
from ..projects.scope import ProjectScoped


class GlossaryEntry(ProjectScoped, db.Model):
    """A concept of the project's vocabulary: "taking-stock session" / "inventarisatiesessie"."""

    __tablename__ = "glossary_entries"
    __table_args__ = (
        UniqueConstraint("project_id", "activity_type", name="uq_glossary_entries_project_activity_type"),
        CheckConstraint(f"activity_type IS NULL OR activity_type IN ({', '.join(repr(t) for t in ACTIVITY_TYPES)})",
                        "known_activity_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    preferred_nl: Mapped[str] = mapped_column(String(200), default="")
    preferred_en: Mapped[str] = mapped_column(String(200), default="")
    #: Terms that mean the same and should not be used, one per line ("tussentijdse evaluatiesessie").
    deprecated_nl: Mapped[str] = mapped_column(Text, default="")
    deprecated_en: Mapped[str] = mapped_column(Text, default="")
    #: When the concept is a kind of activity (a code of activities.types.ACTIVITY_TYPES): the staff
    #: screens of the project name that type by the preferred term.
    activity_type: Mapped[str | None] = mapped_column(String(20))
    #: Why this term, or where it comes from.
    note: Mapped[str] = mapped_column(Text, default="")

    def deprecated(self, language: str) -> list[str]:
        return [term.strip() for term in (getattr(self, f"deprecated_{language}") or "").splitlines() if term.strip()]

    def __repr__(self) -> str:
        return f"<GlossaryEntry {self.id}>"
