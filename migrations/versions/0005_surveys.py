"""surveys

Revision ID: 0005_surveys
Revises: 0004_report
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types  # custom column types used by the models

revision = "0005_surveys"
down_revision = "0004_report"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
