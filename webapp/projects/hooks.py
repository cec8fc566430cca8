"""What projects add to the features below them, connected at start-up (webapp/signals.py)."""
from __future__ import annotations

from .. import signals
from ..extensions import db
from .models import MEMBER_ROLES, ProjectMembership
from .scope import only_project_id


@signals.user_created.connect
def _join_the_only_project(user) -> None:
    """On an installation with one project a new colleague works in it straight away, as
    before projects existed; with several, an administrator chooses (projects/routes.py)."""
    project_id = only_project_id(db.session)
    if project_id is not None and user.role in MEMBER_ROLES:
        db.session.add(ProjectMembership(project_id=project_id, user_id=user.id, role=user.role))
