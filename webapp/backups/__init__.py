"""Backups, command line only: `flask backup create` and `flask backup restore`."""
from flask import Blueprint

bp = Blueprint("backups", __name__, cli_group="backup")

from . import cli  # noqa: E402,F401
