from __future__ import annotations

from . import bp

bp.cli.help = "Manage users: `flask --app wsgi users create EMAIL --role ROLE --project SLUG`."
# `users create` is defined in projects/cli.py (it also makes the new user a member of
# projects) and `users token` in api/cli.py (the tokens are the API's): both sit above auth.
