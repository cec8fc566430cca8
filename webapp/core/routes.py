"""Health check, the language switch and error pages: what every feature relies on."""
from __future__ import annotations

from flask import jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from ..access import public
from ..api.routes import api_http_error
from ..auth.services import set_locale
from ..extensions import db
from ..text import undecodable_form_text
from ..forms import BaseForm
from ..i18n import LANGUAGES, _
from ..projects.archive import ProjectArchived
from ..projects.context import redirect_old_url
from ..routing import safe_next
from . import bp


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")



@bp.post("/language")
@public  # anonymous visitors (login page, public links) switch language too
def switch_language():
    """One tap in the header: switch the interface language, remembered for the user."""
    form = BaseForm()  # only for its CSRF check
    language = request.form.get("language")
    if form.validate_on_submit() and language in LANGUAGES:
        session["lang"] = language
        if current_user.is_authenticated:
            set_locale(current_user, language)
    return redirect(safe_next(request.form.get("next"), url_for("dashboard.index")))



def refuse_undecodable_form():
    """Before any form is read (the CSRF check included): a URL-encoded body that is not UTF-8
    is refused with the text boundary's message, as the API refuses the same character."""
    if request.mimetype != "application/x-www-form-urlencoded" or request.method not in ("POST", "PUT", "PATCH"):
        return None
    problem = undecodable_form_text(request.get_data(cache=True))
    if problem is None:
        return None
    if request.path.startswith("/api/"):
        return jsonify(error="Bad Request", message=problem.message), 400
    return render_template("core/error.html", error=None, heading=_("The text could not be read"),
                           message=problem.message), 400


@bp.app_errorhandler(ProjectArchived)
def archived_project(error: ProjectArchived):
    if request.path.startswith("/api/"):
        return jsonify(error="Conflict", message=str(error)), 409
    return render_template("core/error.html", error=None, message=str(error)), 409


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    if error.code == 404:
        moved = redirect_old_url(error)
        if moved is not None:
            return moved
    if request.path.startswith("/api/"):
        return api_http_error(error)
    return render_template("core/error.html", error=error), error.code


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    # Logged by endpoint, without the path or form data: paths carry personal link tokens,
    # forms carry what advisory-board members wrote.
    from flask import current_app

    current_app.logger.exception("Unhandled error in %s (%s)", request.endpoint, request.method)
    db.session.rollback()
    return render_template("core/error.html", error=None), 500


@bp.get("/favicon.ico")
@public  # browsers ask for it on every page, logged in or not
def favicon():
    from flask import current_app, send_from_directory

    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=7 * 24 * 3600)
