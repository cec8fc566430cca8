"""codebook and theme analysis

Revision ID: 0003_codebook
Revises: 0002_capture
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types  # custom column types used by the models

revision = "0003_codebook"
down_revision = "0002_capture"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
