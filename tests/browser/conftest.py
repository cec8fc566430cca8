"""Fixtures for the real-browser tests: a live Klankbord server and Debian's Chromium.

These fixtures stand on their own: they do not use anything from tests/conftest.py.
The browser tests always run on a temporary SQLite file, even when TEST_DATABASE_URL
points at PostgreSQL, because the server thread and the test need one shared database
and the browser flow does not exercise anything database-specific.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # the tests may run as root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: A tablet in portrait: facilitators capture on a tablet during meetings.
TABLET_VIEWPORT = {"width": 768, "height": 1024}

FACILITATOR_EMAIL = "facilitator@example.test"
FACILITATOR_PASSWORD = "a-long-password"


@dataclass(frozen=True)
class LiveServer:
    app: Flask
    url: str  # e.g. "http://127.0.0.1:41234", without a trailing slash
    #: Every 5xx the server answered during the current test ("GET /p/learn/ 500").
    server_errors: list = field(default_factory=list)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app served by Werkzeug in a daemon thread, with CSRF on and a SQLite file database."""
    from werkzeug.serving import make_server

    from webapp import create_app
    from webapp.auth.services import create_user
    from webapp.config import TestConfig
    from webapp.extensions import db

    db_file = tmp_path_factory.mktemp("browser-db") / "klankbord.db"

    class BrowserTestConfig(TestConfig):
        # Real forms, as a user posts them: the CSRF token must travel with every POST.
        WTF_CSRF_ENABLED = True
        # A file, not `sqlite://`: an in-memory database would be private to one connection,
        # and the server's request threads each take their own connection.
        SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(db_file)

    app = create_app(BrowserTestConfig)
    app.config["PHOTO_STORAGE_PATH"] = str(tmp_path_factory.mktemp("browser-photos"))
    server_errors: list[str] = []

    @app.after_request
    def _note_server_errors(response):
        # A browser shows an error page as happily as any other: the test would only notice
        # if it looked for words the error page lacks. Every 5xx fails the test (below).
        if response.status_code >= 500:
            from flask import request

            server_errors.append(f"{request.method} {request.path} {response.status_code}")
        return response
    with app.app_context():
        db.create_all()
        # One project, LEARN: users made here join it, old unprefixed paths (/activities/)
        # redirect into /p/learn/..., new rows go to it.
        from webapp.projects.models import Project

        db.session.add(Project(slug="learn", name_nl="LEARN", name_en="LEARN"))
        db.session.commit()
        create_user(FACILITATOR_EMAIL, "Fatima Test", "facilitator", FACILITATOR_PASSWORD, locale="nl")

    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the OS picks a free one
    thread = threading.Thread(target=server.serve_forever, name="klankbord-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}", server_errors=server_errors)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def no_server_error_in_the_browser(request):
    """Fails a browser test during which the live server answered any 5xx, unless the test
    is marked `server_error`."""
    if "live_server" not in request.fixturenames:
        yield
        return
    server = request.getfixturevalue("live_server")
    server.server_errors.clear()
    yield
    if server.server_errors and request.node.get_closest_marker("server_error") is None:
        pytest.fail("the server answered " + ", ".join(server.server_errors), pytrace=False)


def submit_login(page, email: str, password: str) -> None:
    """Through the login form, as a person does; the caller checks where it lands."""
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")


@pytest.fixture
def browser_login(live_server):
    """The facilitator's login, with the interface language reset to Dutch.

    The language switch is remembered on the user, so without this reset a test would
    start in whatever language the previous test left behind.
    """
    from webapp.auth.services import get_user_by_email, set_locale

    with live_server.app.app_context():
        set_locale(get_user_by_email(FACILITATOR_EMAIL), "nl")
    return {"email": FACILITATOR_EMAIL, "password": FACILITATOR_PASSWORD}


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a Playwright-downloaded browser)."""
    if not CHROMIUM.exists():
        if os.environ.get("KLANKBORD_SKIP_BROWSER") == "1":
            pytest.skip(f"{CHROMIUM} is missing and KLANKBORD_SKIP_BROWSER=1")
        # Failing, not skipping: a CI image without the browser must not pass silently.
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package "
                    "(or set KLANKBORD_SKIP_BROWSER=1 to skip the browser tests)", pytrace=False)

    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser, live_server):
    """A fresh tablet-sized page per test: its own context, so no cookies carry over."""
    context = browser.new_context(viewport=TABLET_VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
