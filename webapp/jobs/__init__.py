"""Jobs: slow work outside the request (report builds, large exports, e-mail, suggestion
training). `enqueue` is the one way in; `/jobs/<id>.json` is what every progress bar polls."""
from flask import Blueprint

bp = Blueprint("jobs", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static", url_prefix="/jobs", cli_group=None)


from . import cli, routes  # noqa: E402,F401
