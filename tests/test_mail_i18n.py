"""What members read outside the feedback pages is in Arabic too: the messages to them, the
opt-out page and the page "what became of your input"."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
MEMBER_SOURCES = """\
[jinja2: webapp/mail/templates/mail/messages/_layout.*]
[jinja2: webapp/mail/templates/mail/messages/feedback_invitation.*]
[jinja2: webapp/mail/templates/mail/messages/survey_invitation.*]
[jinja2: webapp/mail/templates/mail/messages/review_invitation.*]
[jinja2: webapp/mail/templates/mail/messages/outcome.*]
[jinja2: webapp/mail/templates/mail/opt_out.html]
[jinja2: webapp/outcome/templates/outcome/person.html]
[jinja2: webapp/templates/bad_link.html]
trimmed = true
"""
#: Strings those pages and messages get from Python code.
SHARED = ("Open your personal page", "See what became of your input", "Fill in the survey",
          "Incorporated", "Partly incorporated", "Not incorporated", ("disposition", "Open"),
          "Whole report", "Chapter", "Recommendation")


def test_every_string_members_read_in_mail_and_on_their_outcome_page_has_arabic(tmp_path):
    config = tmp_path / "babel.cfg"
    config.write_text(MEMBER_SOURCES)
    pot = tmp_path / "member.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "extract", "-F", str(config), "-o", str(pot), "."], cwd=ROOT, check=True,
                   capture_output=True)
    with open(pot, "rb") as handle:
        wanted = {(m.context, m.id) for m in read_po(handle) if m.id}
    wanted |= {entry if isinstance(entry, tuple) else (None, entry) for entry in SHARED}
    assert len(wanted) > 30
    with open(ROOT / "translations/ar/LC_MESSAGES/messages.po", "rb") as handle:
        arabic = {(m.context, m.id): m.string for m in read_po(handle) if m.id and not m.fuzzy}
    assert sorted(m for m in wanted if not arabic.get(m)) == []
