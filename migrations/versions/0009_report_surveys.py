"""Report chapters show the result charts of chosen surveys (report_chapter_surveys)

Revision ID: 0009_report_surveys
Revises: 0008_sqlite_fts
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = "0009_report_surveys"
down_revision = "0008_sqlite_fts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_chapter_surveys",
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["chapter_id"], ["report_chapters.id"],
                                name=op.f("fk_report_chapter_surveys_chapter_id_report_chapters"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"],
                                name=op.f("fk_report_chapter_surveys_survey_id_surveys"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("chapter_id", "survey_id", name=op.f("pk_report_chapter_surveys")),
    )
    with op.batch_alter_table("report_chapter_surveys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_chapter_surveys_survey_id"), ["survey_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_chapter_surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_chapter_surveys_survey_id"))
    op.drop_table("report_chapter_surveys")
