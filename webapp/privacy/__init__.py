"""Personal data that leaves on time: retention periods per project, the purge (a scheduled
job or `flask privacy purge`), the privacy statement per project (/privacy/<slug>) and the
register of processing (GDPR art. 30) of the installation."""
from flask import Blueprint

bp = Blueprint("privacy", __name__, template_folder="templates")

from . import cli, hooks, routes  # noqa: E402,F401
