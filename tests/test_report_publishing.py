"""Evidence chosen by argument, quotes that are people's words, translations of what a report prints."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from webapp.extensions import db
from webapp.findings.models import Contributor, Finding, FindingTranslation
from webapp.organisations.models import Organisation
from webapp.reports.models import Recommendation, RecommendationFinding, Report, ReportChapter
from webapp.reports.collect import collect_report
from webapp.reports.evidence import EvidenceFilters, evidence_candidates, evidence_summary, update_evidence
from webapp.reports.translations import untranslated_findings
from webapp.themes.models import Theme

from .conftest import text_of, follow_refused


@pytest.fixture
def setup(app, make_activity):
    app.config["REPORT_BUILDS_INLINE"] = True
    theme = Theme(code="conditions", theme_group="recommendation", label_nl="Randvoorwaarden", label_en="Conditions")
    other = Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding")
    org = Organisation(name="Municipality of Leiden", stakeholder_type="municipality",
                       display_name_nl="Gemeente Leiden", display_name_en="Municipality of Leiden")
    member = Contributor(kind="advisory_member", pseudonym_number=3, name="Secret Name", language="ar",
                         consent_given_at=datetime(2023, 6, 1, tzinfo=timezone.utc))
    meeting = make_activity(type="ln_meeting", title="Workshop Practical Learning")
    meeting.title_nl, meeting.title_en = "Workshop Praktijkleren", "Workshop Practical Learning"
    round_2 = make_activity(type="maab", title="Advisory board round 2", day=None)
    round_2.title_nl, round_2.title_en = "Klankbordgroep, ronde 2", "Advisory board, round 2"
    findings = {
        "childcare": Finding(activity=meeting, text="Without childcare mothers cannot combine classes and work.",
                             language="en", kind="bottleneck", organisation=org, themes=[theme]),
        "travel": Finding(activity=meeting, text="Travel costs are not reimbursed for trainees.", language="en",
                          kind="bottleneck", themes=[theme]),
        "quote": Finding(activity=round_2, text="بدون حضانة لا أستطيع العمل", language="ar", kind="quote",
                         contributor=member, themes=[theme], verbatim=True, attribution="pseudonym"),
        "paraphrase": Finding(activity=round_2, text="Members noticed that childcare decides everything.",
                              language="en", kind="observation", contributor=member, themes=[theme]),
        "money": Finding(activity=meeting, text="Geld voor trajecten stopt na de pilot.", language="nl",
                         kind="bottleneck", themes=[other]),
    }
    report = Report(title_en="Report", title_nl="Rapport", chapters=[ReportChapter(theme=theme, recommendations=[
        Recommendation(title_en="Arrange childcare first", title_nl="Regel eerst kinderopvang",
                       body_en="Arrange childcare before a mother starts work and classes.",
                       body_nl="Regel kinderopvang voordat een moeder start met werk en lessen."),
        Recommendation(title_en="Second", title_nl="Tweede")])])
    db.session.add_all([*findings.values(), report])
    db.session.commit()
    return report, findings


def test_picker_ranks_by_closeness_filters_and_pages(app, setup):
    report, f = setup
    recommendation = report.chapters[0].recommendations[0]
    page = evidence_candidates(recommendation, EvidenceFilters(theme_id=report.chapters[0].theme_id))
    ids = [finding.id for finding, _score in page.items]
    assert ids[0] == f["childcare"].id  # shares "childcare", "mothers", "work", "classes"
    assert f["money"].id not in ids  # another theme
    assert page.total == 4
    assert [x.id for x, _ in evidence_candidates(recommendation, EvidenceFilters(language="ar")).items] == [
        f["quote"].id]
    assert [x.id for x, _ in evidence_candidates(recommendation, EvidenceFilters(kind="quote")).items] == [
        f["quote"].id]
    organisation = evidence_candidates(recommendation, EvidenceFilters(organisation_id=f["childcare"].organisation_id))
    assert [x.id for x, _ in organisation.items] == [f["childcare"].id]
    second = evidence_candidates(recommendation, EvidenceFilters(), page=2, per_page=2)
    assert (second.page, second.pages, len(second.items)) == (2, 3, 2)
    update_evidence(recommendation, {f["childcare"].id}, {f["childcare"].id}, set())
    assert f["childcare"].id not in [x.id for x, _ in evidence_candidates(recommendation, EvidenceFilters()).items]


def test_a_finding_is_quoted_once_per_report_and_links_on_other_pages_stay(app, setup):
    report, f = setup
    first, second = report.chapters[0].recommendations
    update_evidence(first, {f["quote"].id, f["travel"].id}, {f["quote"].id, f["travel"].id}, {f["quote"].id})
    refused = update_evidence(second, {f["quote"].id}, {f["quote"].id}, {f["quote"].id})
    assert refused == [f["quote"].id]
    assert not db.session.get(RecommendationFinding, (second.id, f["quote"].id)).quoted
    # saving a page that shows only "childcare" leaves the other links alone
    update_evidence(first, {f["childcare"].id}, {f["childcare"].id}, set())
    assert {link.finding_id for link in first.evidence} == {f["quote"].id, f["travel"].id, f["childcare"].id}


def test_quotes_are_peoples_words_and_other_evidence_is_attributed_to_its_activity(app, setup):
    report, f = setup
    first = report.chapters[0].recommendations[0]
    everything = {x.id for x in f.values() if x is not f["money"]}
    update_evidence(first, everything, everything, {f["quote"].id, f["paraphrase"].id, f["childcare"].id})
    db.session.add(FindingTranslation(finding=f["quote"], language="nl", text="Zonder opvang kan ik niet werken"))
    db.session.commit()
    data = collect_report(report, "nl")
    printed = {q["id"]: q for q in data["chapters"][0]["recommendations"][0]["quotes"]}
    assert printed[f["quote"].id]["quote"] and printed[f["quote"].id]["by"] == "Lid van de klankbordgroep 3"
    assert printed[f["quote"].id]["dir"] == "rtl" and printed[f["quote"].id]["translation"].startswith("Zonder")
    assert not printed[f["paraphrase"].id]["quote"]
    assert printed[f["paraphrase"].id]["by"] == "Klankbordgroep, ronde 2"
    # a summary's source: the activity, and the organisation by its kind (it did not consent to be named)
    assert printed[f["childcare"].id]["by"] == "Workshop Praktijkleren, een gemeente"
    assert printed[f["childcare"].id]["untranslated"]  # English, no Dutch yet: listed before building
    assert f["childcare"] in untranslated_findings(report, "nl")
    assert f["quote"] not in untranslated_findings(report, "nl")
    assert "Gemeente Leiden" in data["chapters"][0]["recommendations"][0]["evidence"] or \
        "organisatie" in data["chapters"][0]["recommendations"][0]["evidence"]


def test_one_source_warning(app, setup):
    report, f = setup
    first = report.chapters[0].recommendations[0]
    update_evidence(first, {f["childcare"].id, f["travel"].id}, {f["childcare"].id, f["travel"].id}, set())
    assert evidence_summary([first.id])[first.id]["one_source"]  # both from learning-network meetings
    update_evidence(first, {f["quote"].id}, {f["quote"].id}, set())
    assert not evidence_summary([first.id])[first.id]["one_source"]


def test_screens_show_no_evidence_one_source_and_build_anyway(client, auth, setup):
    report, f = setup
    first, second = report.chapters[0].recommendations
    update_evidence(first, {f["childcare"].id, f["travel"].id}, {f["childcare"].id, f["travel"].id}, set())
    report.evidence_annex = True  # the annex prints every linked finding: English ones need Dutch
    db.session.commit()
    auth.login("author", locale="en")
    page = text_of(client.get(f"/reports/{report.id}"))
    assert f'data-testid="no-evidence-{second.id}"' in page and "no evidence linked" in page
    assert f'data-testid="one-source-{first.id}"' in page
    assert 'data-testid="untranslated-nl"' in page and f"/reports/{report.id}/translations/nl" in page
    page = text_of(client.get(f"/reports/recommendations/{first.id}"))
    assert 'data-testid="one-source"' in page
    page = text_of(client.get(f"/reports/recommendations/{first.id}?theme=&language=ar"))
    assert 'data-testid="candidate-%d"' % f["quote"].id in page and "Travel costs" in page  # linked stay listed
    assert 'data-testid="candidate-%d"' % f["money"].id not in page
    response = client.post(f"/reports/{report.id}/builds", data={"language": "nl", "format": "docx"},
                           headers={"Accept": "application/json"})
    assert response.get_json()["status"] == "done"


def test_translation_screen_saves_refuses_too_long_and_keeps_the_text(client, auth, setup):
    report, f = setup
    first = report.chapters[0].recommendations[0]
    update_evidence(first, {f["childcare"].id}, {f["childcare"].id}, {f["childcare"].id})
    auth.login("author", locale="nl")
    url = f"/reports/{report.id}/translations/nl"
    page = text_of(client.get(url))
    assert "Without childcare" in page and 'data-testid="translate-%d"' % f["childcare"].id in page
    too_long = "x" * 10_001
    response = follow_refused(client, client.post(url, data={"finding_id": f["childcare"].id, "text": too_long}))
    body = response.get_data(as_text=True)
    assert "Een vertaling kan maximaal 10000 tekens lang zijn." in body.replace(".", "", 1) or "tekens lang zijn" in body
    assert too_long in body  # what was typed is not lost
    response = client.post(url, data={"finding_id": f["childcare"].id, "text": "Zonder kinderopvang ...",
                                      "checked": "y"})
    assert response.status_code == 302
    translation = db.session.get(Finding, f["childcare"].id).translations[0]
    assert (translation.language, translation.checked) == ("nl", True)
    assert untranslated_findings(report, "nl") == []


def test_evidence_matrix_shows_recommendations_resting_on_one_source(client, auth, setup):
    report, f = setup
    first = report.chapters[0].recommendations[0]
    update_evidence(first, {f["childcare"].id, f["travel"].id}, {f["childcare"].id, f["travel"].id}, set())
    auth.login("author", locale="en")
    page = text_of(client.get("/analysis/evidence"))
    assert 'data-testid="recommendation-sources"' in page and "1.1 Arrange childcare first" in page
    assert 'data-testid="matrix-one-source"' in page and "no evidence linked" in page


def test_author_adds_numbered_boxes_in_a_chapter_and_a_report_text(client, auth, setup):
    report, _f = setup
    report.problem_analysis_en = report.problem_analysis_nl = "Analysis."
    db.session.commit()
    auth.login("author", locale="en")
    chapter = report.chapters[0]
    for place, title in ((f"chapter:{chapter.id}", "Language as a means"), ("problem_analysis", "Figures")):
        response = client.post(f"/reports/{report.id}/boxes/new", data={
            "place": place, "position": 0, "title_en": title, "title_nl": title, "body_en": "Text.", "body_nl": "Tekst."})
        assert response.status_code == 302
    refused = follow_refused(client, client.post(f"/reports/{report.id}/boxes/new",
                                                 data={"place": "chapter:999", "title_en": "Box typed"}))
    assert 'value="Box typed"' in refused.get_data(as_text=True)
    data = collect_report(report, "en")
    assert [(b["number"], b["title"]) for b in data["problem_analysis_boxes"]] == [(1, "Figures")]
    assert [(b["number"], b["title"]) for b in data["chapters"][0]["boxes"]] == [(2, "Language as a means")]
    assert "Figures" in text_of(client.get(f"/reports/{report.id}"))
