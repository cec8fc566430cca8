from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from ..audit.services import record_audit
from ..extensions import db
from . import bp
from .services import BackupError, create_backup, default_backup_path, restore_backup

bp.cli.help = "Back up and restore the database with every stored report file (docs/operations.md)."


@bp.cli.command("create")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Archive to write (default: instance/backups/klankbord-backup-<time>.tar.gz).")
def create_command(output):
    """Write one archive with the database and the report files it stores."""
    output = output or default_backup_path(Path(current_app.instance_path) / "backups")
    try:
        manifest = create_backup(output)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    record_audit(None, "backup", "database", None, {"dialect": manifest["dialect"],
                                                    "tables": len(manifest["rows"])})
    db.session.commit()
    click.echo(f"Backup written to {output} ({sum(manifest['rows'].values())} rows in "
               f"{len(manifest['rows'])} tables).")


@bp.cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Drop what the database holds first (careful).")
def restore_command(archive, replace):
    """Restore ARCHIVE into the configured (empty) database."""
    try:
        manifest = restore_backup(archive, replace=replace)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    record_audit(None, "restore_backup", "database", None, {"dialect": manifest["dialect"],
                                                            "tables": len(manifest["rows"])})
    db.session.commit()
    click.echo(f"Restored {sum(manifest['rows'].values())} rows in {len(manifest['rows'])} tables "
               f"(backup of {manifest['created_at']}, schema {manifest['revision'] or 'unknown'}).")
