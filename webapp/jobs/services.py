"""One job runner for slow work: `enqueue(fn, *args, kind=...)`.

- With `REDIS_URL` set, the job goes on an RQ queue and any `flask worker` (on any machine
  that reaches the same database and Redis) runs it (`rq_runner.py`).
- Without it, the web process starts a local worker process for it (`local.py`), at most
  `LOCAL_JOB_WORKERS` at once, and watches its exit code.
- `JOBS_INLINE` (tests, the command line) runs it before `enqueue` returns.

Either way a `Job` row holds the state (queued, running, done, failed), the progress the job
function reports with `set_progress`, the result file and why it failed. A job never stays
"running" after its worker died: the local runner sees the process exit, and `reconcile` asks
RQ (after its StartedJobRegistry clean-up) and applies the time limit.
"""
from __future__ import annotations

import pickle
from datetime import datetime, timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..i18n import _, _l
from . import local, rq_runner
from .models import Job
# What a job function and the screens use, from the one way in:
from .running import JobResult, current_job_id, mark_failed, run_job, set_progress  # noqa: F401

#: Seconds past its time limit after which a job nobody reported on counts as dead.
GRACE_SECONDS = 60



def _name(fn: Callable) -> str:
    name = f"{fn.__module__}:{fn.__qualname__}"
    if "<" in name:
        raise ValueError("a job function must be a module-level function")
    return name


def runner_mode(app=None) -> str:
    app = app or current_app
    if app.config.get("JOBS_INLINE"):
        return "inline"
    if app.config.get("REDIS_URL"):
        return "rq"
    return "local"


def enqueue(fn: Callable, *args, kind: str, subject: str = "", job_timeout: int | None = None,
            user_id: int | None = None, on_failure: Callable | None = None, inline: bool | None = None,
            **kwargs) -> Job:
    """Run `fn(*args, **kwargs)` as a job and return its `Job` (committed).

    `fn` must be a module-level function taking plain, picklable arguments; it runs in an app
    context, may call `set_progress(percent)` and may return a `JobResult` (a file to download).
    """
    job = Job(kind=kind, function=_name(fn), payload=pickle.dumps((args, kwargs)), subject=subject,
              on_failure=_name(on_failure) if on_failure else "",
              timeout=int(job_timeout or current_app.config.get("JOB_TIMEOUT", 600)), created_by_id=user_id)
    db.session.add(job)
    db.session.commit()
    _dispatch(job, "inline" if inline else (None if inline is None else _background_mode()))
    return job


def schedule(fn: Callable, *args, run_at: datetime, kind: str, subject: str = "", job_timeout: int | None = None,
             on_failure: Callable | None = None, **kwargs) -> Job:
    """Run `fn(*args, **kwargs)` as a job at `run_at` (RQ's scheduler: needs REDIS_URL and a
    `flask worker`, whose scheduler moves it to the queue when it is due)."""
    if runner_mode() != "rq":
        raise RuntimeError("scheduled jobs need REDIS_URL (an RQ worker with its scheduler)")
    job = Job(kind=kind, function=_name(fn), payload=pickle.dumps((args, kwargs)), subject=subject,
              on_failure=_name(on_failure) if on_failure else "", run_at=run_at,
              timeout=int(job_timeout or current_app.config.get("JOB_TIMEOUT", 600)))
    db.session.add(job)
    db.session.commit()
    _dispatch(job, "rq")
    return job


def _background_mode() -> str:
    mode = runner_mode()
    return "local" if mode == "inline" else mode


def _dispatch(job: Job, mode: str | None = None) -> None:
    mode = mode or runner_mode()
    if mode == "local" and current_app.config["SQLALCHEMY_DATABASE_URI"] in ("sqlite://", "sqlite:///:memory:"):
        mode = "thread"  # a private in-memory database (some tests) cannot be shared with another process
    job.runner = mode
    db.session.commit()
    job_id = job.id
    if mode == "inline":
        run_job(job_id)
        db.session.expire_all()
    elif mode == "rq":
        rq_runner.submit(job)
    else:
        local.submit(job, thread=(mode == "thread"))


def reconcile(job: Job) -> Job:
    """Bring an unfinished job's state in line with its runner: a dead worker means failed."""
    if job.finished or job.runner == "inline":
        return job
    code = None
    if job.runner == "rq":
        code = rq_runner.failure_code(job)
    if code is None:
        started = job.started_at or max(job.created_at, job.run_at or job.created_at)
        limit = job.timeout + GRACE_SECONDS
        if job.state == "queued" and job.runner != "rq":
            limit += GRACE_SECONDS  # waiting for a free local worker slot
        if utcnow() - started > timedelta(seconds=limit):
            code = "timeout" if job.state == "running" else "worker_died"
    if code and mark_failed(job.id, code):
        db.session.expire(job)
    return job


def job_for(subject: str) -> Job | None:
    """The newest job working on `subject`, reconciled."""
    job = db.session.scalar(select(Job).where(Job.subject == subject).order_by(Job.id.desc()).limit(1))
    return reconcile(job) if job else None


def retry(job: Job) -> Job:
    """Run a failed job again with the same arguments (the retry button)."""
    if job.state != "failed":
        raise ValueError("only a failed job can be tried again")
    job.state, job.progress, job.error, job.finished_at, job.started_at = "queued", 0, "", None, None
    job.created_at = utcnow()
    db.session.commit()
    _dispatch(job, _background_mode() if job.runner != "inline" else "inline")
    return job


JOB_LABELS = {
    "report_build": _l("Report build"),
    "findings_export": _l("Export of findings"),
    "survey_export": _l("Export of survey responses"),
    "send_mail": _l("Sending e-mail"),
    "train_suggestions": _l("Learning theme suggestions"),
    "privacy_purge": _l("Removing personal data whose retention period has passed"),
    "privacy_register": _l("Register of processing (PDF)"),
}


def job_label(job: Job) -> str:
    return str(JOB_LABELS.get(job.kind, _l("Job")))


def error_message(job: Job) -> str:
    """Why the job failed, in the reader's language."""
    return {
        "timeout": _("It took longer than the time limit and was stopped."),
        "worker_died": _("The worker process running it stopped unexpectedly."),
    }.get(job.error, _("It stopped with an error."))


def status(job: Job) -> dict:
    """The job as the progress bar reads it (JSON)."""
    data = {"id": job.id, "kind": job.kind, "state": job.state, "progress": job.progress}
    if job.state == "failed":
        data["error"] = error_message(job)
    return data
