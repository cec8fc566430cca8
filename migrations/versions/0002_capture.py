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
    pass


def downgrade():
    pass
