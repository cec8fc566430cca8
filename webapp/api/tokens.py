"""Personal API tokens: shown once when made, stored only as a SHA-256 hash.

A token is 32 random bytes, so a fast hash is enough (no password stretching needed) and
lets the lookup be a plain indexed equality.
"""
from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

from sqlalchemy import bindparam, select

from ..auth.models import User
from ..extensions import db
from ..projects.context import role_in
from ..projects.models import Project, ProjectMembership


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
    if not token or len(token) > 200:
        return None, None, None
    if project_slug is None:
        user, project, role = db.session.scalar(_queries()[0], {"token_hash": _hash(token)}), None, None
    else:
        row = db.session.execute(_queries()[1], {"token_hash": _hash(token), "slug": project_slug}).first()
        user, project, role = row if row is not None else (None, None, None)
    if user is None or not user.active:
        return None, None, None
    return user, project, (role_in(user, role) if project is not None else None)


@lru_cache(maxsize=1)
def _queries():
    """The two statements of `token_holder`, built once (with parameters): building them anew
    for every API call cost more than running them."""
    user = select(User).where(User.api_token_hash == bindparam("token_hash"))
    with_project = (user.add_columns(Project, ProjectMembership.role).select_from(User)
                    .outerjoin(Project, Project.slug == bindparam("slug"))
                    .outerjoin(ProjectMembership, (ProjectMembership.project_id == Project.id)
                               & (ProjectMembership.user_id == User.id)))
    return user, with_project
