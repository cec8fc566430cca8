"""Outgoing e-mail: the outbox, sending through SMTP in the background, opt-out links."""
from flask import Blueprint

bp = Blueprint("mail", __name__, template_folder="templates", cli_group="mail")

from . import cli, routes  # noqa: E402,F401
