"""The findings browser: filters, search, pages, and adding or removing themes in bulk."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, exists, func, insert, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement

from ..activities.models import Activity
from ..activities.types import ACTIVITY_TYPES
from ..data_version import cached_until_data_changes
from ..extensions import db
from ..pagination import Page
from ..projects.scope import scope_ids
from ..findings.models import FINDING_KINDS, Finding, finding_themes
from ..i18n import CONTENT_LANGUAGES, _
from ..organisations.stakeholder_types import STAKEHOLDER_TYPES
from ..themes.models import Theme
from ..findings.tags import touch_findings
from ..themes.services import descendant_ids
from .search import search_condition

PAGE_SIZES = (25, 50, 100)
#: The stakeholder-type filter value for findings without one (the matrix links to it).
NO_STAKEHOLDER = "none"
#: One bulk action changes at most this many findings (a page holds at most 100).
MAX_BULK = 500


class TaggingError(ValueError):
    """A translated message for the user: nothing was changed."""


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass
class FindingFilter:
    """What the browser shows; read from the query string, so every view is a link."""

    q: str = ""
    activity_type: str | None = None
    activity_id: int | None = None
    #: Findings must have each of these themes (or one of its sub-themes).
    theme_ids: list[int] = field(default_factory=list)
    kind: str | None = None
    stakeholder_type: str | None = None
    language: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    untagged: bool = False

    @classmethod
    def from_args(cls, args) -> FindingFilter:
        """Unknown values are dropped, never an error: these arrive from hand-edited links."""
        def pick(name, allowed):
            value = args.get(name) or None
            return value if value in allowed else None

        return cls(
            q=(args.get("q") or "").strip()[:200],
            activity_type=pick("activity_type", ACTIVITY_TYPES),
            activity_id=_int(args.get("activity")),
            theme_ids=[i for i in (_int(v) for v in args.getlist("theme")) if i is not None][:5],
            kind=pick("kind", FINDING_KINDS),
            stakeholder_type=pick("stakeholder_type", {**STAKEHOLDER_TYPES, NO_STAKEHOLDER: None}),
            language=pick("language", CONTENT_LANGUAGES),
            date_from=_date(args.get("from")), date_to=_date(args.get("to")),
            untagged=args.get("untagged") == "1",
        )

    def to_args(self) -> dict:
        """The query-string form, for links (pagination, matrix cells)."""
        values = {"q": self.q, "activity_type": self.activity_type, "activity": self.activity_id,
                  "theme": self.theme_ids, "kind": self.kind, "stakeholder_type": self.stakeholder_type,
                  "language": self.language, "from": self.date_from.isoformat() if self.date_from else None,
                  "to": self.date_to.isoformat() if self.date_to else None, "untagged": "1" if self.untagged else None}
        return {key: value for key, value in values.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.to_args())


def filter_conditions(criteria: FindingFilter, themes: list[Theme]) -> list[ColumnElement[bool]]:
    """WHERE clauses for `criteria`; the query must join Activity."""
    conditions: list[ColumnElement[bool]] = [search_condition(criteria.q, project_ids=scope_ids())]
    if criteria.activity_type:
        conditions.append(Activity.type == criteria.activity_type)
    if criteria.activity_id:
        conditions.append(Finding.activity_id == criteria.activity_id)
    for theme_id in criteria.theme_ids:
        ids = descendant_ids(themes, theme_id)
        conditions.append(Finding.id.in_(
            select(finding_themes.c.finding_id).where(finding_themes.c.theme_id.in_(ids))))
    if criteria.kind:
        conditions.append(Finding.kind == criteria.kind)
    if criteria.stakeholder_type == NO_STAKEHOLDER:
        conditions.append(Finding.stakeholder_type.is_(None))
    elif criteria.stakeholder_type:
        conditions.append(Finding.stakeholder_type == criteria.stakeholder_type)
    if criteria.language:
        conditions.append(Finding.language == criteria.language)
    if criteria.date_from:
        conditions.append(func.coalesce(Activity.ends_on, Activity.starts_on) >= criteria.date_from)
    if criteria.date_to:
        conditions.append(Activity.starts_on <= criteria.date_to)
    if criteria.untagged:
        conditions.append(~exists().where(finding_themes.c.finding_id == Finding.id))
    return conditions


def browse_findings(criteria: FindingFilter, themes: list[Theme], page: int = 1, per_page: int = 25) -> Page:
    """One page of matching findings, newest activity first: two queries plus one for themes."""
    per_page = per_page if per_page in PAGE_SIZES else PAGE_SIZES[0]
    conditions = filter_conditions(criteria, themes)
    # The count reads every matching finding (~60 ms for 50,000 on PostgreSQL), the same again for
    # each page and each return to the list: kept until any data changes (`data_version.py`).
    filter_key = tuple((name, tuple(value) if isinstance(value, list) else value)
                       for name, value in vars(criteria).items())
    total = cached_until_data_changes("findings_browser_total", (filter_key, scope_ids()), lambda: db.session.scalar(
        select(func.count(Finding.id)).join(Finding.activity).where(*conditions)))
    page = min(max(1, page), max(1, math.ceil(total / per_page)))
    # The page's ids first, then those rows with what they show: sorting whole joined rows
    # (texts, organisation, contributor) to keep 25 took 135 ms at 50,000 findings, the ids 28.
    ids = list(db.session.scalars(
        select(Finding.id).join(Finding.activity).where(*conditions)
        .order_by(Activity.starts_on.desc().nullslast(), Activity.id.desc(), Finding.id)
        .limit(per_page).offset((page - 1) * per_page)))
    found = {finding.id: finding for finding in db.session.scalars(
        select(Finding).where(Finding.id.in_(ids))
        .options(joinedload(Finding.activity), joinedload(Finding.organisation), joinedload(Finding.contributor),
                 selectinload(Finding.themes), selectinload(Finding.translations))).unique()} if ids else {}
    return Page([found[finding_id] for finding_id in ids if finding_id in found], total, page, per_page)


def change_themes(finding_ids: list[int], theme_ids: list[int], add: bool) -> int:
    """Add (or remove) each of `theme_ids` on each finding; returns how many findings changed.

    Plain inserts and deletes on the link table: a constant number of statements for a
    whole page of findings.
    """
    finding_ids = list(dict.fromkeys(finding_ids))
    if not finding_ids or not theme_ids:
        raise TaggingError(_("Select at least one finding and one theme."))
    if len(finding_ids) > MAX_BULK:
        raise TaggingError(_("Select at most %(max)s findings at a time.", max=MAX_BULK))
    found = set(db.session.scalars(select(Finding.id).where(Finding.id.in_(finding_ids))))
    themes = list(db.session.scalars(select(Theme).where(Theme.id.in_(theme_ids))))
    if len(found) != len(finding_ids) or len(themes) != len(set(theme_ids)):
        raise TaggingError(_("Some findings or themes no longer exist. Reload the page and try again."))
    if add and any(theme.archived for theme in themes):
        raise TaggingError(_("Archived themes cannot be added to findings."))
    link = finding_themes
    existing = set(db.session.execute(
        select(link.c.finding_id, link.c.theme_id)
        .where(link.c.finding_id.in_(found), link.c.theme_id.in_([t.id for t in themes]))).tuples())
    if add:
        wanted = [{"finding_id": f, "theme_id": t.id} for f in finding_ids for t in themes
                  if (f, t.id) not in existing]
        if wanted:
            db.session.execute(insert(link), wanted)
        changed = {row["finding_id"] for row in wanted}
    else:
        changed = {finding_id for finding_id, _theme_id in existing}
        if existing:
            db.session.execute(delete(link).where(link.c.finding_id.in_(changed),
                                                  link.c.theme_id.in_([t.id for t in themes])))
    if changed:
        touch_findings(changed)
    db.session.commit()
    db.session.expire_all()  # loaded `Finding.themes` collections are stale after the Core writes
    return len(changed)
