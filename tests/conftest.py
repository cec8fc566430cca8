"""Fixtures shared by the whole suite, in the style of the Flask tutorial.

Every test gets a fresh app and an empty database, on SQLite in memory by default or on
the PostgreSQL server named by TEST_DATABASE_URL (bin/test runs the suite on both).
"""
from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import time
import traceback
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient
from sqlalchemy import event, select

from webapp import create_app
from webapp.activities.services import ActivityInput, PartialDate, save_activity
from webapp.auth.services import create_user, get_user_by_email
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.projects.models import Project, ProjectMembership
from webapp.projects.scope import set_scope

PASSWORD = "correct horse battery"
DEFAULT_PROJECT = "learn"


def follow_refused(client, response, page: str | None = None):
    """A refused HTML form answers 303 to the page that shows it (post/redirect/get); returns
    that page's GET, which shows the errors and what was typed (200). `page`: the expected
    path of that page when it is not the posted URL."""
    assert response.status_code == 303, f"a refused form redirects, got {response.status_code}"
    where = response.location.partition("#")[0].partition("?")[0]
    assert where.endswith(page) if page is not None else where == response.request.path, response.location
    shown = client.get(response.location)
    assert shown.status_code == 200
    return shown


def text_of(response, status: int = 200) -> str:
    """The page's text, once its status is `status`: an error page carries the header's words
    too, so a test reads a page's words only after its status."""
    assert response.status_code == status, (
        f"{response.request.method} {response.request.path} answered {response.status_code}, not {status}")
    return response.get_data(as_text=True)


TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

# -- No 5xx passes unnoticed -------------------------------------------------------------
# An error page carries the site's header, menu and project names, so a test that looks for
# those words passes on a 500. Every Flask test client (IsolatedClient and plain ones) fails
# the test on a 5xx answer unless the test is marked `@pytest.mark.server_error` (it asks for
# one: a database that is down, a worker that dies). The failure shows the traceback the app
# logged, so the cause is on screen.
_server_errors = {"allowed": False, "logged": []}


class _LoggedErrors(logging.Handler):
    def emit(self, record):
        if record.exc_info:
            _server_errors["logged"].append("".join(traceback.format_exception(*record.exc_info)))


@pytest.fixture(autouse=True)
def no_unexpected_server_error(request):
    _server_errors["allowed"] = request.node.get_closest_marker("server_error") is not None
    _server_errors["logged"] = []
    handler = _LoggedErrors(level=logging.ERROR)
    logging.getLogger("webapp").addHandler(handler)
    yield
    logging.getLogger("webapp").removeHandler(handler)


_unguarded_open = FlaskClient.open


def _guarded_open(self, *args, **kwargs):
    response = _unguarded_open(self, *args, **kwargs)
    if response.status_code >= 500 and not _server_errors["allowed"]:
        request = response.request
        logged = "\n".join(_server_errors["logged"][-1:]) or "(nothing logged)"
        pytest.fail(f"{request.method} {request.path} answered {response.status_code} (mark the test "
                    f"@pytest.mark.server_error if it expects that)\n{logged}", pytrace=False)
    return response


FlaskClient.open = _guarded_open



@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Compile the catalogs, so a plain `pytest` tests the translations as committed."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        with open(po_path, "rb") as po_file:
            catalog = read_po(po_file)
        # Written aside and moved into place: bin/test runs the SQLite and PostgreSQL suites at
        # the same time, and the other one may be reading the catalog right now.
        partial = po_path.with_suffix(f".mo.{os.getpid()}")
        with open(partial, "wb") as mo_file:
            write_mo(mo_file, catalog)
        os.replace(partial, po_path.with_suffix(".mo"))


def start_default_project() -> Project:
    """LEARN (slug "learn") in a fresh database; rows the test makes go into it (its own
    queries stay unscoped). `in_project(other)` works in another one."""
    learn = Project(slug=DEFAULT_PROJECT, name_nl="LEARN", name_en="LEARN")
    db.session.add(learn)
    db.session.commit()
    set_scope(learn, None)
    return learn


@contextmanager
def running_app(config):
    """An app of `config` with fresh tables and the default project, inside its app context;
    afterwards its tables are dropped on PostgreSQL (an in-memory SQLite goes with its engine)."""
    import tempfile

    photos = tempfile.mkdtemp(prefix="klankbord-test-photos-")
    app = create_app(config)
    app.config["PHOTO_STORAGE_PATH"] = photos  # each app its own photo files
    with app.app_context():
        db.drop_all()  # a PostgreSQL database may hold the tables of an aborted run
        db.create_all()
        start_default_project()
        yield app
        db.session.remove()
        if db.engine.dialect.name != "sqlite":
            db.drop_all()
        db.engine.dispose()
    shutil.rmtree(photos, ignore_errors=True)


#: The rows `flask demo load` made the first time in this run, and what it printed.
_DEMO: dict = {}


def load_demo_data(runner) -> str:
    """The demo data (both projects) in this test's fresh database; returns what
    `flask demo load` printed.

    The first call in a run loads it for real, through the command; later calls copy the
    rows that load made, table by table, into the empty database: the same data in well
    under a second instead of 5-15 s, which over both databases was minutes of `bin/test`.
    Tests about the loading itself (running it twice, its output) call the command."""
    from sqlalchemy import text

    from webapp.photos.storage import photo_store

    if "rows" not in _DEMO:
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        _DEMO["output"] = result.output
        _DEMO["rows"] = {table.name: [dict(row) for row in db.session.execute(table.select()).mappings()]
                         for table in db.metadata.sorted_tables}
        _DEMO["photo_files"] = {key: photo_store().get(key) for key in photo_store().keys()}
        return _DEMO["output"]
    for key, content in _DEMO["photo_files"].items():  # the rows name them: this app's store holds them too
        photo_store().put(key, content)
    tables = db.metadata.sorted_tables
    for table in reversed(tables):
        db.session.execute(table.delete())
    for table in tables:
        if _DEMO["rows"][table.name]:
            db.session.execute(table.insert(), _DEMO["rows"][table.name])
    if db.engine.dialect.name == "postgresql":  # ids were given: the sequences go past them
        for table in tables:
            key = list(table.primary_key.columns)
            if len(key) == 1 and key[0].autoincrement is not False and key[0].type.python_type is int:
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'), "
                                        f"coalesce((SELECT max({key[0].name}) FROM {table.name}), 0) + 1, false)"))
    from webapp.data_version import restart_counter

    restart_counter(db.session.connection())  # another database than the one the rows came from
    db.session.commit()
    db.session.expire_all()
    return _DEMO["output"]


@pytest.fixture
def app():
    with running_app(TestConfig) as app:
        yield app


@pytest.fixture
def file_app(tmp_path):
    """An app on a database file (or the test PostgreSQL) that several threads, or a worker
    process, can open too: an in-memory SQLite lives in one connection only."""
    url = os.environ.get("TEST_DATABASE_URL", "")

    class FileConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url if url.startswith("postgresql") else f"sqlite:///{tmp_path / 'app.db'}"

    with running_app(FileConfig) as app:
        yield app


def project_path(app, path: str, method: str = "GET", project: str = DEFAULT_PROJECT) -> str:
    """A staff path written as before projects (`/activities/1`, `/api/v1/findings`) in
    `project`'s URL space (`/p/learn/activities/1`, `/api/v1/projects/learn/findings`);
    paths outside projects (login, public links, /p/... already) stay as they are."""
    from werkzeug.exceptions import MethodNotAllowed, NotFound

    bare, _sep, query = path.partition("?")
    if not bare.startswith("/") or bare.startswith(("/p/", "/api/v1/projects/")):
        return path
    adapter = app.url_map.bind("localhost")
    try:
        adapter.match(bare, method=method)
        return path
    except (NotFound, MethodNotAllowed):
        pass
    except Exception:  # noqa: BLE001 - a redirect (trailing slash): leave it to the request
        return path
    prefixed = (f"/api/v1/projects/{project}/{bare[len('/api/v1/'):]}" if bare.startswith("/api/v1/")
                else f"/p/{project}{bare}")
    return prefixed + (f"?{query}" if query else "")


class IsolatedClient(FlaskClient):
    """Runs each request in an app context of its own, as a real server does.

    The `app` fixture keeps a context pushed for the test's own queries; without this,
    requests would share its `g` (cached locale, logged-in user) and database session.
    Staff paths written without a project go to the default project (`project_path`), so
    the tests from before projects keep their URLs and assertions.
    """

    def open(self, *args, as_written: bool = False, **kwargs):
        if args and isinstance(args[0], str) and not as_written:
            args = (project_path(self.application, args[0], kwargs.get("method", "GET")), *args[1:])
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

    def login(self, role: str = "admin", email: str | None = None, locale: str = "nl", project=None):
        """Log in as a user with `role`, a member with that role of `project` (default: LEARN)."""
        email = email or f"{role}@example.test"
        user = get_user_by_email(email)
        if user is None:
            user = create_user(email, f"Test {role}", role, PASSWORD, locale=locale)
        if role != "admin":
            project = project or db.session.scalar(select(Project).where(Project.slug == DEFAULT_PROJECT))
            membership = db.session.scalar(select(ProjectMembership).where(
                ProjectMembership.project_id == project.id, ProjectMembership.user_id == user.id))
            if membership is None:  # directly, not through the service: no audit entry in tests about something else
                db.session.add(ProjectMembership(project_id=project.id, user_id=user.id, role=role))
            else:
                membership.role = role
            db.session.commit()
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


@pytest.fixture(scope="module")
def redis_url():
    """bin/test's Redis (KLANKBORD_TEST_REDIS_URL), or a throwaway Debian redis-server on loopback."""
    url = os.environ.get("KLANKBORD_TEST_REDIS_URL")
    if url:
        yield url
        return
    server = shutil.which("redis-server")
    if not server:
        pytest.skip("redis-server is not installed (bin/install --test installs it)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)
