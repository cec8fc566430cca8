from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..activities.types import ACTIVITY_TYPES
from ..auth.roles import ROLES, STAFF, roles_required
from . import bp
from .services import activity_counts_by_type, finding_counts_by_theme, latest_findings, total_findings


@bp.get("/")
@roles_required(*ROLES)
def index():
    if current_user.role not in STAFF:
        # Advisory-board members and reviewers work through their personal links.
        return render_template("dashboard/participant.html")
    counts = activity_counts_by_type()
    return render_template(
        "dashboard/index.html",
        activity_counts=[(code, counts.get(code, 0)) for code in ACTIVITY_TYPES],
        theme_counts=finding_counts_by_theme(limit=15),
        latest=latest_findings(),
        total_findings=total_findings(),
    )
