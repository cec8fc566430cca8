"""URL map of the findings feature.

/capture/activities/<id>             the capture screen (works offline; scope of the service worker)
/capture/sw.js                       the service worker, served from /capture/ so its scope covers the screen
/activities/<id>/findings            what was captured, newest first, with edit, delete and undo
/findings/<id>/edit                  edit; a stale version shows the conflict screen
/findings/<id>/delete, /restore      soft delete and its undo
/activities/<id>/findings/import     CSV/XLSX import with a preview
/activities/<id>/findings.csv|.xlsx  export
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path

from flask import (abort, current_app, flash, g, redirect, render_template, request, send_file, send_from_directory,
                   url_for)
from flask_login import current_user
from sqlalchemy import func, select

from .. import signals
from ..access import ADMIN, AUTHOR, STAFF, roles_required
from ..activities.models import Activity
from ..audit.downloads import export_kind
from ..extensions import db
from ..forms import BaseForm
from ..i18n import CONTENT_LANGUAGES, LANGUAGES, _, current_language, localized, ngettext
from ..jobs import exports
from ..organisations.models import Organisation
from ..organisations.stakeholder_types import STAKEHOLDER_TYPES
from ..pagination import paginate
from ..refused_forms import refuse, refused
from ..signals import answers
from ..text_diff import text_diff
from ..themes.models import Theme
from . import bp
from .attribution import NOT_ALLOWED, may_quote, resolve
from .models import ATTRIBUTIONS, FINDING_KINDS, Contributor
from .refi_qda import project_qdpx
from .services import (FindingConflict, FindingError, FindingInput, create_finding_once, create_findings,
                       delete_finding, findings_query, get_finding, list_findings, recently_deleted_findings, restore_finding,
                       theme_usage, update_finding)
from .transfer import (ImportFileError, export_csv, export_findings, export_xlsx, findings_count, parse_upload,
                       rows_from_json, validate_rows)

STATIC = Path(__file__).parent / "static"


def _activity(activity_id: int) -> Activity:
    return db.session.get(Activity, activity_id) or abort(404)


def _choices(activity: Activity) -> dict:
    """What the finding fields offer: themes used most in this activity first, then those used
    most in all activities (a new activity starts with the project's usual themes)."""
    usage = theme_usage(activity.id)
    overall = theme_usage(None)
    themes = list(db.session.scalars(select(Theme).where(Theme.archived.is_(False))))
    themes.sort(key=lambda t: (-usage.get(t.id, 0), -overall.get(t.id, 0), (localized(t, "label") or "").lower()))
    organisations = list(db.session.scalars(select(Organisation).order_by(func.lower(Organisation.name))))
    present = {o.id for o in activity.organisations}
    organisations.sort(key=lambda o: o.id not in present)  # the activity's own first, stable otherwise
    contributors = list(db.session.scalars(select(Contributor).order_by(Contributor.kind, Contributor.pseudonym_number)))
    return {"themes": themes, "used_theme_ids": set(usage), "organisations": organisations,
            "present_organisation_ids": present, "contributors": contributors, "kinds": FINDING_KINDS,
            "kind_labels": {code: str(label) for code, label in FINDING_KINDS.items()},
            "content_languages": CONTENT_LANGUAGES, "stakeholder_types": STAKEHOLDER_TYPES}


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _input_from_form(activity_id: int, form=None) -> FindingInput:
    """A finding as posted (or as kept by a refused post: `form` is then its MultiDict)."""
    form = request.form if form is None else form
    client_id = None
    try:
        client_id = uuid.UUID(form.get("client_id", ""))
    except ValueError:
        pass
    return FindingInput(activity_id=activity_id, text=form.get("text", ""), kind=form.get("kind", ""),
                        language=form.get("language", ""), theme_codes=form.getlist("themes"),
                        stakeholder_type=form.get("stakeholder_type") or None,
                        organisation_id=_int_or_none(form.get("organisation_id")),
                        contributor_id=_int_or_none(form.get("contributor_id")), client_id=client_id,
                        translation=form.get("translation") or None,
                        translation_language=form.get("translation_language") or None,
                        translations=_translations_from_form(form), **_print_choices_from_form(form))


def _print_choices_from_form(form) -> dict:
    """How a report may print the finding (edit screen); none from a form without them (capture)."""
    if "print_shown" not in form:
        return {}
    return {"verbatim": form.get("verbatim") == "1", "attribution": form.get("attribution") or None,
            "source_reference": form.get("source_reference", "")}


def _translations_from_form(form) -> dict[str, str] | None:
    """The edit form's stored translations, one field per language (`translation_nl`, ...);
    None from a form without them (the capture screen), so those stay as they are."""
    if "translations_shown" not in form:
        return None
    return {language: form.get(f"translation_{language}", "") for language in CONTENT_LANGUAGES
            if f"translation_{language}" in form}


# --- capture -------------------------------------------------------------------------------

@bp.route("/capture/activities/<int:activity_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def capture(activity_id: int):
    """The capture screen. With JavaScript, saving goes through the outbox and the API;
    this POST is the fallback for a browser without it (same service, same idempotency)."""
    activity = _activity(activity_id)
    form = BaseForm()
    values, errors = None, {}
    if request.method == "POST" and form.validate_on_submit():
        data = _input_from_form(activity.id)
        try:
            create_finding_once(data, author=current_user)
        except FindingError as error:
            return refuse(errors=error.errors)
        else:
            flash(_("Finding saved."), "success")
            return redirect(url_for("findings.capture", activity_id=activity.id))
    elif request.method == "POST":
        abort(400)  # the CSRF token: nothing to show again
    elif stash := refused():
        values, errors = _input_from_form(activity.id, stash.formdata), stash.errors
    findings = list_findings(activity.id)
    # What features above add beside the form (photos: webapp/signals.py).
    panels = answers(signals.capture_panels.send(activity, errors=errors))
    return render_template("findings/capture.html", activity=activity, findings=findings, values=values,
                           errors=errors, new_client_id=uuid.uuid4(), panels=panels, **_choices(activity))


@bp.get("/findings/static/<path:filename>")
@roles_required(*STAFF)
def static(filename: str):
    return send_from_directory(STATIC, filename, max_age=0)


@bp.get("/capture/sw.js")
@roles_required(*STAFF)
def service_worker():
    response = send_file(STATIC / "sw.js", mimetype="text/javascript", max_age=0)
    # Scope /p/<slug>/capture/ is this file's folder already; the header documents the intent
    # and lets the worker keep working if the file ever moves deeper.
    response.headers["Service-Worker-Allowed"] = request.path.rsplit("/", 1)[0] + "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


# --- list, edit, delete ----------------------------------------------------------------------

@bp.get("/activities/<int:activity_id>/findings")
@roles_required(*STAFF)
def activity_findings(activity_id: int):
    activity = _activity(activity_id)
    return render_template("findings/list.html", activity=activity, findings=paginate(findings_query(activity.id)),
                           deleted=recently_deleted_findings(activity.id), form=BaseForm())


@bp.route("/findings/<int:finding_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(finding_id: int):
    finding = get_finding(finding_id) or abort(404)
    form = BaseForm()
    errors: dict = {}
    values, version = None, finding.version
    if request.method == "POST" and form.validate_on_submit():
        data = _input_from_form(finding.activity_id)
        data.client_id = finding.client_id
        expected = _int_or_none(request.form.get("version"))
        try:
            update_finding(finding, data, expected_version=expected if expected is not None else -1)
        except FindingConflict as conflict:
            db.session.rollback()
            choices = _choices(conflict.current.activity)
            return render_template("findings/conflict.html", finding=conflict.current, mine=data,
                                   activity=conflict.current.activity,
                                   theme_labels={t.code: localized(t, "label") for t in choices["themes"]},
                                   text_diff=text_diff(conflict.current.text, data.text), **choices), 409
        except FindingError as error:
            return refuse(errors=error.errors)
        else:
            flash(_("Finding saved."), "success")
            return redirect(url_for("findings.activity_findings", activity_id=finding.activity_id))
    elif request.method == "POST":
        abort(400)  # the CSRF token: nothing to show again
    elif stash := refused():
        values, errors = _input_from_form(finding.activity_id, stash.formdata), stash.errors
        # The version the refused edit started from: a save over a newer one still shows the conflict.
        version = _int_or_none(stash.formdata.get("version")) or finding.version
    return render_template("findings/edit.html", finding=finding, activity=finding.activity, values=values,
                           errors=errors, version=version, attributions=ATTRIBUTIONS,
                           printed_as=resolve(finding), may_quote=may_quote(finding), not_allowed=NOT_ALLOWED,
                           panels=answers(signals.finding_panels.send(finding)),
                           **_choices(finding.activity))


@bp.post("/findings/<int:finding_id>/delete")
@roles_required(*STAFF)
def delete(finding_id: int):
    finding = get_finding(finding_id) or abort(404)
    if BaseForm().validate_on_submit():
        delete_finding(finding)
        flash(_("Finding deleted. You can undo this below for 24 hours."), "success")
    return redirect(url_for("findings.activity_findings", activity_id=finding.activity_id))


@bp.post("/findings/<int:finding_id>/restore")
@roles_required(*STAFF)
def restore(finding_id: int):
    finding = get_finding(finding_id, include_deleted=True) or abort(404)
    if BaseForm().validate_on_submit():
        restore_finding(finding)
        flash(_("Finding restored."), "success")
    return redirect(url_for("findings.activity_findings", activity_id=finding.activity_id))


# --- import and export ----------------------------------------------------------------------

@bp.route("/activities/<int:activity_id>/findings/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_findings(activity_id: int):
    """Upload -> preview with per-row errors -> confirm. Nothing is stored before the
    whole file is valid; the confirm carries the checked rows and a batch id, so a double
    submit stores nothing twice (each row's client_id derives from the batch).

    A file that cannot be read redirects back with its error (post/redirect/get; the file is
    picked again). The preview itself is the direct answer to the upload: it holds the whole
    parsed file, nothing is stored before the confirm, and sending it again is harmless."""
    activity = _activity(activity_id)
    form = BaseForm()
    rows, problem = None, None
    if request.method == "POST" and form.validate_on_submit():
        try:
            if request.form.get("confirm"):
                rows = rows_from_json(request.form.get("rows", ""), activity.id)
                batch = uuid.UUID(request.form.get("batch", ""))
            else:
                rows = parse_upload(request.files.get("file"), activity.id)
                batch = uuid.uuid4()
        except (ImportFileError, ValueError) as error:
            problem = str(error) if isinstance(error, ImportFileError) else _("The import could not be read. Upload the file again.")
            return refuse(errors={"file": problem})
        if rows is not None:
            validate_rows(rows)
            if request.form.get("confirm") and not any(row.errors for row in rows):
                for number, row in enumerate(rows):
                    row.data.client_id = row.data.client_id or uuid.uuid5(batch, str(number))
                try:
                    stored = create_findings([row.data for row in rows], author=current_user)
                except FindingError as error:
                    problem = str(error)
                else:
                    flash(ngettext("%(num)s finding imported.", "%(num)s findings imported.", len(stored)), "success")
                    return redirect(url_for("findings.activity_findings", activity_id=activity.id))
            return render_template("findings/import.html", activity=activity, rows=rows, problem=problem,
                                   batch=batch, rows_json=json.dumps([row.as_json() for row in rows]),
                                   has_errors=any(row.errors for row in rows)), (422 if any(row.errors for row in rows) else 200)
    if stash := refused():
        problem = stash.errors.get("file")
    return render_template("findings/import.html", activity=activity, rows=None, problem=problem)


def _export_language() -> str:
    language = request.args.get("lang")
    return language if language in LANGUAGES else current_language()


@bp.get("/activities/<int:activity_id>/findings.csv")
@export_kind("activity")
@roles_required(*STAFF)
def export_findings_csv(activity_id: int):
    activity = _activity(activity_id)
    if exports.too_large(findings_count(activity.id)):
        return exports.start(export_findings, activity.id, "csv", _export_language(),
                             kind="findings_export", subject=f"activity:{activity.id}")
    body = export_csv(activity, list_findings(activity.id), _export_language())
    return current_app.response_class(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=findings-{activity.type}-{activity.number}.csv"})


@bp.get("/activities/<int:activity_id>/findings.xlsx")
@export_kind("activity")
@roles_required(*STAFF)
def export_findings_xlsx(activity_id: int):
    activity = _activity(activity_id)
    if exports.too_large(findings_count(activity.id)):
        return exports.start(export_findings, activity.id, "xlsx", _export_language(),
                             kind="findings_export", subject=f"activity:{activity.id}")
    buffer = export_xlsx(activity, list_findings(activity.id), _export_language())
    return send_file(buffer, as_attachment=True, download_name=f"findings-{activity.type}-{activity.number}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/codebook/project.qdpx")
@export_kind("project")
@roles_required(ADMIN, AUTHOR)  # the findings themselves leave the platform: report authors only
def export_qdpx():
    """The project with its findings for a QDA program (offered on the codebook screen)."""
    return current_app.response_class(project_qdpx(localized(g.project, "name")), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="klankbord-{g.project.slug}-project.qdpx"'})
