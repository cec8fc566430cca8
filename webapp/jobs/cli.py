"""`flask worker`: an RQ worker for this app's queue (needs REDIS_URL)."""
from __future__ import annotations

import click
from flask import current_app

from .. import signals
from . import bp
from .rq_runner import start_worker


@bp.cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--name", default=None, help="Worker name (default: RQ's).")
def worker(burst: bool, name: str | None) -> None:
    """Run jobs from the Redis queue (report builds, exports, e-mail, suggestion training)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run in local worker processes.")

    app = current_app._get_current_object()
    signals.worker_starting.send(app)  # repeating jobs (the retention purge) are waiting
    start_worker(app, burst=burst, name=name)
