"""A report authors can publish: finding translations per language, the register in both
languages (activity titles, organisation display names, good-example places), numbered boxes,
the project chapter, the literature review and the review annex.

Revision ID: 0015_report_publishing
Revises: 0014_mail
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

from webapp.db_types import UTCDateTime

revision = "0015_report_publishing"
down_revision = "0014_mail"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "finding_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("checked", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["finding_id"], ["findings.id"],
                                name=op.f("fk_finding_translations_finding_id_findings"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_translations")),
        sa.UniqueConstraint("finding_id", "language", name="uq_finding_translations_finding_language"),
    )
    with op.batch_alter_table("finding_translations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_translations_finding_id"), ["finding_id"], unique=False)

    op.create_table(
        "report_boxes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title_nl", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("body_nl", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.CheckConstraint("section IN ('project', 'scope', 'problem_analysis', 'chapter')",
                           name=op.f("ck_report_boxes_known_section")),
        sa.CheckConstraint("(section = 'chapter') = (chapter_id IS NOT NULL)",
                           name=op.f("ck_report_boxes_chapter_when_in_chapter")),
        sa.ForeignKeyConstraint(["chapter_id"], ["report_chapters.id"],
                                name=op.f("fk_report_boxes_chapter_id_report_chapters"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"],
                                name=op.f("fk_report_boxes_report_id_reports"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_boxes")),
    )
    with op.batch_alter_table("report_boxes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_boxes_chapter_id"), ["chapter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_boxes_report_id"), ["report_id"], unique=False)

    with op.batch_alter_table("reports", schema=None) as batch_op:
        for name in ("project_nl", "project_en", "literature_review_nl", "literature_review_en"):
            batch_op.add_column(sa.Column(name, sa.Text(), server_default="", nullable=False))
        for name in ("authors_nl", "authors_en"):
            batch_op.add_column(sa.Column(name, sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("review_annex", sa.Boolean(), server_default="0", nullable=False))
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title_nl", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("title_en", sa.String(length=300), server_default="", nullable=False))
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name_nl", sa.String(length=300), server_default="", nullable=False))
        batch_op.add_column(sa.Column("display_name_en", sa.String(length=300), server_default="", nullable=False))
    with op.batch_alter_table("good_examples", schema=None) as batch_op:
        batch_op.alter_column("place", new_column_name="place_en", existing_type=sa.String(length=200),
                              existing_nullable=False)
        batch_op.add_column(sa.Column("place_nl", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("good_examples", schema=None) as batch_op:
        batch_op.drop_column("place_nl")
        batch_op.alter_column("place_en", new_column_name="place", existing_type=sa.String(length=200),
                              existing_nullable=False)
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("display_name_en")
        batch_op.drop_column("display_name_nl")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_column("title_en")
        batch_op.drop_column("title_nl")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        for name in ("authors_en", "authors_nl", "review_annex", "literature_review_en", "literature_review_nl", "project_en", "project_nl"):
            batch_op.drop_column(name)
    with op.batch_alter_table("report_boxes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_boxes_report_id"))
        batch_op.drop_index(batch_op.f("ix_report_boxes_chapter_id"))
    op.drop_table("report_boxes")
    with op.batch_alter_table("finding_translations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_translations_finding_id"))
    op.drop_table("finding_translations")
