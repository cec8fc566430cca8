"""Footnote calls side by side print with a separator ("¹,²"), never as "¹²" (footnote 12)."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
from pypdf import PdfReader

from webapp.extensions import db
from webapp.reports.models import Recommendation, Report, ReportChapter, Source
from webapp.reports.builds import build_to_bytes
from webapp.themes.models import Theme

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def report(app):
    theme = Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding")
    sources = [Source(key=key, citation_en=f"{name} (2020).", citation_nl=f"{name} (2020).")
               for key, name in (("wrr", "WRR"), ("scp", "SCP"), ("oecd", "OECD"))]
    report = Report(title_nl="Rapport", title_en="Report", chapters=[ReportChapter(theme=theme, recommendations=[
        Recommendation(title_en="Fund structurally", title_nl="Financier structureel",
                       body_en="Pilots end too soon.[^wrr][^scp] Employers wait [^oecd] for clarity.",
                       body_nl="Pilots stoppen te vroeg.[^wrr] [^scp] Werkgevers wachten [^oecd] op duidelijkheid.")])])
    db.session.add_all([*sources, report])
    db.session.commit()
    return report


def test_adjacent_footnote_calls_print_with_a_separator_in_the_pdf(report):
    pdf = build_to_bytes(report, "en", "pdf")[1]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert re.search(r"too soon\.\s*1\s*,\s*2\s+Employers wait\s*3\s+for clarity", text), text
    assert not re.search(r"too soon\.\s*12\b", text)
    # with a space between the calls too (the space is not printed before the comma)
    dutch = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(build_to_bytes(report, "nl", "pdf")[1])).pages)
    assert re.search(r"te vroeg\.\s*1\s*,\s*2\s+Werkgevers wachten\s*3\s+op", dutch), dutch


def test_adjacent_footnote_calls_have_a_separator_in_the_docx(report):
    docx = zipfile.ZipFile(io.BytesIO(build_to_bytes(report, "en", "docx")[1]))
    document = docx.read("word/document.xml").decode()
    paragraph = next(p for p in re.findall(r"<w:p>.*?</w:p>", document, re.S) if "too soon." in p)
    runs = re.findall(r"<w:r>.*?</w:r>", paragraph, re.S)
    kinds = ["call" if "w:footnoteReference" in r else ("comma" if re.search(r"<w:t[^>]*>,</w:t>", r) else "text")
             for r in runs]
    assert kinds[kinds.index("call"):kinds.index("call") + 3] == ["call", "comma", "call"]
    comma = runs[kinds.index("comma")]
    assert 'w:vertAlign w:val="superscript"' in comma
    assert len(re.findall(r'<w:footnote w:id="[1-9]', docx.read("word/footnotes.xml").decode())) == 3
