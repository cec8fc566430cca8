"""The numbers on the dashboard, each one query whatever the size of the data."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..activities.models import Activity
from ..extensions import db
from ..findings.models import Finding, finding_themes
from ..themes.models import Theme


def activity_counts_by_type() -> dict[str, int]:
    rows = db.session.execute(select(Activity.type, func.count()).group_by(Activity.type))
    return {activity_type: count for activity_type, count in rows}


def finding_counts_by_theme(limit: int | None = None) -> list[tuple[Theme, int]]:
    """Themes with the number of findings tagged with them, most used first."""
    count = func.count(Finding.id)
    # Joined through Finding (not only the link table), so deleted findings are not counted.
    query = (select(Theme, count).join(finding_themes, finding_themes.c.theme_id == Theme.id)
             .join(Finding, Finding.id == finding_themes.c.finding_id)
             .group_by(Theme.id).order_by(count.desc(), Theme.code))
    if limit:
        query = query.limit(limit)
    return [(theme, n) for theme, n in db.session.execute(query)]


def latest_findings(limit: int = 8) -> list[Finding]:
    return list(db.session.scalars(
        select(Finding).options(selectinload(Finding.activity), selectinload(Finding.themes),
                                selectinload(Finding.contributor), selectinload(Finding.translations))
        .order_by(Finding.created_at.desc(), Finding.id.desc()).limit(limit)))


def total_findings() -> int:
    return db.session.scalar(select(func.count()).select_from(Finding))
