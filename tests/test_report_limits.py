"""Report builds that end: break opportunities in long words at render time, and a time limit
on every build (screen and CLI) whose failure says why in the user's language."""
from __future__ import annotations

import time

import pytest
from markupsafe import Markup

from tests.conftest import start_default_project
from webapp.extensions import db
from webapp.reports.models import ReportVersion
from webapp.reports.pdf import BREAK_EVERY, ZERO_WIDTH_SPACE, breakable, render_report_html
from webapp.reports.builds import start_build
from webapp.reports.collect import collect_report

from .test_review_services import make_report


def test_long_runs_get_break_opportunities_and_ordinary_text_does_not():
    word = "a" * 200
    broken = breakable(f"kort {word} kort")
    assert broken.replace(ZERO_WIDTH_SPACE, "") == f"kort {word} kort"
    assert all(len(part) == BREAK_EVERY for part in broken.split()[1].split(ZERO_WIDTH_SPACE)[:-1])
    ordinary = "Gewone zinnen met woorden van normale lengte, zoals arbeidsmarktregio of werkgeversservicepunt."
    assert breakable(ordinary) == ordinary
    assert breakable(Markup("<svg>" + word + "</svg>")) == Markup("<svg>" + word + "</svg>")
    assert breakable(12) == 12


def test_a_break_never_separates_a_combining_mark_from_its_letter():
    word = "e\u0301" * 100  # é as e + combining acute
    for part in breakable(word).split(ZERO_WIDTH_SPACE)[1:]:
        assert not part.startswith("\u0301")


def test_the_pdf_html_breaks_long_words_but_the_stored_text_is_unchanged(app):
    report = make_report()
    rec = report.chapters[0].recommendations[0]
    rec.body_en = "x" * 5000
    db.session.commit()
    html = render_report_html(collect_report(report, "en"))
    assert "x" * BREAK_EVERY + ZERO_WIDTH_SPACE in html and "x" * (BREAK_EVERY + 1) not in html
    assert 'href="klankbord-static:report.css"' in html  # URLs are not broken up
    db.session.expire_all()
    assert db.session.get(type(rec), rec.id).body_en == "x" * 5000


@pytest.fixture
def slow_render(monkeypatch):
    from webapp.reports import builds

    def slow(*args, **kwargs):
        time.sleep(10)
        return b"%PDF never"

    monkeypatch.setattr(builds, "render_file", slow)


def test_an_inline_build_is_stopped_at_the_time_limit_and_says_why(app, client, auth, slow_render):
    app.config["REPORT_BUILD_TIMEOUT"] = 0.5
    report = make_report()
    started = time.monotonic()
    version = start_build(report, "en", "pdf", background=False)
    assert time.monotonic() - started < 5
    assert (version.status, version.error, version.number) == ("failed", "timeout", None)
    auth.login("author", locale="nl")
    status = client.get(f"/reports/builds/{version.id}.json").get_json()
    assert status["status"] == "failed" and "seconden" in status["message"]
    auth.logout()
    auth.login("author", email="author-en@example.test", locale="en")
    status = client.get(f"/reports/builds/{version.id}.json").get_json()
    assert "took longer than 0 seconds" not in status["message"] and "was stopped" in status["message"]


def test_the_cli_build_has_the_time_limit_too(app, runner, tmp_path, slow_render):
    app.config["REPORT_BUILD_TIMEOUT"] = 0.5
    report = make_report()
    result = runner.invoke(args=["report", "build", "--report-id", str(report.id), "--lang", "en",
                                 "--out", str(tmp_path / "r.pdf")])
    assert result.exit_code != 0
    assert db.session.query(ReportVersion).one().error == "timeout"


def test_a_failure_other_than_time_names_the_error_not_just_try_again(app, monkeypatch):
    from webapp.reports import builds

    def broken(*args, **kwargs):
        raise ValueError("All strings must be XML compatible: voor na")

    monkeypatch.setattr(builds, "render_file", broken)
    version = start_build(make_report(), "en", "docx", background=False)
    message = builds.failure_reason(version)
    assert "ValueError" in message and "voor na" not in message


def test_a_worker_process_is_stopped_at_the_time_limit(tmp_path):
    """The screens' path: a real worker process stops itself and the version says why."""
    from webapp import create_app
    from webapp.config import TestConfig

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'limit.db'}"
        REPORT_BUILD_TIMEOUT = 0.01  # the worker's own alarm fires during layout

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        start_default_project()
        report = make_report()
        version = start_build(report, "en", "pdf", background=True)
        for _ in range(1200):
            db.session.expire_all()
            current = db.session.get(ReportVersion, version.id)
            if current.status in ("done", "failed"):
                break
            time.sleep(0.05)
        assert (current.status, current.error) == ("failed", "timeout")
        db.session.remove()
        db.engine.dispose()
