"""The member pages are in Dutch, English and Arabic: every string they show is translated."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from babel.messages.pofile import read_po

from webapp.feedback.member import SHARED_MEMBER_STRINGS

ROOT = Path(__file__).resolve().parent.parent
MEMBER_SOURCES = """\
[python: **/member.py]
[jinja2: **/member/**.html]
trimmed = true
"""


def _catalog(language: str) -> dict[str, bool]:
    with open(ROOT / f"translations/{language}/LC_MESSAGES/messages.po", "rb") as handle:
        return {(m.id if isinstance(m.id, str) else m.id[0]): bool(m.string) and not m.fuzzy
                for m in read_po(handle) if m.id}


def member_msgids(tmp_path) -> set[str]:
    """The strings of the member pages, extracted from their code as it is now."""
    config = tmp_path / "babel.cfg"
    config.write_text(MEMBER_SOURCES)
    pot = tmp_path / "member.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", str(config), "-k", "_l", "-o", str(pot), "webapp/feedback"],
                   cwd=ROOT, check=True, capture_output=True)
    with open(pot, "rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    return extracted | set(SHARED_MEMBER_STRINGS)


def test_every_member_page_string_has_an_arabic_translation(tmp_path):
    msgids = member_msgids(tmp_path)
    assert len(msgids) > 40  # the extraction found the templates
    arabic = _catalog("ar")
    missing = sorted(m for m in msgids if not arabic.get(m))
    assert missing == [], f"untranslated in ar: {missing}"


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.mark.parametrize("catalog", sorted(p.parent.parent.name for p in (ROOT / "translations").glob("*/LC_MESSAGES/messages.po")))
def test_every_translation_keeps_exactly_its_placeholders(catalog):
    """Every msgstr names the same %(name)s placeholders as its msgid (and msgid_plural): one
    missing prints a bare number or raises KeyError at runtime, one added raises KeyError."""
    wrong = []
    with open(ROOT / f"translations/{catalog}/LC_MESSAGES/messages.po", "rb") as handle:
        messages = [m for m in read_po(handle) if m.id and m.string]
    assert sum(1 for m in messages if PLACEHOLDER.search(str(m.id))) > 10  # the pattern finds them
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(PLACEHOLDER.findall(text) for text in ids))
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) != expected:
                wrong.append((ids[0], string))
    assert wrong == []



#: Verbs that address one reader as a man (shared/reviews/arabic-member-pages.md): imperatives
#: and second-person present forms. translations/TRANSLATORS.md says what to write instead.
MASCULINE_ADDRESS = {"اختر", "افتح", "اكتب", "اطلب", "اسحب", "احتفظ", "احذف", "احذفه", "انسخ", "الصق", "أدخل", "اضغط",
                     "انقر", "تبدأ", "تكمل", "تختار", "تكتب", "تكتبها", "تفضل", "تفضلها", "تريد", "تقرأ", "تطلب",
                     "تستطيع", "أرسل", "اقرأ"}
#: The same spelling in the third person feminine ("the round has not started"): not an address.
NOT_AN_ADDRESS = {"Not started yet": {"تبدأ"},
                  "This feedback round has not started yet. Please try again later.": {"تبدأ"}}


def test_arabic_addresses_no_reader_as_a_man():
    found = []
    with open(ROOT / "translations/ar/LC_MESSAGES/messages.po", "rb") as handle:
        for message in read_po(handle):
            if not message.id or not message.string:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for word in re.findall(r"[\u0600-\u06ff]+", " ".join(strings)):
                bare = word.replace("\u0651", "")  # without shadda
                for form in (bare, bare[1:] if bare[:1] in "وف" else ""):  # and, so
                    if form in MASCULINE_ADDRESS and form not in NOT_AN_ADDRESS.get(key, ()):
                        found.append((key, word))
    assert found == []
