"""Dutch by default, English with one tap, remembered; every string translated."""
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from webapp.auth.models import User
from webapp.extensions import db

from .conftest import text_of, PASSWORD

# The same on SQLite and PostgreSQL: bin/test runs this module on SQLite only.
pytestmark = pytest.mark.same_on_every_database

ROOT = Path(__file__).resolve().parent.parent


def test_interface_is_dutch_by_default(client):
    html = text_of(client.get("/login"))
    assert '<html lang="nl">' in html
    assert "Inloggen" in html and "Log in</h1>" not in html


def test_language_switch_is_remembered_for_the_user(client, auth):
    auth.login("facilitator")
    response = client.post("/language", data={"language": "en", "next": "/activities/"})
    assert response.status_code in (302, 303)
    assert response.location == "/activities/"
    html = text_of(client.get("/activities/"))
    assert '<html lang="en">' in html and "New activity" in html
    assert db.session.scalar(db.select(User.locale)) == "en"
    # on another device (a new session) the choice is still there
    auth.logout()
    client.post("/login", data={"email": "facilitator@example.test", "password": PASSWORD})
    assert '<html lang="en">' in text_of(client.get("/p/learn/"))


def test_language_switch_ignores_unknown_languages_and_foreign_redirects(client, auth):
    auth.login("facilitator")
    response = client.post("/language", data={"language": "xx", "next": "//evil.example/"})
    assert response.status_code in (302, 303)
    assert response.location == "/"
    assert '<html lang="nl">' in text_of(client.get("/p/learn/"))


def test_dates_and_numbers_follow_the_locale(client, auth, make_activity):
    activity = make_activity(title="Working visit IKEA", day=date(2023, 7, 3))
    auth.login("author")
    assert "3 juli 2023" in text_of(client.get(f"/activities/{activity.id}"))
    client.post("/language", data={"language": "en"})
    assert "3 July 2023" in text_of(client.get(f"/activities/{activity.id}"))


def test_every_interface_string_has_a_dutch_translation(tmp_path):
    """Extract the strings from the code as they are now and compare with the Dutch catalog."""
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-k", "_lp:1c,2", "-o", str(pot), "."], cwd=ROOT, check=True,
                   capture_output=True)
    with open(pot, "rb") as handle:
        extracted = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(handle) if m.id}
    with open(ROOT / "translations/nl/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {}
    fuzzy = []
    for message in catalog:
        if not message.id:
            continue
        key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated[key] = all(strings)
        if message.fuzzy:
            fuzzy.append(key)
    missing = sorted(m for m in extracted if not translated.get(m))
    assert missing == [], f"untranslated in nl: {missing}"
    assert fuzzy == [], f"fuzzy in nl: {fuzzy}"


#: The Dutch glossary (translations/TRANSLATORS.md): words a concept is *not* called in Dutch.
NOT_IN_DUTCH = {"enquête": "vragenlijst", "enquêtes": "vragenlijsten", "reviewer": "meelezer",
                "reviewers": "meelezers", "review": "toetsing", "bouwen": "maken", "gebouwd": "gemaakt",
                "build": "maken", "commentaar": "opmerking", "reviewopmerking": "opmerking",
                "adviesraad": "klankbordgroep", "outbox": "postvak uit"}


def test_the_dutch_catalog_keeps_to_its_glossary():
    with open(ROOT / "translations/nl/LC_MESSAGES/messages.po", "rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        # placeholders such as %(outbox)s are names in the code, not words the reader sees
        words = {word.lower() for word in re.findall(r"[\w\u00c0-\u024f]+", re.sub(r"%\(\w+\)s", "", " ".join(strings)))}
        found += [(message.id, word, NOT_IN_DUTCH[word]) for word in words if word in NOT_IN_DUTCH]
        if message.id == "To" and message.context is None:
            assert message.string == "Aan"  # the recipient of a message, as Dutch mail says
    assert found == []
