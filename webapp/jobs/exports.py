"""Exports large enough to become jobs: the request answers at once with a job page (progress,
then a download link), so no export ever runs into a proxy's or browser's time-out.
Below `EXPORT_JOB_THRESHOLD` rows the file is still made in the request, as before. The job
functions themselves live with what they export (findings/transfer.py, surveys/exports.py)."""
from __future__ import annotations

from flask import current_app, redirect, url_for
from flask_login import current_user

from .services import enqueue

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def too_large(rows: int) -> bool:
    return rows > current_app.config.get("EXPORT_JOB_THRESHOLD", 2000)


def start(fn, *args, kind: str, subject: str):
    """Start an export job for the signed-in user and send them to its progress page."""
    job = enqueue(fn, *args, kind=kind, subject=subject, user_id=current_user.id)
    return redirect(url_for("jobs.show", job_id=job.id))
