"""Refused forms: what a refused form held until the redirected page shows it again (post/redirect/get)

Revision ID: 0020_refused_forms
Revises: 0019_one_translation_store
Create Date: 2026-11-28 06:10:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types  # custom column types used by the models


# revision identifiers, used by Alembic.
revision = '0020_refused_forms'
down_revision = '0019_one_translation_store'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('refused_forms',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('page_hash', sa.String(length=64), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('created_at', webapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_refused_forms_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_refused_forms'))
    )
    with op.batch_alter_table('refused_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refused_forms_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_refused_forms_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('refused_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refused_forms_user_id'))
        batch_op.drop_index(batch_op.f('ix_refused_forms_created_at'))

    op.drop_table('refused_forms')
