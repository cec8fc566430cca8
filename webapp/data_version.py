"""A counter that moves whenever data a report could print changes.

Asking again for a report nobody changed should answer at once with the stored file
(issue 17: < 50 ms). Deciding that by collecting the report and hashing it costs as much as
reading the whole report (~200 ms for the demo, seconds at national size). Instead, every
transaction that writes such data adds one to a single counter, in the same transaction
(its last statement before COMMIT), and a report version remembers the counter it was built from (`ReportVersion.input_key`).
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
import secrets
from collections import OrderedDict
from functools import lru_cache

from sqlalchemy import BigInteger, Integer, event, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import TextClause

from .extensions import db

#: Tables whose rows never reach a report file: writing them leaves the counter alone.
UNTRACKED_TABLES = frozenset({
    "data_version", "report_versions", "report_version_texts", "jobs", "audit_entries",
    "outgoing_messages", "mail_opt_outs", "rejected_suggestions", "outcome_links",
    "refused_forms",  # a refused form kept for its redirect (webapp/refused_forms.py): never in a report
    "publication_overrides",  # why a version was published with open items: about versions, not in them
    "project_privacy", "installation_privacy", "privacy_purge_runs",  # retention settings, the purge's log
})


class DataVersion(db.Model):
    """One row: how many transactions have changed report data so far."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter: Mapped[int] = mapped_column(BigInteger, default=0)


def fresh_counter() -> int:
    """Where a new database's counter starts, and where a restored one moves to: a random
    value, so that no other database (a test's, a backup's) is taken for this one by a
    process that keeps values per counter (`cached_until_data_changes`)."""
    return secrets.randbits(48)


def restart_counter(connection) -> None:
    """After a restore: the data went back in time, the counter must not (see `fresh_counter`)."""
    if inspect(connection).has_table("data_version"):
        connection.execute(update(DataVersion.__table__).values(counter=fresh_counter()))


@event.listens_for(DataVersion.__table__, "after_create")
def _first_row(table, connection, **_kwargs) -> None:
    # Made with its one row (the migration does the same), so no two first writers race to insert it.
    connection.execute(table.insert().values(id=1, counter=fresh_counter()))


_CHANGED = "data_version_changed"
#: Raw statements that only read (or set a session option): a search must not turn into a write.
_READING = ("SELECT", "WITH", "PRAGMA", "EXPLAIN", "SET", "SHOW")


def _tracked(tables) -> bool:
    return any(name not in UNTRACKED_TABLES for name in tables)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context) -> None:
    if session.info.get(_CHANGED):
        return
    changed = (obj for group in (session.new, session.dirty, session.deleted) for obj in group)
    if _tracked(getattr(obj, "__tablename__", "") for obj in changed):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _bulk_writes(execute_state) -> None:
    """Bulk insert/update/delete statements and raw SQL writes skip the flush."""
    if execute_state.is_select or execute_state.session.info.get(_CHANGED):
        return
    statement = execute_state.statement
    if isinstance(statement, TextClause) and statement.text.lstrip().upper().startswith(_READING):
        return
    table = getattr(statement, "table", None)
    names = [getattr(table, "name", "")] if table is not None else [""]  # raw SQL: assume it matters
    if _tracked(names):
        execute_state.session.info[_CHANGED] = True


#: Built once (it never changes): each write transaction runs it.
_MOVE = (update(DataVersion.__table__).where(DataVersion.__table__.c.id == 1)
         .values(counter=DataVersion.__table__.c.counter + 1))


@event.listens_for(Session, "before_commit")
def _move_the_counter(session: Session) -> None:
    """+1 as the transaction's last statement, so the row lock on the counter (PostgreSQL) is
    held only while committing: writers queue there for a moment, never wait on each other
    while holding it (no deadlock with rows they lock earlier)."""
    session.flush()  # what commit would flush next: its changes count too
    if not session.info.pop(_CHANGED, False):
        return
    connection = session.connection()
    if connection.execute(_MOVE).rowcount == 0:
        connection.execute(DataVersion.__table__.insert().values(id=1, counter=fresh_counter()))


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


def current_data_version() -> int:
    """The counter as this transaction sees it (0 before the first change)."""
    return db.session.scalar(select(DataVersion.counter).where(DataVersion.id == 1)) or 0


#: (name, key, counter) -> value: aggregates worth keeping until the data changes (per process).
_CACHE: OrderedDict = OrderedDict()
_CACHE_SIZE = 64


def cached_until_data_changes(name: str, key, compute):
    """`compute()`, or its value from an earlier call with the same `name` and `key` while
    no data changed since (the counter). For aggregates over the whole project - the evidence
    matrix at 50,000 findings is ~250 ms of SQL - that report authors read again and again.
    The value must be plain data (no ORM objects: they belong to one request's session).
    Read before computing: a change committed meanwhile gives a newer counter next time."""
    cache_key = (name, key, current_data_version())
    if cache_key in _CACHE:
        _CACHE.move_to_end(cache_key)
        return _CACHE[cache_key]
    value = compute()
    _CACHE[cache_key] = value
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return value


@lru_cache(maxsize=1)
def _renderer_fingerprint(parts: tuple[str, ...]) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def input_key(*renderer_parts: str) -> str:
    """The key a version is stored under: the renderer (code and layout files) and the
    data counter. A new release or a data change gives another key."""
    return f"{_renderer_fingerprint(tuple(renderer_parts))}:{current_data_version()}"
