"""The text boundary (webapp/text.py, webapp/forms.py): what comes in is cleaned or refused."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from webapp.forms import BaseForm
from webapp.organisations.models import Organisation
from webapp.text import TextRefused, clean_text, export_safe

from .conftest import follow_refused

WEBAPP = Path(__file__).resolve().parent.parent / "webapp"

#: One of every class the boundary refuses.
REFUSED = ["\x00", "\x01", "\x08", "\x0e", "\x1b", "\x1f", "\x7f", "\x80", "\x9f", "\ufffe", "\uffff",
           "\ud800", "\udfff"]
#: Hostile strings as people's devices produce them.
HOSTILE = ["voor\x00na", "regel\x0bnieuwe regel", "page\x0cbreak", "esc\x1b[31m", "bom\ufffe",
           "half\ud83dsurrogate", "c1\x85next"]


def test_line_ends_become_lf_and_text_is_nfc():
    assert clean_text("a\r\nb\rc\nd\x0be\x0cf") == "a\nb\nc\nd\ne\nf"
    assert clean_text("tab\tkept") == "tab\tkept"
    assert clean_text("cafe\u0301") == "caf\u00e9"
    assert clean_text(None) is None


def test_one_line_fields_fold_tabs_and_line_ends_into_spaces():
    assert clean_text("Naam\r\n", multiline=False) == "Naam "
    assert clean_text("a\tb\nc\x0bd", multiline=False) == "a b c d"


@pytest.mark.parametrize("char", REFUSED)
def test_refused_characters_raise_with_a_message_that_names_the_code_point(char):
    with pytest.raises(TextRefused) as caught:
        clean_text(f"ab{char}cd")
    assert caught.value.code_point == f"U+{ord(char):04X}"
    assert caught.value.position == 3
    assert "ab" not in str(caught.value)  # the message never repeats the user's words


def test_the_refusal_is_translated(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("nl"):
        with pytest.raises(TextRefused) as caught:
            clean_text("x\x00")
    assert "U+0000" in str(caught.value) and "teken" in str(caught.value)


@pytest.mark.parametrize("value", HOSTILE + REFUSED)
def test_export_safe_output_is_valid_xml_text(value):
    from lxml import etree

    safe = export_safe(value)
    element = etree.Element("t")
    element.text = safe  # lxml raises ValueError for text XML 1.0 forbids
    assert etree.fromstring(etree.tostring(element)).text == safe


def test_export_safe_keeps_ordinary_text_and_never_raises():
    assert export_safe("Gewoon\ttekst\nmet é") == "Gewoon\ttekst\nmet é"
    assert export_safe("a\r\nb\x0bc") == "a\nb\nc"
    assert export_safe("voor\x00na") == "voor\ufffdna"
    assert export_safe(None) == ""
    assert export_safe(12) == "12"


# -- property tests ------------------------------------------------------------------------

_refused_re = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
#: Everything the boundary refuses or rewrites: C0 controls but tab and LF, DEL, C1, U+FFFE/U+FFFF.
_NOT_VALID = "".join(chr(c) for c in [*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0), 0xfffe, 0xffff])
valid_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=_NOT_VALID)).map(
    lambda s: unicodedata.normalize("NFC", s))


@settings(max_examples=300, deadline=None)
@given(valid_text)
def test_valid_text_round_trips_exactly(value):
    assert clean_text(value) == value
    one_line = value.replace("\t", " ").replace("\n", " ")
    assert clean_text(one_line, multiline=False) == one_line


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec=None)), st.sampled_from(REFUSED), st.text())
def test_text_with_a_refused_character_is_refused_whole(before, char, after):
    with pytest.raises(TextRefused):
        clean_text(before + char + after)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec=None)))
def test_anything_is_either_refused_or_comes_back_clean(value):
    try:
        cleaned = clean_text(value)
    except TextRefused:
        assert _refused_re.search(value)
        return
    assert not _refused_re.search(cleaned)
    assert "\r" not in cleaned and "\x0b" not in cleaned and "\x0c" not in cleaned
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned) == cleaned  # cleaning twice changes nothing


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(codec=None)))
def test_export_safe_never_raises_and_gives_xml_text(value):
    from lxml import etree

    etree.Element("t").text = export_safe(value)


# -- forms -----------------------------------------------------------------------------------

def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_derives_from_base_form(app):
    """A new form deriving from FlaskForm would skip the text boundary."""
    direct = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in _all_subclasses(FlaskForm)
                    if cls.__module__.startswith("webapp") and not issubclass(cls, BaseForm))
    assert direct == []
    used = [str(path.relative_to(WEBAPP)) for path in WEBAPP.rglob("*.py")
            if path.name != "forms.py" or path.parent != WEBAPP
            if re.search(r"\bFlaskForm\b", path.read_text(encoding="utf-8"))]
    assert used == []


def test_a_refused_character_comes_back_as_a_field_error_with_the_text_kept(client, auth):
    auth.login("admin")
    response = client.post("/organisations/new", data={"name": "Gemeente\x00Zwolle", "stakeholder_type": "municipality",
                                                       "aliases": "", "notes": "regel\x1bnieuw"})
    response = follow_refused(client, response)
    page = response.get_data(as_text=True)
    assert "U+0000" in page and "U+001B" in page
    assert "Gemeente" in page and "Zwolle" in page and "regel" in page
    assert client.application.extensions["sqlalchemy"].session.scalars(select(Organisation)).all() == []


def test_form_text_is_stored_clean(client, auth, app):
    from webapp.extensions import db

    auth.login("admin")
    response = client.post("/organisations/new", data={"name": "Gemeente\r\nZwolle", "stakeholder_type": "municipality",
                                                       "aliases": "", "notes": "een\r\ntwee\x0bdrie cafe\u0301"})
    assert response.status_code == 302
    organisation = db.session.scalars(select(Organisation)).one()
    assert organisation.name == "Gemeente Zwolle"
    assert organisation.notes == "een\ntwee\ndrie caf\u00e9"


def test_passwords_are_not_touched(app):
    from wtforms import PasswordField

    class Login(BaseForm):
        password = PasswordField()

    with app.test_request_context(method="POST", data={"password": "a\x01b\r\n"}):
        form = Login()
        assert form.password.data == "a\x01b\r\n"
