"""Photos from the meeting room: photos of activities (private by default), the findings typed from them, photos placed in reports as figures

Revision ID: 0026_photos
Revises: 0025_privacy
Create Date: 2026-12-08 01:12:05.695107

"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types  # custom column types used by the models


# revision identifiers, used by Alembic.
revision = '0026_photos'
down_revision = '0025_privacy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('contributor_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('file_key', sa.String(length=100), nullable=False),
    sa.Column('thumbnail_key', sa.String(length=100), nullable=True),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('upload_sha256', sa.String(length=64), nullable=False),
    sa.Column('cleared_at', webapp.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cleared_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', webapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('width > 0 AND height > 0', name=op.f('ck_photos_positive_size')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_photos_activity_id_activities'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['cleared_by_id'], ['users.id'], name=op.f('fk_photos_cleared_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contributor_id'], ['contributors.id'], name=op.f('fk_photos_contributor_id_contributors'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_photos_project_id_projects'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_photos_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos')),
    sa.UniqueConstraint('client_id', name=op.f('uq_photos_client_id'))
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_contributor_id'), ['contributor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_project_id'), ['project_id'], unique=False)

    op.create_table('photo_findings',
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('region_x', sa.Float(), nullable=True),
    sa.Column('region_y', sa.Float(), nullable=True),
    sa.Column('region_w', sa.Float(), nullable=True),
    sa.Column('region_h', sa.Float(), nullable=True),
    sa.CheckConstraint('(region_x IS NULL) = (region_y IS NULL) AND (region_x IS NULL) = (region_w IS NULL) AND (region_x IS NULL) = (region_h IS NULL)', name=op.f('ck_photo_findings_whole_region')),
    sa.CheckConstraint('region_x IS NULL OR (region_x >= 0 AND region_y >= 0 AND region_w > 0 AND region_h > 0 AND region_x + region_w <= 1.0001 AND region_y + region_h <= 1.0001)', name=op.f('ck_photo_findings_region_inside')),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_photo_findings_finding_id_findings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_photo_findings_photo_id_photos'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('finding_id', name=op.f('pk_photo_findings'))
    )
    with op.batch_alter_table('photo_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_findings_photo_id'), ['photo_id'], unique=False)

    op.create_table('report_figures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=True),
    sa.Column('box_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('alt_nl', sa.Text(), nullable=False),
    sa.Column('alt_en', sa.Text(), nullable=False),
    sa.Column('caption_nl', sa.String(length=500), nullable=False),
    sa.Column('caption_en', sa.String(length=500), nullable=False),
    sa.Column('created_at', webapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(chapter_id IS NULL) <> (box_id IS NULL)', name=op.f('ck_report_figures_in_chapter_or_box')),
    sa.ForeignKeyConstraint(['box_id'], ['report_boxes.id'], name=op.f('fk_report_figures_box_id_report_boxes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['chapter_id'], ['report_chapters.id'], name=op.f('fk_report_figures_chapter_id_report_chapters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_report_figures_photo_id_photos'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_figures_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_figures'))
    )
    with op.batch_alter_table('report_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_figures_box_id'), ['box_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_figures_chapter_id'), ['chapter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_figures_photo_id'), ['photo_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_figures_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('report_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('printed_photo_ids', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('report_versions', schema=None) as batch_op:
        batch_op.drop_column('printed_photo_ids')

    with op.batch_alter_table('report_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_figures_report_id'))
        batch_op.drop_index(batch_op.f('ix_report_figures_photo_id'))
        batch_op.drop_index(batch_op.f('ix_report_figures_chapter_id'))
        batch_op.drop_index(batch_op.f('ix_report_figures_box_id'))

    op.drop_table('report_figures')
    with op.batch_alter_table('photo_findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photo_findings_photo_id'))

    op.drop_table('photo_findings')
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_project_id'))
        batch_op.drop_index(batch_op.f('ix_photos_created_at'))
        batch_op.drop_index(batch_op.f('ix_photos_contributor_id'))
        batch_op.drop_index(batch_op.f('ix_photos_activity_id'))

    op.drop_table('photos')
