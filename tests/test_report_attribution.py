"""Attribution that follows consent (issue 22): a report names an organisation only with its
recorded consent, a person only by a pseudonym they consented to, and prints quotation marks
only for words recorded as said; staff set it on the finding and in the evidence picker."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest

from webapp.extensions import db
from webapp.findings.attribution import may_quote, resolve
from webapp.findings.models import Contributor, Finding
from webapp.organisations.models import Organisation
from webapp.reports.models import Recommendation, RecommendationFinding, Report, ReportChapter
from webapp.reports.services import collect_report, start_build
from webapp.themes.models import Theme

from .conftest import follow_refused, text_of


@pytest.fixture
def setup(app, make_activity):
    app.config["REPORT_BUILDS_INLINE"] = True
    theme = Theme(code="conditions", theme_group="recommendation", label_nl="Randvoorwaarden", label_en="Conditions")
    leiden = Organisation(name="Municipality of Leiden", stakeholder_type="municipality",
                          display_name_nl="Gemeente Leiden", display_name_en="Municipality of Leiden")
    consultation = make_activity(type="consultation", title="Municipality of Leiden")
    consultation.title_nl, consultation.title_en = "Gemeente Leiden", "Municipality of Leiden"
    consultation.organisations = [leiden]
    member = Contributor(kind="advisory_member", pseudonym_number=4, language="nl")
    said = Finding(activity=consultation, text="Wij maken elke dag keuzes die de wet openlaat.", language="nl",
                   kind="quote", organisation=leiden, themes=[theme], verbatim=True, attribution="organisation")
    board = Finding(activity=consultation, text="Ik wil werk waarin ik kan groeien.", language="nl", kind="quote",
                    contributor=member, themes=[theme], verbatim=True, attribution="pseudonym")
    report = Report(title_en="Report", title_nl="Rapport", chapters=[ReportChapter(theme=theme, recommendations=[
        Recommendation(title_en="Give a framework", title_nl="Geef een kader")])])
    db.session.add_all([said, board, report])
    db.session.flush()
    recommendation = report.chapters[0].recommendations[0]
    for finding in (said, board):
        recommendation.evidence.append(RecommendationFinding(finding=finding, quoted=True))
    db.session.commit()
    return report, said, board, leiden, member


def _printed(report, language="nl"):
    return {q["id"]: q for q in collect_report(report, language)["chapters"][0]["recommendations"][0]["quotes"]}


def test_without_recorded_consent_a_quote_prints_as_a_summary_naming_the_kind(app, setup):
    report, said, board, _leiden, _member = setup
    assert resolve(said).mode == "stakeholder_type" and not resolve(said).allowed and not may_quote(said)
    assert not may_quote(board)  # a pseudonym needs the person's consent
    printed = _printed(report)
    assert not printed[said.id]["quote"] and not printed[board.id]["quote"]
    # the consultation is titled with the organisation: without its consent, the type of activity instead
    assert printed[said.id]["by"] == "Individueel consultatiegesprek, een gemeente"
    assert "Leiden" not in printed[said.id]["by"] and "Leiden" not in printed[board.id]["by"]
    annex_report = report
    annex_report.evidence_annex = True
    db.session.commit()
    annex = collect_report(annex_report, "en")["evidence_annex"][0]["findings"]
    assert {f["source"] for f in annex} == {"Individual consultation, a municipality", "Individual consultation"}


def test_recorded_consent_lets_the_report_name_and_quote(client, auth, setup):
    report, said, board, leiden, member = setup
    auth.login("author", locale="en")
    edit = f"/organisations/{leiden.id}/edit"
    form = {"name": leiden.name, "stakeholder_type": "municipality", "display_name_nl": "Gemeente Leiden",
            "display_name_en": "Municipality of Leiden", "aliases": "", "notes": ""}
    # half a consent is refused, and what was typed comes back
    refused = follow_refused(client, client.post(edit, data={**form, "name_consent_by": "J. de Vries, spokesperson"}))
    assert refused.status_code == 200 and "J. de Vries, spokesperson" in refused.get_data(as_text=True)
    assert db.session.get(Organisation, leiden.id).name_consent_on is None
    response = client.post(edit, data={**form, "name_consent_on": "2024-03-12",
                                       "name_consent_by": "J. de Vries, spokesperson"})
    assert response.status_code == 302, response.get_data(as_text=True)
    leiden = db.session.get(Organisation, leiden.id, populate_existing=True)
    assert leiden.may_be_named, (response.headers, leiden.name_consent_on, leiden.name_consent_by) and leiden.name_consent_on == date(2024, 3, 12)
    assert "J. de Vries, spokesperson" in text_of(client.get(f"/organisations/{leiden.id}"))
    member.consent_given_at = datetime(2024, 3, 1, tzinfo=timezone.utc)
    db.session.commit()
    printed = _printed(report)
    assert printed[said.id]["quote"] and printed[said.id]["by"] == "Gemeente Leiden"
    assert printed[board.id]["quote"] and printed[board.id]["by"] == "Lid van de klankbordgroep 4"
    # the PDF prints quotation marks for them; the DOCX too
    from docx import Document

    document = Document(io.BytesIO(start_build(report, "nl", "docx").content))
    texts = [p.text for p in document.paragraphs]
    assert "“Wij maken elke dag keuzes die de wet openlaat.”" in texts and "— Gemeente Leiden" in texts


def test_a_summary_never_gets_quotation_marks_whatever_its_consent(app, setup):
    report, said, _board, leiden, _member = setup
    leiden.name_consent_on, leiden.name_consent_by = date(2024, 3, 12), "J. de Vries"
    said.verbatim = False  # the note-taker's words
    db.session.commit()
    printed = _printed(report)
    assert not printed[said.id]["quote"]
    assert printed[said.id]["by"] == "Gemeente Leiden"  # named (it consented), but not quoted


def test_staff_set_it_on_the_finding_and_the_screen_says_how_it_prints(client, auth, setup):
    _report, said, _board, _leiden, _member = setup
    auth.login("facilitator", locale="en")
    page = client.get(f"/findings/{said.id}/edit")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-testid="print-choices"' in body
    assert "consent to be named is not recorded" in body  # asks for the organisation's name without consent
    form = {"text": said.text, "kind": "quote", "language": "nl", "themes": ["conditions"],
            "organisation_id": said.organisation_id, "version": said.version, "print_shown": "1",
            "attribution": "stakeholder_type", "source_reference": "Minutes of 29 November 2022, p. 2"}
    response = client.post(f"/findings/{said.id}/edit", data=form)  # "verbatim" unticked
    assert response.status_code == 302
    db.session.expire_all()
    finding = db.session.get(Finding, said.id)
    assert (finding.verbatim, finding.attribution, finding.source_reference) == (
        False, "stakeholder_type", "Minutes of 29 November 2022, p. 2")
    refused = follow_refused(client, client.post(f"/findings/{said.id}/edit", data={
        **form, "version": finding.version, "attribution": "everyone", "text": "Typed again"}))
    assert refused.status_code == 200 and "Typed again" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Finding, said.id).attribution == "stakeholder_type"


def test_the_evidence_picker_sets_verbatim_and_attribution(client, auth, setup):
    report, said, board, _leiden, member = setup
    recommendation = report.chapters[0].recommendations[0]
    member.consent_given_at = datetime(2024, 3, 1, tzinfo=timezone.utc)
    db.session.commit()
    auth.login("author", locale="en")
    page = text_of(client.get(f"/reports/recommendations/{recommendation.id}"))
    assert f'data-testid="printed-as-{said.id}"' in page and f'name="attribution_{said.id}"' in page
    response = client.post(f"/reports/recommendations/{recommendation.id}/evidence", data={
        "shown": [said.id, board.id], "finding": [said.id, board.id], "quote": [said.id, board.id],
        "verbatim": [board.id], f"attribution_{said.id}": "none", f"attribution_{board.id}": "pseudonym"})
    assert response.status_code == 302
    db.session.expire_all()
    said, board = db.session.get(Finding, said.id), db.session.get(Finding, board.id)
    assert (said.verbatim, said.attribution) == (False, "none")
    assert (board.verbatim, board.attribution) == (True, "pseudonym") and may_quote(board)
    printed = _printed(report)
    assert printed[board.id]["quote"] and not printed[said.id]["quote"]
    assert printed[said.id]["by"] == "Individueel consultatiegesprek"  # attributed to nobody, the activity by its type


def test_a_box_can_follow_a_recommendation_and_go_without_a_number(client, auth, setup):
    report, *_rest = setup
    recommendation = report.chapters[0].recommendations[0]
    auth.login("author", locale="en")
    for title, extra in (("Numbered", {}), ("Plain", {"unnumbered": "y"})):
        response = client.post(f"/reports/{report.id}/boxes/new", data={
            "place": f"recommendation:{recommendation.id}", "position": 0, "title_en": title, "title_nl": title,
            "body_en": "Text.", "body_nl": "Tekst.", **extra})
        assert response.status_code == 302
    boxes = collect_report(report, "en")["chapters"][0]["recommendations"][0]["boxes"]
    assert [(b["number"], b["title"]) for b in boxes] == [(1, "Numbered"), (None, "Plain")]
    page = text_of(client.get(f"/reports/{report.id}/boxes/{report.boxes[1].id}"))
    assert f'<option selected value="recommendation:{recommendation.id}">' in page


def test_the_csv_export_and_import_carry_how_a_finding_may_print(client, auth, setup, make_activity):
    import csv

    from sqlalchemy import select

    import lxml.html

    from tests.conftest import text_of

    def doc(response):
        return lxml.html.fromstring(response.get_data(as_text=True))

    _report, said, *_ = setup
    said.source_reference = "Jaarverslag 2024, p. 3"
    db.session.commit()
    auth.login("facilitator", locale="en")
    response = client.get(f"/activities/{said.activity_id}/findings.csv")
    assert response.status_code == 200
    rows = {row["text"]: row for row in csv.DictReader(io.StringIO(text_of(response).lstrip("\ufeff")))}
    assert {k: rows[said.text][k] for k in ("verbatim", "attribution", "source_reference")} == {
        "verbatim": "yes", "attribution": "organisation", "source_reference": "Jaarverslag 2024, p. 3"}

    other = make_activity(type="maab", title="Second session")
    rows = [["tekst", "soort", "taal", "letterlijk", "toeschrijving", "vindplaats"],
            ["Words as said", "quote", "en", "ja", "none", "Notes, p. 2"],
            ["A summary", "observation", "en", "nee", "", ""]]

    def upload(rows):
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return client.post(f"/activities/{other.id}/findings/import",
                           data={"file": (io.BytesIO(out.getvalue().encode()), "t.csv")},
                           content_type="multipart/form-data")

    refused = upload([*rows, ["Unclear", "observation", "en", "perhaps", "", ""]])
    assert refused.status_code == 422
    previewed = doc(refused).xpath("//table[@data-testid='import-preview']/tbody/tr")
    assert [row.get("class") for row in previewed] == [None, None, "has-error"]
    assert "Write yes or no." in previewed[2].text_content()

    preview = upload(rows)
    assert preview.status_code == 200
    page = doc(preview)
    assert client.post(f"/activities/{other.id}/findings/import", data={
        "confirm": "1", "batch": page.xpath("//input[@name='batch']/@value")[0],
        "rows": page.xpath("//input[@name='rows']/@value")[0]}).status_code == 302
    imported = {f.text: f for f in db.session.scalars(select(Finding).where(Finding.activity_id == other.id))}
    assert (imported["Words as said"].verbatim, imported["Words as said"].attribution,
            imported["Words as said"].source_reference) == (True, "none", "Notes, p. 2")
    assert (imported["A summary"].verbatim, imported["A summary"].attribution,
            imported["A summary"].source_reference or None) == (False, "stakeholder_type", None)
