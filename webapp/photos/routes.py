"""URL map of the photos feature (every path under /p/<slug>/).

/photos/<id>                       the photo's page: the image, whether it may show people, its findings
/photos/<id>/image.jpg             the stored file (re-encoded, no metadata); thumbnail.jpg: its thumbnail
/photos/<id>/clear, /contributor   a facilitator clears it (or not), names whose it is
/photos/<id>/delete                delete it and its files (the findings typed from it stay)
/activities/<id>/photos            upload without JavaScript (the capture screen's fallback)
/photos/static/<file>              the capture screen's photo script and styles

With JavaScript, photos are taken on the capture screen (findings/templates/findings/capture.html,
the panel from hooks.py), reduced on the device and sent through the outbox to the API
(`POST /api/v1/projects/<slug>/photos`); transcribing happens there too (`?photo=<client_id>`).
"""
from __future__ import annotations

import uuid
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import ADMIN, FACILITATOR, STAFF, current_role, roles_required
from ..activities.models import Activity
from ..extensions import db
from ..findings.models import Contributor
from ..forms import BaseForm
from ..i18n import _, ngettext
from ..refused_forms import refuse
from . import bp
from .services import (PhotoError, delete_photo, findings_of_photo, get_photo, max_photo_bytes, set_cleared,
                       set_contributor, store_photo_once, too_large_message)
from .storage import PhotoFileMissing, read_file

STATIC = Path(__file__).parent / "static"
#: Who decides whether a photo may show people, names it, or deletes it.
CLEARING_ROLES = (ADMIN, FACILITATOR)


def _photo(photo_id: int):
    return get_photo(photo_id) or abort(404)


@bp.get("/photos/<int:photo_id>")
@roles_required(*STAFF)
def show(photo_id: int):
    photo = _photo(photo_id)
    contributors = list(db.session.scalars(select(Contributor).order_by(Contributor.kind, Contributor.pseudonym_number)))
    return render_template("photos/show.html", photo=photo, activity=photo.activity, links=findings_of_photo(photo),
                           contributors=contributors, may_clear=current_role() in CLEARING_ROLES, form=BaseForm())


def _image_response(key: str | None):
    try:
        content = read_file(key) if key else None
    except PhotoFileMissing:
        content = None
    if content is None:
        abort(404)
    # Private: never stored by a shared cache; the capture screen keeps its own copy offline.
    response = current_app.response_class(content, mimetype="image/jpeg")
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/photos/<int:photo_id>/image.jpg")
@roles_required(*STAFF)
def image(photo_id: int):
    return _image_response(_photo(photo_id).file_key)


@bp.get("/photos/<int:photo_id>/thumbnail.jpg")
@roles_required(*STAFF)
def thumbnail(photo_id: int):
    photo = _photo(photo_id)
    return _image_response(photo.thumbnail_key or photo.file_key)  # until the job made it: the photo itself


@bp.post("/photos/<int:photo_id>/clear")
@roles_required(*CLEARING_ROLES)
def clear(photo_id: int):
    photo = _photo(photo_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    cleared = request.form.get("cleared") == "1"
    set_cleared(photo, cleared, current_user)
    flash(_("The photo is marked as showing no people and no names.") if cleared else
          _("The photo is marked as possibly showing people or names: it stays out of reports and exports."),
          "success")
    return redirect(url_for("photos.show", photo_id=photo.id))


@bp.post("/photos/<int:photo_id>/contributor")
@roles_required(*CLEARING_ROLES)
def contributor(photo_id: int):
    photo = _photo(photo_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    value = request.form.get("contributor_id", "")
    try:
        set_contributor(photo, int(value) if value else None)
    except (ValueError, PhotoError):
        return refuse(errors={"contributor_id": _("Unknown contributor.")})
    flash(_("Saved."), "success")
    return redirect(url_for("photos.show", photo_id=photo.id))


@bp.post("/photos/<int:photo_id>/delete")
@roles_required(*CLEARING_ROLES)
def delete(photo_id: int):
    photo = _photo(photo_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    activity_id = photo.activity_id
    delete_photo(photo)
    flash(_("Photo deleted. The findings typed from it stay."), "success")
    return redirect(url_for("findings.capture", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/photos")
@roles_required(*STAFF)
def upload(activity_id: int):
    """The capture screen's photo form without JavaScript: the files as they are (the server
    reduces them), each stored once. With JavaScript the outbox sends them through the API."""
    activity = db.session.get(Activity, activity_id) or abort(404)
    if not BaseForm().validate_on_submit():
        abort(400)
    capture = url_for("findings.capture", activity_id=activity.id)
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if not files:
        return refuse(errors={"photos": _("Choose or take a photo first.")}, to=capture)
    stored = 0
    for upload in files:
        raw = upload.stream.read(max_photo_bytes() + 1)
        try:
            if len(raw) > max_photo_bytes():
                raise PhotoError({"file": too_large_message()}, 413)
            store_photo_once(uuid.uuid4(), activity.id, raw, current_user)
        except PhotoError as error:
            message = error.errors.get("file") or next(iter(error.errors.values()))
            if stored:
                flash(ngettext("%(num)s photo stored.", "%(num)s photos stored.", stored), "success")
            return refuse(errors={"photos": f"{upload.filename}: {message}"}, to=capture)
        stored += 1
    flash(ngettext("%(num)s photo stored.", "%(num)s photos stored.", stored), "success")
    return redirect(capture)


@bp.get("/photos/static/<path:filename>")
@roles_required(*STAFF)
def static(filename: str):
    return send_from_directory(STATIC, filename, max_age=0)
