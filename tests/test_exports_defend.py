"""Exports that defend themselves: a row stored before the text boundary existed (written here
by raw SQL, as an old database holds it) still gives a valid file in every format.

The hostile text holds one character of every class the boundary refuses that a database
can hold: NUL (SQLite only: PostgreSQL never stored it), C0 controls, DEL, C1 controls,
U+FFFE/U+FFFF, plus the vertical tab and form feed Word pastes. Lone surrogates cannot be
stored in UTF-8 at all, so no old row holds one.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy import text

from webapp.extensions import db
from webapp.findings.services import FindingInput, create_finding, set_translation
from webapp.reference.models import Abbreviation
from webapp.themes.models import Theme

SCHEMAS = Path(__file__).resolve().parent / "refi_qda"
HOSTILE_PARTS = ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\ufffe", "\uffff"]


def hostile(prefix: str) -> str:
    parts = HOSTILE_PARTS if db.engine.dialect.name == "sqlite" else HOSTILE_PARTS[1:]
    return f"{prefix} voor{''.join(parts)}na =SUM(A1)"


def store_raw(table: str, column: str, row_id: int, value: str) -> None:
    db.session.execute(text(f"UPDATE {table} SET {column} = :value WHERE id = :id"), {"value": value, "id": row_id})
    db.session.commit()
    db.session.expire_all()


@pytest.fixture
def old_rows(app, make_activity):
    """An activity with a finding and a theme whose texts hold every refused character class."""
    activity = make_activity()
    theme = Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding",
                  description_en="Money", description_nl="Geld")
    db.session.add(theme)
    db.session.commit()
    finding = create_finding(FindingInput(activity_id=activity.id, text="Gewone tekst", kind="bottleneck",
                                          language="nl", theme_codes=["funding"]), author=None)
    store_raw("findings", "text", finding.id, hostile("bevinding"))
    translation = set_translation(finding, "en", "Plain words")
    db.session.commit()
    store_raw("finding_translations", "text", translation.id, hostile("translation"))
    for column in ("label_en", "label_nl", "description_en", "description_nl"):
        store_raw("themes", column, theme.id, hostile(column))
    return {"activity": activity, "finding": finding, "theme": theme}


def _no_refused(value: str) -> None:
    assert not any(part in value for part in HOSTILE_PARTS if part not in ("\x0b", "\x0c"))


def test_findings_xlsx_and_csv(client, auth, old_rows):
    auth.login("facilitator", locale="en")
    activity = old_rows["activity"]
    response = client.get(f"/activities/{activity.id}/findings.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    texts = [c for c in cells if c.startswith("bevinding")]
    assert texts and "voor" in texts[0] and "na =SUM(A1)" in texts[0]
    for cell in cells:
        _no_refused(cell)
    response = client.get(f"/activities/{activity.id}/findings.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert any(cell.startswith("bevinding voor") for row in rows for cell in row)
    for row in rows:
        for cell in row:
            _no_refused(cell)


def test_a_formula_stays_text_after_cleaning(app):
    from webapp.text import spreadsheet_cell

    assert spreadsheet_cell("=SUM(A1)") == "'=SUM(A1)"
    assert spreadsheet_cell("\x00=SUM(A1)") == "\ufffd=SUM(A1)"
    assert spreadsheet_cell("\r\n=1") == "'\n=1"
    assert spreadsheet_cell(3) == 3


def test_survey_responses_xlsx_and_csv(client, auth, app):
    from webapp.surveys.models import Answer

    from .test_surveys_services import build_survey, submit

    survey = build_survey()
    response, _created = submit(survey, "1", None, "4", "3", "Een antwoord")
    answer_id = db.session.scalar(db.select(Answer.id).where(Answer.value == "Een antwoord"))
    store_raw("survey_answers", "value", answer_id, hostile("antwoord"))
    store_raw("survey_questions", "label_en", survey.questions[-1].id, hostile("vraag"))
    auth.login("facilitator", locale="en")
    xlsx = client.get(f"/surveys/{survey.id}/responses.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(c.startswith("antwoord voor") for c in cells)
    for cell in cells:
        _no_refused(cell)
    response = client.get(f"/surveys/{survey.id}/responses.csv")
    assert response.status_code == 200
    assert "antwoord voor" in response.get_data(as_text=True)
    _no_refused(response.get_data(as_text=True))


def test_review_board_xlsx(client, auth, app):
    from webapp.review.models import ReviewComment
    from webapp.review.comments import CommentInput, save_comment, submit

    from .test_review_services import make_report, make_reviewers, open_test_round

    report = make_report()
    review_round, _tokens = open_test_round(report, make_reviewers())
    assignment = review_round.assignments[0]
    save_comment(assignment, CommentInput(target="report", text="Gewone reactie"))
    comment_id = db.session.scalar(db.select(ReviewComment.id))
    submit(assignment)
    store_raw("review_comments", "text", comment_id, hostile("reactie"))
    auth.login("author", locale="en")
    response = client.get(f"/review/reports/{report.id}/board.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any(c.startswith("reactie voor") for c in cells)


def _validate(xml: bytes, schema: str) -> etree._Element:
    document = etree.fromstring(xml)
    validator = etree.XMLSchema(etree.parse(str(SCHEMAS / schema)))
    assert validator.validate(document), validator.error_log
    return document


def test_codebook_csv_qdc_and_qdpx_validate_against_the_standard(client, auth, old_rows):
    auth.login("admin", locale="en")
    response = client.get("/codebook/codebook.csv")
    assert response.status_code == 200 and "label_en voor" in response.get_data(as_text=True)
    _no_refused(response.get_data(as_text=True))

    qdc = client.get("/codebook/codebook.qdc")
    assert qdc.status_code == 200
    codebook = _validate(qdc.data, "Codebook.xsd")
    code = codebook.find(".//{urn:QDA-XML:codebook:1.0}Code")
    assert code.get("name").startswith("label_en voor")

    qdpx = client.get("/codebook/project.qdpx")
    assert qdpx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(qdpx.data)) as archive:
        project = _validate(archive.read("project.qde"), "Project.xsd")
        sources = [name for name in archive.namelist() if name.startswith("sources/")]
        source_text = archive.read(sources[0]).decode("utf-8")
    assert source_text.startswith("bevinding voor")
    selection = project.find(".//{urn:QDA-XML:project:1.0}PlainTextSelection")
    assert int(selection.get("endPosition")) == len(source_text)  # positions count the exported text


def test_the_schemas_catch_what_they_should(app):
    """The kept XSDs are real: a code without its required attributes fails validation."""
    bad = b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code name="x"/></Codes></CodeBook>'
    validator = etree.XMLSchema(etree.parse(str(SCHEMAS / "Codebook.xsd")))
    assert not validator.validate(etree.fromstring(bad))


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_report_builds_with_an_old_hostile_row(app, fmt):
    from docx import Document
    from pypdf import PdfReader

    from webapp.reports.builds import start_build

    from .test_review_services import make_report

    report = make_report()
    abbreviation = Abbreviation(abbreviation="UWV", definition_en="Employee insurance", definition_nl="Werknemers")
    db.session.add(abbreviation)
    db.session.commit()
    store_raw("abbreviations", "definition_en", abbreviation.id, hostile("definition"))
    store_raw("recommendations", "title_en", report.chapters[0].recommendations[0].id, hostile("aanbeveling"))
    version = start_build(report, "en", fmt, background=False)
    assert version.status == "done", version.error
    if fmt == "docx":
        document = Document(io.BytesIO(version.content))
        texts = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        texts += [p.text for p in document.paragraphs]
        assert any(t.startswith("definition voor") for t in texts)
    else:
        words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(version.content)).pages)
        assert "definition voor" in words
