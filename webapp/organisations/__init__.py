from flask import Blueprint

bp = Blueprint("organisations", __name__, template_folder="templates", url_prefix="/organisations")

from . import routes  # noqa: E402,F401
