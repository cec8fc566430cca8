"""Who may open a view: the roles, and the decorator that every non-public view carries.

A mechanism every feature uses (like security.py), so it lives below them all: the mail
outbox and the jobs' progress pages are guarded by it too, and they sit below auth.

A view is either decorated with `roles_required(...)` or `public` - a test walks the URL
map and fails for any view that is neither, so a new route cannot forget its check.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user

from .extensions import login_manager
from .i18n import _l

ADMIN = "admin"
AUTHOR = "author"
FACILITATOR = "facilitator"
ADVISOR = "advisor"  # member of the Migrant Ambassador Advisory Board
REVIEWER = "reviewer"

ROLE_LABELS = {
    ADMIN: _l("Administrator"),
    AUTHOR: _l("Report author"),
    FACILITATOR: _l("Facilitator"),
    ADVISOR: _l("Advisory board member"),
    REVIEWER: _l("Reviewer"),
}
ROLES = tuple(ROLE_LABELS)
#: The people who run the learning network and work with its evidence.
STAFF = (ADMIN, AUTHOR, FACILITATOR)


def roles_required(*roles: str):
    """Let only logged-in users with one of `roles` in; others get a login page or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_role() not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator


def current_role() -> str | None:
    """The logged-in user's role here: inside a project the membership's role (set by
    `projects/context.py`; administrators stay administrators), elsewhere the user's own."""
    if not current_user or not current_user.is_authenticated:  # no request: a build, the CLI
        return None
    return g.get("project_role") or current_user.role


def public(view):
    """Mark a view as reachable without logging in (login, health, public links)."""
    view.is_public = True
    return view
