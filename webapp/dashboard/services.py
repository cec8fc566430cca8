"""The numbers on the dashboard, each one query whatever the size of the data."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..activities.models import Activity
from ..data_version import cached_until_data_changes
from ..extensions import db
from ..findings.models import Finding, finding_themes
from ..projects.scope import scope_ids
from ..themes.models import Theme


def activity_counts_by_type() -> dict[str, int]:
    rows = db.session.execute(select(Activity.type, func.count()).group_by(Activity.type))
    return {activity_type: count for activity_type, count in rows}


def finding_counts_by_theme(limit: int | None = None) -> list[tuple[Theme, int]]:
    """Themes with the number of findings tagged with them, most used first (the counts kept
    until the data changes: at 50,000 findings the count is ~0.5 s on SQLite)."""
    counted = cached_until_data_changes("theme_counts", (scope_ids(), limit), lambda: _theme_counts(limit))
    themes = {theme.id: theme for theme in db.session.scalars(
        select(Theme).where(Theme.id.in_([theme_id for theme_id, _n in counted])))} if counted else {}
    return [(themes[theme_id], n) for theme_id, n in counted if theme_id in themes]


def _theme_counts(limit: int | None) -> list[tuple[int, int]]:
    count = func.count(Finding.id)
    # Joined through Finding (not only the link table), so deleted findings are not counted.
    query = (select(Theme.id, count).join(finding_themes, finding_themes.c.theme_id == Theme.id)
             .join(Finding, Finding.id == finding_themes.c.finding_id)
             .group_by(Theme.id).order_by(count.desc(), Theme.code))
    if limit:
        query = query.limit(limit)
    return [(theme_id, n) for theme_id, n in db.session.execute(query)]


def latest_findings(limit: int = 8) -> list[Finding]:
    return list(db.session.scalars(
        select(Finding).options(selectinload(Finding.activity), selectinload(Finding.themes),
                                selectinload(Finding.contributor), selectinload(Finding.translations))
        .order_by(Finding.created_at.desc(), Finding.id.desc()).limit(limit)))


def total_findings() -> int:
    return db.session.scalar(select(func.count()).select_from(Finding))
