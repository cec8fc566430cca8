"""Photos in a report (issue 26): an author places a cleared photo as a figure with alternative
text and caption in both languages; the PDF stays tagged (the figure with /Alt), the DOCX carries
the picture with its description; a photo that may show people never prints; erasing the
photo's person withdraws the versions that printed it."""
from __future__ import annotations

import io
import re
import uuid
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from webapp.extensions import db
from webapp.photos.models import Photo
from webapp.photos.services import set_cleared, store_photo_once
from webapp.reports.builds import build_to_bytes
from webapp.reports.figures import ReportFigure
from webapp.reports.models import Report, ReportBox, ReportChapter, ReportVersion
from webapp.themes.models import Theme

from .conftest import follow_refused, text_of
from .photo_files import camera_jpeg

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ALT_NL = "Een wand met zes gele briefjes over werkgevers en taal."
ALT_EN = "A wall with six yellow sticky notes about employers and language."


@pytest.fixture
def report_with_photos(app, make_activity):
    from webapp.contributors.services import ContributorInput, create_contributor

    app.config["REPORT_BUILDS_INLINE"] = True
    activity = make_activity(title="Workshop")
    person = create_contributor(ContributorInput(kind="advisory_member", name="Fatima", language="ar"))
    cleared, _new = store_photo_once(uuid.uuid4(), activity.id, camera_jpeg(1200, 900), None, contributor_id=person.id)
    set_cleared(cleared, True, None)
    private, _new = store_photo_once(uuid.uuid4(), activity.id, camera_jpeg(900, 1200, text="Namen"), None)
    theme = Theme(code="work", theme_group="recommendation", label_nl="Werk", label_en="Work")
    chapter = ReportChapter(theme=theme)
    report = Report(title_en="Report", title_nl="Rapport", chapters=[chapter])
    db.session.add(report)
    db.session.flush()
    box = ReportBox(report=report, section="scope", title_nl="Kader", title_en="Box", body_nl="Tekst", body_en="Text")
    db.session.add(box)
    report.scope_nl, report.scope_en = "Reikwijdte.", "Scope."
    db.session.commit()
    return report, chapter, box, cleared, private, person


def _struct_figures(pdf: bytes) -> list[dict]:
    """Every /Figure element of the PDF's structure tree with its /Alt."""
    reader = PdfReader(io.BytesIO(pdf))
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list) or hasattr(node, "__iter__") and not hasattr(node, "keys"):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "keys"):
            return
        if node.get("/S") == "/Figure":
            found.append({"alt": node.get("/Alt")})
        kids = node.get("/K")
        if kids is not None:
            walk(kids)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_an_author_places_a_cleared_photo_and_both_languages_are_required(client, auth, report_with_photos):
    report, chapter, box, cleared, private, _person = report_with_photos
    auth.login("author", locale="en")
    page = text_of(client.get(f"/reports/chapters/{chapter.id}"))
    assert 'data-testid="add-figure"' in page
    form = text_of(client.get(f"/reports/{report.id}/figures/new?chapter_id={chapter.id}"))
    assert f'value="{cleared.id}"' in form and f'value="{private.id}"' not in form  # only cleared ones
    path = f"/reports/{report.id}/figures/new?chapter_id={chapter.id}"
    refused = client.post(path, data={"photo_id": cleared.id, "alt_nl": ALT_NL, "alt_en": "", "caption_nl": "Wand",
                                      "caption_en": "Wall"})
    assert "This field is required." in text_of(follow_refused(client, refused))
    private_refused = client.post(path, data={"photo_id": private.id, "alt_nl": "a", "alt_en": "b",
                                              "caption_nl": "c", "caption_en": "d"})
    assert private_refused.status_code == 303
    assert db.session.scalar(select(ReportFigure)) is None
    saved = client.post(path, data={"photo_id": cleared.id, "alt_nl": ALT_NL, "alt_en": ALT_EN,
                                    "caption_nl": "De wand na de workshop", "caption_en": "The wall after the workshop"})
    assert saved.status_code == 302
    figure = db.session.scalar(select(ReportFigure))
    assert (figure.chapter_id, figure.photo_id, figure.alt_en) == (chapter.id, cleared.id, ALT_EN)
    assert "The wall after the workshop" in text_of(client.get(f"/reports/chapters/{chapter.id}"))
    auth.logout()
    auth.login("facilitator", locale="en")
    assert client.get(path).status_code == 403


def _place(report, photo, chapter=None, box=None, caption="De wand"):
    figure = ReportFigure(report=report, photo=photo, chapter=chapter, box=box, alt_nl=ALT_NL, alt_en=ALT_EN,
                          caption_nl=caption, caption_en="The wall")
    db.session.add(figure)
    db.session.commit()
    return figure


def test_the_pdf_prints_the_figure_tagged_with_its_alternative_text(app, report_with_photos):
    report, chapter, box, cleared, _private, _person = report_with_photos
    _place(report, cleared, chapter=chapter)
    _place(report, cleared, box=box, caption="In het kader")
    version, pdf = build_to_bytes(report, "nl", "pdf")
    figures = _struct_figures(pdf)
    assert [f["alt"] for f in figures if f["alt"] in (ALT_NL, ALT_EN)] == [ALT_NL, ALT_NL]
    assert all(f["alt"] for f in figures), "every figure of a PDF/UA file has its alternative text"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    # Numbered as they print: the box (in the scope, before the chapters) first.
    assert re.search(r"Foto 1\s+In het kader", text) and re.search(r"Foto 2\s+De wand", text)
    assert version.printed_photo_ids == [cleared.id]
    images = [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]
    assert len(images) >= 2


def test_the_docx_carries_the_picture_with_its_description(app, report_with_photos):
    report, chapter, _box, cleared, _private, _person = report_with_photos
    _place(report, cleared, chapter=chapter)
    _version, docx = build_to_bytes(report, "en", "docx")
    with zipfile.ZipFile(io.BytesIO(docx)) as document:
        body = document.read("word/document.xml").decode()
        media = [name for name in document.namelist() if name.startswith("word/media/")]
    assert f'descr="{ALT_EN}"' in body and "Photo 1" in body and "The wall" in body
    assert len(media) == 1


def test_a_photo_that_may_show_people_never_prints(client, auth, report_with_photos):
    report, chapter, _box, cleared, _private, _person = report_with_photos
    _place(report, cleared, chapter=chapter)
    set_cleared(cleared, False, None)  # a facilitator takes the clearing back
    version, pdf = build_to_bytes(report, "nl", "pdf")
    assert ALT_NL not in [f["alt"] for f in _struct_figures(pdf)]
    assert "Foto 1" not in "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert version.printed_photo_ids == []
    auth.login("author", locale="en")
    assert 'data-testid="figure-not-printed"' in text_of(client.get(f"/reports/chapters/{chapter.id}"))


def test_erasing_the_photos_person_withdraws_the_versions_that_printed_it(client, auth, report_with_photos):
    report, chapter, _box, cleared, _private, person = report_with_photos
    _place(report, cleared, chapter=chapter)
    version, _pdf = build_to_bytes(report, "nl", "pdf")
    version_id, photo_id = version.id, cleared.id
    auth.login("admin", locale="en")
    response = client.post(f"/contributors/{person.id}/erase", data={"scope": "everything", "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    withdrawn = db.session.get(ReportVersion, version_id)
    assert withdrawn.withdrawn_at is not None and withdrawn.content is None
    assert db.session.scalar(select(ReportFigure)) is None and db.session.get(Photo, photo_id) is None
