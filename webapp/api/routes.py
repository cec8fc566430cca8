"""`/api/v1`: JSON in, JSON out; errors as JSON with a message in the user's language.

Authentication: the browser session (writes must carry the X-CSRFToken header) or a
personal token in `Authorization: Bearer <token>` (no session, no CSRF: a browser cannot
attach that header to a forged cross-site request).
"""
from __future__ import annotations

import json

from flask import current_app, g, jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException

from ..access import STAFF, roles_required
from ..activities.models import Activity
from ..db_types import MAX_DATABASE_INT
from ..extensions import csrf, db, login_manager
from ..findings.services import (FindingConflict, FindingError, create_finding_once, get_finding,
                                 input_from_finding, list_findings, update_finding)
from ..i18n import _
from ..projects.archive import ProjectArchived
from ..projects.context import across_projects, enter_project
from ..projects.services import projects_with_roles
from ..themes.models import Theme
from . import bp
from .openapi import build_openapi
from .serialize import PayloadError, activity_json, finding_json, finding_input_from_json, theme_json
from .tokens import token_holder

# Session writes are checked below (X-CSRFToken); token requests are deliberately exempt.
csrf.exempt(bp)

_WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def json_error(status: int, message: str, **extra):
    return jsonify(error=status, message=message, **extra), status


#: A JSON body larger than this is refused with 413 (a finding is at most 10,000 characters).
MAX_API_BODY = 1024 * 1024


@bp.before_request
def _authenticate():
    request.max_content_length = min(MAX_API_BODY, current_app.config.get("MAX_CONTENT_LENGTH") or MAX_API_BODY)
    if "Authorization" in request.headers:
        user, project, role = token_holder(_bearer_token() or "", g.get("project_slug"))
        if user is None:
            return json_error(401, _("The API token is missing, wrong or revoked."))
        # The token's user for this request only: never the session, which a token request may not use.
        login_manager._update_request_context_with_user(user)
        g.api_token_auth = True
        enter_project((project, role))  # again, now as the token's user: its memberships decide
        return None
    if not current_user.is_authenticated:
        # Always JSON, never a redirect to the HTML login page: a script cannot follow that.
        return json_error(401, _("Log in, or send a personal API token."))
    if request.method in _WRITE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # raises CSRFError (400) without a valid X-CSRFToken header
    return None


_MESSAGES = {
    400: lambda: _("The request could not be read."),
    401: lambda: _("Log in, or send a personal API token."),
    403: lambda: _("Your role does not allow this."),
    404: lambda: _("Not found."),
    405: lambda: _("This method is not allowed here."),
    413: lambda: _("The request is too large."),
    415: lambda: _("Send JSON (Content-Type: application/json)."),
}


@bp.errorhandler(HTTPException)
def api_http_error(error: HTTPException):
    """Every HTTP error of the API as JSON, with a message in the request's language."""
    if isinstance(error, CSRFError):
        return json_error(400, _("The security token (X-CSRFToken header) is missing or expired. Reload the page."))
    message = _MESSAGES.get(error.code, lambda: error.name)()
    return json_error(error.code or 500, message)


@bp.errorhandler(ProjectArchived)
def _archived(error: ProjectArchived):
    db.session.rollback()
    return json_error(409, str(error))


@bp.errorhandler(Exception)
def _unexpected_error(error: Exception):
    # Logged without the request body: it holds what people said.
    current_app.logger.exception("Unhandled API error on %s %s", request.method, request.path)
    db.session.rollback()
    return json_error(500, _("Something went wrong. Nothing was stored; please try again."))


def _json_body() -> dict:
    """The request's JSON object; 415 without JSON, 400 for malformed or too deeply nested
    JSON (the parser's RecursionError is caught: never a 500), 413 above MAX_API_BODY."""
    if not request.is_json:
        raise PayloadError(415, _("Send JSON (Content-Type: application/json)."))
    body = request.get_data(cache=True)  # raises 413 above request.max_content_length
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        raise PayloadError(400, _("The request body is not valid JSON.")) from None
    if not isinstance(payload, dict):
        raise PayloadError(400, _("The request body must be a JSON object."))
    return payload


@bp.errorhandler(PayloadError)
def _payload_error(error: PayloadError):
    return json_error(error.status, error.message, errors=error.errors)


def _invalid(error: FindingError):
    return json_error(422, _("The finding was not stored: check the fields."), errors=error.errors)


def _conflict(error: FindingConflict):
    return json_error(409, str(error.errors["conflict"]), finding=finding_json(error.current))


@bp.get("/activities")
@roles_required(*STAFF)
def activities():
    rows = db.session.scalars(select(Activity).order_by(Activity.starts_on.desc().nulls_last(), Activity.id.desc()))
    return jsonify(activities=[activity_json(a) for a in rows])


@bp.get("/themes")
@roles_required(*STAFF)
def themes():
    rows = db.session.scalars(select(Theme).where(Theme.archived.is_(False))
                              .options(selectinload(Theme.parent)).order_by(Theme.theme_group, Theme.position))
    return jsonify(themes=[theme_json(t) for t in rows])


@bp.get("/findings")
@roles_required(*STAFF)
def findings():
    activity_id = request.args.get("activity_id", type=int)
    if activity_id is not None and not 0 <= activity_id <= MAX_DATABASE_INT:
        return json_error(404, _("Unknown activity."))
    if activity_id is None:
        raise PayloadError(400, _("Give the activity: ?activity_id=<number>."),
                           {"activity_id": _("Must be a whole number.")})
    if db.session.get(Activity, activity_id) is None:
        return json_error(404, _("Unknown activity."))
    return jsonify(findings=[finding_json(f) for f in list_findings(activity_id)])


@bp.get("/findings/<int:finding_id>")
@roles_required(*STAFF)
def finding(finding_id: int):
    found = get_finding(finding_id)
    if found is None:
        return json_error(404, _("Not found."))
    return jsonify(finding_json(found))


@bp.post("/findings")
@roles_required(*STAFF)
def create():
    data = finding_input_from_json(_json_body(), partial=False)
    if isinstance(data.activity_id, int):
        # Kept in a name: the session holds loaded rows weakly, and the service asks for it again.
        activity = db.session.get(Activity, data.activity_id)
        if activity is None:
            return json_error(404, _("Unknown activity."))  # as for a URL: another project's is not found
    try:
        stored, created = create_finding_once(data, author=current_user)
    except FindingConflict as error:
        return _conflict(error)
    except FindingError as error:
        db.session.rollback()
        return _invalid(error)
    response = jsonify(finding_json(stored))
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.finding", finding_id=stored.id)
    return response


@bp.patch("/findings/<int:finding_id>")
@roles_required(*STAFF)
def update(finding_id: int):
    payload = _json_body()
    found = get_finding(finding_id)
    if found is None:
        return json_error(404, _("Not found."))
    version = payload.pop("version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        raise PayloadError(422, _("The finding was not stored: check the fields."),
                           {"version": _("Send the version you last saw (a whole number).")})
    data = finding_input_from_json(payload, partial=True, base=input_from_finding(found))
    try:
        update_finding(found, data, expected_version=version)
    except FindingConflict as error:
        return _conflict(error)
    except FindingError as error:
        db.session.rollback()
        return _invalid(error)
    return jsonify(finding_json(found))


@bp.get("/projects")
@roles_required(*STAFF)
@across_projects
def projects():
    """The projects this user (or the token's user) may use, each with the role there: where
    a script or a new device finds the slug for every other path."""
    return jsonify(projects=[{"slug": project.slug, "name_nl": project.name_nl, "name_en": project.name_en,
                              "status": project.status, "role": role}
                             for project, role in projects_with_roles(current_user)])


@bp.get("/openapi.json")
@roles_required(*STAFF)
@across_projects
def openapi():
    return jsonify(build_openapi())

