"""A glossary per project, and the reason a version was published with open preflight items

Revision ID: 0024_glossary
Revises: 0023_attribution
Create Date: 2026-12-08
"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types

revision = "0024_glossary"
down_revision = "0023_attribution"
branch_labels = None
depends_on = None

ACTIVITY_TYPES = ("kickoff", "ln_meeting", "consultation", "maab", "exchange", "taking_stock", "field_test",
                  "literature", "sample")


def upgrade():
    op.create_table(
        "glossary_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("preferred_nl", sa.String(length=200), nullable=False),
        sa.Column("preferred_en", sa.String(length=200), nullable=False),
        sa.Column("deprecated_nl", sa.Text(), nullable=False),
        sa.Column("deprecated_en", sa.Text(), nullable=False),
        sa.Column("activity_type", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("activity_type IS NULL OR activity_type IN ({})".format(
            ", ".join(repr(t) for t in ACTIVITY_TYPES)), name=op.f("ck_glossary_entries_known_activity_type")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_glossary_entries_project_id_projects"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_glossary_entries")),
        sa.UniqueConstraint("project_id", "activity_type", name="uq_glossary_entries_project_activity_type"),
    )
    with op.batch_alter_table("glossary_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_glossary_entries_project_id"), ["project_id"], unique=False)
    op.create_table(
        "publication_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("open_items", sa.JSON(), nullable=False),
        sa.Column("created_at", webapp.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_publication_overrides_user_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["version_id"], ["report_versions.id"],
                                name=op.f("fk_publication_overrides_version_id_report_versions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publication_overrides")),
        sa.UniqueConstraint("version_id", name=op.f("uq_publication_overrides_version_id")),
    )


def downgrade():
    op.drop_table("publication_overrides")
    with op.batch_alter_table("glossary_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_glossary_entries_project_id"))
    op.drop_table("glossary_entries")
