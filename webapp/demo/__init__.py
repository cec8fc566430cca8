from flask import Blueprint

# Command-line only: `flask --app wsgi demo load`.
bp = Blueprint("demo", __name__, cli_group="demo")

from . import cli, hooks  # noqa: E402,F401
