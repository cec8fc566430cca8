"""The report screens: authors link evidence, build and download; others are kept out."""
from __future__ import annotations

import pytest

from webapp.extensions import db
from webapp.findings.models import Contributor, Finding
from webapp.organisations.models import Organisation
from webapp.reports.models import Recommendation, Report, ReportChapter, ReportVersion
from webapp.themes.models import Theme

from .conftest import text_of, follow_refused


@pytest.fixture
def setup(app, make_activity):
    app.config["REPORT_BUILDS_INLINE"] = True
    theme = Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding")
    sub = Theme(code="funding-sub", theme_group="recommendation", label_nl="Sub", label_en="Sub", parent=theme)
    org = Organisation(name="Divosa", stakeholder_type="network")
    member = Contributor(kind="advisory_member", pseudonym_number=4, name="Secret Name", language="ar")
    consultation = make_activity(type="consultation", title="Divosa")
    findings = [
        Finding(activity=consultation, text="Money runs out after the pilot.", language="en", kind="bottleneck",
                organisation=org, themes=[theme]),
        Finding(activity=make_activity(type="maab", title="Round 1", day=None), text="نحتاج إلى عمل ثابت",
                language="ar", kind="quote", contributor=member, themes=[sub]),
        Finding(activity=consultation, text="Unrelated finding.", language="en", kind="observation"),
    ]
    report = Report(title_en="Report", title_nl="Rapport", chapters=[ReportChapter(theme=theme, recommendations=[
        Recommendation(title_en="Fund structurally", title_nl="Financier structureel")])])
    db.session.add_all([*findings, report])
    db.session.commit()
    return report, findings


def test_author_links_findings_sees_counts_and_quotes_under_a_pseudonym(client, auth, setup):
    report, findings = setup
    recommendation = report.chapters[0].recommendations[0]
    auth.login("author", locale="en")
    page = text_of(client.get(f"/reports/recommendations/{recommendation.id}"))
    assert "Money runs out" in page and "نحتاج" in page  # theme and sub-theme findings are offered
    assert "Unrelated finding" not in page
    assert "Secret Name" not in page and "Advisory board member 4" in page

    response = client.post(f"/reports/recommendations/{recommendation.id}/evidence",
                           data={"finding": [findings[0].id, findings[1].id], "quote": [findings[1].id]})
    assert response.status_code == 302
    page = text_of(client.get(f"/reports/recommendations/{recommendation.id}"))
    assert "2 findings support this recommendation." in page
    assert "Individual consultation" in page and "Divosa" in page  # counts by source type and organisation

    response = client.post(f"/reports/{report.id}/builds", data={"language": "en", "format": "pdf"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 202
    status = response.get_json()
    assert status["status"] == "done" and status["number"] == 1
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert client.get(status["status_url"]).get_json()["progress"] == 100


def test_report_page_lists_missing_translations(client, auth, setup):
    report, _ = setup
    report.executive_summary_en = "Only in English."
    db.session.commit()
    auth.login("author", locale="en")
    page = text_of(client.get(f"/reports/{report.id}"))
    assert 'data-testid="missing-nl"' in page and "executive_summary" in page
    assert 'data-testid="missing-en"' not in page


@pytest.mark.parametrize("role", ["facilitator", "advisor", "reviewer"])
def test_only_authors_and_admins_reach_reports(client, auth, setup, role):
    report, _ = setup
    auth.login(role)
    assert client.get(f"/reports/{report.id}").status_code == 403
    assert client.post(f"/reports/{report.id}/builds", data={"language": "en", "format": "pdf"}).status_code == 403
    assert client.get("/reference/good-examples").status_code == 403


def test_good_examples_and_sources_can_be_managed(client, auth, setup):
    auth.login("admin", locale="en")
    response = client.post("/reference/good-examples/new", data={
        "title_en": "Pilot <b>X</b>", "title_nl": "", "place": "Tilburg", "results_en": "12 jobs"})
    assert response.status_code == 302
    page = text_of(client.get("/reference/good-examples"))
    assert "Pilot &lt;b&gt;X&lt;/b&gt;" in page
    refused = follow_refused(client, client.post("/reports/sources/new", data={"key": "bad key!", "citation_en": "x"}))
    assert 'value="bad key!"' in refused.get_data(as_text=True)
    assert client.post("/reports/sources/new", data={"key": "scp-2021", "citation_en": "SCP"}).status_code == 302
    assert client.post("/reference/abbreviations/new", data={
        "abbreviation": "UWV", "definition_nl": "Uitvoeringsinstituut", "definition_en": "Employee Insurance Agency"}
    ).status_code == 302


def test_version_download_needs_a_finished_build(client, auth, setup):
    report, _ = setup
    version = ReportVersion(report_id=report.id, language="en", format="pdf", status="running", content_hash="x" * 64)
    db.session.add(version)
    db.session.commit()
    auth.login("author")
    assert client.get(f"/reports/builds/{version.id}/download").status_code == 404


def test_author_reorders_and_deletes_recommendations(client, auth, app):
    from webapp.reports.models import Recommendation, Report, ReportChapter
    from webapp.themes.models import Theme

    theme = Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding")
    report = Report(title_en="R", title_nl="R")
    chapter = ReportChapter(report=report, theme=theme)
    chapter.recommendations = [Recommendation(title_en=t, title_nl=t, position=i) for i, t in enumerate("ABC")]
    db.session.add_all([theme, report, chapter])
    db.session.commit()
    a, b, c = chapter.recommendations
    auth.login("author", locale="en")
    assert client.post(f"/reports/recommendations/{c.id}/move", data={"direction": "up"}).status_code == 302
    db.session.expire_all()
    assert [r.title_en for r in db.session.get(ReportChapter, chapter.id).recommendations] == ["A", "C", "B"]
    assert client.post(f"/reports/recommendations/{a.id}/move", data={"direction": "up"}).status_code == 302  # no-op
    response = client.post(f"/reports/recommendations/{c.id}/delete", follow_redirects=True)
    assert response.status_code == 200
    assert "Recommendation deleted." in response.get_data(as_text=True)
    db.session.expire_all()
    remaining = db.session.get(ReportChapter, chapter.id).recommendations
    assert [(r.title_en, r.position) for r in remaining] == [("A", 0), ("B", 1)]


def test_missing_translations_are_named_in_the_interface_language(client, auth, setup):
    report, _ = setup
    report.executive_summary_en = "Only in English."
    db.session.commit()
    auth.login("author", locale="nl")
    page = text_of(client.get(f"/reports/{report.id}"))
    assert "Rapport: samenvatting" in page
    client.post("/language", data={"language": "en"})
    assert "Report: executive summary" in text_of(client.get(f"/reports/{report.id}"))
