from flask import Blueprint

bp = Blueprint("surveys", __name__, template_folder="templates", static_folder="static",
               static_url_path="/surveys/static")

from . import respond, routes  # noqa: E402,F401
