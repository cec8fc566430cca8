"""capture on tablets (findings: soft delete, API tokens)

Revision ID: 0002_capture
Revises: 92654d221382
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types  # custom column types used by the models

revision = "0002_capture"
down_revision = "92654d221382"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", webapp.db_types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("api_token_hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_users_api_token_hash"), ["api_token_hash"])


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_api_token_hash"), type_="unique")
        batch_op.drop_column("api_token_hash")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
