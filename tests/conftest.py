"""Fixtures shared by the whole suite, in the style of the Flask tutorial.

Every test gets a fresh app and an empty database, on SQLite in memory by default or on
the PostgreSQL server named by TEST_DATABASE_URL (bin/test runs the suite on both).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from sqlalchemy import event

from webapp import create_app
from webapp.activities.services import ActivityInput, PartialDate, save_activity
from webapp.auth.services import create_user, get_user_by_email
from webapp.config import TestConfig
from webapp.extensions import db

PASSWORD = "correct horse battery"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Compile the catalogs, so a plain `pytest` tests the translations as committed."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        with open(po_path, "rb") as po_file:
            catalog = read_po(po_file)
        with open(po_path.with_suffix(".mo"), "wb") as mo_file:
            write_mo(mo_file, catalog)


@pytest.fixture
def app():
    app = create_app(TestConfig)
    with app.app_context():
        db.drop_all()  # a PostgreSQL database may hold the tables of an aborted run
        db.create_all()
        yield app
        db.session.remove()
        if db.engine.dialect.name != "sqlite":  # in-memory SQLite goes away with its engine
            db.drop_all()
        db.engine.dispose()


class IsolatedClient(FlaskClient):
    """Runs each request in an app context of its own, as a real server does.

    The `app` fixture keeps a context pushed for the test's own queries; without this,
    requests would share its `g` (cached locale, logged-in user) and database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, role: str = "admin", email: str | None = None, locale: str = "nl"):
        email = email or f"{role}@example.test"
        if get_user_by_email(email) is None:
            create_user(email, f"Test {role}", role, PASSWORD, locale=locale)
        return self._client.post("/login", data={"email": email, "password": PASSWORD})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def make_activity(app):
    """Create an activity through the same service the screens use."""

    def make(type="ln_meeting", title="Workshop Practical Learning", day=date(2023, 10, 30), **kwargs):
        starts = PartialDate(day, "day") if day else None
        return save_activity(None, ActivityInput(type=type, title=title, starts=starts, **kwargs))

    return make


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries:` ... `len(queries)` is the number of SQL statements."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def listener(conn, cursor, statement, *args):
            statements.append(statement)

        engine = db.engine
        event.listen(engine, "after_cursor_execute", listener)
        try:
            yield statements
        finally:
            event.remove(engine, "after_cursor_execute", listener)

    return counting


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) on 127.0.0.1, free port; the app sends to it. Yields its inbox."""
    from .mail_server import Inbox, start_smtp

    inbox = Inbox()
    controller = start_smtp(inbox)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                      MAIL_DEFAULT_SENDER="klankbord@example.test")
    yield inbox
    controller.stop()
