"""Security headers on every response, and templates the strict CSP can serve."""
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from webapp import create_app
from webapp.charts import horizontal_bar_chart, page_svg
from tests.conftest import PASSWORD
from webapp.auth.services import create_user
from webapp.config import TestConfig

from .conftest import load_demo_data

# The same on SQLite and PostgreSQL: bin/test runs this module on SQLite only.
pytestmark = pytest.mark.same_on_every_database

WEBAPP = Path(__file__).resolve().parent.parent / "webapp"
EXPECTED = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


def _assert_headers(response, url):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (url, name)
    policy = response.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy, url
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
    assert re.search(r"script-src 'self' 'nonce-[\w-]+'", policy), url
    assert "style-src 'self'" in policy and "object-src 'none'" in policy, url


def test_every_route_carries_the_security_headers(app, client, runner):
    load_demo_data(runner)
    anonymous = [client.get(url) for url in ("/login", "/", "/no-such-page", "/s/unknown-token", "/f/x", "/r/x")]
    for response in anonymous:
        _assert_headers(response, response.request.path)
    client.post("/login", data={"email": "admin@klankbord.test", "password": "klankbord-demo"})
    seen = 0
    for rule in app.url_map.iter_rules():
        methods = rule.methods - {"HEAD", "OPTIONS"}
        url = re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)
        if rule.endpoint.endswith("static"):
            url = rule.rule.replace("<path:filename>", "css/app.css" if rule.endpoint == "static" else "x")
        method = "GET" if "GET" in methods else sorted(methods)[0]
        if rule.endpoint == "auth.logout":
            continue  # keep the session for the rest of the sweep
        response = client.open(url, method=method)
        _assert_headers(response, f"{method} {url} -> {response.status_code}")
        seen += 1
    assert seen > 60


def test_no_strict_transport_security_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


class ProductionConfig(TestConfig):
    PRODUCTION = True


@pytest.fixture
def production_client():
    from tests.conftest import IsolatedClient
    from webapp.extensions import db

    app = create_app(ProductionConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
        create_user("admin@example.test", "Admin", "admin", PASSWORD)
        app.test_client_class = IsolatedClient
        yield app.test_client()
        db.session.remove()
        if db.engine.dialect.name != "sqlite":
            db.drop_all()
        db.engine.dispose()


def test_production_sends_hsts_on_https_only_and_secure_cookies(production_client):
    # Over plain http (gunicorn reached directly, or a proxy that is not trusted): no HSTS.
    assert "Strict-Transport-Security" not in production_client.get("/login").headers
    response = production_client.post("/login", data={"email": "admin@example.test", "password": PASSWORD,
                                                      "remember": "y"}, base_url="https://klankbord.example.org")
    assert response.status_code == 302
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookies = response.headers.getlist("Set-Cookie")
    assert {cookie.split("=", 1)[0] for cookie in cookies} >= {"session", "remember_token"}
    for cookie in cookies:
        flags = {part.strip().lower() for part in cookie.split(";")}
        assert {"secure", "httponly", "samesite=lax"} <= flags, cookie
        if cookie.startswith("remember_token"):
            expires = next(p for p in cookie.split(";") if p.strip().lower().startswith("expires="))
            left = parsedate_to_datetime(expires.split("=", 1)[1]) - datetime.now(timezone.utc)
            assert 29 <= left.days <= 30


def test_templates_hold_no_inline_script_handler_or_style():
    offenders = []
    for template in WEBAPP.rglob("templates/**/*.html"):
        if "/pdf/" in template.as_posix():
            continue  # rendered by WeasyPrint into a PDF, never served as a page
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{template}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{template}: on*= handler")
        if re.search(r"\sstyle\s*=", text) or "<style" in text:
            offenders.append(f"{template}: inline style")
    assert offenders == []


def test_charts_on_pages_have_no_inline_styles_and_keep_their_colours():
    svg = horizontal_bar_chart(["Werk", "Taal & wonen"], [3, 1])
    assert "style=" in svg  # matplotlib's own output ...
    shown = page_svg(svg)
    assert "style=" not in shown and "<style" not in shown  # ... the page's has none
    assert 'fill="#0b6e6e"' in shown and "Taal &amp; wonen" in shown
    assert 'font-size="9px"' in shown and 'stroke-linejoin="round"' in shown


def test_pages_are_never_kept_by_the_browser_but_static_files_are(app, client, runner):
    load_demo_data(runner)
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    client.post("/login", data={"email": "admin@klankbord.test", "password": "klankbord-demo"})
    from webapp.extensions import db
    from webapp.organisations.models import Organisation
    from webapp.projects.models import Project
    from sqlalchemy import select

    with app.app_context():
        slug = db.session.scalars(select(Project.slug)).first()
        organisation_id = db.session.scalars(select(Organisation.id)).first()
    for url in (f"/p/{slug}/organisations/{organisation_id}/edit", f"/p/{slug}/organisations/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    stylesheet = client.get("/static/css/app.css")
    assert stylesheet.status_code == 200 and "no-store" not in stylesheet.headers.get("Cache-Control", "")
