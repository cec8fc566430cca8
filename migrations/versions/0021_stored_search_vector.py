"""Stored search vector on PostgreSQL: phrases are checked against a stored tsvector, not one computed per row

Revision ID: 0021_stored_search_vector
Revises: 0020_refused_forms
Create Date: 2026-11-28 07:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021_stored_search_vector'
down_revision = '0020_refused_forms'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite searches through its FTS5 table (webapp/analysis/fts.py)
    op.drop_index("ix_findings_search_text_tsv", table_name="findings")
    # As webapp/analysis/models.py's SEARCH_VECTOR_DDL.
    op.execute("ALTER TABLE findings ADD COLUMN search_vector tsvector "
               "GENERATED ALWAYS AS (to_tsvector('simple', coalesce(search_text, ''))) STORED")
    op.execute("CREATE INDEX ix_findings_search_vector ON findings USING gin (search_vector)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_findings_search_vector", table_name="findings")
    op.drop_column("findings", "search_vector")
    op.execute("CREATE INDEX ix_findings_search_text_tsv ON findings USING gin (to_tsvector('simple', search_text))")
