"""`flask users token EMAIL`: a personal API token. The command sits in the `users` group
(auth's), but the tokens are the API's, so the API adds it there."""
from __future__ import annotations

import click

from ..auth import bp as auth_bp
from ..auth.services import get_user_by_email
from ..text import CLI_TEXT
from .tokens import issue_api_token, revoke_api_token


@auth_bp.cli.command("token")
@click.argument("email", type=CLI_TEXT)
@click.option("--revoke", is_flag=True, help="Remove the user's token instead of making a new one.")
def token_command(email, revoke):
    """Make a personal API token for EMAIL (replacing the old one) and print it once."""
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
