"""`/api/v1`: JSON in, JSON out; errors as JSON with a message in the user's language.

Authentication: the browser session (writes must carry the X-CSRFToken header) or a
personal token in `Authorization: Bearer <token>` (no session, no CSRF: a browser cannot
attach that header to a forged cross-site request).
"""
from __future__ import annotations

import json
import uuid

from flask import current_app, g, jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import HTTPException

from ..access import STAFF, roles_required
from ..activities.models import Activity
from ..db_types import MAX_DATABASE_INT
from ..extensions import csrf, db, login_manager
from ..findings.services import (FindingConflict, FindingError, create_finding_once, get_finding,
                                 input_from_finding, list_findings, update_finding)
from ..i18n import _
from ..photos.services import (PhotoConflict, PhotoError, PhotoSource, get_photo, link_finding, max_photo_bytes,
                               photos_of_activity, resolve_source, source_of_finding, store_photo_once,
                               too_large_message)
from ..photos.storage import PhotoFileMissing, read_file
from ..projects.archive import ProjectArchived
from ..projects.context import across_projects, enter_project
from ..projects.services import projects_with_roles
from ..themes.models import Theme
from . import bp
from .openapi import build_openapi
from .serialize import (PayloadError, activity_json, finding_json, finding_input_from_json, photo_json,
                        photo_source_from_json, theme_json)
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


#: A photo upload may carry the photo and a few fields besides.
PHOTO_FORM_OVERHEAD = 64 * 1024


@bp.before_request
def _authenticate():
    if request.endpoint == "api.create_photo":
        request.max_content_length = max_photo_bytes() + PHOTO_FORM_OVERHEAD
        if (request.content_length or 0) > request.max_content_length:
            return json_error(413, too_large_message())  # said before the body is read, in plain words
    else:
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
    return jsonify(finding_json(found, source_of_finding(found.id)))


@bp.post("/findings")
@roles_required(*STAFF)
def create():
    payload = _json_body()
    source = photo_source_from_json(payload)  # takes photo_client_id and photo_region out of it
    data = finding_input_from_json(payload, partial=False)
    if isinstance(data.activity_id, int):
        # Kept in a name: the session holds loaded rows weakly, and the service asks for it again.
        activity = db.session.get(Activity, data.activity_id)
        if activity is None:
            return json_error(404, _("Unknown activity."))  # as for a URL: another project's is not found
    link = None
    try:
        if source is None:
            stored, created = create_finding_once(data, author=current_user)
        else:
            stored, created, link = _create_from_photo(data, source)
    except FindingConflict as error:
        return _conflict(error)
    except FindingError as error:
        db.session.rollback()
        return _invalid(error)
    except PhotoError as error:
        db.session.rollback()
        return json_error(error.status, _("The finding was not stored: check the fields."), errors=error.errors)
    if not created and link is None:
        link = source_of_finding(stored.id)  # a replay: say what is stored
    response = jsonify(finding_json(stored, link))
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.finding", finding_id=stored.id)
    return response


def _create_from_photo(data, source: PhotoSource):
    """A finding typed beside a photo: the photo is checked first (nothing is stored when it is
    unknown), then the finding and its link are stored in one transaction."""
    photo = resolve_source(source, data.activity_id)
    for attempt in (1, 2):
        try:
            stored, created = create_finding_once(data, author=current_user, commit=False)
            link = link_finding(stored, photo, source.region)
            db.session.commit()
            return stored, created, link
        except IntegrityError:  # the same client_id stored meanwhile by a second request: replay it
            db.session.rollback()
            if attempt == 2:
                raise
            photo = resolve_source(source, data.activity_id)
    raise AssertionError("unreachable")


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
    return jsonify(finding_json(found, source_of_finding(found.id)))


@bp.get("/photos")
@roles_required(*STAFF)
def photos():
    activity_id = request.args.get("activity_id", type=int)
    if activity_id is None:
        raise PayloadError(400, _("Give the activity: ?activity_id=<number>."),
                           {"activity_id": _("Must be a whole number.")})
    if not 0 <= activity_id <= MAX_DATABASE_INT or db.session.get(Activity, activity_id) is None:
        return json_error(404, _("Unknown activity."))
    return jsonify(photos=[photo_json(p) for p in photos_of_activity(activity_id)])


@bp.get("/photos/<int:photo_id>")
@roles_required(*STAFF)
def photo(photo_id: int):
    found = get_photo(photo_id)
    if found is None:
        return json_error(404, _("Not found."))
    return jsonify(photo_json(found))


@bp.get("/photos/<int:photo_id>/image")
@roles_required(*STAFF)
def photo_image(photo_id: int):
    found = get_photo(photo_id)
    try:
        content = read_file(found.file_key) if found is not None else None
    except PhotoFileMissing:
        content = None
    if content is None:
        return json_error(404, _("Not found."))
    response = current_app.response_class(content, mimetype="image/jpeg")
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/photos")
@roles_required(*STAFF)
def create_photo():
    """A photo as multipart/form-data: `file`, `client_id`, `activity_id` and optionally
    `contributor_id`. Stored exactly once by client_id, checked and re-encoded without metadata."""
    if request.mimetype != "multipart/form-data":
        raise PayloadError(415, _("Send the photo as multipart/form-data, in the field “file”."))
    errors: dict[str, str] = {}
    values = {}
    for name in ("client_id", "activity_id", "contributor_id"):
        raw = request.form.get(name)
        if raw is None or (raw == "" and name == "contributor_id"):
            if name != "contributor_id":
                errors[name] = _("This field is required.")
            continue
        try:
            values[name] = uuid.UUID(raw) if name == "client_id" else int(raw)
        except ValueError:
            errors[name] = (_("Must be a UUID, e.g. %(example)s.", example="3f2b8c9e-4d1a-4c57-9a0e-2b7f5d8c1e64")
                            if name == "client_id" else _("Must be a whole number."))
    for name in request.form:
        if name not in ("client_id", "activity_id", "contributor_id"):
            errors[name] = _("Unknown field.")
    upload = request.files.get("file")
    if upload is None:
        errors["file"] = _("This field is required.")
    if errors:
        return json_error(422, _("The photo was not stored: check the fields."), errors=errors)
    raw = upload.stream.read(max_photo_bytes() + 1)
    try:
        stored, created = store_photo_once(values["client_id"], values["activity_id"], raw, current_user,
                                           contributor_id=values.get("contributor_id"))
    except PhotoConflict as error:
        return json_error(409, str(error.errors["client_id"]), photo=photo_json(error.current))
    except PhotoError as error:
        message = (_("Unknown activity.") if error.status == 404 else
                   error.errors.get("file") or _("The photo was not stored: check the fields."))
        return json_error(error.status, message, errors=error.errors)
    response = jsonify(photo_json(stored))
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.photo", photo_id=stored.id)
    return response


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

