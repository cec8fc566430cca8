"""The preflight (issue 22): one page per report version lists everything that stops publication,
each with a link to fix it; publishing with open items asks for a reason, kept beside the
version (the audit log records only codes and counts); `flask report build` prints the same list.
And the glossary the preflight reads, which also names activity types on the screens."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from webapp.audit.models import AuditEntry
from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.glossary.models import GlossaryEntry
from webapp.organisations.models import Organisation
from webapp.reports.models import (PublicationOverride, Recommendation, RecommendationFinding, Report, ReportBox,
                                   ReportChapter)
from webapp.reports.preflight import CHECKS, preflight, summary
from webapp.reports.services import set_chapter_surveys, start_build
from webapp.themes.models import Theme

from .conftest import follow_refused, text_of
from .test_report_surveys import make_survey


@pytest.fixture
def report(app, make_activity):
    """A report with one of every open item in Dutch."""
    app.config["REPORT_BUILDS_INLINE"] = True
    theme = Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding")
    other = Theme(code="modular", theme_group="recommendation", label_nl="Modulair", label_en="Modular")
    leiden = Organisation(name="Municipality of Leiden", stakeholder_type="municipality")
    consultation = make_activity(type="consultation", title="Municipality of Leiden")
    consultation.title_nl = consultation.title_en = "Gemeente Leiden"
    meeting = make_activity(type="taking_stock", title="Session")
    meeting.title_nl = meeting.title_en = "Sessie"
    quote = Finding(activity=consultation, text="Wij zoeken het geld bij elkaar.", language="nl", kind="quote",
                    organisation=leiden, verbatim=True, attribution="organisation", themes=[theme])
    english = Finding(activity=meeting, text="Funding stops after the pilot.", language="en", kind="bottleneck",
                      themes=[theme])
    db.session.add(GlossaryEntry(preferred_nl="statushouder", preferred_en="permit holder",
                                 deprecated_nl="vergunninghouder", deprecated_en="status holder"))
    report = Report(title_nl="Rapport", title_en="Report", emblem="eu", emblem_alt_en="Flag", chapters=[
        ReportChapter(theme=theme, position=0, intro_nl="Geld.", intro_en="Money.", recommendations=[
            Recommendation(position=0, title_en="Fund it", body_en="Fund it.", title_nl="", body_nl=""),
            Recommendation(position=1, title_nl="Voor elke vergunninghouder", body_nl="Tekst.",
                           title_en="For every permit holder", body_en="Text."),
            Recommendation(position=2, title_nl="Zonder bewijs", body_nl="Tekst.", title_en="Unsupported",
                           body_en="Text.")]),
        ReportChapter(theme=other, position=1)])
    db.session.add(report)
    db.session.flush()
    first = report.chapters[0].recommendations[0]
    first.evidence += [RecommendationFinding(finding=quote, quoted=True),
                       RecommendationFinding(finding=english, quoted=True)]
    report.boxes.append(ReportBox(section="problem_analysis", title_nl="Leeg", title_en="Empty"))
    # a photo placed as a figure, then marked again as "may show people or names": left out
    from webapp.photos.models import Photo
    from webapp.reports.figures import ReportFigure

    photo = Photo(activity=meeting, file_key="not-cleared", width=40, height=30, upload_sha256="0" * 64)
    db.session.add(ReportFigure(report=report, photo=photo, chapter=report.chapters[0], alt_nl="Foto", alt_en="Photo",
                                caption_nl="Foto", caption_en="Photo"))
    db.session.commit()
    set_chapter_surveys(report.chapters[0], {make_survey(status="open").id})  # open, but no answers yet
    db.session.commit()
    return report


def test_the_preflight_lists_one_item_of_every_kind_with_the_screen_that_fixes_it(client, auth, report):
    items = preflight(report, "nl")
    assert [item.code for item in items] == sorted((item.code for item in items), key=list(CHECKS).index)
    assert set(CHECKS) == {item.code for item in items}
    by_code = {code: [i for i in items if i.code == code] for code in CHECKS}
    assert any(i.endpoint == "reports.recommendation" for i in by_code["untranslated"])  # 1.1 has no Dutch
    assert any(i.endpoint == "reports.translations" for i in by_code["untranslated"])  # the English finding
    assert [i.endpoint for i in by_code["consent"]] == ["findings.edit"]
    assert "vergunninghouder" in by_code["glossary"][0].message and "statushouder" in by_code["glossary"][0].message
    assert {i.message.split()[1] for i in by_code["one_source"]} == {"1.2", "1.3"}  # 1.1: two kinds of activity
    assert by_code["alt_text"][0].endpoint == "reports.edit"
    assert [i.endpoint for i in by_code["figures"]] == ["reports.figure_form"]
    assert {i.endpoint for i in by_code["empty"]} == {"reports.chapter", "reports.box_form"}
    assert by_code["survey"][0].endpoint == "reports.chapter"
    # every link opens the screen that fixes it
    auth.login("admin", locale="nl")
    from flask import url_for

    with client.application.test_request_context():
        from webapp.projects.scope import set_scope

        set_scope(report.project, (report.project_id,))
        urls = {url_for(i.endpoint, project_slug=report.project.slug, **i.values) for i in items}
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert summary(items)[0] == {"code": "untranslated", "count": len(by_code["untranslated"])}
    # English has its own list: no untranslated title there, but the emblem has its alt text
    assert "alt_text" not in {i.code for i in preflight(report, "en")}


def test_publishing_with_open_items_asks_for_a_reason_kept_beside_the_version(client, auth, report):
    version = start_build(report, "nl", "docx")
    auth.login("author", locale="en")
    page = client.get(f"/reports/versions/{version.id}/preflight")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="check-consent"' in body and 'name="reason"' in body
    assert f"/findings/{report.chapters[0].recommendations[0].evidence[0].finding_id}/edit\"" in body
    refused = follow_refused(client, client.post(f"/reports/builds/{version.id}/publish", data={"reason": " "}),
                             f"/reports/versions/{version.id}/preflight")
    assert refused.status_code == 200 and "give a reason" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert version.published_at is None
    reason = "The board asked for this draft before its meeting of 4 June; Ms Jansen agreed."
    response = client.post(f"/reports/builds/{version.id}/publish", data={"reason": reason})
    assert response.status_code == 302
    db.session.expire_all()
    assert version.published_at is not None
    override = db.session.scalar(select(PublicationOverride).where(PublicationOverride.version_id == version.id))
    assert override.reason == reason and {"code": "consent", "count": 1} in override.open_items
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "publish"))
    assert entry.detail["open_items"] == sum(i["count"] for i in override.open_items)
    assert "consent" in entry.detail["open_item_codes"] and entry.detail["override"] == override.id
    assert "Jansen" not in str(entry.detail)  # the audit log holds codes and counts, never the reason
    assert reason in text_of(client.get(f"/reports/versions/{version.id}/preflight"))


def test_a_clean_version_publishes_without_a_reason(client, auth, report):
    for chapter in list(report.chapters):
        db.session.delete(chapter)
    for box in list(report.boxes):
        db.session.delete(box)
    report.emblem, report.emblem_alt_en = None, ""
    db.session.commit()
    assert [i.code for i in preflight(report, "nl")] == []
    version = start_build(report, "nl", "docx")
    auth.login("author", locale="en")
    assert 'data-testid="no-open-items"' in client.get(f"/reports/versions/{version.id}/preflight").get_data(
        as_text=True)
    assert client.post(f"/reports/builds/{version.id}/publish").status_code == 302
    assert db.session.scalar(select(PublicationOverride)) is None


def test_the_build_command_prints_the_same_list(runner, report):
    result = runner.invoke(args=["report", "build", "--report-id", str(report.id), "--lang", "nl", "--format",
                                 "docx", "--out", "/dev/null"])
    assert result.exit_code == 0, result.output
    items = preflight(report, "nl")
    assert f"preflight: {len(items)} open items" in result.output
    for code in CHECKS:
        assert f"  {code}: " in result.output


def test_the_demo_report_has_no_open_items(runner):
    from .conftest import load_demo_data
    from webapp.reports.services import demo_report

    load_demo_data(runner)
    for language in ("nl", "en"):
        assert [f"{i.code}: {i.message}" for i in preflight(demo_report(), language)] == []


# ---------------------------------------------------------------- the glossary

def test_the_glossary_renames_an_activity_type_on_the_screens_and_in_the_report(client, auth, report):
    auth.login("facilitator", locale="en")
    assert client.get("/glossary/").status_code == 200
    assert client.get("/glossary/new").status_code == 403  # authors and admins keep it
    auth.logout()
    auth.login("author", locale="en")
    form = {"preferred_nl": "inventarisatiesessie", "preferred_en": "taking-stock session",
            "deprecated_nl": "tussentijdse evaluatiesessie", "deprecated_en": "stock taking session\nevaluation session",
            "activity_type": "taking_stock", "note": ""}
    assert client.post("/glossary/new", data=form).status_code == 302
    # a second entry for the same kind of activity is refused, what was typed kept
    refused = follow_refused(client, client.post("/glossary/new", data={**form, "preferred_en": "Typed again"}))
    assert "Typed again" in refused.get_data(as_text=True)
    page = text_of(client.get("/glossary/"))
    assert "stock taking session" in page and "Taking-stock session" in page
    entry = db.session.scalar(select(GlossaryEntry).where(GlossaryEntry.activity_type == "taking_stock"))
    entry.preferred_en = "stock-take"
    db.session.commit()
    listing = text_of(client.get("/activities/?type=taking_stock"))
    assert "Stock-take" in listing
    first = report.chapters[0].recommendations[0]
    from webapp.reports.services import collect_report

    assert "Stock-take: 1" in collect_report(report, "en")["chapters"][0]["recommendations"][0]["evidence"]
    assert "Inventarisatiesessie: 1" in collect_report(report, "nl")["chapters"][0]["recommendations"][0]["evidence"]
    assert first.title_en == "Fund it"


def test_replaced_terms_are_found_as_words_in_any_case():
    from webapp.glossary.services import terms_in

    import re

    patterns = [(re.compile(r"(?<!\w)status holder(?:s|es|en|'s)?(?!\w)", re.IGNORECASE), "permit holder", 1)]
    assert [t.term for t in terms_in("Status holders and a status holder.", patterns)] == [
        "Status holders", "status holder"]
    assert terms_in("The statusholder wrote.", patterns) == []  # another word: its own entry


def test_sample_data_is_marked_on_the_screens(client, auth, make_activity):
    sample = make_activity(type="sample", title="Fictional example: a conversation")
    db.session.commit()
    auth.login("facilitator", locale="en")
    for url in (f"/activities/{sample.id}", f"/activities/{sample.id}/findings", "/activities/?type=sample"):
        page = client.get(url)
        assert page.status_code == 200 and "sample" in page.get_data(as_text=True).lower(), url
    assert 'data-testid="sample-data"' in text_of(client.get(f"/activities/{sample.id}"))
    assert f'data-testid="sample-{sample.id}"' in text_of(client.get("/activities/"))
