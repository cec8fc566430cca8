"""recommendations and the report

Revision ID: 0004_report
Revises: 0003_codebook
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types  # custom column types used by the models

revision = "0004_report"
down_revision = "0003_codebook"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
