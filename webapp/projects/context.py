"""Projects in the URL: `/p/<slug>/...` for staff screens, `/api/v1/projects/<slug>/...` for the API.

- `ProjectFlask.add_url_rule` puts every staff view of a project feature under the project
  prefix when the blueprint is registered, so a new route cannot forget it. Public token
  pages (`/s`, `/i`, `/f`, `/r`: the token says which project), static files and views
  marked `@across_projects` (login, user admin, the cross-project search) stay unprefixed.
- `_pull_project_slug` (url_value_preprocessor) takes the slug out of the view arguments;
  `enter_project` (before_request) checks membership - an unknown project and one the
  user is not a member of both answer 404 - and sets `g.project`, the user's role in it and
  the query scope (`projects/scope.py`).
- `_fill_project_slug` (url_defaults) fills the slug from `g.project`, so `url_for` in
  templates and views stays as it was.
"""
from __future__ import annotations

from flask import Flask, abort, current_app, g, redirect, request, session
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from ..access import ADMIN
from ..extensions import db
from .archive import ALLOWED_IN_ARCHIVE, ProjectArchived
from .models import Project, ProjectMembership
from .scope import set_scope

#: Blueprints whose staff views live inside a project.
PROJECT_BLUEPRINTS = frozenset({
    "activities", "analysis", "api", "contributors", "dashboard", "feedback", "findings", "glossary",
    "organisations", "outcome", "photos", "privacy", "reference", "reports", "review", "surveys", "themes",
})
SLUG_ARG = "project_slug"
SESSION_KEY = "project"


def across_projects(view):
    """Mark a view of a project feature as living outside any one project (no /p/<slug>/)."""
    view.across_projects = True
    return view


def _in_project(endpoint: str | None, view_func) -> bool:
    if view_func is None or endpoint is None or endpoint == "static" or endpoint.endswith(".static"):
        return False
    if getattr(view_func, "is_public", False) or getattr(view_func, "across_projects", False):
        return False
    return endpoint.split(".", 1)[0] in PROJECT_BLUEPRINTS


def project_rule(rule: str) -> str:
    if rule.startswith("/api/v1/"):
        return f"/api/v1/projects/<{SLUG_ARG}>/" + rule[len("/api/v1/"):]
    return f"/p/<{SLUG_ARG}>" + rule


class ProjectFlask(Flask):
    def add_url_rule(self, rule, endpoint=None, view_func=None, provide_automatic_options=None, **options):
        if _in_project(endpoint, view_func):
            rule = project_rule(rule)
            self.project_endpoints.add(endpoint)
        return super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)

    @property
    def project_endpoints(self) -> set[str]:
        if not hasattr(self, "_project_endpoints"):
            self._project_endpoints = set()
        return self._project_endpoints


def member_role(user, project) -> str | None:
    """The user's role in `project`: admins are admins everywhere; None for a non-member."""
    if user.role == ADMIN:
        return ADMIN
    return db.session.scalar(select(ProjectMembership.role).where(
        ProjectMembership.project_id == project.id, ProjectMembership.user_id == user.id))


def member_project_ids(user) -> tuple[int, ...] | None:
    """The projects a user may see: None (all) for admins."""
    if user.role == ADMIN:
        return None
    return tuple(db.session.scalars(select(ProjectMembership.project_id)
                                    .where(ProjectMembership.user_id == user.id)
                                    .order_by(ProjectMembership.project_id)))


def _pull_project_slug(endpoint, values):
    g.project_slug = values.pop(SLUG_ARG, None) if values else None


def _project_and_role(slug: str, user):
    """The project with this slug and the user's role in it, in one query (every staff
    request and API call asks)."""
    row = db.session.execute(
        select(Project, ProjectMembership.role)
        .outerjoin(ProjectMembership, (ProjectMembership.project_id == Project.id)
                   & (ProjectMembership.user_id == user.id))
        .where(Project.slug == slug)).first()
    if row is None:
        return None, None
    project, role = row
    return project, role_in(user, role)


def role_in(user, membership_role: str | None) -> str | None:
    """The user's role in a project given the membership's (None: not a member): admins are admins everywhere."""
    return ADMIN if user.role == ADMIN else membership_role


def enter_project(known: tuple | None = None):
    """Before every request: the project of the URL, the user's role in it and the query scope.
    `known`: the (project, role) already read with the user (an API token, `api/tokens.py`)."""
    g.project_role = None
    if known is None and request.blueprint == "api" and "Authorization" in request.headers:
        return None  # a token request: `api/routes.py` enters as the token's user, never the session's
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, "is_public", False):
        set_scope(None, None)  # public token pages: the token decides the project
        return None
    slug = g.get("project_slug")
    if not current_user.is_authenticated:
        set_scope(None, ())  # nothing visible; the view's role check sends to the login page
        return None
    if slug is None:
        set_scope(None, member_project_ids(current_user))
        return None
    project, role = known if known is not None else _project_and_role(slug, current_user)
    if role is None:
        abort(404)  # not 403: whether a project exists is not told to non-members
    set_scope(project, (project.id,))
    g.project_role = role
    if "Authorization" not in request.headers and session.get(SESSION_KEY) != project.slug:
        session[SESSION_KEY] = project.slug  # remembered for `/` and old links, without a query
    if project.is_archived and request.method not in ("GET", "HEAD", "OPTIONS"):
        if request.endpoint not in ALLOWED_IN_ARCHIVE:
            raise ProjectArchived()
    return None


def _fill_project_slug(endpoint, values):
    if SLUG_ARG in values or endpoint not in current_app.project_endpoints:
        return
    project = g.get("project")
    if project is not None:
        values[SLUG_ARG] = project.slug


def remembered_project_slug(user) -> str | None:
    """The project `/` and old unprefixed links open: the last one used, else the first one."""
    allowed = member_project_ids(user)
    candidates = [session.get(SESSION_KEY)]
    if user.last_project_id:
        candidates.append(db.session.get(Project, user.last_project_id))
    for candidate in candidates:
        slug = candidate.slug if isinstance(candidate, Project) else candidate
        if not slug:
            continue
        project = db.session.scalar(select(Project).where(Project.slug == slug))
        if project is not None and (allowed is None or project.id in allowed):
            return project.slug
    query = select(Project.slug).order_by(Project.id)
    if allowed is not None:
        query = query.join(ProjectMembership, ProjectMembership.project_id == Project.id).where(
            ProjectMembership.user_id == current_user.id)
    return db.session.scalar(query.limit(1))


#: Any slug will do to ask whether an old path belongs to a project page at all.
DEFAULT_SLUG_PLACEHOLDER = "x"


def _project_endpoint_for(path: str) -> str | None:
    """The project endpoint `path` opens with this request's method, or None."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _args = adapter.match(path, method=request.method)
    except (NotFound, MethodNotAllowed):
        return None
    return endpoint if endpoint in current_app.project_endpoints else None


def redirect_old_url(error):
    """An old unprefixed staff link (`/activities/3`) opens in the remembered project."""
    if request.path.startswith(("/p/", "/api/")):
        return None
    if not current_user.is_authenticated:
        # A shared old link, or a session that ended: log in first, then the link opens.
        try:
            if _project_endpoint_for(f"/p/{DEFAULT_SLUG_PLACEHOLDER}{request.path}") is None:
                return None
        except RequestRedirect:
            pass  # the same page with a trailing slash: still a project page
        return current_app.login_manager.unauthorized()
    slug = remembered_project_slug(current_user)
    if slug is None:
        return None
    target = f"/p/{slug}{request.path}"
    try:
        endpoint = _project_endpoint_for(target)
    except RequestRedirect as moved:
        return redirect(moved.new_url, 308)
    if endpoint is None:
        return None
    query = request.query_string.decode()
    return redirect(target + (f"?{query}" if query else ""), 307 if request.method != "GET" else 302)


def init_app(app: ProjectFlask) -> None:
    app.url_value_preprocessor(_pull_project_slug)
    app.before_request(enter_project)
    app.url_defaults(_fill_project_slug)
