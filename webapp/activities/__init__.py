from flask import Blueprint

bp = Blueprint("activities", __name__, template_folder="templates", url_prefix="/activities")

from . import hooks, routes  # noqa: E402,F401
