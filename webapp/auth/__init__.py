from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates", cli_group="users")

from . import cli, routes  # noqa: E402,F401  (registers the views and commands on bp)
