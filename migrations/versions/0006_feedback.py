"""advisory-board feedback: consent, expiring links, translations, erasure audit

Revision ID: 0006_feedback
Revises: 0005_surveys
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types  # custom column types used by the models

revision = "0006_feedback"
down_revision = "0005_surveys"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", webapp.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_entries_actor_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entries")),
    )
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entries_created_at"), ["created_at"], unique=False)

    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translation", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("translation_language", sa.String(length=10), nullable=True))

    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contributor_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("expires_at", webapp.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", webapp.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("consented_at", webapp.db_types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_survey_invitations_contributor_id"), ["contributor_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_survey_invitations_contributor_id_contributors"), "contributors",
                                    ["contributor_id"], ["id"], ondelete="CASCADE")

    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extra_labels", sa.JSON(), nullable=True))

    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contributor_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_survey_responses_contributor_id"), ["contributor_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_survey_responses_contributor_id_contributors"), "contributors",
                                    ["contributor_id"], ["id"], ondelete="SET NULL")

    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.String(length=20), server_default="survey", nullable=False))
        batch_op.create_check_constraint(op.f("ck_surveys_known_purpose"), "purpose IN ('survey', 'feedback')")


def downgrade():
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_surveys_known_purpose"), type_="check")
        batch_op.drop_column("purpose")

    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_survey_responses_contributor_id_contributors"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_survey_responses_contributor_id"))
        batch_op.drop_column("contributor_id")

    with op.batch_alter_table("survey_questions", schema=None) as batch_op:
        batch_op.drop_column("extra_labels")

    with op.batch_alter_table("survey_invitations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_survey_invitations_contributor_id_contributors"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_survey_invitations_contributor_id"))
        batch_op.drop_column("consented_at")
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("contributor_id")

    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_column("translation_language")
        batch_op.drop_column("translation")

    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entries_created_at"))

    op.drop_table("audit_entries")
