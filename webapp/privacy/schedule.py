"""The purge runs by itself. With REDIS_URL set it is a scheduled RQ job (`jobs.services.
schedule`; every `flask worker` runs RQ's scheduler): each run, and each failure, schedules
the next one, and every worker that starts (and the privacy screen) checks one is waiting,
so a worker killed mid-purge does not end the chain. Without Redis, cron or a systemd timer
runs `flask privacy purge` (docs/deploy.md)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..jobs.models import Job
from ..jobs.services import current_job_id, reconcile, runner_mode, schedule
from .purge import purge

PURGE_KIND = "privacy_purge"
#: After a worker starts with no purge waiting, the first one runs this soon.
FIRST_DELAY = timedelta(minutes=10)


def interval() -> timedelta:
    return timedelta(hours=float(current_app.config.get("PRIVACY_PURGE_INTERVAL_HOURS", 24)))


def purge_job() -> None:
    """Job: the scheduled purge; then the next one."""
    try:
        purge(trigger="schedule")
    finally:
        ensure_scheduled(utcnow() + interval())


def purge_failed(error: str | None = None) -> None:
    """The scheduled purge failed (an error, its time limit, a killed worker): try again later."""
    ensure_scheduled(utcnow() + interval())


def waiting_purge() -> Job | None:
    """The purge job queued or running now (not the one asking), reconciled with its runner."""
    for job in db.session.scalars(select(Job).where(Job.kind == PURGE_KIND, Job.state.in_(("queued", "running")))
                                  .order_by(Job.id.desc())):
        if job.id != current_job_id() and not reconcile(job).finished:
            return job
    return None


def ensure_scheduled(run_at: datetime | None = None) -> Job | None:
    """With RQ: make sure a purge is waiting (returns it); without: None (cron runs it)."""
    if runner_mode() != "rq":
        return None
    job = waiting_purge()
    if job is None:
        job = schedule(purge_job, run_at=run_at or utcnow() + FIRST_DELAY, kind=PURGE_KIND,
                       on_failure=purge_failed, job_timeout=3600)
    return job
