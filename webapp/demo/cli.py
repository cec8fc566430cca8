from __future__ import annotations

import click

from ..extensions import db
from . import bp
from .services import DEMO_PASSWORD, load_demo


def migrate_first() -> None:
    """A database made by our migrations is brought to the newest schema first, so `flask demo
    load` works on a fresh clone before `flask db upgrade` (the tests' create_all databases,
    which Alembic does not track, are left as they are)."""
    from flask_migrate import upgrade  # Alembic: loaded only for this command
    from sqlalchemy import inspect

    tables = set(inspect(db.engine).get_table_names())
    if not tables or "alembic_version" in tables:
        upgrade()


@bp.cli.command("load")
def load_command():
    """Load the LEARN project's demo data (safe to run again: nothing is duplicated). Brings
    the database to the newest schema first."""
    migrate_first()
    summary = load_demo()
    for label, count in summary.counts.items():
        click.echo(f"{label}: {count} new")
    click.echo("Demo logins (password: %s):" % DEMO_PASSWORD)
    for email, role, created in summary.users:
        click.echo(f"  {role:<12} {email}" + ("" if created else "  (existed already; password unchanged)"))
