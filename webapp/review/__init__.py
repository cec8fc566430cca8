from flask import Blueprint

# Authors' screens under /review, reviewers' personal links under /r/<token>.
bp = Blueprint("review", __name__, template_folder="templates")

from . import hooks, reviewer, routes  # noqa: E402,F401
