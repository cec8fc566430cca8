"""Screens of the analysis feature: findings browser, bulk tagging, suggestions, evidence matrix.

The blueprint is defined here, not in __init__.py, so importing analysis models or text
helpers never loads the views (see webapp/themes/routes.py for the same reason).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import signals
from ..access import STAFF, roles_required
from ..activities.models import Activity
from ..activities.types import type_names as activity_type_names
from ..extensions import db
from ..findings.models import FINDING_KINDS, Finding
from ..i18n import CONTENT_LANGUAGES, _, localized, ngettext
from ..organisations.stakeholder_types import STAKEHOLDER_TYPES
from ..routing import safe_next
from ..signals import answers
from ..themes.models import Theme
from ..themes.services import all_themes, theme_tree
from . import hooks, suggestions  # noqa: F401  (hooks: the analysis's receivers)
from .matrix import build_matrix, theme_count_chart
from .services import NO_STAKEHOLDER, PAGE_SIZES, FindingFilter, TaggingError, browse_findings, change_themes

bp = Blueprint("analysis", __name__, template_folder="templates", static_folder="static",
               static_url_path="/analysis/static", url_prefix="/analysis")


def _safe_next(default: str) -> str:
    """Back to the page the user came from, but only to a path on this site."""
    return safe_next(request.form.get("next"), default)


@bp.get("/findings")
@roles_required(*STAFF)
def findings():
    themes = all_themes()
    criteria = FindingFilter.from_args(request.args)
    page = browse_findings(criteria, themes, request.args.get("page", 1, type=int),
                           request.args.get("per_page", PAGE_SIZES[0], type=int))
    show_suggestions = request.args.get("suggest") == "1"
    chips = suggestions.suggestions_for(page.items) if show_suggestions else {}
    suggestions_pending = show_suggestions and suggestions.model_pending()
    # Each type's name translated once, not once per activity (1,000 activities: ~40 ms).
    type_names = activity_type_names()
    activities = [(activity_id, f"{type_names.get(type_, type_)} {number}", title)
                  for activity_id, type_, number, title in db.session.execute(
                      select(Activity.id, Activity.type, Activity.number, Activity.title)
                      .order_by(Activity.type, Activity.number))]
    tree = theme_tree(themes)
    return render_template(
        "analysis/findings.html", page=page, criteria=criteria, args=criteria.to_args(), tree=tree,
        taggable=[row for row in tree if not row.theme.archived], activities=activities,
        activity_types=type_names, kinds=FINDING_KINDS, stakeholder_types=STAKEHOLDER_TYPES,
        no_stakeholder=NO_STAKEHOLDER, languages=CONTENT_LANGUAGES, page_sizes=PAGE_SIZES,
        show_suggestions=show_suggestions, chips=chips,
        suggestions_pending=suggestions_pending)


def _int_list(name: str) -> list[int]:
    return [int(v) for v in request.form.getlist(name) if v.isdigit()]


@bp.post("/findings/tag")
@roles_required(*STAFF)
def tag():
    add = request.form.get("action") != "remove"
    try:
        changed = change_themes(_int_list("finding_ids"), _int_list("theme_id"), add)
    except TaggingError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        message = (ngettext("Theme added to %(num)s finding.", "Theme added to %(num)s findings.", changed) if add
                   else ngettext("Theme removed from %(num)s finding.", "Theme removed from %(num)s findings.", changed))
        flash(message, "success")
    return redirect(_safe_next(url_for("analysis.findings")))


def _finding_and_theme(finding_id: int, theme_id: int) -> tuple[Finding, Theme]:
    finding = db.session.get(Finding, finding_id)
    theme = db.session.get(Theme, theme_id)
    if finding is None or finding.is_deleted or theme is None:
        abort(404)
    return finding, theme


@bp.post("/findings/<int:finding_id>/suggestions/<int:theme_id>/accept")
@roles_required(*STAFF)
def accept_suggestion(finding_id: int, theme_id: int):
    finding, theme = _finding_and_theme(finding_id, theme_id)
    if theme.archived:
        flash(_("Archived themes cannot be added to findings."), "error")
    else:
        suggestions.accept(finding, theme)
        flash(_("“%(label)s” added.", label=localized(theme, "label")), "success")
    return redirect(_safe_next(url_for("analysis.findings", suggest=1)))


@bp.post("/findings/<int:finding_id>/suggestions/<int:theme_id>/reject")
@roles_required(*STAFF)
def reject_suggestion(finding_id: int, theme_id: int):
    finding, theme = _finding_and_theme(finding_id, theme_id)
    suggestions.reject(finding, theme, current_user)
    flash(_("“%(label)s” will not be suggested for this finding again.", label=localized(theme, "label")), "success")
    return redirect(_safe_next(url_for("analysis.findings", suggest=1)))


@bp.get("/evidence")
@roles_required(*STAFF)
def evidence():
    matrix = build_matrix()
    # The recommendations and their sources: the reports (a feature above this one) answer.
    recommendations = [row for rows in answers(signals.evidence_matrix_recommendations.send()) for row in rows]
    return render_template("analysis/evidence.html", matrix=matrix, chart=theme_count_chart(matrix),
                           no_stakeholder=NO_STAKEHOLDER, recommendations=recommendations)
