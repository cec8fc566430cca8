"""SQLite: an FTS5 index over findings.search_text (PostgreSQL has its GIN index since 0003)

Revision ID: 0008_sqlite_fts
Revises: 0007_review
Create Date: 2026-11-25
"""
from alembic import op

from webapp.analysis.fts import CREATE_STATEMENTS, DROP_STATEMENTS

revision = "0008_sqlite_fts"
down_revision = "0007_review"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in CREATE_STATEMENTS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in DROP_STATEMENTS:
            op.execute(statement)
