"""What the privacy feature tells the features below it (webapp/signals.py): how long a
project keeps contact details (the consent text, the invitation), the privacy statement's
address for every message's footer, and the purge a starting worker schedules."""
from __future__ import annotations

from .. import signals
from ..extensions import db
from ..projects.models import Project
from ..projects.scope import current_project, unscoped
from .purge import message_project
from .retention import project_periods
from .schedule import ensure_scheduled
from .statement import statement_url


@signals.contact_retention_months.connect
def _contact_months(project_id) -> int:
    return project_periods(project_id).contact_months


@signals.message_footer_links.connect
def _privacy_link(related_type, related_id=None, language="nl") -> dict:
    with unscoped():
        project_id = message_project(related_type, related_id) if related_id is not None else None
        project = db.session.get(Project, project_id) if project_id is not None else None
    if project is None and related_type not in ("user", ""):
        project = current_project()
    try:
        return {"privacy_url": statement_url(project, language, external=True)}
    except RuntimeError:  # no request and no SERVER_NAME (a script): no address to give
        return {}


@signals.worker_starting.connect
def _schedule_purge(app) -> None:
    with app.app_context():
        try:
            ensure_scheduled()
        finally:
            db.session.remove()
