"""The capture screen, the finding list with delete and undo, edit conflicts, import and export."""
from __future__ import annotations

import csv
import io
import uuid

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.findings.services import (FindingConflict, FindingInput, create_finding, create_finding_once,
                                      delete_finding, update_finding)
from webapp.organisations.models import Organisation
from webapp.themes.models import Theme

from .conftest import text_of, follow_refused


@pytest.fixture
def activity(app, make_activity):
    db.session.add_all([
        Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding"),
        Theme(code="language", theme_group="topic", label_nl="Taalonderwijs", label_en="Language teaching"),
        Organisation(name="IKEA", stakeholder_type="employer"),
    ])
    db.session.commit()
    return make_activity()


def add(activity, text="A finding", themes=("funding",), **kwargs) -> Finding:
    return create_finding(FindingInput(activity.id, text, kwargs.pop("kind", "bottleneck"), "en", list(themes),
                                       **kwargs), author=None)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Finding))


def test_capture_screen_renders_with_a_fixed_number_of_queries(client, auth, activity, count_queries):
    auth.login("facilitator", locale="en")
    url = f"/capture/activities/{activity.id}"
    add(activity, organisation_id=1)
    client.get(url)  # warm up: first-request work is not the point
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for number in range(25):
        add(activity, f"Finding {number}", themes=("funding", "language"), organisation_id=1)
    with count_queries() as many:
        page = text_of(client.get(url))
    assert page.count('class="finding"') == 26
    assert len(many) == len(few)


def test_capture_screen_offers_themes_used_in_the_activity_first(client, auth, activity):
    auth.login("facilitator", locale="en")
    add(activity, themes=("language",))
    page = text_of(client.get(f"/capture/activities/{activity.id}"))
    assert page.index('value="language"') < page.index('value="funding"')
    for kind in ("bottleneck", "solution", "good_practice", "recommendation", "quote", "observation"):
        assert f'data-testid="kind-{kind}"' in page
    assert 'data-sw-url="/p/learn/capture/sw.js"' in page and "data-csrf=" in page


def test_the_service_worker_is_served_for_the_capture_scope(client, auth):
    auth.login("facilitator", locale="en")
    response = client.get("/capture/sw.js")
    assert response.status_code == 200 and "javascript" in response.content_type
    assert response.headers["Service-Worker-Allowed"] == "/p/learn/capture/"


def test_saving_without_javascript_stores_once(client, auth, activity):
    auth.login("facilitator", locale="en")
    form = {"client_id": str(uuid.uuid4()), "text": "Buddies on the shop floor help.", "kind": "solution",
            "language": "en", "themes": ["funding", "language"], "stakeholder_type": "employer", "organisation_id": "1"}
    assert client.post(f"/capture/activities/{activity.id}", data=form).status_code == 302
    assert client.post(f"/capture/activities/{activity.id}", data=form).status_code == 302  # a double tap
    assert count() == 1
    stored = db.session.scalar(select(Finding))
    assert ({t.code for t in stored.themes}, stored.organisation.name) == ({"funding", "language"}, "IKEA")
    typed = {"client_id": str(uuid.uuid4()), "text": "", "kind": "quote", "language": "nl"}
    refused = follow_refused(client, client.post(f"/capture/activities/{activity.id}", data=form | typed))
    assert count() == 1
    page = refused.get_data(as_text=True)  # the error, and what was chosen, kept (the same client_id)
    assert "The text of a finding cannot be empty." in page and typed["client_id"] in page
    assert "The text of a finding cannot be empty." not in text_of(client.get(f"/capture/activities/{activity.id}"))


def test_delete_hides_a_finding_everywhere_and_undo_brings_it_back(client, auth, activity):
    auth.login("facilitator", locale="en")
    kept, gone = add(activity, "Kept"), add(activity, "Removed by mistake")
    assert client.post(f"/findings/{gone.id}/delete").status_code == 302
    page = text_of(client.get(f"/activities/{activity.id}/findings"))
    listed = page.split('data-testid="finding-list"')[1]
    assert "Kept" in listed and "Removed by mistake" not in listed
    assert "Removed by mistake" in page.split('data-testid="recently-deleted"')[1]
    assert count() == 1  # hidden from other features' queries too
    assert client.get(f"/api/v1/findings/{gone.id}").status_code == 404
    assert client.post(f"/findings/{gone.id}/restore").status_code == 302
    assert count() == 2
    assert "Removed by mistake" in text_of(client.get(f"/activities/{activity.id}/findings"))
    assert kept.deleted_at is None


def test_a_stale_edit_shows_both_versions_and_overwrites_nothing(client, auth, activity):
    auth.login("facilitator", locale="en")
    finding = add(activity, "Original text")
    update_finding(finding, FindingInput(activity.id, "Changed by a colleague", "bottleneck", "en", ["funding"]))
    form = {"version": "1", "text": "My edit of the original", "kind": "bottleneck", "language": "en",
            "themes": ["funding"]}
    response = client.post(f"/findings/{finding.id}/edit", data=form)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Changed by a colleague" in page and "My edit of the original" in page
    assert 'name="version" value="2"' in page  # saving from here keeps mine on top of the current one
    db.session.expire_all()
    assert db.session.get(Finding, finding.id).text == "Changed by a colleague"
    assert client.post(f"/findings/{finding.id}/edit", data=form | {"version": "2"}).status_code == 302
    db.session.expire_all()
    assert (db.session.get(Finding, finding.id).text, db.session.get(Finding, finding.id).version) == (
        "My edit of the original", 3)


def test_a_create_that_loses_the_race_for_its_client_id_returns_the_winner(app, activity, count_queries):
    """Nothing is looked up before the INSERT (issue 17): a client_id stored meanwhile - by a
    resend, or by another request that committed first - is met at the unique constraint,
    and the loser answers with the winner (or a conflict for other content)."""
    client_id = uuid.uuid4()
    winner = add(activity, "Same words", client_id=client_id)
    data = FindingInput(activity.id, "Same words", "bottleneck", "en", ["funding"], client_id=client_id)
    with count_queries() as new_one:
        create_finding_once(FindingInput(activity.id, "New words", "bottleneck", "en", ["funding"]), author=None)
    assert not [q for q in new_one if "client_id =" in q]  # no look first
    finding, created = create_finding_once(data, author=None)
    assert (finding.id, created) == (winner.id, False)
    with pytest.raises(FindingConflict):
        create_finding_once(FindingInput(activity.id, "Other words", "bottleneck", "en", ["funding"],
                                         client_id=client_id), author=None)
    assert count() == 2


def test_a_deleted_findings_client_id_is_still_taken(activity):
    client_id = uuid.uuid4()
    finding = add(activity, "Deleted later", client_id=client_id)
    delete_finding(finding)
    again, created = create_finding_once(FindingInput(activity.id, "Deleted later", "bottleneck", "en", ["funding"],
                                                      client_id=client_id), author=None)
    assert (again.id, created) == (finding.id, False)


def _csv(rows: list[list[str]], delimiter=",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


def _upload(client, activity, content: bytes, name="transcript.csv"):
    return client.post(f"/activities/{activity.id}/findings/import",
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def _confirm(client, activity, preview: str):
    def hidden(name):
        return preview.split(f'name="{name}" value="')[1].split('"')[0]

    import html
    return client.post(f"/activities/{activity.id}/findings/import",
                       data={"confirm": "1", "batch": hidden("batch"), "rows": html.unescape(hidden("rows"))})


def test_an_import_with_a_bad_row_stores_nothing_and_says_which_row(client, auth, activity):
    auth.login("facilitator", locale="en")
    content = _csv([["text", "kind", "language", "themes", "organisation"],
                    ["Good row", "bottleneck", "en", "funding", "IKEA"],
                    ["", "solution", "nl", "", ""],
                    ["Third row", "rumour", "nl", "funding;nonsense", "Unknown BV"]], delimiter=";")
    response = _upload(client, activity, content)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    rows = page.split('data-testid="import-preview"')[1].split("<tr")[2:]
    assert "error" not in rows[0] and "The text of a finding cannot be empty." in rows[1]
    assert all(message in rows[2] for message in ("Unknown kind of finding.", "nonsense", "Unknown organisation"))
    assert 'data-testid="confirm-import"' not in page
    assert count() == 0


def test_a_valid_import_is_previewed_then_stored_once(client, auth, activity):
    auth.login("facilitator", locale="nl")
    content = _csv([["tekst", "soort", "taal", "thema's"],
                    ["Werkgevers willen één loket.", "Knelpunt", "nl", "funding"],
                    ["Buddy's helpen.", "good_practice", "nl", ""]])
    preview = _upload(client, activity, content)
    assert preview.status_code == 200 and count() == 0
    page = preview.get_data(as_text=True)
    assert _confirm(client, activity, page).status_code == 302
    assert _confirm(client, activity, page).status_code == 302  # submitted twice
    assert sorted(db.session.scalars(select(Finding.kind))) == ["bottleneck", "good_practice"]


def test_export_then_import_xlsx_round_trip_with_labels_in_the_chosen_language(client, auth, activity, make_activity):
    auth.login("facilitator", locale="en")
    add(activity, "=HYPERLINK(\"http://evil\")", themes=("funding", "language"))
    rows = list(csv.DictReader(io.StringIO(text_of(client.get(
        f"/activities/{activity.id}/findings.csv?lang=nl")).lstrip("\ufeff"))))
    assert rows[0]["theme_labels"] == "Financiering; Taalonderwijs"
    assert rows[0]["text"].startswith("'=")  # a spreadsheet must not run it as a formula
    workbook = load_workbook(io.BytesIO(client.get(f"/activities/{activity.id}/findings.xlsx?lang=en").data))
    sheet = list(workbook.active.values)
    assert sheet[0][9] == "theme_labels" and sheet[1][9] == "Funding; Language teaching"

    other = make_activity(title="Follow-up meeting")
    book = Workbook()
    book.active.append(["text", "kind", "language", "themes"])
    book.active.append(["Typed elsewhere", "observation", "en", "language"])
    buffer = io.BytesIO()
    book.save(buffer)
    preview = _upload(client, other, buffer.getvalue(), name="transcript.xlsx")
    assert preview.status_code == 200
    assert _confirm(client, other, preview.get_data(as_text=True)).status_code == 302
    assert [f.text for f in db.session.scalars(select(Finding).where(Finding.activity_id == other.id))] == [
        "Typed elsewhere"]


def test_activity_page_links_to_capture(client, auth, activity):
    auth.login("facilitator", locale="en")
    page = text_of(client.get(f"/activities/{activity.id}"))
    assert f'href="/p/learn/capture/activities/{activity.id}"' in page
    assert f'href="/p/learn/activities/{activity.id}/findings"' in page
