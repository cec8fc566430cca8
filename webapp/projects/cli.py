"""`flask --app wsgi projects ...`: list, export and import whole projects."""
from __future__ import annotations

import secrets
from pathlib import Path

import click
from sqlalchemy import select

from ..access import ADMIN, ROLES
from ..auth import bp as auth_bp
from ..auth.services import UserError
from ..extensions import db
from ..text import CLI_TEXT
from . import bp
from .models import Project
from .services import ProjectError, create_member, projects_of
from .transfer import TransferError, export_project, fresh_links, import_project


def _project_option(value: str) -> tuple[str, str | None]:
    slug, _sep, role = value.partition(":")
    return slug.strip(), role.strip() or None


@auth_bp.cli.command("create")
@click.argument("email", type=CLI_TEXT)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--project", "projects", multiple=True, metavar="SLUG[:ROLE]",
              help="A project the user works in, with ROLE there (default: --role). Repeatable.")
@click.option("--name", default="", type=CLI_TEXT, help="Display name (defaults to the e-mail address).")
@click.option("--password", default=None, help="Leave out to generate one and print it.")
@click.option("--locale", type=click.Choice(["nl", "en"]), default="nl")
def create_user_command(email, role, projects, name, password, locale):
    """Create a user with ROLE, a member of each --project (defined here, in the users group:
    it needs the projects)."""
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user, memberships = create_member(email, name, role, password, locale,
                                          [_project_option(value) for value in projects])
    except (UserError, ProjectError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created user {user.email} ({user.role}).")
    for membership in memberships:
        click.echo(f"Member of {membership.project.slug} as {membership.role}.")
    if role != ADMIN and not projects_of(user):
        slugs = ", ".join(db.session.scalars(select(Project.slug).order_by(Project.slug)))
        click.echo(f"Not a member of any project yet: run again with --project SLUG (projects: {slugs}), "
                   "or add them on the project's members page.")
    if generated:
        click.echo(f"Password: {password}")


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
    links = fresh_links(project)
    if any(links.values()):
        click.echo(f"new links: {links.get('survey_invitations', 0)} personal, {links.get('surveys', 0)} public survey "
                   "(an export carries no link secrets: send the new links to the people concerned)")
