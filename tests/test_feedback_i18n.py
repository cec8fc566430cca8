"""The member pages are in Dutch, English and Arabic: every string they show is translated."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_arabic_translations_keep_their_placeholders():
    with open(ROOT / "translations/ar/LC_MESSAGES/messages.po", "rb") as handle:
        for message in read_po(handle):
            if message.id and message.string and "%(" in message.id:
                for placeholder in ("%(pseudonym)s", "%(number)s", "%(max)s"):
                    assert (placeholder in message.id) == (placeholder in message.string), message.id

