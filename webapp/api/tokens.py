"""Personal API tokens: shown once when made, stored only as a SHA-256 hash.

A token is 32 random bytes, so a fast hash is enough (no password stretching needed) and
lets the lookup be a plain indexed equality.
"""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from ..auth.models import User
from ..extensions import db


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(user: User) -> str:
    """Make a new token for `user` (replacing any earlier one) and return it: it is shown once."""
    token = "kb_" + secrets.token_urlsafe(32)
    user.api_token_hash = _hash(token)
    db.session.commit()
    return token


def revoke_api_token(user: User) -> None:
    user.api_token_hash = None
    db.session.commit()


def user_for_api_token(token: str) -> User | None:
    """The active user holding `token`, or None."""
    return token_holder(token, None)[0]


def token_holder(token: str, project_slug: str | None) -> tuple[User | None, object, str | None]:
    """The active user holding `token` (or None), the project `project_slug` names and the
    user's role in it (None for a non-member or an unknown project), in one query: every
    API call asks all three, and each statement costs about a millisecond of CPU."""
    from ..projects.context import role_in
    from ..projects.models import Project, ProjectMembership

    if not token or len(token) > 200:
        return None, None, None
    query = select(User).where(User.api_token_hash == _hash(token))
    if project_slug is None:
        user, project, role = db.session.scalar(query), None, None
    else:
        row = db.session.execute(
            query.add_columns(Project, ProjectMembership.role).select_from(User)
            .outerjoin(Project, Project.slug == project_slug)
            .outerjoin(ProjectMembership, (ProjectMembership.project_id == Project.id)
                       & (ProjectMembership.user_id == User.id))).first()
        user, project, role = row if row is not None else (None, None, None)
    if user is None or not user.active:
        return None, None, None
    return user, project, (role_in(user, role) if project is not None else None)
