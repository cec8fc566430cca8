"""Reference registers the report draws on: abbreviations and good examples."""
from flask import Blueprint

bp = Blueprint("reference", __name__, template_folder="templates", url_prefix="/reference")

from . import routes  # noqa: E402,F401
