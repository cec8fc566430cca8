from __future__ import annotations

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..projects.scope import ProjectScoped


class Abbreviation(db.Model):
    __tablename__ = "abbreviations"
    __audit_kind__ = "abbreviation"  # its create, update, delete are audited

    id: Mapped[int] = mapped_column(primary_key=True)
    abbreviation: Mapped[str] = mapped_column(String(40), unique=True)
    definition_en: Mapped[str] = mapped_column(Text)
    definition_nl: Mapped[str] = mapped_column(Text)


class GoodExample(ProjectScoped, db.Model):
    """A pilot or practice worth copying; the report shows it in a box. Dutch text may follow later."""

    __tablename__ = "good_examples"

    __audit_kind__ = "good_example"  # its create, update, delete are audited
    __table_args__ = (UniqueConstraint("project_id", "title_en", name="uq_good_examples_project_title_en"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_en: Mapped[str] = mapped_column(String(300))
    title_nl: Mapped[str | None] = mapped_column(String(300))
    #: Where it happens, as the report prints it in each language ("Municipality of Almere" / "Gemeente Almere").
    place_en: Mapped[str] = mapped_column(String(200), default="")
    place_nl: Mapped[str | None] = mapped_column(String(200))
    target_group_en: Mapped[str] = mapped_column(Text, default="")
    target_group_nl: Mapped[str | None] = mapped_column(Text)
    partners_en: Mapped[str] = mapped_column(Text, default="")
    partners_nl: Mapped[str | None] = mapped_column(Text)
    results_en: Mapped[str] = mapped_column(Text, default="")
    results_nl: Mapped[str | None] = mapped_column(Text)
    funding_en: Mapped[str] = mapped_column(Text, default="")
    funding_nl: Mapped[str | None] = mapped_column(Text)
    #: Where the example is described (document, page or section), shown with it: an example keeps its source.
    source: Mapped[str] = mapped_column(Text, default="", server_default="")
