"""Two web processes (gunicorn) against one database and one Redis, as `bin/serve --production`
runs them: a build started through one is followed to the end through the other, and failed
logins count the same whichever process answers them."""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, start_default_project
from webapp import create_app
from webapp.auth.services import create_user
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.reports.models import Report

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A cookie jar shared by both servers (same host, other port), as one person's browser."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, url: str) -> tuple[int, str]:
        try:
            with self.opener.open(url, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post(self, url: str, data: dict, accept: str = "text/html") -> tuple[int, str]:
        request = urllib.request.Request(url, data=urllib.parse.urlencode(data).encode(), headers={"Accept": accept})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, url: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(url)[1]).group(1)


@pytest.fixture
def servers(tmp_path, redis_url):
    url = os.environ.get("TEST_DATABASE_URL", "")
    database = url if url.startswith("postgresql") else f"sqlite:///{tmp_path / 'shared.db'}"
    import redis

    redis.Redis.from_url(redis_url).flushdb()

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database

    app = create_app(Config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        start_default_project()
        create_user("author@example.test", "Author", "author", PASSWORD, locale="en")  # a member of LEARN
        report = Report(title_en="Shared", title_nl="Gedeeld")
        db.session.add(report)
        db.session.commit()
        report_id = report.id
    env = dict(os.environ, DATABASE_URL=database, REDIS_URL=redis_url, SECRET_KEY="two-processes-secret",
               KLANKBORD_JOB_QUEUE=f"two-{os.getpid()}", FLASK_APP="wsgi")
    ports = [_port(), _port()]
    processes = [subprocess.Popen([str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for port in ports]
    processes.append(subprocess.Popen([sys.executable, "-m", "flask", "worker"], cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base in bases:
            for _ in range(600):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=5)
                    break
                except OSError:
                    time.sleep(0.1)
        yield bases, report_id
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        with app.app_context():
            db.session.remove()
            if db.engine.dialect.name != "sqlite":
                db.drop_all()
            db.engine.dispose()


def test_a_build_started_on_one_process_is_followed_on_the_other(servers):
    (first, second), report_id = servers
    browser = Browser()
    status, _page = browser.post(first + "/login", {"email": "author@example.test", "password": PASSWORD,
                                                    "csrf_token": browser.token(first + "/login")})
    assert status == 200
    token = browser.token(second + f"/p/learn/reports/{report_id}")  # the session from the first works on the second
    status, body = browser.post(first + f"/p/learn/reports/{report_id}/builds",
                                {"language": "en", "format": "pdf", "csrf_token": token}, accept="application/json")
    assert status == 202
    status_path = json.loads(body)["status_url"]
    seen = []
    for _ in range(1200):
        state = json.loads(browser.get(second + status_path)[1])
        seen.append(state["status"])
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert state["status"] == "done", state
    assert browser.get(first + status_path)[1] == browser.get(second + status_path)[1]
    with browser.opener.open(second + state["download_url"], timeout=60) as response:
        assert response.read(4) == b"%PDF"


def test_failed_logins_count_the_same_on_both_processes(servers):
    (first, second), _report_id = servers
    browser = Browser()
    token = browser.token(first + "/login")
    answers = [browser.post((first, second)[attempt % 2] + "/login",
                            {"email": "author@example.test", "password": "wrong password!", "csrf_token": token})
               for attempt in range(10)]
    # ten wrong passwords from one place, half on each process; each refused login redirects to the form (followed)
    assert {status for status, _body in answers} == {200}
    assert all("E-mail address or password is not correct" in body or "wachtwoord is niet juist" in body
               for _status, body in answers)
    assert browser.post(first + "/login", {"email": "author@example.test", "password": PASSWORD,
                                           "csrf_token": token})[0] == 429
    assert browser.post(second + "/login", {"email": "author@example.test", "password": PASSWORD,
                                            "csrf_token": token})[0] == 429
