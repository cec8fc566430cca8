"""Reader languages: titles members and reviewers read in further languages (Arabic) beside
the Dutch and English columns, and a person's second reading language (their language order)

Revision ID: 0022_reader_languages
Revises: 0021_stored_search_vector
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_reader_languages'
down_revision = '0021_stored_search_vector'
branch_labels = None
depends_on = None

TABLES_WITH_TEXTS = ("reports", "report_chapters", "recommendations")


def upgrade():
    # Plain ADD COLUMN (nullable, no default): no table rebuild, so the findings' FTS5
    # triggers on SQLite are untouched.
    for table in TABLES_WITH_TEXTS:
        op.add_column(table, sa.Column("extra_texts", sa.JSON(), nullable=True))
    op.add_column("contributors", sa.Column("second_language", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("contributors", schema=None) as batch_op:
        batch_op.drop_column("second_language")
    for table in TABLES_WITH_TEXTS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("extra_texts")
