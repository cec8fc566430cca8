"""Text boundary (issue 12): clean user text stored before every way in checked it

Every text column of every table is read; a value holding a character the boundary now
refuses (C0 controls other than tab/LF/CR/VT/FF, DEL, C1 controls, U+FFFE, U+FFFF) loses
those characters, and CRLF, CR, vertical tab and form feed become LF. Only changed rows are
written. The rules are written out here rather than imported from webapp/text.py, so this
migration keeps doing what it did when that module changes. Text is not NFC-normalised
here: two stored names that differ only in composition would then collide with a unique
constraint; new text is NFC from now on.

A value whose cleaned form collides with a unique constraint (e.g. "IKEA" and "IKEA<NUL>")
keeps a visible U+FFFD where the refused character stood, so nothing is lost or merged.

Revision ID: 0012_text_boundary
Revises: 0011_audit
Create Date: 2026-11-28
"""
import re

import sqlalchemy as sa
from alembic import op
from sqlalchemy.exc import IntegrityError

revision = "0012_text_boundary"
down_revision = "0011_audit"
branch_labels = None
depends_on = None

REFUSED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
LINE_ENDS = re.compile("\r\n|[\r\x0b\x0c]")
#: Tables that hold no user text, or are kept by triggers (SQLite's FTS5 index follows findings).
SKIPPED_TABLES = {"alembic_version"}


def clean(value: str, replacement: str = "") -> str:
    return REFUSED.sub(replacement, LINE_ENDS.sub("\n", value))


def _text_columns(inspector, table: str) -> list[str]:
    return [column["name"] for column in inspector.get_columns(table)
            if isinstance(column["type"], (sa.String, sa.Text)) and not isinstance(column["type"], sa.Enum)]


def upgrade():
    connection = op.get_bind()
    inspector = sa.inspect(connection)
    for table_name in inspector.get_table_names():
        if table_name in SKIPPED_TABLES or table_name.startswith("findings_fts"):
            continue
        primary_key = inspector.get_pk_constraint(table_name).get("constrained_columns") or []
        columns = _text_columns(inspector, table_name)
        if len(primary_key) != 1 or not columns:
            continue
        table = sa.table(table_name, sa.column(primary_key[0]), *(sa.column(name) for name in columns))
        key = table.c[primary_key[0]]
        for row in connection.execute(sa.select(key, *(table.c[name] for name in columns))).all():
            values = dict(zip(columns, row[1:]))
            dirty = {name for name, value in values.items()
                     if isinstance(value, str) and (REFUSED.search(value) or LINE_ENDS.search(value))}
            if not dirty:
                continue
            for replacement in ("", "\ufffd"):
                savepoint = connection.begin_nested()
                try:
                    connection.execute(table.update().where(key == row[0]).values(
                        {name: clean(values[name], replacement) for name in dirty}))
                    savepoint.commit()
                    break
                except IntegrityError:  # the cleaned value collides with another row's
                    savepoint.rollback()


def downgrade():
    pass  # the removed characters were what broke exports; they are not put back
