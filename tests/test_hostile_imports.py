"""Imports never answer 500: the hostile files of the outside audit, through every import.

Each file is refused with a translated message that names the row or the part of the file,
and nothing is stored. A refused upload answers 303 back to its page (post/redirect/get, as
every refused form here; docs/architecture.md "Refused forms"), whose GET shows the message;
a file that is read but holds bad rows gets the preview with each row's errors (422).
"""
from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.projects.models import Project
from webapp.themes.models import Theme

from .conftest import follow_refused

HEADER = "text,kind,language\n"


def _xlsx(sheet_xml: bytes) -> bytes:
    """A minimal workbook whose first sheet is `sheet_xml` (the other parts are valid)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["text", "kind", "language"])
    workbook.active.append(["Werkgevers willen één loket.", "bottleneck", "nl"])
    good = io.BytesIO()
    workbook.save(good)
    source = zipfile.ZipFile(io.BytesIO(good.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            archive.writestr(item.filename, data)
    return out.getvalue()


def _zip_bomb(name: str = "xl/worksheets/sheet1.xml", size: int = 300 * 1024 * 1024) -> bytes:
    """A ZIP of a few hundred KB whose entry unpacks to `size` bytes of spaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open(name, "w", force_zip64=True) as entry:
            block = b" " * (1024 * 1024)
            for _ in range(size // len(block)):
                entry.write(block)
    return out.getvalue()


HOSTILE_FILES = {
    "a 200,000-character field": ("long.csv", (HEADER + '"' + "x" * 200_000 + '",bottleneck,nl\n').encode(),
                                  "at most 10000 characters"),
    "malformed sheet XML": ("broken.xlsx", _xlsx(b"<worksheet><sheetData><row r='1'><c t='inlineStr'><is>"),
                            "The Excel file could not be read"),
    "a 300 MB zip bomb": ("bomb.xlsx", _zip_bomb(), "would unpack to far more than its own size"),
    "a CSV that is not UTF-8": ("latin1.csv", (HEADER + "Werkgevers willen één loket.,bottleneck,nl\n").encode("cp1252"),
                                "is not UTF-8 text (line 2)"),
    "an empty file": ("empty.csv", b"", "The file is empty."),
    "only a header": ("header.csv", HEADER.encode(), "holds no findings below them"),
    "a quote that never closes": ("quote.csv", (HEADER + '"Werkgevers willen,bottleneck,nl\n' + "a,b\x00c\n").encode(),
                                  "cannot be read as CSV"),
    "an .xlsx that is no ZIP": ("fake.xlsx", b"PK\x03\x04 this is not a workbook", "it is not a complete .xlsx file"),
}


def _findings() -> int:
    return db.session.scalar(select(func.count()).select_from(Finding).execution_options(include_deleted=True))


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_a_hostile_findings_file_gets_a_message_and_stores_nothing(client, auth, make_activity, name):
    filename, content, message = HOSTILE_FILES[name]
    activity = make_activity()
    auth.login("facilitator", locale="en")
    response = client.post(f"/activities/{activity.id}/findings/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), filename)})
    if response.status_code == 422:  # read, but its rows are refused: the preview names the row
        page = response.get_data(as_text=True)
        assert "Row 2" in page or "row 2" in page or 'data-testid="import-preview"' in page
    else:
        page = follow_refused(client, response).get_data(as_text=True)
    assert message in page, name
    assert _findings() == 0


def test_a_hostile_codebook_file_gets_a_message_and_changes_nothing(client, auth):
    auth.login("author", locale="en")
    before = db.session.scalar(select(func.count()).select_from(Theme))
    for content, message in [
        (b"code,group,label_en,label_nl\n" + b'"' + b"x" * 200_000 + b'",a,b,c\n', "invalid code"),
        (b"code,group,label_en,label_nl\nwerk,a,\xe9\xe9n,b\n", "is not UTF-8 text (line 2)"),
        (b"code,group,label_en,label_nl\n\"werk,a,b\n", "cannot be read as CSV"),
        (b"", "The file lacks the columns"),
    ]:
        response = client.post("/codebook/import", content_type="multipart/form-data",
                               data={"file": (io.BytesIO(content), "codebook.csv")})
        page = follow_refused(client, response).get_data(as_text=True)
        assert message in page
    assert db.session.scalar(select(func.count()).select_from(Theme)) == before


@pytest.mark.parametrize("content, message", [
    (_zip_bomb("project.json", 250 * 1024 * 1024), "would unpack to far more than its own size"),
    (b"not a zip at all", "The project export could not be read"),
    (b"", "The project export could not be read"),
])
def test_a_hostile_project_export_gets_a_message_and_imports_nothing(client, auth, content, message):
    auth.login("admin", locale="en")
    projects = db.session.scalar(select(func.count()).select_from(Project))
    response = client.post("/projects/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), "project.zip"), "slug": "hostile"})
    page = follow_refused(client, response).get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(func.count()).select_from(Project)) == projects


@pytest.mark.parametrize("document", [
    b'{"format": "klankbord-project/1"}',  # no project, no tables
    b'{"format": "klankbord-project/1", "project": {"slug": "x"}, "tables": {"findings": [{"id": "a"}]}}',
    b"[" * 100_000,  # nesting deeper than the parser goes
    b'{"format": "klankbord-project/1", "project": [], "tables": 3}',
])
def test_a_damaged_project_document_is_refused_without_a_trace(client, auth, document):
    auth.login("admin", locale="en")
    projects = db.session.scalar(select(func.count()).select_from(Project))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("project.json", document)
    response = client.post("/projects/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(archive.getvalue()), "project.zip"), "slug": "damaged"})
    page = follow_refused(client, response).get_data(as_text=True)
    assert "nothing was imported" in page or "not a Klankbord project export" in page
    assert db.session.scalar(select(func.count()).select_from(Project)) == projects
