"""Data version: a counter moved by every change to report data, and the key a report version was built from

Revision ID: 0018_data_version
Revises: 0017_jobs
Create Date: 2026-11-28 06:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_data_version'
down_revision = '0017_jobs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counter', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version'))
    )
    op.execute("INSERT INTO data_version (id, counter) VALUES (1, 0)")
    with op.batch_alter_table('report_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('input_key', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_report_versions_input_key'), ['input_key'], unique=False)


def downgrade():
    with op.batch_alter_table('report_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_versions_input_key'))
        batch_op.drop_column('input_key')
    op.drop_table('data_version')
