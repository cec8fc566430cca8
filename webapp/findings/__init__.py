"""Findings: capture on tablets (offline-capable), the list per activity, edit with
conflict handling, import and export. Models and services are shared with every feature."""
from flask import Blueprint

# Static files go through a route of ours (routes.static_file) so they carry a role check
# like every other view.
bp = Blueprint("findings", __name__, template_folder="templates")

from . import hooks, routes  # noqa: E402,F401
