from flask import Blueprint

bp = Blueprint("projects", __name__, template_folder="templates")

from . import cli, hooks, routes  # noqa: E402,F401
