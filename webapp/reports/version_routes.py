"""Report builds and versions: start a build, follow it, download it, the preflight page, and
publishing (with a reason when the preflight lists open items)."""
from __future__ import annotations

from io import BytesIO

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import roles_required
from ..audit.downloads import export_kind
from ..extensions import db
from ..i18n import _
from ..refused_forms import refill, refuse
from . import bp
from .builds import built_from_current_data, start_build, version_job, version_status
from .forms import BuildForm, PublishForm
from .models import PublicationOverride, Report, ReportVersion
from .preflight import CHECKS as PREFLIGHT_CHECKS, preflight, summary
from .publishing import publish_version
from .routes import REPORT_ROLES
from .texts import ReportError


# ---------------------------------------------------------------- builds and versions

@bp.post("/<int:report_id>/builds")
@roles_required(*REPORT_ROLES)
def build(report_id: int):
    report = db.session.get(Report, report_id) or abort(404)
    form = BuildForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = start_build(report, form.language.data, form.format.data, user_id=current_user.id)
    except ReportError:
        abort(400)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(_status_json(version)), 202
    return redirect(url_for("reports.show", report_id=report.id, _anchor="versions"))


def _status_json(version: ReportVersion) -> dict:
    if version.status in ("queued", "running"):
        version_job(version)  # a build whose worker died is failed now, with the reason
    data = version_status(version)
    data["status_url"] = url_for("reports.build_status", version_id=version.id)
    if version.status == "done" and version.withdrawn_at is None:
        data["download_url"] = url_for("reports.download", version_id=version.id)
        data["label"] = _("Download version %(number)s (%(language)s, %(format)s)", number=version.number,
                          language=version.language.upper(), format=version.format.upper())
    return data


@bp.get("/builds/<int:version_id>.json")
@roles_required(*REPORT_ROLES)
def build_status(version_id: int):
    version = db.session.get(ReportVersion, version_id) or abort(404)
    return jsonify(_status_json(version))


@bp.get("/builds/<int:version_id>/download")
@export_kind("report_version")
@roles_required(*REPORT_ROLES)
def download(version_id: int):
    version = db.session.get(ReportVersion, version_id) or abort(404)
    if version.withdrawn_at is not None:
        abort(410)  # withdrawn after an erasure: the file is gone
    if version.status != "done":
        abort(404)
    mimetype = ("application/pdf" if version.format == "pdf" else
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    return send_file(BytesIO(version.content), mimetype=mimetype, as_attachment=True,
                     download_name=version.filename, etag=version.content_hash)


@bp.post("/builds/<int:version_id>/publish")
@roles_required(*REPORT_ROLES)
def publish(version_id: int):
    """Publish a version; with open preflight items only with a reason to go ahead (kept in a
    PublicationOverride: the audit entry holds the items' codes and counts, never the text)."""
    version = db.session.get(ReportVersion, version_id) or abort(404)
    form = PublishForm()
    if not form.validate_on_submit():
        if form.errors.keys() - {"reason"}:
            abort(400)
        return refuse(form, to=url_for("reports.preflight_page", version_id=version.id))
    publishable = version.status == "done" and version.published_at is None and version.withdrawn_at is None
    items = preflight(version.report, version.language) if publishable else []
    reason = (form.reason.data or "").strip()
    if items and not reason:
        form.reason.errors.append(_("This version has open items: give a reason to publish it anyway, or fix them "
                                    "and build again."))
        return refuse(form, to=url_for("reports.preflight_page", version_id=version.id))
    try:
        publish_version(version, current_user.id, open_items=summary(items), reason=reason if items else "")
    except ReportError as error:
        flash(str(error), "error")
        return redirect(url_for("reports.show", report_id=version.report_id, _anchor="versions"))
    flash(_("Version %(number)s is published.", number=version.number), "success")
    return redirect(url_for("outcome.choose", version_id=version.id))


@bp.get("/versions/<int:version_id>/preflight")
@roles_required(*REPORT_ROLES)
def preflight_page(version_id: int):
    """Everything that stops this version from being published, each with a link to fix it."""
    version = db.session.get(ReportVersion, version_id) or abort(404)
    if version.status != "done":
        abort(404)
    items = preflight(version.report, version.language)
    changed = not built_from_current_data(version)
    return render_template("reports/preflight.html", version=version, report=version.report, items=items,
                           checks=PREFLIGHT_CHECKS, changed=changed, form=refill(PublishForm()),
                           override=db.session.scalar(select(PublicationOverride).where(
                               PublicationOverride.version_id == version.id)))
