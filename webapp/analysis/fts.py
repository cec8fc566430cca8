"""SQLite's FTS5 index over `findings.search_text`, kept in step by triggers.

An external-content FTS5 table: it stores only the index, the text stays in `findings`.
The same DDL serves migrations (0008) and `db.create_all()` (tests), and Alembic is told
to ignore the virtual table and its shadow tables, which it cannot describe.

Mind: on SQLite a batch migration that rebuilds `findings` drops these triggers; such a
migration must run DROP_STATEMENTS before and CREATE_STATEMENTS after it.
"""
from __future__ import annotations

from sqlalchemy import DDL, event

FTS_TABLE = "findings_fts"

CREATE_STATEMENTS = (
    # unicode61 splits on what is not a letter or digit: Latin, Arabic and Ethiopic alike.
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(search_text, content='findings', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS_TABLE}_after_insert AFTER INSERT ON findings BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER {FTS_TABLE}_after_delete AFTER DELETE ON findings BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    f"CREATE TRIGGER {FTS_TABLE}_after_update AFTER UPDATE OF search_text ON findings BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (new.id, new.search_text); END",
    # Rows that were there before the index (a migration on an existing database).
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
)
DROP_STATEMENTS = (
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_after_insert",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_after_delete",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_after_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)


def is_fts_table(name: str | None) -> bool:
    return bool(name) and name.startswith(FTS_TABLE)


def alembic_include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's include_object: the search indexes are not the models' to compare - SQLite's
    FTS5 table with its shadow tables, PostgreSQL's stored search vector and its index
    (analysis/models.py)."""
    if type_ == "table" and is_fts_table(name):
        return False
    if type_ == "column" and name == "search_vector":
        return False
    return not (type_ == "index" and name == "ix_findings_search_vector")


def attach_to(findings_table) -> None:
    """Create the index with the findings table, on SQLite only (tests use create_all)."""
    for statement in CREATE_STATEMENTS:
        event.listen(findings_table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in DROP_STATEMENTS:
        event.listen(findings_table, "before_drop", DDL(statement).execute_if(dialect="sqlite"))
