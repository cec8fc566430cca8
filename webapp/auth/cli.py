from __future__ import annotations

import click

from ..text import CLI_TEXT
from . import bp

bp.cli.help = "Manage users: `flask --app wsgi users create EMAIL --role ROLE --project SLUG`."
# `users create` is defined in projects/cli.py: it also makes the new user a member of projects.


@bp.cli.command("token")
@click.argument("email", type=CLI_TEXT)
@click.option("--revoke", is_flag=True, help="Remove the user's token instead of making a new one.")
def token_command(email, revoke):
    """Make a personal API token for EMAIL (replacing the old one) and print it once."""
    from ..api.tokens import issue_api_token, revoke_api_token
    from .services import get_user_by_email

    user = get_user_by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"No active user with e-mail address {email}.")
    if revoke:
        revoke_api_token(user)
        click.echo(f"API token of {user.email} revoked.")
        return
    token = issue_api_token(user)
    click.echo(f"API token for {user.email} (shown once; only a hash is stored):")
    click.echo(token)
