"""`flask --app wsgi mail send`: send what the outbox holds (e.g. from cron, or after the server was down)."""
from __future__ import annotations

import click

from . import bp
from .services import mail_configured, send_queued


@bp.cli.command("send")
@click.option("--limit", type=int, default=500, show_default=True)
def send_command(limit: int):
    """Send the queued messages that are due."""
    if not mail_configured():
        raise click.ClickException("MAIL_SERVER is not set: the messages stay in the outbox")
    result = send_queued(limit=limit)
    click.echo(f"sent {result.sent}, failed {result.failed}")
