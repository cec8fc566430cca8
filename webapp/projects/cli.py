"""`flask --app wsgi projects ...`: list, export and import whole projects."""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from ..extensions import db
from . import bp
from .models import Project
from .transfer import TransferError, export_project, import_project


@bp.cli.command("list")
def list_command():
    """The projects on this installation."""
    for project in db.session.scalars(select(Project).order_by(Project.id)):
        click.echo(f"{project.slug:<24} {project.status:<9} {project.name_en}")


@bp.cli.command("export")
@click.argument("slug")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(slug: str, out: Path):
    """Write project SLUG as a ZIP (every record, the files, the codebook as REFI-QDA)."""
    project = db.session.scalar(select(Project).where(Project.slug == slug))
    if project is None:
        raise click.ClickException("no such project")
    out.write_bytes(export_project(project).getvalue())
    click.echo(f"{slug} -> {out}")


@bp.cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", help="Short name for the imported project (default: as in the file).")
def import_command(path: Path, slug: str | None):
    """Import a project exported by another installation."""
    try:
        with open(path, "rb") as handle:
            project = import_project(handle, slug=slug)
    except TransferError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"imported as {project.slug}")
