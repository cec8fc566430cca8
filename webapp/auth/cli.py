from __future__ import annotations

import secrets

import click

from ..text import CLI_TEXT
from . import bp
from ..access import ROLES
from .services import UserError, create_user

bp.cli.help = "Manage users: `flask --app wsgi users create EMAIL --role ROLE`."


@bp.cli.command("create")
@click.argument("email", type=CLI_TEXT)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", default="", type=CLI_TEXT, help="Display name (defaults to the e-mail address).")
@click.option("--password", default=None, help="Leave out to generate one and print it.")
@click.option("--locale", type=click.Choice(["nl", "en"]), default="nl")
def create_command(email, role, name, password, locale):
    """Create a user with ROLE."""
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = create_user(email, name, role, password, locale=locale)
    except UserError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created user {user.email} ({user.role}).")
    if generated:
        click.echo(f"Password: {password}")
