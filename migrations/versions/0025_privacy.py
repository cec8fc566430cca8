"""Privacy: retention periods and statement texts per project, the installation's controller
and audit period, the purge's runs; when a project was archived; scheduled jobs; audit
entries whose actor was pseudonymised

Revision ID: 0025_privacy
Revises: 0024_glossary
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types  # custom column types used by the models


# revision identifiers, used by Alembic.
revision = '0025_privacy'
down_revision = '0024_glossary'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('project_privacy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_months', sa.Integer(), nullable=True),
    sa.Column('outbox_days', sa.Integer(), nullable=True),
    sa.Column('job_days', sa.Integer(), nullable=True),
    sa.Column('photo_months', sa.Integer(), nullable=True),
    sa.Column('controller', sa.String(length=300), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=True),
    sa.Column('updated_at', webapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('contact_months IS NULL OR contact_months > 0', name=op.f('ck_project_privacy_contact_months_positive')),
    sa.CheckConstraint('job_days IS NULL OR job_days > 0', name=op.f('ck_project_privacy_job_days_positive')),
    sa.CheckConstraint('outbox_days IS NULL OR outbox_days > 0', name=op.f('ck_project_privacy_outbox_days_positive')),
    sa.CheckConstraint('photo_months IS NULL OR photo_months > 0', name=op.f('ck_project_privacy_photo_months_positive')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_privacy_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_privacy')),
    sa.UniqueConstraint('project_id', name='uq_project_privacy_project')
    )
    with op.batch_alter_table('project_privacy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_privacy_project_id'), ['project_id'], unique=False)
    op.create_table('installation_privacy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('controller', sa.String(length=300), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('dpo', sa.String(length=300), nullable=False),
    sa.Column('audit_months', sa.Integer(), nullable=True),
    sa.Column('outbox_days', sa.Integer(), nullable=True),
    sa.Column('job_days', sa.Integer(), nullable=True),
    sa.Column('security_notes', sa.Text(), nullable=False),
    sa.Column('updated_at', webapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('audit_months IS NULL OR audit_months > 0', name=op.f('ck_installation_privacy_audit_months_positive')),
    sa.CheckConstraint('job_days IS NULL OR job_days > 0', name=op.f('ck_installation_privacy_job_days_positive')),
    sa.CheckConstraint('outbox_days IS NULL OR outbox_days > 0', name=op.f('ck_installation_privacy_outbox_days_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installation_privacy'))
    )
    op.create_table('privacy_purge_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('started_at', webapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', webapp.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('finished_by_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_purge_runs'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', webapp.db_types.UTCDateTime(timezone=True), nullable=True))
    # Projects archived before: their clock starts now (the day they were archived is not known).
    op.execute("UPDATE projects SET archived_at = CURRENT_TIMESTAMP WHERE status = 'archived'")
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('run_at', webapp.db_types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_pseudonym', sa.String(length=20), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('actor_pseudonym')
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('run_at')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
    op.drop_table('privacy_purge_runs')
    op.drop_table('installation_privacy')
    with op.batch_alter_table('project_privacy', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_privacy_project_id'))
    op.drop_table('project_privacy')
