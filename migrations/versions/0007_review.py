"""review rounds with the field

Revision ID: 0007_review
Revises: 0006_feedback
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types  # custom column types used by the models

revision = "0007_review"
down_revision = "0006_feedback"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_version_texts',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['report_versions.id'], name=op.f('fk_report_version_texts_version_id_report_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', name=op.f('pk_report_version_texts'))
    )
    op.create_table('review_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('report_version_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('follows_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('opened_at', webapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', webapp.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('chapter_ids', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_review_rounds_activity_id_activities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_review_rounds_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['follows_id'], ['review_rounds.id'], name=op.f('fk_review_rounds_follows_id_review_rounds'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_review_rounds_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_version_id'], ['report_versions.id'], name=op.f('fk_review_rounds_report_version_id_report_versions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_rounds'))
    )
    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_rounds_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_rounds_report_id'), ['report_id'], unique=False)

    op.create_table('review_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('contributor_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', webapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', webapp.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', webapp.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', webapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contributor_id'], ['contributors.id'], name=op.f('fk_review_assignments_contributor_id_contributors'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_review_assignments_round_id_review_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_assignments')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_review_assignments_token_hash'))
    )
    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_assignments_contributor_id'), ['contributor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_assignments_round_id'), ['round_id'], unique=False)

    op.create_table('review_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('text_nl', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['chapter_id'], ['report_chapters.id'], name=op.f('fk_review_questions_chapter_id_report_chapters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_review_questions_round_id_review_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_questions'))
    )
    with op.batch_alter_table('review_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_questions_chapter_id'), ['chapter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_questions_round_id'), ['round_id'], unique=False)

    op.create_table('review_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=20), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=True),
    sa.Column('recommendation_id', sa.Integer(), nullable=True),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('relevance', sa.Integer(), nullable=True),
    sa.Column('workability', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('disposition', sa.String(length=20), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('handled_at', webapp.db_types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('created_at', webapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', webapp.db_types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("disposition IN ('open', 'incorporated', 'partly', 'not_incorporated')", name=op.f('ck_review_comments_known_disposition')),
    sa.CheckConstraint("target IN ('report', 'chapter', 'recommendation')", name=op.f('ck_review_comments_known_target')),
    sa.CheckConstraint('relevance IS NULL OR (relevance >= 1 AND relevance <= 5)', name=op.f('ck_review_comments_relevance_scale')),
    sa.CheckConstraint('workability IS NULL OR (workability >= 1 AND workability <= 5)', name=op.f('ck_review_comments_workability_scale')),
    sa.ForeignKeyConstraint(['assignment_id'], ['review_assignments.id'], name=op.f('fk_review_comments_assignment_id_review_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['chapter_id'], ['report_chapters.id'], name=op.f('fk_review_comments_chapter_id_report_chapters'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_review_comments_finding_id_findings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_review_comments_handled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['review_questions.id'], name=op.f('fk_review_comments_question_id_review_questions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recommendation_id'], ['recommendations.id'], name=op.f('fk_review_comments_recommendation_id_recommendations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_comments'))
    )
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_comments_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_comments_chapter_id'), ['chapter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_comments_recommendation_id'), ['recommendation_id'], unique=False)



def downgrade():
    with op.batch_alter_table('review_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_comments_recommendation_id'))
        batch_op.drop_index(batch_op.f('ix_review_comments_chapter_id'))
        batch_op.drop_index(batch_op.f('ix_review_comments_assignment_id'))

    op.drop_table('review_comments')
    with op.batch_alter_table('review_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_questions_round_id'))
        batch_op.drop_index(batch_op.f('ix_review_questions_chapter_id'))

    op.drop_table('review_questions')
    with op.batch_alter_table('review_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_assignments_round_id'))
        batch_op.drop_index(batch_op.f('ix_review_assignments_contributor_id'))

    op.drop_table('review_assignments')
    with op.batch_alter_table('review_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_rounds_report_id'))
        batch_op.drop_index(batch_op.f('ix_review_rounds_activity_id'))

    op.drop_table('review_rounds')
    op.drop_table('report_version_texts')
