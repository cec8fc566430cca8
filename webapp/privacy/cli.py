"""`flask privacy purge [--dry-run]`: the retention purge from cron or a systemd timer."""
from __future__ import annotations

import click

from ..db_types import utcnow
from ..projects.models import Project
from ..extensions import db
from . import bp
from .purge import plan, purge, summarise


@bp.cli.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would go now and later, and change nothing.")
def purge_command(dry_run: bool) -> None:
    """Remove personal data whose retention period has passed (one audit entry, counts only)."""
    now = utcnow()
    if dry_run:
        slugs = dict(db.session.execute(db.select(Project.id, Project.slug)).all())
        summaries = summarise(plan(now), now)
        if not summaries:
            click.echo("Nothing personal is kept.")
        for s in summaries:
            later = f", {s.later} later (next on {s.next_due:%Y-%m-%d %H:%M} UTC)" if s.later else ""
            waiting = f", {s.waiting} kept until their round closes" if s.waiting else ""
            click.echo(f"{slugs.get(s.project_id, '(installation)')}: {s.category}: {s.due_now} now{later}{waiting}")
        return
    run = purge(now, trigger="command")
    click.echo("Purged: " + ", ".join(f"{k}={v}" for k, v in sorted(run.counts.items())) if run.counts
               else "Nothing was due.")
