"""Writing and reading the audit log. Services call `record_audit` inside their own
transaction, so the entry is stored with the change or not at all."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from .models import AuditEntry

#: A detail value that is a code, not text someone wrote: lower case, no spaces.
_CODE = re.compile(r"^[a-z0-9_.:/-]{0,60}$")

ACTIONS = ("create", "update", "delete", "restore", "import", "export", "build", "publish", "withdraw",
           "erase_identity", "erase_everything", "access_request", "backup", "restore_backup", "purge")


class AuditDetailRefused(ValueError):
    """A detail that could be personal data (free text) was passed to the audit log."""


def _checked(detail: dict | None) -> dict:
    checked = {}
    for key, value in (detail or {}).items():
        if not _CODE.match(str(key)):
            raise AuditDetailRefused(f"audit detail key {key!r} is not a code")
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if isinstance(item, str) and not _CODE.match(item):
                raise AuditDetailRefused(f"audit detail {key!r} holds text, not a code or a count")
            if not isinstance(item, (str, int, float, bool, type(None))):
                raise AuditDetailRefused(f"audit detail {key!r} is not a plain value")
        checked[key] = list(value) if isinstance(value, tuple) else value
    return checked


def logged_in_actor() -> int | None:
    """The logged-in user's id, or None (the command line, a job, a public page)."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


def record_audit(actor, action: str, object_kind: str, object_id: int | None = None,
                 detail: dict | None = None, *, subject: str = "") -> AuditEntry:
    """Add an audit entry to the current transaction (the caller commits).

    `actor` is a User, a user id or None (the logged-in user if there is one; else the
    command line or a background job). `detail`
    holds counts and codes only; free text is refused, so no name or quote lands here.
    """
    actor_id = getattr(actor, "id", actor)
    if actor_id is not None and not isinstance(actor_id, int):
        actor_id = None  # Flask-Login's anonymous user
    if actor is None:
        actor_id = logged_in_actor()  # the logged-in user; None on the command line and in jobs
    entry = AuditEntry(action=action[:40], object_kind=object_kind[:40], object_id=object_id,
                       subject=subject[:60], detail=_checked(detail), actor_id=actor_id)
    db.session.add(entry)
    return entry


@dataclass
class AuditFilter:
    actor_id: int | None = None
    object_kind: str = ""
    action: str = ""
    since: datetime | None = None
    until: datetime | None = None  # exclusive


def _filtered(query, criteria: AuditFilter):
    if criteria.actor_id:
        query = query.where(AuditEntry.actor_id == criteria.actor_id)
    if criteria.object_kind:
        query = query.where(AuditEntry.object_kind == criteria.object_kind)
    if criteria.action:
        query = query.where(AuditEntry.action == criteria.action)
    if criteria.since:
        query = query.where(AuditEntry.created_at >= criteria.since)
    if criteria.until:
        query = query.where(AuditEntry.created_at < criteria.until)
    return query


def audit_page(criteria: AuditFilter, page: int = 1, per_page: int = 50) -> tuple[list[AuditEntry], int]:
    """One page of entries, newest first, and the number of matching entries."""
    total = db.session.scalar(_filtered(select(func.count()).select_from(AuditEntry), criteria))
    entries = db.session.scalars(_filtered(select(AuditEntry), criteria)
                                 .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                                 .offset((max(page, 1) - 1) * per_page).limit(per_page)).all()
    return list(entries), total


def audit_rows(criteria: AuditFilter):
    """Every matching entry, newest first (the CSV export)."""
    return db.session.scalars(_filtered(select(AuditEntry), criteria)
                              .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))


def object_kinds() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.object_kind).distinct().order_by(AuditEntry.object_kind)))
