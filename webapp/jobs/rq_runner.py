"""The RQ runner (REDIS_URL set): jobs on a Redis queue, run by `flask worker` processes.

RQ carries only the `Job` id; arguments and results live in the database, so a worker on
another machine needs the same DATABASE_URL and REDIS_URL and nothing else. RQ's work horse
(a fork per job) enforces `job_timeout`; a horse that is killed is marked failed by its
worker, and a worker that dies altogether leaves its job in the StartedJobRegistry until
RQ's clean-up moves it to the failed ones. `failure_code` reads that, so the screen that
polls a job sees it failed, never "running" for ever.
"""
from __future__ import annotations

import uuid
from functools import cache

from flask import current_app

from ..extensions import db
from .models import Job
from .running import app_factory, run_job

#: The app of a `flask worker` process; forked work horses inherit it.
_worker_app = None


@cache
def _connection(url: str):
    from redis import Redis

    return Redis.from_url(url)


def connection(app=None):
    app = app or current_app
    return _connection(app.config["REDIS_URL"])


def queue(app=None):
    from rq import Queue

    app = app or current_app
    return Queue(app.config.get("JOB_QUEUE", "klankbord"), connection=connection(app))


def submit(job: Job) -> None:
    """Put the job on the queue; a job with `run_at` waits in RQ's scheduled registry until
    then (a worker started with its scheduler, as `start_worker` does, moves it to the queue)."""
    rq_id = f"klankbord-{job.id}-{uuid.uuid4().hex[:8]}"
    job.runner_ref = rq_id
    db.session.commit()
    options = dict(job_id=rq_id, job_timeout=job.timeout, result_ttl=3600, failure_ttl=7 * 24 * 3600,
                   description=f"{job.kind} {job.id}")
    if job.run_at is not None:
        queue().enqueue_at(job.run_at, run, job.id, app_factory(current_app), **options)
    else:
        queue().enqueue(run, job.id, app_factory(current_app), **options)


def run(job_id: int, factory=None) -> None:
    """What the RQ work horse runs: the job in an app context of this worker's app. `factory`
    (create_app, travelling with the job) makes one in a plain `rq worker`."""
    app = _worker_app
    if app is None:  # started by a plain `rq worker`: make the app here
        app = factory()
    with app.app_context():
        db.engine.dispose(close=False)  # connections of the parent worker stay the parent's
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def failure_code(job: Job) -> str | None:
    """Why RQ says an unfinished job is over ("worker_died", "timeout"), or None while it is alive."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob
    from rq.registry import StartedJobRegistry

    if not job.runner_ref:
        return None
    redis = connection()
    StartedJobRegistry(queue=queue()).cleanup()  # moves jobs of dead workers to the failed registry
    try:
        rq_job = RQJob.fetch(job.runner_ref, connection=redis)
    except NoSuchJobError:
        return "worker_died" if job.state == "running" else None
    status = rq_job.get_status(refresh=True)
    if status == "scheduled":
        return None
    if status in ("failed", "stopped", "canceled"):
        result = rq_job.latest_result()
        text = (result.exc_string if result else "") or ""
        return "timeout" if "Timeout" in text else "worker_died"
    return None


def start_worker(app, burst: bool = False, name: str | None = None) -> bool:
    """Run an RQ worker for this app until stopped (or, with `burst`, until the queue is empty).
    Its scheduler moves scheduled jobs (`enqueue_at`) to the queue when they are due; of
    several workers one holds the scheduler's lock at a time."""
    from rq import Worker

    global _worker_app
    _worker_app = app
    worker = Worker([queue(app)], connection=connection(app), name=name)
    return worker.work(burst=burst, with_scheduler=True)
