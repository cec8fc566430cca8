"""The local runner (no Redis): one worker process per job, started by the web process.

A fresh interpreter (spawn, not fork: no inherited threads or sockets) imports the app
(light, see tests/test_startup.py), runs the job and exits; WeasyPrint's hundreds of MB for a
large report go back to the system with it. A supervising thread in the web process waits
for it, at most `LOCAL_JOB_WORKERS` at once, stops it at the job's time limit and marks the
job failed when the process ended without finishing it (killed, out of memory).
"""
from __future__ import annotations

import logging
import threading

from flask import current_app

from ..config import Config
from ..extensions import db
from .models import Job
from .running import app_factory, mark_failed, run_job

log = logging.getLogger(__name__)

_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


def _slot(size: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _slots.setdefault(size, threading.BoundedSemaphore(size))


def submit(job: Job, thread: bool = False) -> None:
    app = current_app._get_current_object()
    if thread:
        threading.Thread(target=_run_in_thread, args=(app, job.id), daemon=True, name=f"job-{job.id}").start()
        return
    threading.Thread(target=_supervise, args=(app, job.id, job.timeout), daemon=True,
                     name=f"job-{job.id}-supervisor").start()


def _run_in_thread(app, job_id: int) -> None:
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()


def _supervise(app, job_id: int, timeout: int) -> None:
    import multiprocessing  # here: only a process that runs a job pays for it at start-up

    with _slot(int(app.config.get("LOCAL_JOB_WORKERS", 2))):
        context = multiprocessing.get_context("spawn")
        worker = context.Process(target=work, name=f"klankbord-job-{job_id}", args=(
            app_factory(app), app.config["SQLALCHEMY_DATABASE_URI"], app.config["SECRET_KEY"], job_id))
        worker.start()
        with app.app_context():
            db.session.execute(db.update(Job).where(Job.id == job_id).values(runner_ref=str(worker.pid)))
            db.session.commit()
            db.session.remove()
        worker.join(timeout)
        if worker.is_alive():
            worker.kill()
            worker.join()
            code = "timeout"
        elif worker.exitcode != 0:
            code = "worker_died"
        else:
            return
    log.warning("job %s: worker process ended with %s (%s)", job_id, worker.exitcode, code)
    with app.app_context():
        try:
            mark_failed(job_id, code)
        finally:
            db.session.remove()


def work(factory, database_uri: str, secret_key: str, job_id: int) -> None:
    """Entry point of the worker process: `factory` is the web process's app factory (create_app)."""

    class WorkerConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_uri
        SECRET_KEY = secret_key

    app = factory(WorkerConfig)
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()
            db.engine.dispose()
