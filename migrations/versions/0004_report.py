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
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=True),
        sa.Column("title_nl", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("subtitle_nl", sa.String(length=300), nullable=False),
        sa.Column("subtitle_en", sa.String(length=300), nullable=False),
        sa.Column("authors", sa.String(length=300), nullable=False),
        sa.Column("report_date", sa.Date(), nullable=True),
        sa.Column("colophon_nl", sa.Text(), nullable=False),
        sa.Column("colophon_en", sa.Text(), nullable=False),
        sa.Column("acknowledgements_nl", sa.Text(), nullable=False),
        sa.Column("acknowledgements_en", sa.Text(), nullable=False),
        sa.Column("executive_summary_nl", sa.Text(), nullable=False),
        sa.Column("executive_summary_en", sa.Text(), nullable=False),
        sa.Column("scope_nl", sa.Text(), nullable=False),
        sa.Column("scope_en", sa.Text(), nullable=False),
        sa.Column("problem_analysis_nl", sa.Text(), nullable=False),
        sa.Column("problem_analysis_en", sa.Text(), nullable=False),
        sa.Column("evidence_annex", sa.Boolean(), nullable=False),
        sa.Column("created_at", webapp.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", webapp.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("key", name=op.f("uq_reports_key")),
    )
    op.create_table(
        "report_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("citation_nl", sa.Text(), nullable=False),
        sa.Column("citation_en", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_sources")),
        sa.UniqueConstraint("key", name=op.f("uq_report_sources_key")),
    )
    op.create_table(
        "report_chapters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("intro_nl", sa.Text(), nullable=False),
        sa.Column("intro_en", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_report_chapters_report_id_reports"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["themes.id"], name=op.f("fk_report_chapters_theme_id_themes"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_chapters")),
        sa.UniqueConstraint("report_id", "theme_id", name="uq_report_chapters_report_theme"),
    )
    with op.batch_alter_table("report_chapters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_chapters_report_id"), ["report_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_chapters_theme_id"), ["theme_id"], unique=False)
    op.create_table(
        "report_chapter_good_examples",
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column("good_example_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["chapter_id"], ["report_chapters.id"],
                                name=op.f("fk_report_chapter_good_examples_chapter_id_report_chapters"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["good_example_id"], ["good_examples.id"],
                                name=op.f("fk_report_chapter_good_examples_good_example_id_good_examples"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("chapter_id", "good_example_id", name=op.f("pk_report_chapter_good_examples")),
    )
    with op.batch_alter_table("report_chapter_good_examples", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_chapter_good_examples_good_example_id"), ["good_example_id"],
                              unique=False)
    op.create_table(
        "recommendations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title_nl", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("body_nl", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("updated_at", webapp.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["chapter_id"], ["report_chapters.id"],
                                name=op.f("fk_recommendations_chapter_id_report_chapters"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendations")),
    )
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendations_chapter_id"), ["chapter_id"], unique=False)
    op.create_table(
        "recommendation_findings",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("quoted", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["finding_id"], ["findings.id"],
                                name=op.f("fk_recommendation_findings_finding_id_findings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recommendation_id"], ["recommendations.id"],
                                name=op.f("fk_recommendation_findings_recommendation_id_recommendations"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("recommendation_id", "finding_id", name=op.f("pk_recommendation_findings")),
    )
    with op.batch_alter_table("recommendation_findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_findings_finding_id"), ["finding_id"], unique=False)
    op.create_table(
        "report_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("format", sa.String(length=4), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", webapp.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", webapp.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')",
                           name=op.f("ck_report_versions_known_status")),
        sa.CheckConstraint("language IN ('nl', 'en')", name=op.f("ck_report_versions_known_language")),
        sa.CheckConstraint("format IN ('pdf', 'docx')", name=op.f("ck_report_versions_known_format")),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name=op.f("ck_report_versions_progress_percent")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_report_versions_created_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"],
                                name=op.f("fk_report_versions_report_id_reports"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_versions")),
        sa.UniqueConstraint("report_id", "number", name="uq_report_versions_report_number"),
    )
    with op.batch_alter_table("report_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_versions_content_hash"), ["content_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_versions_report_id"), ["report_id"], unique=False)


def downgrade():
    op.drop_table("report_versions")
    op.drop_table("recommendation_findings")
    op.drop_table("recommendations")
    op.drop_table("report_chapter_good_examples")
    op.drop_table("report_chapters")
    op.drop_table("report_sources")
    op.drop_table("reports")
