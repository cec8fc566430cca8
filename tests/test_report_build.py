"""The demo report as PDF and DOCX: what a reader of the built file sees.

The demo PDF is built once per module (a few seconds) and read with pypdf and poppler.
"""
from __future__ import annotations

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.reports.labels import LABELS, label

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def demo_builds(tmp_path_factory):
    """Dutch and English PDF plus the Dutch DOCX of the demo report, from a fresh database."""
    from webapp.demo.services import load_demo
    from webapp.reports.services import build_to_bytes, demo_report

    db_file = tmp_path_factory.mktemp("report") / "demo.db"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_file}"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        load_demo()
        report = demo_report()
        builds = {(lang, fmt): build_to_bytes(report, lang, fmt)[1]
                  for lang in ("nl", "en") for fmt in ("pdf",)}
        builds[("nl", "docx")] = build_to_bytes(report, "nl", "docx")[1]
        db.session.remove()
        db.engine.dispose()
    return builds


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def outline(pdf: bytes) -> list[tuple[str, int]]:
    """(title, 1-based page) of every PDF bookmark, nested ones included."""
    reader = PdfReader(io.BytesIO(pdf))
    result = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                result.append((item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    return result


def toc_entries(pdf: bytes) -> list[tuple[str, int]]:
    """The table of contents as printed: lines 'title ..... 12'."""
    texts = pages_text(pdf)
    toc_page = next(t for t in texts if t.lstrip().startswith(("Inhoudsopgave", "Table of contents")))
    entries = []
    for line in toc_page.splitlines():
        match = re.match(r"^\s*(.+?)\s*\.{3,}\s*(\d+)\s*$", line)
        if match:
            entries.append((match.group(1).strip(), int(match.group(2))))
    return entries


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_toc_entry_points_at_the_page_of_its_heading(demo_builds, language):
    pdf = demo_builds[(language, "pdf")]
    texts = pages_text(pdf)
    entries = toc_entries(pdf)
    assert len(entries) >= 16  # front matter, 6 chapters, appendices A-D
    bookmarks = dict(outline(pdf))
    for title, page in entries:
        assert bookmarks.get(title) == page, f"TOC says {title!r} is on page {page}"
        assert title in texts[page - 1].replace("\n", " "), f"{title!r} not on page {page}"


def _appendix_rows(pdf: bytes, start: str, end: str) -> list[str]:
    """Rows of an appendix table: lines that start with a row number, between two headings."""
    text = "\n".join(pages_text(pdf))
    # The heading itself, not its TOC entry or running header: the table header follows it.
    begin = next(m.start() for m in re.finditer(re.escape(start), text) if text[m.end():m.end() + 8].strip()
                 .startswith("No."))
    body = text[begin + len(start):]
    body = body[:body.index(end)] if end in body else body
    return [line for line in body.splitlines() if re.match(r"^\d{1,2}\s", line.strip())]


def test_appendices_have_one_row_per_activity_in_the_register(demo_builds):
    pdf = demo_builds[("en", "pdf")]
    a = _appendix_rows(pdf, "Appendix A. Learning network meetings", "Appendix B.")
    b = _appendix_rows(pdf, "Appendix B. Individual consultations", "Appendix C.")
    c = _appendix_rows(pdf, "Appendix C. Testing with the field", "Appendix D.")
    assert (len(a), len(b), len(c)) == (10, 40, 26)
    assert a[0].startswith("1 16 January 2023")
    assert "Randstad" in b[0]


def test_methodology_counts_come_from_the_activity_register(demo_builds):
    text = " ".join(pages_text(demo_builds[("en", "pdf")])).replace("\n", " ")
    for phrase in ("10 learning network meetings", "40 individual consultations",
                   "3 consultation rounds with the Migrant Ambassador Advisory Board", "2 international exchanges",
                   "2 taking-stock sessions", "26 contributions from 17 organisations"):
        assert phrase in text
    dutch = " ".join(pages_text(demo_builds[("nl", "pdf")])).replace("\n", " ")
    assert "40 individuele consultaties" in dutch and "26 bijdragen van 17 organisaties" in dutch


@pytest.mark.parametrize("language", ["nl", "en"])
def test_fixed_headings_are_only_in_the_build_language(demo_builds, language):
    # Whole lines, so a Dutch word inside a finding quoted in its own language does not count;
    # lower case, because box labels print in capitals.
    lines = {line.strip().lower() for text in pages_text(demo_builds[(language, "pdf")]) for line in text.splitlines()}
    other = "en" if language == "nl" else "nl"
    for key in ("contents", "acknowledgements", "abbreviations", "executive_summary", "methodology", "scope",
                "problem_analysis", "appendix_a", "appendix_b", "appendix_c", "good_example", "target_group",
                "results", "place"):
        assert label(key, language).lower() in lines, key
        if label(key, other) != label(key, language):
            assert label(key, other).lower() not in lines, f"{label(key, other)!r} in the {language} build"


def test_fixed_texts_follow_the_report_language_not_the_interface(app):
    from flask_babel import force_locale

    with force_locale("en"):  # someone reading the screens in English builds a Dutch report
        assert label("contents", "nl") == "Inhoudsopgave"
        assert label("m_ln_meeting", "nl", n=10) == "10 bijeenkomsten van het lerend netwerk"
    with force_locale("nl"):
        assert label("contents", "en") == "Table of contents"
    # every fixed text has its own Dutch wording (the catalog check is in test_i18n)
    same = {key for key in LABELS if label(key, "nl") == label(key, "en")}
    assert same <= {"partners", "percentage"}


def test_fonts_for_latin_arabic_and_ethiopic_are_embedded(demo_builds, tmp_path):
    path = tmp_path / "demo.pdf"
    path.write_bytes(demo_builds[("nl", "pdf")])
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows)  # every font embedded
    names = " ".join(rows)
    assert "Noto-Sans" in names and "Naskh-Arabic" in names and "Ethiopic" in names


def test_advisory_board_quotes_are_pseudonymised_and_footnotes_are_printed(demo_builds):
    text = " ".join(pages_text(demo_builds[("en", "pdf")])).replace("\n", " ")
    assert "Advisory board member" in text
    assert "Scientific Council for Government Policy (2015)" in text  # a footnote from the sources register
    dutch = " ".join(pages_text(demo_builds[("nl", "pdf")])).replace("\n", " ")
    assert "Lid van de klankbordgroep" in dutch


def test_docx_has_the_same_chapters_and_appendices(demo_builds):
    from docx import Document

    document = Document(io.BytesIO(demo_builds[("nl", "docx")]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Methodologie" in headings and "1. Beeldvorming over statushouders" in headings
    assert "Bijlage B. Individuele consultaties" in headings
    row_counts = sorted(len(t.rows) - 1 for t in document.tables if len(t.columns) > 1)
    assert {10, 40, 26} <= set(row_counts)
