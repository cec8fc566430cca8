"""Search words: Arabic article and prepositions dropped (webapp/analysis/text.py)

Revision ID: 0010_arabic_search_words
Revises: 0009_report_surveys
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = "0010_arabic_search_words"
down_revision = "0009_report_surveys"
branch_labels = None
depends_on = None

findings = sa.table("findings", sa.column("id", sa.Integer), sa.column("text", sa.Text),
                    sa.column("translation", sa.Text), sa.column("search_text", sa.Text))


def _recompute(words_for):
    connection = op.get_bind()
    rows = connection.execute(sa.select(findings.c.id, findings.c.text, findings.c.translation)).all()
    if rows:
        connection.execute(
            findings.update().where(findings.c.id == sa.bindparam("row_id")).values(search_text=sa.bindparam("words")),
            [{"row_id": row.id, "words": words_for(" ".join(p for p in (row.text, row.translation) if p))}
             for row in rows])


def upgrade():
    from webapp.search_words import search_text_for  # plain function: no app needed

    _recompute(search_text_for)  # on SQLite the FTS5 update trigger follows along


def downgrade():
    pass  # the words stay as they are; the older code re-derives them when a finding changes
