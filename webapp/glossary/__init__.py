"""A glossary per project: the preferred term for a concept in each language and the terms it
replaces. The report's preflight flags a replaced term in a report's text; the staff screens
name activity types by the preferred term (one name per concept, issue 22)."""
from flask import Blueprint

bp = Blueprint("glossary", __name__, template_folder="templates", url_prefix="/glossary")

from . import hooks, routes  # noqa: E402,F401
