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
    from webapp.reports.builds import build_to_bytes, demo_report
    from webapp.reports.collect import collect_report

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
        for lang in ("nl", "en"):
            builds[(lang, "docx")] = build_to_bytes(report, lang, "docx")[1]
            builds[(lang, "data")] = collect_report(report, lang)
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


# ---------------------------------------------------------------- a report authors can publish (issue 11)

ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_quote_or_annex_entry_in_another_language_without_its_translation(demo_builds, language):
    data = demo_builds[(language, "data")]
    quotes = [q for c in data["chapters"] for r in c["recommendations"] for q in r["quotes"]]
    annex = [f for group in data["evidence_annex"] for f in group["findings"]]
    assert len(quotes) >= 15 and len(annex) >= 60
    foreign = [f for f in quotes + annex if f["language"] != language]
    assert foreign and all(f["translation"] for f in foreign), [f["id"] for f in foreign if not f["translation"]]
    assert all(not f["translation"] for f in quotes + annex if f["language"] == language)
    # printed: the Arabic original and its translation beneath it
    text = " ".join(pages_text(demo_builds[(language, "pdf")])).replace("\n", " ")
    learned = {"nl": "Ik heb op het werk veel sneller Nederlands geleerd",
               "en": "I learned Dutch much faster at work than in class"}[language]
    assert learned in text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_only_peoples_own_words_print_as_quotes_and_none_twice(demo_builds, language):
    data = demo_builds[(language, "data")]
    printed = [q for c in data["chapters"] for r in c["recommendations"] for q in r["quotes"]]
    assert len({q["id"] for q in printed}) == len(printed)  # a finding is quoted once per report
    quotes = [q for q in printed if q["quote"]]
    assert quotes and all(q["by"].startswith(("Lid van de klankbordgroep", "Advisory board member")) for q in quotes)
    # a group paraphrase and a stakeholder's line print as evidence, attributed to the activity
    excerpts = [q for q in printed if not q["quote"]]
    assert excerpts and not any(q["by"].startswith(("Lid van", "Advisory board")) for q in excerpts)
    assert not any(q["text"].startswith(("Members noticed", "Several members said")) for q in quotes)


def test_evidence_sentence_differs_per_recommendation(demo_builds):
    sentences = [r["evidence"] for c in demo_builds[("nl", "data")]["chapters"] for r in c["recommendations"]]
    assert len(sentences) == 15 and all(sentences)
    assert len(set(sentences)) >= 10
    assert not any("1 organisaties" in s or "1 activiteiten" in s for s in sentences)


def test_register_prints_in_the_report_language_with_its_qualifiers(demo_builds):
    nl, en = demo_builds[("nl", "data")], demo_builds[("en", "data")]
    b_nl = [row["organisation"] for row in nl["appendices"]["b"]]
    b_en = [row["organisation"] for row in en["appendices"]["b"]]
    assert "We Technique, 1e gesprek" in b_nl and "We Technique, 2nd interview" in b_en
    assert any(name.endswith("unit PDV") for name in b_nl) and "Zaffier / Gemeente Alkmaar" in b_nl
    assert "Gemeente Leiden" in b_nl and "Municipality of Leiden" in b_en
    assert len(set(b_nl)) == len(b_nl)  # no row looks like a duplicate of another
    a_nl = [row["title"] for row in nl["appendices"]["a"]]
    assert "Werkbezoek IKEA" in a_nl
    # appendix C in the order the contributions came in: no. 1 is SCP
    c = nl["appendices"]["c"]
    assert [row["number"] for row in c] == list(range(1, 27)) and "SCP" in c[0]["organisation"]
    methods = " ".join(s["text"] for s in nl["methodology"]["sections"])
    assert "Studiereis naar Essen, Duitsland (drie dagen, november 2023)" in methods


def test_learn_report_content_fits_the_model(demo_builds):
    nl = demo_builds[("nl", "data")]
    assert nl["project"] and nl["literature_review"]
    assert nl["problem_analysis_boxes"][0]["number"] == 1  # Box 1: figures, not a good example
    kickoff = nl["methodology"]["sections"][0]
    assert len(kickoff["topics"]) == 4
    meetings = nl["methodology"]["sections"][1]
    assert len(meetings["topics"]) == 9
    numbers = [b["number"] for b in nl["problem_analysis_boxes"]] + [
        b["number"] for c in nl["chapters"] for b in c["boxes"] + c["good_examples"]]
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_pdf_is_tagged_with_title_language_and_metadata(demo_builds, language):
    reader = PdfReader(io.BytesIO(demo_builds[(language, "pdf")]))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == language
    assert reader.metadata.title == {"nl": "Technische aanbevelingen: een landelijk model"}.get(
        language, reader.metadata.title) and reader.metadata.title
    assert "/Metadata" in root  # XMP
    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    uris = [a["/A"]["/URI"] for a in annotations if "/A" in a and "/URI" in a["/A"]]
    assert any(uri.startswith("https://") for uri in uris)  # footnote URLs are links


@pytest.mark.parametrize("language", ["nl", "en"])
def test_docx_is_a_word_file_an_author_can_keep_editing(demo_builds, language):
    import zipfile

    docx = zipfile.ZipFile(io.BytesIO(demo_builds[(language, "docx")]))
    document = docx.read("word/document.xml").decode()
    assert 'w:w="11906"' in document and 'w:h="16838"' in document  # A4
    footers = " ".join(docx.read(n).decode() for n in docx.namelist() if n.startswith("word/footer"))
    assert "PAGE" in footers and "fldChar" in footers
    assert re.search(r"instrText[^>]*>\s*TOC\s", document)
    footnotes = docx.read("word/footnotes.xml").decode()
    assert len(re.findall(r'<w:footnote w:id="[1-9]', footnotes)) >= 3  # real footnotes, not an end list
    assert "w:footnoteReference" in document
    arabic = [p for p in re.findall(r"<w:p>.*?</w:p>", document) if ARABIC.search(p)]
    assert arabic and all("<w:bidi />" in p or "<w:bidi/>" in p for p in arabic)
    styles = docx.read("word/styles.xml").decode()
    assert {"nl": 'w:val="nl-NL"', "en": 'w:val="en-GB"'}[language] in styles
    assert 'w:bidi="ar-SA"' in styles
    levels = [int(n) for n in re.findall(r'<w:pStyle w:val="Heading(\d)"', document)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))  # no skipped level
    assert any(n.startswith("word/media/") and n.endswith(".png") for n in docx.namelist())  # survey charts
