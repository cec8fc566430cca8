"""Views over several projects: the projects the user is a member of (the request's scope):
findings searched in all of them, and theme codes counted per project (`/search`, `/evidence`).
Their own blueprint, outside any project and without the analysis prefix.

The ORM hook already limits every query to `scope_ids()`; the search's raw SQL part (the
SQLite FTS5 match) gets the same ids explicitly, as every raw query must.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..access import STAFF, roles_required
from ..extensions import db
from ..findings.models import Finding, finding_themes
from ..i18n import localized
from ..projects.scope import scope_ids
from ..projects.services import projects_of
from ..themes.models import Theme
from .search import search_condition, search_terms

bp = Blueprint("across", __name__, template_folder="templates")

RESULT_LIMIT = 200


def search_findings(query: str) -> list[Finding]:
    if not search_terms(query):
        return []
    return list(db.session.scalars(
        select(Finding).where(search_condition(query, project_ids=scope_ids()))
        .options(selectinload(Finding.activity), selectinload(Finding.project), selectinload(Finding.translations))
        .order_by(Finding.project_id, Finding.created_at.desc()).limit(RESULT_LIMIT)))


@dataclass
class CodeRow:
    code: str
    label: str
    counts: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def evidence_across(projects) -> list[CodeRow]:
    """Findings per theme code and project: codebooks copied from one another (or from the
    shared template) share their codes, so the same theme lines up across projects."""
    allowed = scope_ids()
    query = (select(Theme.code, Finding.project_id, func.count(Finding.id.distinct()))
             .join(finding_themes, finding_themes.c.theme_id == Theme.id)
             .join(Finding, Finding.id == finding_themes.c.finding_id)
             .group_by(Theme.code, Finding.project_id))
    if allowed is not None:
        query = query.where(Finding.project_id.in_(allowed))
    rows: dict[str, CodeRow] = {}
    labels = {theme.code: localized(theme, "label") for theme in db.session.scalars(
        select(Theme).where(Theme.merged_into_id.is_(None)).order_by(Theme.project_id.desc()))}
    for code, project_id, count in db.session.execute(query):
        rows.setdefault(code, CodeRow(code, labels.get(code, code))).counts[project_id] = count
    return sorted(rows.values(), key=lambda row: (-row.total, row.label))


@bp.get("/search")
@roles_required(*STAFF)
def search():
    """Findings across the projects the user is a member of, each labelled with its project."""
    query = request.args.get("q", "")
    return render_template("across/search.html", query=query, results=search_findings(query),
                           projects=projects_of(current_user))


@bp.get("/evidence")
@roles_required(*STAFF)
def evidence():
    """Per theme code, the findings in each of the user's projects: the national picture."""
    projects = projects_of(current_user)
    return render_template("across/evidence.html", projects=projects, rows=evidence_across(projects))
