"""Advisory-board feedback: a feedback round is a survey (purpose "feedback") of an
advisory-board session. Staff build it and hand out expiring personal links; members
answer in their own language after giving consent, and their answers become findings."""
from flask import Blueprint

bp = Blueprint("feedback", __name__, template_folder="templates", static_folder="static",
               static_url_path="/feedback/static")

from . import member, routes  # noqa: E402,F401
