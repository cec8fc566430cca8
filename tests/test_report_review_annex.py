"""The annex "How the review was used" in the report's language: a comment written in the
other language prints as written, with its translation beneath (as a quote does); a missing
translation is listed on the report page and filled on the translation screen."""
from __future__ import annotations

import io
import re
import zipfile

import lxml.html
import pytest
from pypdf import PdfReader

from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.reports.builds import build_to_bytes
from webapp.review.board import set_disposition
from webapp.review.comments import CommentInput, save_comment, submit

from .test_review_services import make_report, make_reviewers, open_test_round
from .conftest import text_of

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ENGLISH = "Multi-year budgets only work when the ministry commits too."
DUTCH = "Meerjarige budgetten werken alleen als het ministerie zich ook vastlegt."


@pytest.fixture
def reviewed(app):
    """A report with the review annex on; one comment written in English, one in Dutch."""
    report = make_report()
    report.review_annex = True
    db.session.commit()
    review_round, _tokens = open_test_round(report, make_reviewers(1))
    assignment = review_round.assignments[0]
    recommendation = report.chapters[0].recommendations[0]
    english = save_comment(assignment, CommentInput("recommendation", chapter_id=report.chapters[0].id,
                                                    recommendation_id=recommendation.id,
                                                    text=ENGLISH, language="en"))
    save_comment(assignment, CommentInput("report", text="Het rapport is helder.", language="nl"))
    submit(assignment)
    set_disposition(english, "incorporated", "Toegevoegd aan 1.1.", None)
    db.session.commit()
    return {"report": report, "finding_id": english.finding_id}


def pdf_text(report, language: str) -> str:
    pdf = build_to_bytes(report, language, "pdf")[1]
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", " ")


def test_a_missing_comment_translation_is_listed_then_translated_and_printed(client, auth, reviewed):
    report = reviewed["report"]
    auth.login("author", locale="en")
    page = lxml.html.fromstring(text_of(client.get(f"/reports/{report.id}")))
    [listed] = page.xpath("//*[@data-testid='untranslated-comments-nl']")
    assert "1 review comment in the annex “How the review was used” is in another language" in listed.text_content()
    # and the Dutch comment, for the English report
    assert "1 review comment" in page.xpath("//*[@data-testid='untranslated-comments-en']")[0].text_content()
    before = pdf_text(report, "nl")
    assert ENGLISH in before and DUTCH not in before

    # the translation screen offers the comment, marked as one
    screen = lxml.html.fromstring(text_of(client.get(f"/reports/{report.id}/translations/nl")))
    row = screen.xpath(f"//*[@data-testid='translate-{reviewed['finding_id']}']")[0]
    assert ENGLISH in row.text_content() and row.xpath(".//*[@data-testid='review-comment']")
    token = screen.xpath("//input[@name='csrf_token']/@value")[0]
    assert client.post(f"/reports/{report.id}/translations/nl", data={
        "csrf_token": token, "finding_id": str(reviewed["finding_id"]), "text": DUTCH}).status_code == 302

    page = lxml.html.fromstring(text_of(client.get(f"/reports/{report.id}")))
    assert not page.xpath("//*[@data-testid='untranslated-comments-nl']")
    text = pdf_text(report, "nl")
    annex = text[text.index(ENGLISH):]  # the comment, then its translation right beneath it
    assert DUTCH in annex[:len(ENGLISH) + len(DUTCH) + 20]
    assert "Het rapport is helder." in annex  # a comment in the report's language needs nothing


def test_the_docx_annex_prints_the_comment_and_its_translation_beneath(reviewed):
    finding = db.session.get(Finding, reviewed["finding_id"])
    from webapp.findings.services import set_translation

    set_translation(finding, "nl", DUTCH)
    db.session.commit()
    docx = zipfile.ZipFile(io.BytesIO(build_to_bytes(reviewed["report"], "nl", "docx")[1]))
    document = docx.read("word/document.xml").decode()
    paragraphs = [re.sub(r"<[^>]+>", "", p) for p in re.findall(r"<w:p>.*?</w:p>", document, re.S)]
    original = next(i for i, p in enumerate(paragraphs) if ENGLISH in p)
    assert DUTCH in paragraphs[original + 1]
    english_paragraph = re.findall(r"<w:p>.*?</w:p>", document, re.S)[original]
    assert 'w:rStyle w:val="Languageen"' in english_paragraph  # proofed as English, in a Dutch document
    styles = docx.read("word/styles.xml").decode()
    assert 'w:val="en-GB"' in re.search(r'<w:style [^>]*w:styleId="Languageen".*?</w:style>', styles, re.S).group(0)


def test_the_command_line_build_warns_about_an_untranslated_comment(runner, reviewed, tmp_path):
    out = tmp_path / "report.pdf"
    result = runner.invoke(args=["report", "build", "--report-id", str(reviewed["report"].id), "--lang", "nl",
                                 "--out", str(out)])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"%PDF")
    # the preflight's list, as the report's preflight page shows it (in the report's language)
    assert (f"  untranslated: The review comment of finding #{reviewed['finding_id']} prints without a Dutch "
            "translation." in result.output.splitlines())
