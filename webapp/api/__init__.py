"""The JSON API (`/api/v1/...`): what the offline capture screen syncs through, and what
scripts use with a personal API token."""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import cli, routes  # noqa: E402,F401
