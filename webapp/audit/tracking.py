"""Create, change and delete are audited in one place: a session listener that sees every
flush, whichever screen, API call, import or job caused it. Only kinds of object staff make
are audited: a model says so with `__audit_kind__ = "activity"` (its kind in the log), so a
new feature's table joins without this module knowing it. Respondents' answers, links,
counters, build progress and the log itself have none, on purpose. Values are never
recorded, only which fields changed (column names are codes).

What a flush cannot tell — exports, builds, publishing, erasures, backups — the services
record themselves with `record_audit`.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..db_types import utcnow
from .models import AuditEntry
from .services import logged_in_actor

#: Columns that change as a side effect, not as someone's act.
IGNORED = {"last_login_at", "last_project_id", "search_text", "updated_at", "version", "version_id",
           "thumbnail_key"}
#: More objects of one kind in one flush than this (an import, the demo) become one entry with a count.
BULK_ABOVE = 20
#: Built once: every saved finding writes one entry, and building the statement anew each
#: time cost a fifth of a millisecond (issue 17's save throughput).
_INSERT_ENTRY = AuditEntry.__table__.insert()


def _changed_fields(obj) -> list[str]:
    state = inspect(obj)
    keys = [attr.key for attr in state.mapper.column_attrs] + [rel.key for rel in state.mapper.relationships]
    # history never loads anything: an attribute nobody touched has none
    return sorted(key for key in keys if key not in IGNORED and state.attrs[key].history.has_changes())


@event.listens_for(Session, "after_flush")
def _audit_flush(session: Session, _flush_context) -> None:
    # A new finding without translations is written without a flush: it calls `record_created`.
    if session.info.get("audit_disabled"):
        return
    events: dict[tuple[str, str], list[tuple[int | None, dict]]] = defaultdict(list)
    for obj in session.new:
        kind = getattr(obj, "__audit_kind__", None)
        if kind:
            events[("create", kind)].append((getattr(obj, "id", None), {}))
    for obj in session.dirty:
        kind = getattr(obj, "__audit_kind__", None)
        if not kind:
            continue
        fields = _changed_fields(obj)
        if not fields:
            continue
        action = "update"
        if fields == ["deleted_at"] or "deleted_at" in fields:  # findings: soft delete and undo
            action = "delete" if getattr(obj, "deleted_at", None) is not None else "restore"
        events[(action, kind)].append((getattr(obj, "id", None), {"fields": fields}))
    for obj in session.deleted:
        kind = getattr(obj, "__audit_kind__", None)
        if kind:
            events[("delete", kind)].append((getattr(obj, "id", None), {}))
    if not events:
        return
    actor_id, now = logged_in_actor(), utcnow()
    connection = session.connection()
    # One entry per object per transaction, however often a service flushes in between.
    written: dict = session.info.setdefault("audit_written", {})
    for (action, kind), items in events.items():
        if len(items) > BULK_ABOVE:
            connection.execute(AuditEntry.__table__.insert(), [{
                "action": action, "object_kind": kind, "object_id": None, "subject": "",
                "detail": {"count": len(items)}, "actor_id": actor_id, "created_at": now}])
            continue
        for object_id, detail in items:
            object_id = object_id if isinstance(object_id, int) else None
            if action == "update" and ("create", kind, object_id) in written:
                continue  # made in this same transaction: "create" says it all
            earlier = written.get((action, kind, object_id)) if object_id is not None else None
            if earlier is not None:
                entry_id, fields = earlier
                fields = sorted(set(fields) | set(detail.get("fields", [])))
                connection.execute(AuditEntry.__table__.update().where(AuditEntry.__table__.c.id == entry_id)
                                   .values(detail={"fields": fields}))
                written[(action, kind, object_id)] = (entry_id, fields)
                continue
            result = connection.execute(_INSERT_ENTRY, {
                "action": action, "object_kind": kind, "object_id": object_id, "subject": "", "detail": detail,
                "actor_id": actor_id, "created_at": now})
            written[(action, kind, object_id)] = (result.inserted_primary_key[0], detail.get("fields", []))


def record_created(session: Session, kind: str, object_id: int) -> None:
    """The "create" entry `_audit_flush` writes, for a row written with an INSERT statement
    instead of a flush (a new finding, `findings/services.py`)."""
    if session.info.get("audit_disabled"):
        return
    result = session.connection().execute(_INSERT_ENTRY, {
        "action": "create", "object_kind": kind, "object_id": object_id, "subject": "", "detail": {},
        "actor_id": logged_in_actor(), "created_at": utcnow()})
    session.info.setdefault("audit_written", {})[("create", kind, object_id)] = (result.inserted_primary_key[0], [])


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_written(session: Session) -> None:
    session.info.pop("audit_written", None)
