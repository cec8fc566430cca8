"""Builds become numbered, immutable versions; an unchanged report returns its stored file."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from webapp.extensions import db

from .conftest import start_default_project
from webapp.findings.models import Finding
from webapp.reports.models import Recommendation, Report, ReportChapter, ReportVersion
from webapp.reports.builds import start_build
from webapp.reports.translations import missing_translations
from webapp.themes.models import Theme


@pytest.fixture
def report(app, make_activity):
    theme = Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding")
    finding = Finding(activity=make_activity(), text="Funding stops when the pilot ends.", language="en",
                      kind="bottleneck", themes=[theme])
    report = Report(title_nl="Rapport", title_en="Report", executive_summary_nl="Kort.",
                    chapters=[ReportChapter(theme=theme, intro_en="Only English.", recommendations=[
                        Recommendation(title_nl="Financier structureel", title_en="Fund structurally")])])
    db.session.add_all([finding, report])
    db.session.commit()
    app.config["REPORT_BUILDS_INLINE"] = True
    return report


def test_unchanged_report_returns_the_stored_version(report):
    first = start_build(report, "en", "pdf")
    assert (first.status, first.number, first.progress) == ("done", 1, 100)
    again = start_build(report, "en", "pdf")
    assert again.id == first.id and again.content == first.content

    report.title_en = "Report, revised"
    db.session.commit()
    second = start_build(report, "en", "pdf")
    assert second.id != first.id and second.number == 2 and second.content_hash != first.content_hash
    assert db.session.get(ReportVersion, first.id).content == first.content  # the old file is kept as it was

    docx = start_build(report, "en", "docx")
    assert docx.number == 3 and docx.content.startswith(b"PK")


def test_missing_translations_are_listed_not_filled(report):
    missing = {(m.where, m.field) for m in missing_translations(report, "nl")}
    assert missing == {("chapter 1", "intro")}
    assert {(m.where, m.field) for m in missing_translations(report, "en")} == {("report", "executive_summary")}


def test_a_failed_build_is_recorded_and_can_be_retried(report, monkeypatch):
    from webapp.reports import builds

    def broken(*args, **kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr(builds, "render_file", broken)
    failed = start_build(report, "nl", "pdf")
    assert (failed.status, failed.number, failed.error) == ("failed", None, "RuntimeError")
    monkeypatch.undo()
    retried = start_build(report, "nl", "pdf")
    assert retried.id != failed.id and retried.status == "done" and retried.number == 1


def test_background_build_reports_progress_until_done(tmp_path):
    """A real worker process against a file database, as the screens use it."""
    from webapp import create_app
    from webapp.config import TestConfig

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'bg.db'}"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        start_default_project()
        report = Report(title_en="Background", title_nl="Achtergrond")
        db.session.add(report)
        db.session.commit()
        version = start_build(report, "en", "pdf", background=True)
        assert version.status == "queued"
        seen = set()
        for _ in range(600):  # the worker process starts a fresh interpreter first
            db.session.expire_all()
            current = db.session.get(ReportVersion, version.id)
            seen.add(current.status)
            if current.status in ("done", "failed"):
                break
            time.sleep(0.05)
        assert current.status == "done" and current.number == 1 and current.content.startswith(b"%PDF")
        assert db.session.scalars(select(ReportVersion)).all() == [current]
        db.session.remove()
        db.engine.dispose()
