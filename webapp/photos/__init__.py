"""Photos from the meeting room: flip-charts and sticky notes taken on the capture screen
(offline, through the same outbox as findings), transcribed into findings beside the photo,
private by default (metadata stripped, "may show people or names" until a facilitator clears
it). Files live in a store (photos/storage.py): the instance folder, or an S3-compatible bucket."""
from flask import Blueprint

# Static files go through a route of ours (routes.static) so they carry a role check like every other view.
bp = Blueprint("photos", __name__, template_folder="templates")

from . import hooks, routes  # noqa: E402,F401
