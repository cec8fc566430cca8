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

import contextvars
import importlib
import logging
import pickle
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import select, update

from ..db_types import utcnow
from ..extensions import db
from ..i18n import _, _l
from .models import Job

log = logging.getLogger(__name__)

#: Seconds past its time limit after which a job nobody reported on counts as dead.
GRACE_SECONDS = 60

_current_job: contextvars.ContextVar[int | None] = contextvars.ContextVar("klankbord_job", default=None)


@dataclass
class JobResult:
    """What a job function returns when it makes a file to download."""

    content: bytes
    name: str
    mimetype: str


def _name(fn: Callable) -> str:
    name = f"{fn.__module__}:{fn.__qualname__}"
    if "<" in name:
        raise ValueError("a job function must be a module-level function")
    return name


def _resolve(name: str) -> Callable:
    module, _sep, attribute = name.partition(":")
    target = importlib.import_module(module)
    for part in attribute.split("."):
        target = getattr(target, part)
    return target


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
        from . import rq_runner

        rq_runner.submit(job)
    else:
        from . import local

        local.submit(job, thread=(mode == "thread"))


def run_job(job_id: int) -> None:
    """Run the job now, in this process and app context; record done or failed."""
    job = db.session.get(Job, job_id)
    if job is None or job.finished:
        return
    job.state, job.progress, job.error = "running", 0, ""
    job.started_at, job.attempts = utcnow(), job.attempts + 1
    db.session.commit()
    token = _current_job.set(job_id)
    try:
        args, kwargs = pickle.loads(job.payload)
        result = _resolve(job.function)(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - any failure must end as a visible "failed" state
        db.session.rollback()
        # RQ's time limit inside the work horse, or the job's own (reports.services.BuildTimeout)
        timed_out = type(error).__name__ in ("JobTimeoutException", "BuildTimeout")
        log.exception("job %s (%s) failed", job_id, job.kind)
        mark_failed(job_id, "timeout" if timed_out else "error")
        return
    finally:
        _current_job.reset(token)
    job = db.session.get(Job, job_id)
    if isinstance(result, JobResult):
        job.result, job.result_name, job.result_type = result.content, result.name, result.mimetype
    job.state, job.progress, job.finished_at = "done", 100, utcnow()
    # A done job never runs again; its arguments can hold people's words (a report's texts).
    job.payload = pickle.dumps(((), {}))
    db.session.commit()


def current_job_id() -> int | None:
    return _current_job.get()


def set_progress(percent: int) -> None:
    """Report progress (0-99) of the job running in this context; a no-op outside a job."""
    job_id = _current_job.get()
    if job_id is None:
        return
    percent = max(0, min(int(percent), 99))
    db.session.execute(update(Job).where(Job.id == job_id, Job.progress < percent).values(progress=percent))
    db.session.commit()


def mark_failed(job_id: int, code: str) -> bool:
    """Mark an unfinished job failed (and tell its `on_failure`); False when it had already ended.

    The job's state and what `on_failure` changes (a report version) are committed together,
    so no screen sees the job failed and its subject still "running".
    """
    db.session.rollback()
    statement = (update(Job).where(Job.id == job_id, Job.state.in_(("queued", "running")))
                 .values(state="failed", error=code, finished_at=utcnow()))
    if not db.session.execute(statement).rowcount:
        db.session.commit()
        return False
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    if job.on_failure:
        try:
            args, kwargs = pickle.loads(job.payload)
            _resolve(job.on_failure)(*args, error=code, **kwargs)
        except Exception:  # noqa: BLE001 - the job is failed either way
            log.exception("on_failure of job %s failed", job_id)
            db.session.rollback()
            db.session.execute(statement)
    db.session.commit()
    return True


def reconcile(job: Job) -> Job:
    """Bring an unfinished job's state in line with its runner: a dead worker means failed."""
    if job.finished or job.runner == "inline":
        return job
    code = None
    if job.runner == "rq":
        from . import rq_runner

        code = rq_runner.failure_code(job)
    if code is None:
        started = job.started_at or job.created_at
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
