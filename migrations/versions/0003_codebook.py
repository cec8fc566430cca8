"""codebook and theme analysis

Revision ID: 0003_codebook
Revises: 0002_capture
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types  # custom column types used by the models

revision = "0003_codebook"
down_revision = "0002_capture"
branch_labels = None
depends_on = None


def upgrade():
    from webapp.search_words import search_text_for  # plain function: no app needed

    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_themes_merged_into_id_themes"), "themes", ["merged_into_id"], ["id"],
                                    ondelete="SET NULL")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))

    # Existing findings get their search words now; from here on the app keeps them.
    connection = op.get_bind()
    findings = sa.table("findings", sa.column("id", sa.Integer), sa.column("text", sa.Text),
                        sa.column("search_text", sa.Text))
    rows = connection.execute(sa.select(findings.c.id, findings.c.text)).all()
    if rows:
        connection.execute(
            findings.update().where(findings.c.id == sa.bindparam("row_id")).values(search_text=sa.bindparam("words")),
            [{"row_id": row.id, "words": search_text_for(row.text)} for row in rows])
    if connection.dialect.name == "postgresql":
        op.create_index("ix_findings_search_text_tsv", "findings", [sa.text("to_tsvector('simple', search_text)")],
                        unique=False, postgresql_using="gin")

    op.create_table(
        "rejected_suggestions",
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("rejected_by_id", sa.Integer(), nullable=True),
        sa.Column("rejected_at", webapp.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["finding_id"], ["findings.id"],
                                name=op.f("fk_rejected_suggestions_finding_id_findings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rejected_by_id"], ["users.id"],
                                name=op.f("fk_rejected_suggestions_rejected_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["theme_id"], ["themes.id"],
                                name=op.f("fk_rejected_suggestions_theme_id_themes"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("finding_id", "theme_id", name=op.f("pk_rejected_suggestions")),
    )
    with op.batch_alter_table("rejected_suggestions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rejected_suggestions_theme_id"), ["theme_id"], unique=False)


def downgrade():
    with op.batch_alter_table("rejected_suggestions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rejected_suggestions_theme_id"))
    op.drop_table("rejected_suggestions")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_findings_search_text_tsv", table_name="findings")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_column("search_text")
    with op.batch_alter_table("themes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_themes_merged_into_id_themes"), type_="foreignkey")
        batch_op.drop_column("merged_into_id")
