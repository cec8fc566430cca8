import os

from webapp.extensions import db


def test_health_reports_app_and_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_suite_runs_on_the_database_it_was_given(app):
    """bin/test runs the suite a second time on PostgreSQL: make sure it really does."""
    wanted = "postgresql" if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql") else "sqlite"
    assert db.engine.dialect.name == wanted
