"""Running a job where it lands (this process, a local worker process, an RQ work horse):
`run_job` records done or failed, `set_progress` reports from inside, `mark_failed` is how a
runner that saw its worker die says so. The runners import this; `services.py` hands jobs out."""
from __future__ import annotations

import contextvars
import importlib
import logging
import pickle
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import update

from ..db_types import utcnow
from ..extensions import db
from .models import Job

log = logging.getLogger(__name__)


def init_jobs(app, factory) -> None:
    """Remember the app factory (create_app): a local worker process or a plain `rq worker`
    makes its app with it. Jobs sit below the features the app registers, so the factory is
    handed to them at start-up rather than imported."""
    app.extensions["jobs.app_factory"] = factory


def app_factory(app):
    return app.extensions["jobs.app_factory"]


_current_job: contextvars.ContextVar[int | None] = contextvars.ContextVar("klankbord_job", default=None)


@dataclass
class JobResult:
    """What a job function returns when it makes a file to download."""

    content: bytes
    name: str
    mimetype: str


def _resolve(name: str) -> Callable:
    module, _sep, attribute = name.partition(":")
    target = importlib.import_module(module)
    for part in attribute.split("."):
        target = getattr(target, part)
    return target


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
        # RQ's time limit inside the work horse, or the job's own (reports.builds.BuildTimeout)
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
