"""Staff's translation beside a finding's original text, everywhere staff work with findings:
the edit screen (with its conflict check), every list, export/import and the API."""
from __future__ import annotations

import csv
import io
import uuid

import lxml.html
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.findings.models import Finding, FindingTranslation
from webapp.findings.services import FindingInput, create_finding, input_from_finding, update_finding
from webapp.themes.models import Theme

from .conftest import text_of, follow_refused

ARABIC = "أصحاب العمل يريدون نقطة اتصال واحدة."
DUTCH = "Werkgevers willen één loket."


@pytest.fixture
def activity(app, make_activity):
    db.session.add(Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding"))
    db.session.commit()
    return make_activity(type="maab", title="Advisory board session")


def arabic_finding(activity, translation: str | None = DUTCH, translation_language: str | None = "nl") -> Finding:
    return create_finding(FindingInput(activity.id, ARABIC, "quote", "ar", ["funding"], client_id=uuid.uuid4(),
                                       translation=translation, translation_language=translation_language),
                          author=None)


def stored(finding_id: int) -> Finding:
    db.session.expire_all()
    return db.session.get(Finding, finding_id)


def edit_form(finding: Finding, **change) -> dict:
    """What the edit screen posts: a field per stored translation, and one translation to add."""
    return {"version": str(finding.version), "text": finding.text, "kind": finding.kind, "language": finding.language,
            "themes": [t.code for t in finding.themes], "translations_shown": "1",
            **{f"translation_{code}": text for code, text in finding.translation_texts.items()},
            "translation": "", "translation_language": "nl"} | change


def doc(response):
    return lxml.html.fromstring(response.get_data(as_text=True))


# --- the edit screen -------------------------------------------------------------------------

def test_staff_add_a_translation_on_the_edit_screen(client, auth, activity):
    auth.login("facilitator", locale="en")
    finding = arabic_finding(activity, translation=None, translation_language=None)
    page = doc(client.get(f"/findings/{finding.id}/edit"))
    assert page.xpath("//textarea[@name='translation']")[0].text in (None, "")
    # a language other than the original's is offered first: the staff member's own
    assert page.xpath("//select[@name='translation_language']/option[@selected]/@value") == ["en"]
    assert "ar" in page.xpath("//select[@name='translation_language']/option/@value")

    response = client.post(f"/findings/{finding.id}/edit",
                           data=edit_form(finding, translation=f"  {DUTCH} ", translation_language="nl"))
    assert response.status_code == 302
    saved = stored(finding.id)
    assert (saved.text, saved.language, saved.translation_texts) == (ARABIC, "ar", {"nl": DUTCH})
    assert [(t.language, t.checked) for t in saved.translations] == [("nl", False)]
    assert saved.version == 2

    # the stored translation has its own field, in its language; the empty one adds another
    page = doc(client.get(f"/findings/{finding.id}/edit"))
    stored_field = page.xpath("//textarea[@name='translation_nl']")[0]
    assert (stored_field.text, stored_field.get("lang")) == (DUTCH, "nl")
    assert "Translation (Dutch)" in page.xpath("//label[@for='finding-translation-nl']/text()")[0]
    assert page.xpath("//textarea[@name='translation']")[0].text in (None, "")
    assert page.xpath("//label[@for='finding-translation']/text()") == ["Another translation (optional)"]
    assert page.xpath("//select[@name='translation_language']/option[@selected]/@value") == ["en"]

    # a second translation, in English, beside the Dutch one
    client.post(f"/findings/{finding.id}/edit",
                data=edit_form(saved, translation="Employers want one desk.", translation_language="en"))
    assert stored(finding.id).translation_texts == {"en": "Employers want one desk.", "nl": DUTCH}

    # emptying the Dutch field while typing a new Dutch one in the "another" field: one Dutch translation
    saved = stored(finding.id)
    client.post(f"/findings/{finding.id}/edit",
                data=edit_form(saved, translation_nl="", translation="Werkgevers willen één balie.",
                               translation_language="nl"))
    assert stored(finding.id).translation_texts == {"en": "Employers want one desk.", "nl": "Werkgevers willen één balie."}


def test_emptying_the_translation_removes_it(client, auth, activity):
    auth.login("facilitator", locale="en")
    finding = arabic_finding(activity)
    assert client.post(f"/findings/{finding.id}/edit",
                       data=edit_form(finding, translation_nl="  ", translation_language="en")).status_code == 302
    saved = stored(finding.id)
    assert (saved.translation_texts, saved.text) == ({}, ARABIC)
    assert db.session.scalar(select(func.count()).select_from(FindingTranslation)) == 0


@pytest.mark.parametrize("change, field, message", [
    ({"translation_language": "ar"}, "translation_language", "A translation is in another language than the original."),
    ({"translation_language": ""}, "translation_language", "Choose the language of the translation."),
    ({"translation_language": "xx"}, "translation_language", "Unknown language."),
    ({"translation": "x" * 10_001}, "translation", "A translation can be at most 10000 characters long."),
])
def test_a_wrong_translation_is_refused_and_the_input_kept(client, auth, activity, change, field, message):
    auth.login("facilitator", locale="en")
    finding = arabic_finding(activity, translation=None, translation_language=None)
    form = edit_form(finding, text=ARABIC + " (edited)", translation="Employers want one desk.") | change
    response = follow_refused(client, client.post(f"/findings/{finding.id}/edit", data=form))
    page = doc(response)
    errors = page.xpath(f"//*[@name='{field}']/following-sibling::p[@class='error']/text()")
    assert errors == [message]
    assert page.xpath("//textarea[@name='text']")[0].text == ARABIC + " (edited)"
    assert page.xpath("//textarea[@name='translation']")[0].text == form["translation"]
    saved = stored(finding.id)
    assert (saved.text, saved.translation_texts, saved.version) == (ARABIC, {}, 1)


def test_translation_errors_are_in_the_users_language(client, auth, activity):
    auth.login("facilitator", locale="nl")
    finding = arabic_finding(activity, translation=None, translation_language=None)
    response = follow_refused(client, client.post(f"/findings/{finding.id}/edit",
                                                  data=edit_form(finding, translation=DUTCH, translation_language="ar")))
    assert "Een vertaling is in een andere taal dan het origineel." in response.get_data(as_text=True)


def test_changing_the_original_language_to_the_translations_is_refused(client, auth, activity):
    auth.login("facilitator", locale="en")
    finding = arabic_finding(activity)
    response = client.post(f"/findings/{finding.id}/edit",
                           data=edit_form(finding, language="nl"))
    assert response.status_code == 303 and stored(finding.id).language == "ar"
    assert doc(follow_refused(client, response)).xpath(
        "//*[@name='translation_nl']/following-sibling::p[@class='error']/text()") == [
        "A translation is in another language than the original."]


def test_a_stale_edit_is_still_refused_and_shows_both_translations(client, auth, activity):
    auth.login("facilitator", locale="en")
    finding = arabic_finding(activity, translation=None, translation_language=None)
    form = edit_form(finding, translation="Employers want a single desk.", translation_language="en")
    # a colleague translates it first (on this screen or on the advisory-board contributions page)
    colleague = input_from_finding(finding)
    colleague.translation, colleague.translation_language = DUTCH, "nl"
    update_finding(finding, colleague, expected_version=1)

    response = client.post(f"/findings/{finding.id}/edit", data=form)
    assert response.status_code == 409
    page = doc(response)
    theirs = page.xpath("//*[@data-testid='their-version']//*[@data-testid='finding-translation']")[0]
    mine = page.xpath("//*[@data-testid='my-version']//*[@data-testid='finding-translation']")[0]
    assert DUTCH in theirs.text_content() and "Dutch" in theirs.text_content()
    assert "Employers want a single desk." in mine.text_content() and "English" in mine.text_content()
    # the merge form starts from mine, against the current version
    assert page.xpath("//textarea[@name='translation']")[0].text == "Employers want a single desk."
    assert page.xpath("//input[@name='version']/@value") == ["2"]
    saved = stored(finding.id)
    assert (saved.translation_texts, saved.version) == ({"nl": DUTCH}, 2)

    # keeping mine replaces the finding as I saw it: my English translation, not the Dutch one
    assert client.post(f"/findings/{finding.id}/edit", data=form | {"version": "2"}).status_code == 302
    saved = stored(finding.id)
    assert (saved.translation_texts, saved.version) == ({"en": "Employers want a single desk."}, 3)


# --- lists -----------------------------------------------------------------------------------

def _translation_beneath_original(page, container_xpath: str) -> None:
    """In each listed finding, the Arabic original (rtl) comes first, its Dutch translation (ltr) beneath it."""
    [item] = page.xpath(container_xpath)
    original = item.xpath(".//*[@data-testid='finding-original']")[0]
    translation = item.xpath(".//*[@data-testid='finding-translation']")[0]
    assert (original.get("lang"), original.get("dir"), original.text) == ("ar", "rtl", ARABIC)
    text = translation.xpath(".//p[@lang]")[0]
    assert (text.get("lang"), text.get("dir"), text.text) == ("nl", "ltr", DUTCH)
    assert "Translation (Dutch)" in translation.text_content()
    ordered = [element for element in item.iter() if element in (original, translation)]
    assert ordered == [original, translation]


def test_every_staff_list_shows_the_translation_beneath_the_original(client, auth, activity):
    auth.login("facilitator", locale="en")
    finding = arabic_finding(activity)
    create_finding(FindingInput(activity.id, "Untranslated", "observation", "en", []), author=None)

    listed = f"//li[@data-finding-id='{finding.id}']"
    _translation_beneath_original(doc(client.get(f"/activities/{activity.id}/findings")), listed)
    _translation_beneath_original(doc(client.get(f"/capture/activities/{activity.id}")), listed)
    _translation_beneath_original(doc(client.get("/analysis/findings")),
                                  f"//article[@data-finding-id='{finding.id}']")
    dashboard = doc(client.get("/p/learn/"))
    _translation_beneath_original(dashboard, f"//article[.//*[@data-testid='finding-original' and text()='{ARABIC}']]")
    # a finding without a translation shows no empty translation block
    assert len(dashboard.xpath("//*[@data-testid='finding-translation']")) == 1


# --- export and import -----------------------------------------------------------------------

def test_export_then_import_keeps_the_translation(client, auth, activity, make_activity):
    auth.login("facilitator", locale="en")
    arabic_finding(activity)
    exported = text_of(client.get(f"/activities/{activity.id}/findings.csv")).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert (rows[0]["text"], rows[0]["translation"], rows[0]["translation_language"]) == (ARABIC, DUTCH, "nl")
    sheet = list(load_workbook(io.BytesIO(client.get(f"/activities/{activity.id}/findings.xlsx").data)).active.values)
    at = sheet[0].index("translation")
    assert sheet[0][at:at + 2] == ("translation", "translation_language") and sheet[1][at:at + 2] == (DUTCH, "nl")

    # the exported file, without its client_ids, into another activity
    other = make_activity(type="maab", title="Second session")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows([row | {"client_id": ""} for row in rows])
    preview = client.post(f"/activities/{other.id}/findings/import",
                          data={"file": (io.BytesIO(out.getvalue().encode()), "export.csv")},
                          content_type="multipart/form-data")
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Translation (Dutch)" in page and DUTCH in page

    def hidden(name):
        return doc(preview).xpath(f"//input[@name='{name}']/@value")[0]

    assert client.post(f"/activities/{other.id}/findings/import",
                       data={"confirm": "1", "batch": hidden("batch"), "rows": hidden("rows")}).status_code == 302
    imported = db.session.scalar(select(Finding).where(Finding.activity_id == other.id))
    assert (imported.text, imported.language, imported.translation_texts) == (ARABIC, "ar", {"nl": DUTCH})


def test_a_finding_with_two_translations_exports_and_imports_both(client, auth, activity, make_activity):
    auth.login("facilitator", locale="en")
    finding = arabic_finding(activity)
    data = input_from_finding(finding)
    data.translation, data.translation_language = "Employers want one desk.", "en"
    update_finding(finding, data)
    exported = text_of(client.get(f"/activities/{activity.id}/findings.csv")).lstrip("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(exported)))
    assert (row["translation"], row["translation_language"], row["translation_nl"]) == (
        "Employers want one desk.", "en", DUTCH)

    other = make_activity(type="maab", title="Second session")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row | {"client_id": ""})
    preview = client.post(f"/activities/{other.id}/findings/import",
                          data={"file": (io.BytesIO(out.getvalue().encode()), "export.csv")},
                          content_type="multipart/form-data")
    page = doc(preview)
    previewed = page.xpath("//table[@data-testid='import-preview']/tbody/tr")[0].text_content()
    assert "Translation (English)" in previewed and "Translation (Dutch)" in previewed and DUTCH in previewed
    assert client.post(f"/activities/{other.id}/findings/import", data={
        "confirm": "1", "batch": page.xpath("//input[@name='batch']/@value")[0],
        "rows": page.xpath("//input[@name='rows']/@value")[0]}).status_code == 302
    imported = db.session.scalar(select(Finding).where(Finding.activity_id == other.id))
    assert imported.translation_texts == {"en": "Employers want one desk.", "nl": DUTCH}


def test_an_import_with_a_wrong_translation_stores_nothing(client, auth, activity):
    auth.login("facilitator", locale="en")
    out = io.StringIO()
    csv.writer(out).writerows([
        ["tekst", "soort", "taal", "vertaling", "taal van de vertaling"],
        [ARABIC, "quote", "ar", DUTCH, "NL"],
        ["Good words", "quote", "en", "Goede woorden", "en"],
        ["More words", "quote", "en", "Meer woorden", ""],
    ])
    response = client.post(f"/activities/{activity.id}/findings/import",
                           data={"file": (io.BytesIO(out.getvalue().encode()), "t.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    rows = doc(response).xpath("//table[@data-testid='import-preview']/tbody/tr")
    assert [row.get("class") for row in rows] == [None, "has-error", "has-error"]
    assert "A translation is in another language than the original." in rows[1].text_content()
    assert "Choose the language of the translation." in rows[2].text_content()
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0


# --- API -------------------------------------------------------------------------------------

def test_api_round_trip_of_a_translation(client, auth, activity):
    auth.login("facilitator", locale="en")
    body = {"client_id": str(uuid.uuid4()), "activity_id": activity.id, "text": ARABIC, "kind": "quote",
            "language": "ar", "themes": ["funding"]}
    created = client.post("/api/v1/findings", json=body | {"translation": DUTCH, "translation_language": "nl"})
    assert created.status_code == 201
    finding = created.get_json()
    assert (finding["translation"], finding["translation_language"]) == (DUTCH, "nl")
    assert client.get(f"/api/v1/findings/{finding['id']}").get_json()["translation"] == DUTCH
    assert client.get(f"/api/v1/findings?activity_id={activity.id}").get_json()["findings"][0][
        "translation_language"] == "nl"

    changed = client.patch(f"/api/v1/findings/{finding['id']}",
                           json={"version": 1, "translation": "Employers want one desk.", "translation_language": "en"})
    assert changed.status_code == 200
    assert (changed.get_json()["translation"], changed.get_json()["version"], changed.get_json()["text"]) == (
        "Employers want one desk.", 2, ARABIC)
    # one translation per language: the Dutch one stays beside the English one
    assert changed.get_json()["translations"] == [
        {"language": "en", "text": "Employers want one desk.", "checked": False},
        {"language": "nl", "text": DUTCH, "checked": False}]
    # a PATCH of other fields keeps the translation
    tagged = client.patch(f"/api/v1/findings/{finding['id']}", json={"version": 2, "themes": []})
    assert tagged.get_json()["translation"] == "Employers want one desk."
    # null with a language removes that language's translation only
    english_gone = client.patch(f"/api/v1/findings/{finding['id']}", json={
        "version": tagged.get_json()["version"], "translation": None, "translation_language": "en"}).get_json()
    assert [t["language"] for t in english_gone["translations"]] == ["nl"]
    assert (english_gone["translation"], english_gone["translation_language"]) == (DUTCH, "nl")
    cleared = client.patch(f"/api/v1/findings/{finding['id']}",
                           json={"version": english_gone["version"], "translation": None})
    assert (cleared.get_json()["translation"], cleared.get_json()["translation_language"]) == (None, None)
    assert cleared.get_json()["translations"] == []


def test_a_replayed_create_ignores_the_translation(client, auth, activity):
    """A later translation is an edit of the same finding: the device that resends its
    draft gets the stored finding back (200), not a conflict, and changes nothing."""
    auth.login("facilitator", locale="en")
    body = {"client_id": str(uuid.uuid4()), "activity_id": activity.id, "text": ARABIC, "kind": "quote",
            "language": "ar", "themes": ["funding"]}
    first = client.post("/api/v1/findings", json=body).get_json()
    client.patch(f"/api/v1/findings/{first['id']}", json={"version": 1, "translation": DUTCH, "translation_language": "nl"})
    replay = client.post("/api/v1/findings", json=body)
    assert replay.status_code == 200 and replay.get_json()["translation"] == DUTCH
    other = client.post("/api/v1/findings", json=body | {"translation": "Something else", "translation_language": "en"})
    assert other.status_code == 200 and other.get_json()["translation"] == DUTCH
    assert client.post("/api/v1/findings", json=body | {"text": "Other words"}).status_code == 409
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 1


@pytest.mark.parametrize("change, field", [
    ({"translation": DUTCH, "translation_language": "ar"}, "translation_language"),
    ({"translation": DUTCH}, "translation_language"),
    ({"translation": DUTCH, "translation_language": "klingon"}, "translation_language"),
    ({"translation": 5, "translation_language": "nl"}, "translation"),
    ({"translation": "x" * 10_001, "translation_language": "nl"}, "translation"),
])
def test_api_refuses_a_wrong_translation(client, auth, activity, change, field):
    auth.login("facilitator", locale="en")
    body = {"client_id": str(uuid.uuid4()), "activity_id": activity.id, "text": ARABIC, "kind": "quote",
            "language": "ar", "themes": []}
    response = client.post("/api/v1/findings", json=body | change)
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {field}
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0
    finding = arabic_finding(activity, translation=None, translation_language=None)
    patched = client.patch(f"/api/v1/findings/{finding.id}", json={"version": 1} | change)
    assert patched.status_code == 422 and set(patched.get_json()["errors"]) == {field}
    assert stored(finding.id).version == 1


def test_openapi_documents_the_translation_and_why_replays_ignore_it(client, auth):
    auth.login("facilitator", locale="en")
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for name in ("FindingInput", "FindingPatch", "Finding"):
        assert {"translation", "translation_language"} <= set(schemas[name]["properties"])
    assert schemas["Finding"]["properties"]["translations"]["items"]["required"] == ["language", "text", "checked"]
    assert "ar" in schemas["FindingInput"]["properties"]["translation_language"]["enum"]
    assert "translation" in document["paths"]["/projects/{project_slug}/findings"]["post"]["description"].lower()
