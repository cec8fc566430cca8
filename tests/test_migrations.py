"""The migrations build the schema from nothing, go back down and up again, and match the models."""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.analysis.fts import alembic_include_object
from webapp.config import TestConfig
from webapp.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    """A database of its own: a temp SQLite file, or a new PostgreSQL database on the test server."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    name = f"klankbord_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_downgrade_upgrade(empty_database_url):
    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(MigrationConfig)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "activities", "findings", "themes", "organisations"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_object": alembic_include_object})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], "models and migrations differ: run `flask db migrate`"
        if db.engine.dialect.name == "sqlite":  # the search index made by migration 0008
            assert "findings_fts" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_projects_migration_moves_an_existing_register_into_learn(empty_database_url):
    """0016_projects on a database with data: every row ends up in LEARN, nothing is lost
    (not the finding's themes, not the search index), users become members with their role."""
    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(MigrationConfig)
    with app.app_context():
        upgrade(revision="0015_report_publishing")
        statements = [
            "INSERT INTO users (id, email, name, password_hash, role, locale, active, created_at) VALUES "
            "(1, 'a@example.test', 'A', 'x', 'admin', 'nl', true, '2024-01-01 00:00:00'), "
            "(2, 'f@example.test', 'F', 'x', 'facilitator', 'nl', true, '2024-01-01 00:00:00')",
            "INSERT INTO activities (id, type, number, title, status, date_precision, notes, created_at, updated_at) "
            "VALUES (1, 'ln_meeting', 1, 'Werkconferentie', 'held', 'day', '', '2024-01-01 00:00:00', "
            "'2024-01-01 00:00:00')",
            "INSERT INTO themes (id, code, theme_group, label_nl, label_en, description_nl, description_en, position, "
            "archived) VALUES (1, 'employers', 'topic', 'Werkgevers', 'Employers', '', '', 0, false)",
            "INSERT INTO findings (id, client_id, activity_id, text, language, kind, created_at, updated_at, version, "
            "search_text) VALUES (1, '0c5e0c3a-9d1e-4a59-9c43-1d2a3b4c5d6e', 1, 'Werkgevers willen meer', 'nl', "
            "'observation', '2024-01-01 00:00:00', '2024-01-01 00:00:00', 1, 'werkgevers willen meer')",
            "INSERT INTO finding_themes (finding_id, theme_id) VALUES (1, 1)",
        ]
        with db.engine.begin() as connection:
            for statement in statements:
                if connection.dialect.name == "sqlite":
                    statement = statement.replace("true", "1").replace("false", "0")
                    statement = statement.replace("'0c5e0c3a-9d1e-4a59-9c43-1d2a3b4c5d6e'",
                                                  "'0c5e0c3a9d1e4a599c431d2a3b4c5d6e'")
                connection.execute(text(statement))
        upgrade()
        with db.engine.connect() as connection:
            learn = connection.execute(text("SELECT id, slug FROM projects")).all()
            assert [slug for _id, slug in learn] == ["learn"]
            learn_id = learn[0][0]
            for table in ("activities", "findings", "themes"):
                assert connection.execute(text(f"SELECT project_id FROM {table}")).scalars().all() == [learn_id]
            assert connection.execute(text("SELECT finding_id, theme_id FROM finding_themes")).all() == [(1, 1)]
            assert connection.execute(text("SELECT user_id, role FROM project_memberships")).all() == [(2, "facilitator")]
            if connection.dialect.name == "sqlite":  # the search index still finds the finding
                assert connection.execute(text("SELECT rowid FROM findings_fts WHERE findings_fts MATCH 'werkgev*'")
                                          ).scalars().all() == [1]
        db.engine.dispose()


def test_the_text_boundary_migration_cleans_rows_stored_before(empty_database_url):
    """0012_text_boundary: refused characters removed, line ends LF; a clash with a unique
    name keeps a visible U+FFFD instead of failing or merging two organisations."""
    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    nul = "\x00" if not empty_database_url.startswith("postgresql") else ""
    app = create_app(MigrationConfig)
    with app.app_context():
        upgrade(revision="0011_audit")
        rows = [(1, f"Gemeente{nul}\x1b Zwolle", "een\r\ntwee\x0bdrie\x0cvier\x85\ufffe"),
                (2, "IKEA", "plain"), (3, f"IKEA{nul}\x01", "")]
        with db.engine.begin() as connection:
            for row_id, name, notes in rows:
                connection.execute(text("INSERT INTO organisations (id, name, stakeholder_type, notes, created_at) "
                                        "VALUES (:id, :name, 'employer', :notes, CURRENT_TIMESTAMP)"),
                                   {"id": row_id, "name": name, "notes": notes})
        upgrade()
        with db.engine.connect() as connection:
            stored = dict(connection.execute(text("SELECT id, name FROM organisations")).all())
            notes = connection.execute(text("SELECT notes FROM organisations WHERE id = 1")).scalar()
        assert stored[1] == "Gemeente Zwolle"
        assert notes == "een\ntwee\ndrie\nvier"
        assert stored[2] == "IKEA"
        assert stored[3].startswith("IKEA\ufffd")
        db.engine.dispose()


def test_one_translation_store_keeps_every_old_translation(empty_database_url):
    """0019_one_translation_store: a translation kept on the finding (the older single store)
    becomes a translation row, not marked as checked, and stays searchable; a finding that
    already had a row in that language keeps that row; downgrade puts the columns back."""
    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(MigrationConfig)
    with app.app_context():
        upgrade(revision="0018_data_version")
        sqlite = db.engine.dialect.name == "sqlite"
        uuids = ["0c5e0c3a-9d1e-4a59-9c43-1d2a3b4c5d6e", "1c5e0c3a-9d1e-4a59-9c43-1d2a3b4c5d6e",
                 "2c5e0c3a-9d1e-4a59-9c43-1d2a3b4c5d6e"]
        with db.engine.begin() as connection:
            project = connection.execute(text("SELECT id FROM projects WHERE slug = 'learn'")).scalar_one()
            connection.execute(text(
                "INSERT INTO activities (id, project_id, type, number, title, status, date_precision, notes, "
                "created_at, updated_at) VALUES (1, :project, 'maab', 1, 'Adviesraad', 'held', 'day', '', "
                "'2024-01-01 00:00:00', '2024-01-01 00:00:00')"), {"project": project})
            rows = [(1, "أصحاب العمل يريدون نقطة اتصال واحدة", "ar", "Werkgevers willen één loket", "nl"),
                    (2, "ሰራሕተኛታት", "ti", "Old Dutch words", "nl"),
                    (3, "Plain Dutch", "nl", None, None)]
            for (finding_id, original, language, translation, translation_language), client_id in zip(rows, uuids):
                connection.execute(text(
                    "INSERT INTO findings (id, project_id, client_id, activity_id, text, language, kind, created_at, "
                    "updated_at, version, search_text, translation, translation_language) VALUES (:id, :project, :client, 1, "
                    ":text, :language, 'quote', '2024-01-01 00:00:00', '2024-01-01 00:00:00', 1, '', :translation, "
                    ":translation_language)"),
                    {"id": finding_id, "project": project,
                     "client": client_id.replace("-", "") if sqlite else client_id, "text": original,
                     "language": language, "translation": translation, "translation_language": translation_language})
            connection.execute(text(
                "INSERT INTO finding_translations (finding_id, language, text, checked, updated_at) VALUES "
                "(2, 'nl', 'Checked Dutch words', :checked, '2024-01-02 00:00:00')"), {"checked": True})
        upgrade()
        with db.engine.connect() as connection:
            stored = connection.execute(text(
                "SELECT finding_id, language, text, checked FROM finding_translations ORDER BY finding_id")).all()
            assert [(f, lang, t, bool(c)) for f, lang, t, c in stored] == [
                (1, "nl", "Werkgevers willen één loket", False), (2, "nl", "Checked Dutch words", True)]
            columns = {c["name"] for c in inspect(connection).get_columns("findings")}
            assert not {"translation", "translation_language"} & columns
            if sqlite:  # the search index finds the Arabic finding by its Dutch words
                assert connection.execute(text("SELECT rowid FROM findings_fts WHERE findings_fts MATCH 'loket*'")
                                          ).scalars().all() == [1]
            else:
                assert connection.execute(text("SELECT id FROM findings WHERE search_text LIKE '%loket%'")
                                          ).scalars().all() == [1]
        downgrade(revision="0018_data_version")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT id, translation, translation_language FROM findings ORDER BY id")
                                      ).all() == [(1, "Werkgevers willen één loket", "nl"),
                                                  (2, "Checked Dutch words", "nl"), (3, None, None)]
        db.engine.dispose()


def test_demo_load_on_a_fresh_database_migrates_first(empty_database_url):
    """`flask demo load` before `flask db upgrade` (a newcomer's first try) works."""
    class FreshConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url

    app = create_app(FreshConfig)
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "auteur@klankbord.test" in result.output
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert "alembic_version" in tables and "findings" in tables
        db.engine.dispose()


def test_the_demo_report_builds_on_a_fresh_database(empty_database_url, tmp_path):
    """`flask report build --demo` as a newcomer's first command: migrates, loads, builds."""
    class FreshConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_database_url
        REPORT_BUILDS_INLINE = True

    app = create_app(FreshConfig)
    out = tmp_path / "demo.docx"  # the DOCX: the same path through the command, without a PDF layout
    result = app.test_cli_runner().invoke(args=["report", "build", "--demo", "--format", "docx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"
    with app.app_context():
        assert "alembic_version" in set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_every_revision_id_fits_alembic_version_on_postgresql():
    """alembic_version.version_num is VARCHAR(32): a longer id upgrades on SQLite (which does
    not enforce the length) and fails on PostgreSQL."""
    from pathlib import Path

    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(Path(__file__).resolve().parent.parent / "migrations"))
    too_long = [r.revision for r in script.walk_revisions() if len(r.revision) > 32]
    assert not too_long and len(list(script.walk_revisions())) >= 23
