"""SQLite: one writer at a time per database in this process, queued in Python.

SQLite lets one connection write at a time; another one that wants to write waits in
SQLite's busy handler (`PRAGMA busy_timeout`), which sleeps 1, 2, 5, 10, 15, 20, 25, 50 and
then 100 ms between tries and so wakes up late. With Waitress's 8 threads saving at once
most of their time went to that sleeping (issue 17: p95 above a second, a fifth of the
throughput a bare insert reaches). Here a thread takes a lock at its transaction's first
write statement and gives it back right after its COMMIT or ROLLBACK, so the next writer
starts the moment the database is free. Reads never take it (WAL: they do not wait for
writers). Other processes - a CLI command, a job worker - still meet SQLite's own wait.
"""
from __future__ import annotations

import re
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine

#: The statements that make pysqlite open a write transaction (its implicit BEGIN).
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
#: As `PRAGMA busy_timeout`: a writer that waited this long goes ahead, and SQLite's own wait decides.
WAIT_SECONDS = 5.0


class WriterLock:
    """Held by the DBAPI connection whose write transaction is open, from its first write to its end."""

    def __init__(self):
        self._lock = threading.Lock()
        self._holder = None

    def enter(self, dbapi_connection) -> None:
        if self._holder is dbapi_connection:
            return  # a later write of the same transaction
        if self._lock.acquire(timeout=WAIT_SECONDS):
            self._holder = dbapi_connection

    def leave(self, dbapi_connection) -> None:
        if dbapi_connection is not None and self._holder is dbapi_connection:
            self._holder = None
            self._lock.release()


def _raw(connection):
    """The DBAPI connection behind SQLAlchemy's pool proxy (or itself)."""
    return getattr(connection, "dbapi_connection", connection)


def one_writer_at_a_time(engine: Engine) -> WriterLock | None:
    """Queue the writers of `engine` (SQLite only; PostgreSQL has row locks and no such wait)."""
    if engine.dialect.name != "sqlite":
        return None
    writer = WriterLock()

    @event.listens_for(engine, "before_cursor_execute")
    def _before_write(conn, _cursor, statement, _parameters, _context, _executemany):
        if _WRITE.match(statement):
            writer.enter(_raw(conn.connection))

    # Released after the DBAPI commit/rollback itself, not at SQLAlchemy's "commit" event (which
    # comes before it): the dialect of an engine is its own, so wrapping its two methods
    # touches nothing else. `do_rollback` also runs when the pool takes a connection back.
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback

    def do_commit(dbapi_connection):
        try:
            commit(dbapi_connection)
        finally:
            writer.leave(_raw(dbapi_connection))

    def do_rollback(dbapi_connection):
        try:
            rollback(dbapi_connection)
        finally:
            writer.leave(_raw(dbapi_connection))

    dialect.do_commit, dialect.do_rollback = do_commit, do_rollback

    @event.listens_for(engine, "close")
    @event.listens_for(engine, "close_detached")
    def _closed(dbapi_connection, *_args):
        writer.leave(dbapi_connection)

    @event.listens_for(engine, "invalidate")
    def _invalidated(dbapi_connection, _record, _exception):
        writer.leave(dbapi_connection)

    return writer
