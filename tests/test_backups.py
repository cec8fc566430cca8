"""`flask backup create` / `flask backup restore`: a round trip gives the same rows in every table,
on SQLite (online backup API) and on PostgreSQL (pg_dump/pg_restore, under TEST_DATABASE_URL)."""
from __future__ import annotations

import os
import stat
import tarfile
import uuid

import pytest
from sqlalchemy import create_engine, inspect, select, table, text, column
from sqlalchemy.engine import make_url

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.reports.models import Report, ReportVersion

REPORT_FILE = b"%PDF-1.7 a stored report file \x00\x01\x02 with binary bytes"


@pytest.fixture
def two_databases(tmp_path):
    """Two databases of their own: temp SQLite files, or two new databases on the PostgreSQL test server."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'source.db'}", f"sqlite:///{tmp_path / 'target.db'}"
        return
    names = [f"klankbord_backup_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield tuple(make_url(url).set(database=name).render_as_string(hide_password=False) for name in names)
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def _app(url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(Config)


def _every_row() -> dict[str, list[tuple]]:
    """Every row of every table (the search index included on SQLite), in a fixed order."""
    rows = {}
    with db.engine.connect() as connection:
        for name in inspect(connection).get_table_names():
            columns = [c["name"] for c in inspect(connection).get_columns(name)]
            statement = select(*[column(c) for c in columns]).select_from(table(name))
            rows[name] = sorted((tuple(row) for row in connection.execute(statement)), key=repr)
    return rows


def test_backup_and_restore_give_the_same_rows_in_every_table(two_databases, tmp_path):
    source_url, target_url = two_databases
    source = _app(source_url)
    with source.app_context():
        db.create_all()
        assert source.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
        report = db.session.scalar(select(Report))
        db.session.add(ReportVersion(report_id=report.id, number=1, language="nl", format="pdf", status="done",
                                     progress=100, content_hash="0" * 64, content=REPORT_FILE, size=len(REPORT_FILE)))
        db.session.commit()
        before = _every_row()
        archive = tmp_path / "backup.tar.gz"
        result = source.test_cli_runner().invoke(args=["backup", "create", "--output", str(archive)])
        assert result.exit_code == 0, result.output
        db.session.remove()
        db.engine.dispose()
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as opened:
        assert sorted(opened.getnames())[0] == "database.pgdump" if source_url.startswith("postgresql") else True
        assert "manifest.json" in opened.getnames()
    assert all(len(rows) > 0 for name, rows in before.items()
               if name in {"findings", "activities", "themes", "contributors", "report_versions", "users"})

    target = _app(target_url)
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert result.exit_code == 0, result.output
        after = _every_row()
        # the restore itself is audited: the one row the source did not have
        restored_audit = [row for row in after["audit_entries"] if "restore_backup" in row]
        assert len(restored_audit) == 1
        after["audit_entries"] = [row for row in after["audit_entries"] if row not in restored_audit]
        # the data counter moves on a restore (webapp/data_version.py): the one value that differs on purpose
        assert after.pop("data_version") != before.pop("data_version")
        assert after.keys() == before.keys()
        for name in before:
            assert after[name] == before[name], name
        version = db.session.scalar(select(ReportVersion))
        assert version.content == REPORT_FILE  # the report files came along

        again = target.test_cli_runner().invoke(args=["backup", "restore", str(archive)])
        assert again.exit_code != 0 and "not empty" in again.output  # never over data by accident
        db.session.remove()
        db.engine.dispose()


def test_a_damaged_archive_is_refused(two_databases, tmp_path):
    source_url, target_url = two_databases
    source = _app(source_url)
    with source.app_context():
        db.create_all()
        archive = tmp_path / "backup.tar.gz"
        assert source.test_cli_runner().invoke(args=["backup", "create", "-o", str(archive)]).exit_code == 0
        db.engine.dispose()
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as original, tarfile.open(damaged, "w:gz") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            if member.name != "manifest.json":
                data = data[:-10] + b"x" * 10
            member.size = len(data)
            import io
            copy.addfile(member, io.BytesIO(data))
    target = _app(target_url)
    with target.app_context():
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(damaged)])
        assert result.exit_code != 0 and "damaged" in result.output
        db.engine.dispose()
