"""A finding's themes seen from the codebook's side: how many findings carry each theme,
re-tagging when themes merge, and a new version for findings whose themes changed.
The codebook sits below the findings and asks through webapp/signals.py (hooks.py)."""
from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update

from ..db_types import utcnow
from ..extensions import db
from .models import Finding, finding_themes


def touch_findings(finding_ids) -> None:
    """Findings whose themes changed get a new version, so an edit form opened before the
    change is refused instead of silently putting the old themes back."""
    db.session.execute(
        update(Finding.__table__).where(Finding.__table__.c.id.in_(finding_ids))
        .values(version=Finding.__table__.c.version + 1, updated_at=utcnow()))


def theme_finding_counts() -> dict[int, int]:
    """{theme_id: number of findings tagged with it} (not deleted)."""
    return dict(db.session.execute(
        select(finding_themes.c.theme_id, func.count()).join(Finding, Finding.id == finding_themes.c.finding_id)
        .group_by(finding_themes.c.theme_id)).all())


def retag(source_id: int, target_id: int) -> list[int]:
    """Every finding tagged `source` is tagged `target` instead; returns the ids that had `source`."""
    link = finding_themes
    finding_ids = list(db.session.scalars(select(link.c.finding_id).where(link.c.theme_id == source_id)))
    already = select(link.c.finding_id).where(link.c.theme_id == target_id)
    # Core statements on purpose: soft-deleted findings move too, so an undo finds them right.
    db.session.execute(insert(link).from_select(
        ["finding_id", "theme_id"],
        select(link.c.finding_id, target_id).where(link.c.theme_id == source_id,
                                                   link.c.finding_id.not_in(already))))
    db.session.execute(delete(link).where(link.c.theme_id == source_id))
    return finding_ids
