"""What the photos add to the features below them, connected at start-up (webapp/signals.py):
the photo panel of the capture screen, and a finding's photo on its page."""
from __future__ import annotations

from flask import render_template, request
from markupsafe import Markup

from .. import signals
from ..access import current_role
from .routes import CLEARING_ROLES
from .services import photos_of_activity, source_of_finding


@signals.capture_panels.connect
def _capture_panel(activity, errors=None) -> Markup:
    return Markup(render_template("photos/_capture_panel.html", activity=activity, photos=photos_of_activity(activity.id),
                                  errors=errors or {}, transcribe=request.args.get("photo", "")))


@signals.finding_panels.connect
def _finding_photo(finding) -> Markup | None:
    link = source_of_finding(finding.id)
    if link is None:
        return None
    return Markup(render_template("photos/_finding_photo.html", link=link, photo=link.photo,
                                  may_clear=current_role() in CLEARING_ROLES))
