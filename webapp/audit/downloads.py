"""Every file a logged-in user downloads is an export: audited here once, so no export route
can forget it (findings, surveys, codebook, review board, report files, audit log). A view
says what it exports with `@export_kind("...")` where the blueprint's name would not."""
from __future__ import annotations

import re

from flask import current_app, request

from ..extensions import db
from .services import logged_in_actor, record_audit

_EXTENSION = re.compile(r'filename="?[^";]*\.([A-Za-z0-9]{1,5})"?')


def export_kind(kind: str):
    """The kind of object a download view exports, as the audit log names it ("activity", "project")."""

    def decorate(view):
        view.export_kind = kind
        return view

    return decorate


def init_audit(app) -> None:
    @app.after_request
    def _audit_download(response):
        disposition = response.headers.get("Content-Disposition", "")
        actor_id = logged_in_actor() if "attachment" in disposition else None
        if actor_id is None or response.status_code != 200:
            return response
        endpoint = request.endpoint or ""
        ids = [v for v in (request.view_args or {}).values() if isinstance(v, int)]
        match = _EXTENSION.search(disposition)
        kind = getattr(current_app.view_functions.get(endpoint), "export_kind", None) or endpoint.split(".", 1)[0]
        record_audit(actor_id, "export", kind[:40], ids[0] if ids else None,
                     {"endpoint": endpoint.lower(), "format": (match.group(1).lower() if match else "")})
        db.session.commit()
        return response
