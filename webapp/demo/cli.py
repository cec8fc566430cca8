from __future__ import annotations

import click

from . import bp
from .services import DEMO_PASSWORD, load_demo


@bp.cli.command("load")
def load_command():
    """Load the LEARN project's demo data (safe to run again: nothing is duplicated)."""
    summary = load_demo()
    for label, count in summary.counts.items():
        click.echo(f"{label}: {count} new")
    click.echo("Demo logins (password: %s):" % DEMO_PASSWORD)
    for email, role, created in summary.users:
        click.echo(f"  {role:<12} {email}" + ("" if created else "  (existed already; password unchanged)"))
