"""A counter that moves whenever data a report could print changes.

Asking again for a report nobody changed should answer at once with the stored file
(issue 17: < 50 ms). Deciding that by collecting the report and hashing it costs as much as
reading the whole report (~200 ms for the demo, seconds at national size). Instead, every
transaction that writes such data adds one to a single counter, in the same transaction,
and a report version remembers the counter it was built from (`ReportVersion.input_key`).
Same counter, same renderer: the same file, without reading anything else.

What moves the counter:
- an ORM flush that adds, changes or deletes a row of any table not in `UNTRACKED_TABLES`;
- a bulk `insert`/`update`/`delete` or a raw write statement run through the session;
- every `flask db upgrade` (migrations/env.py), since a data migration writes past the ORM.
What does not: the tables that are bookkeeping about reports and people's sessions (the
versions themselves, jobs, audit entries, the outbox), so building a report does not make
it look changed. A backup restores the counter with the data, so the two stay consistent.

Wrongly moving the counter costs one collect-and-hash (the old, slower path, which still
finds the stored file by its content hash); never moving it when data changed would hand
out an outdated file, hence the wide net.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

from sqlalchemy import DDL, BigInteger, Integer, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import TextClause

from .extensions import db

#: Tables whose rows never reach a report file: writing them leaves the counter alone.
UNTRACKED_TABLES = frozenset({
    "data_version", "report_versions", "report_version_texts", "jobs", "audit_entries",
    "outgoing_messages", "mail_opt_outs", "rejected_suggestions", "outcome_links",
    "refused_forms",  # a refused form kept for its redirect (webapp/refused_forms.py): never in a report
})


class DataVersion(db.Model):
    """One row: how many transactions have changed report data so far."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger, default=0)


# Made with its one row (the migration does the same), so no two first writers race to insert it.
event.listen(DataVersion.__table__, "after_create", DDL("INSERT INTO data_version (id, counter) VALUES (1, 0)"))

_BUMPED = "data_version_bumped"
#: Raw statements that only read: a search must not turn into a write.
_READING = ("SELECT", "WITH", "PRAGMA", "EXPLAIN")


def _bump(session: Session) -> None:
    """Once per transaction: +1, on the transaction's own connection (committed or rolled
    back with the change itself). The row is made on first use."""
    if session.info.get(_BUMPED):
        return
    session.info[_BUMPED] = True
    table = DataVersion.__table__
    connection = session.connection()
    if connection.execute(update(table).where(table.c.id == 1).values(counter=table.c.counter + 1)).rowcount == 0:
        connection.execute(table.insert().values(id=1, counter=1))


def _tracked(tables) -> bool:
    return any(name not in UNTRACKED_TABLES for name in tables)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context) -> None:
    if session.info.get(_BUMPED):
        return
    changed = (obj for group in (session.new, session.dirty, session.deleted) for obj in group)
    if _tracked(getattr(obj, "__tablename__", "") for obj in changed):
        _bump(session)


@event.listens_for(Session, "do_orm_execute")
def _bulk_writes(execute_state) -> None:
    """Bulk insert/update/delete statements and raw SQL writes skip the flush."""
    if execute_state.is_select or execute_state.session.info.get(_BUMPED):
        return
    statement = execute_state.statement
    if isinstance(statement, TextClause) and statement.text.lstrip().upper().startswith(_READING):
        return
    table = getattr(statement, "table", None)
    names = [getattr(table, "name", "")] if table is not None else [""]  # raw SQL: assume it matters
    if _tracked(names):
        _bump(execute_state.session)


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_BUMPED, None)


def current_data_version() -> int:
    """The counter as this transaction sees it (0 before the first change)."""
    return db.session.scalar(select(DataVersion.counter).where(DataVersion.id == 1)) or 0


@lru_cache(maxsize=1)
def _renderer_fingerprint(parts: tuple[str, ...]) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def input_key(*renderer_parts: str) -> str:
    """The key a version is stored under: the renderer (code and layout files) and the
    data counter. A new release or a data change gives another key."""
    return f"{_renderer_fingerprint(tuple(renderer_parts))}:{current_data_version()}"
