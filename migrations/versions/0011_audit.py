"""Accounts and personal data (issue 13): the audit log of every action, session versions,
pseudonym counters, withdrawn report versions

Revision ID: 0011_audit
Revises: 0010_arabic_search_words
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types  # custom column types used by the models

revision = "0011_audit"
down_revision = "0010_arabic_search_words"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), server_default="1", nullable=False))

    with op.batch_alter_table("audit_entries") as batch:
        batch.add_column(sa.Column("object_kind", sa.String(length=40), server_default="", nullable=False))
        batch.add_column(sa.Column("object_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_audit_entries_object_kind"), ["object_kind"], unique=False)
        batch.create_index(batch.f("ix_audit_entries_actor_id"), ["actor_id"], unique=False)
    # The erasures recorded so far were of contributors.
    op.execute("UPDATE audit_entries SET object_kind = 'contributor' WHERE action LIKE 'erase_%'")

    counters = op.create_table(
        "pseudonym_counters",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_pseudonym_counters")),
    )
    # Start above every number in use; numbers erased before this migration cannot be known.
    rows = op.get_bind().execute(sa.text(
        "SELECT kind, MAX(pseudonym_number) FROM contributors GROUP BY kind")).all()
    if rows:
        op.bulk_insert(counters, [{"kind": kind, "last_number": number} for kind, number in rows])

    with op.batch_alter_table("report_versions") as batch:
        batch.add_column(sa.Column("printed_finding_ids", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("withdrawn_at", webapp.db_types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("report_versions") as batch:
        batch.drop_column("withdrawn_at")
        batch.drop_column("printed_finding_ids")
    op.drop_table("pseudonym_counters")
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_index(batch.f("ix_audit_entries_actor_id"))
        batch.drop_index(batch.f("ix_audit_entries_object_kind"))
        batch.drop_column("object_id")
        batch.drop_column("object_kind")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
