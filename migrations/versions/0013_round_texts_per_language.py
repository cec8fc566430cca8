"""Feedback rounds: title and introduction in further member-page languages (surveys.extra_texts)

Revision ID: 0013_round_texts_per_language
Revises: 0012_text_boundary
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0013_round_texts_per_language"
down_revision = "0012_text_boundary"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("extra_texts", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_column("extra_texts")
