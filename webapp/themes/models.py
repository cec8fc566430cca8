from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import _l
from ..projects.scope import ProjectScoped

#: Groups of the codebook, as the report uses them.
THEME_GROUPS = {
    "recommendation": _l("Recommendation theme"),
    "learning-network": _l("Learning network theme"),
    "topic": _l("Meeting topic"),
    "transversal": _l("Transversal theme"),
}


class Theme(ProjectScoped, db.Model):
    """A code of the codebook, in Dutch and English (bilingual pattern: `localized(theme, 'label')`)."""

    __tablename__ = "themes"

    __audit_kind__ = "theme"  # its create, update, delete are audited
    __table_args__ = (
        CheckConstraint(f"theme_group IN ({', '.join(repr(g) for g in THEME_GROUPS)})", "known_group"),
        UniqueConstraint("project_id", "code", name="uq_themes_project_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable identifier used by the API, imports and exports (e.g. "employer-ambassadors").
    code: Mapped[str] = mapped_column(String(80))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="RESTRICT"), index=True)
    theme_group: Mapped[str] = mapped_column(String(20))
    label_nl: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    description_nl: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    #: Order among siblings.
    position: Mapped[int] = mapped_column(default=0)
    #: Archived themes stay on old findings but are not offered for new tagging.
    archived: Mapped[bool] = mapped_column(default=False)
    #: Set when this theme was merged into another: it keeps existing for anything that
    #: pointed at it (e.g. a report chapter), archived and without findings.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))

    parent: Mapped[Theme | None] = relationship(remote_side=[id], back_populates="children",
                                                 foreign_keys=[parent_id])
    children: Mapped[list[Theme]] = relationship(back_populates="parent", order_by="Theme.position",
                                                 foreign_keys=[parent_id])
    merged_into: Mapped[Theme | None] = relationship(remote_side=[id], foreign_keys=[merged_into_id])

    def __repr__(self) -> str:
        return f"<Theme {self.code}>"
