"""Exports large enough to become jobs: the request answers at once with a job page (progress,
then a download link), so no export ever runs into a proxy's or browser's time-out.
Below `EXPORT_JOB_THRESHOLD` rows the file is still made in the request, as before."""
from __future__ import annotations

from flask import current_app, redirect, url_for
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from .services import JobResult, enqueue, set_progress

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def too_large(rows: int) -> bool:
    return rows > current_app.config.get("EXPORT_JOB_THRESHOLD", 2000)


def start(fn, *args, kind: str, subject: str):
    """Start an export job for the signed-in user and send them to its progress page."""
    job = enqueue(fn, *args, kind=kind, subject=subject, user_id=current_user.id)
    return redirect(url_for("jobs.show", job_id=job.id))


def findings_count(activity_id: int) -> int:
    from ..findings.models import Finding

    return db.session.scalar(select(func.count()).select_from(Finding).where(Finding.activity_id == activity_id))


def export_findings(activity_id: int, fmt: str, language: str) -> JobResult:
    """Job: an activity's findings as CSV or XLSX (the same file the screen makes for a small one)."""
    from ..activities.models import Activity
    from ..findings.services import list_findings
    from ..findings.transfer import export_csv, export_xlsx

    activity = db.session.get(Activity, activity_id)
    findings = list_findings(activity_id)
    set_progress(30)
    name = f"findings-{activity.type}-{activity.number}.{fmt}"
    with force_locale(language):
        if fmt == "csv":
            return JobResult(export_csv(activity, findings, language).encode("utf-8"), name, "text/csv")
        return JobResult(export_xlsx(activity, findings, language).getvalue(), name, XLSX)


def responses_count(survey_id: int) -> int:
    from ..surveys.services import response_counts

    return response_counts([survey_id]).get(survey_id, 0)


def export_responses(survey_id: int, fmt: str, language: str) -> JobResult:
    """Job: a survey's responses as CSV or XLSX."""
    from ..surveys.models import Survey
    from ..surveys.services import responses_csv, responses_xlsx

    survey = db.session.get(Survey, survey_id)
    set_progress(10)
    name = f"survey-{survey.id}-responses.{fmt}"
    with force_locale(language):
        if fmt == "csv":
            return JobResult(responses_csv(survey).encode("utf-8"), name, "text/csv; charset=utf-8")
        return JobResult(responses_xlsx(survey), name, XLSX)
