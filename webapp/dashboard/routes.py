from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from ..activities.types import ACTIVITY_TYPES
from ..access import ROLES, STAFF, roles_required
from ..projects.context import across_projects, remembered_project_slug
from . import bp
from .services import activity_counts_by_type, finding_counts_by_theme, latest_findings, total_findings


@bp.get("/")
@roles_required(*ROLES)
@across_projects
def index():
    """The start page: the remembered project's dashboard; participants use their personal links."""
    if current_user.role in STAFF:
        slug = remembered_project_slug(current_user)
        if slug is not None:
            return redirect(url_for("dashboard.home", project_slug=slug))
        return render_template("dashboard/no_project.html")
    # Advisory-board members and reviewers work through their personal links.
    return render_template("dashboard/participant.html")


@bp.get("/")
@roles_required(*STAFF)
def home():
    """A project's dashboard (/p/<slug>/)."""
    counts = activity_counts_by_type()
    return render_template(
        "dashboard/index.html",
        activity_counts=[(code, counts.get(code, 0)) for code in ACTIVITY_TYPES],
        theme_counts=finding_counts_by_theme(limit=15),
        latest=latest_findings(),
        total_findings=total_findings(),
    )
