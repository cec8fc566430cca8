"""One store for a finding's translations: the older `findings.translation` and
`findings.translation_language` become FindingTranslation rows, and the columns go

Every old translation is copied into `finding_translations` (not marked as checked), unless
the finding already has a translation in that language there; then the search words of
every translated finding are computed again from its text and all its translations.
Downgrade restores the columns, filled with each finding's translation changed last.

On SQLite the columns are dropped with ALTER TABLE ... DROP COLUMN (3.35+), not by a batch
rebuild of `findings`: a rebuild would drop the FTS5 triggers and, with foreign keys on,
cascade the drop of `findings` into its translations and theme links.

Revision ID: 0019_one_translation_store
Revises: 0018_data_version
Create Date: 2026-11-28
"""
from alembic import op
import sqlalchemy as sa

import webapp.db_types

revision = "0019_one_translation_store"
down_revision = "0018_data_version"
branch_labels = None
depends_on = None

findings = sa.table("findings", sa.column("id", sa.Integer), sa.column("text", sa.Text),
                    sa.column("search_text", sa.Text), sa.column("translation", sa.Text),
                    sa.column("translation_language", sa.String(10)),
                    sa.column("updated_at", webapp.db_types.UTCDateTime))
translations = sa.table("finding_translations", sa.column("id", sa.Integer), sa.column("finding_id", sa.Integer),
                        sa.column("language", sa.String(10)), sa.column("text", sa.Text),
                        sa.column("checked", sa.Boolean), sa.column("updated_at", webapp.db_types.UTCDateTime))


def _search_words(connection) -> None:
    from webapp.search_words import search_text_for

    texts: dict[int, list[str]] = {}
    for finding_id, text in connection.execute(
            sa.select(translations.c.finding_id, translations.c.text).order_by(translations.c.language)):
        texts.setdefault(finding_id, []).append(text)
    if not texts:
        return
    rows = connection.execute(sa.select(findings.c.id, findings.c.text).where(findings.c.id.in_(list(texts)))).all()
    connection.execute(
        findings.update().where(findings.c.id == sa.bindparam("row_id")).values(search_text=sa.bindparam("words")),
        [{"row_id": row.id, "words": search_text_for(" ".join(part for part in (row.text, *texts[row.id]) if part))}
         for row in rows])


def upgrade():
    connection = op.get_bind()
    existing = sa.select(translations.c.id).where(translations.c.finding_id == findings.c.id,
                                                  translations.c.language == findings.c.translation_language)
    old = (sa.select(findings.c.id, findings.c.translation_language, sa.func.trim(findings.c.translation),
                     sa.false(), findings.c.updated_at)
           .where(findings.c.translation.is_not(None), sa.func.trim(findings.c.translation) != "",
                  findings.c.translation_language.is_not(None), ~sa.exists(existing)))
    connection.execute(translations.insert().from_select(
        ["finding_id", "language", "text", "checked", "updated_at"], old))
    _search_words(connection)
    if connection.dialect.name == "sqlite":
        op.execute("ALTER TABLE findings DROP COLUMN translation")
        op.execute("ALTER TABLE findings DROP COLUMN translation_language")
    else:
        op.drop_column("findings", "translation_language")
        op.drop_column("findings", "translation")


def downgrade():
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        op.execute("ALTER TABLE findings ADD COLUMN translation TEXT")
        op.execute("ALTER TABLE findings ADD COLUMN translation_language VARCHAR(10)")
    else:
        op.add_column("findings", sa.Column("translation", sa.Text(), nullable=True))
        op.add_column("findings", sa.Column("translation_language", sa.String(length=10), nullable=True))
    latest: dict[int, tuple] = {}
    for row in connection.execute(sa.select(translations.c.finding_id, translations.c.language, translations.c.text,
                                            translations.c.updated_at, translations.c.id)
                                  .order_by(translations.c.updated_at, translations.c.id)):
        latest[row.finding_id] = (row.text, row.language)
    if latest:
        connection.execute(
            findings.update().where(findings.c.id == sa.bindparam("row_id"))
            .values(translation=sa.bindparam("old_text"), translation_language=sa.bindparam("old_language")),
            [{"row_id": finding_id, "old_text": text, "old_language": language}
             for finding_id, (text, language) in latest.items()])
