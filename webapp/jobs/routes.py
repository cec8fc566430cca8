"""A job's state for the progress bar, its file when done, and the retry button."""
from __future__ import annotations

from io import BytesIO

from flask import abort, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..access import ADMIN, STAFF, roles_required
from ..extensions import db
from ..forms import BaseForm
from . import bp
from .models import Job
from .services import job_label, reconcile, retry, status


def _own_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id) or abort(404)
    if job.created_by_id != current_user.id and current_user.role != ADMIN:
        abort(404)  # someone else's export is not there for you
    return reconcile(job)


def status_json(job: Job) -> dict:
    data = status(job)
    data["status_url"] = url_for("jobs.job_status", job_id=job.id)
    data["page_url"] = url_for("jobs.show", job_id=job.id)
    if job.state == "done" and job.result_name:
        data["download_url"] = url_for("jobs.download", job_id=job.id)
    if job.state == "failed":
        data["retry_url"] = url_for("jobs.retry_job", job_id=job.id)
    return data


@bp.get("/<int:job_id>")
@roles_required(*STAFF)
def show(job_id: int):
    job = _own_job(job_id)
    return render_template("jobs/show.html", job=job, label=job_label(job), status=status_json(job), form=BaseForm())


@bp.get("/<int:job_id>.json")
@roles_required(*STAFF)
def job_status(job_id: int):
    return jsonify(status_json(_own_job(job_id)))


@bp.get("/<int:job_id>/download")
@roles_required(*STAFF)
def download(job_id: int):
    job = _own_job(job_id)
    if job.state != "done" or not job.result_name:
        abort(404)
    return send_file(BytesIO(job.result), mimetype=job.result_type, as_attachment=True,
                     download_name=job.result_name)


@bp.post("/<int:job_id>/retry")
@roles_required(*STAFF)
def retry_job(job_id: int):
    job = _own_job(job_id)
    if not BaseForm().validate_on_submit():
        abort(400)
    if job.state == "failed":
        retry(job)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(status_json(job)), 202
    return redirect(url_for("jobs.show", job_id=job.id))
