"""Contributors (advisory-board members, stakeholders): the only screens that show their
names and contact details (admins only), and erasure with an audit trail."""
from flask import Blueprint

bp = Blueprint("contributors", __name__, template_folder="templates")

from . import routes  # noqa: E402,F401
