"""Closing the loop: staff choose who hears what became of their input (/reports/versions/<id>/outcome),
each person reads it on a personal page (/o/<token>); the published report at /published/<report_id>."""
from flask import Blueprint

bp = Blueprint("outcome", __name__, template_folder="templates")

from . import hooks, routes  # noqa: E402,F401
