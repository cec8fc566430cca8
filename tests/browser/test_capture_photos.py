"""Photos on the capture screen, on a tablet (768x1024) with the wifi gone (issue 26).

Offline: two photos taken (fixture JPEGs with a GPS position in their EXIF), one finding typed
beside the second photo with a region marked on it, the page reloaded; back online the outbox
sends everything: two photos and one finding arrive once each, the finding records its photo
and region, and the stored files carry no EXIF (read back with Pillow).
"""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from ..photo_files import GPS_IFD, camera_jpeg
from .test_capture_offline import capture, log_in, make_activity, open_capture, server_requests, waiting

pytestmark = pytest.mark.browser

SHOTS = "/tmp/capture-shots"


def stored(live_server, activity_id: int):
    from webapp.extensions import db
    from webapp.findings.models import Finding
    from webapp.photos.models import Photo, PhotoFinding
    from webapp.photos.storage import photo_store

    with live_server.app.app_context():
        photos = list(db.session.scalars(select(Photo).where(Photo.activity_id == activity_id).order_by(Photo.id)))
        findings = list(db.session.scalars(select(Finding).where(Finding.activity_id == activity_id)))
        links = {link.finding_id: (str(link.photo.client_id), link.region)
                 for link in db.session.scalars(select(PhotoFinding))}
        files = {photo.id: [photo_store().get(key) for key in (photo.file_key, photo.thumbnail_key) if key]
                 for photo in photos}
        return ([str(p.client_id) for p in photos], [(f.id, f.text) for f in findings], links, files)


def test_offline_photos_and_a_finding_typed_beside_one_arrive_once(page: Page, live_server, browser_login, tmp_path):
    activity_id = make_activity(live_server, "Workshop with flip-charts")
    pictures = []
    for number, colour in ((1, (250, 240, 190)), (2, (200, 230, 250))):
        path = tmp_path / f"IMG_000{number}.jpg"
        path.write_bytes(camera_jpeg(3000, 2000, colour=colour, text=f"Flip {number}"))
        with Image.open(path) as original:
            assert original.getexif().get_ifd(GPS_IFD), "the fixture carries a GPS position"
        pictures.append(str(path))
    log_in(page, browser_login)
    open_capture(page, activity_id)

    page.context.set_offline(True)
    page.set_input_files("[data-testid=photo-input]", pictures)
    thumbs = page.locator("[data-testid=photo-strip] [data-testid=queued-photo]")
    expect(thumbs).to_have_count(2)
    expect(waiting(page)).to_have_attribute("data-count", "2", timeout=20_000)  # reduced and queued
    second = thumbs.nth(1)
    photo_client_id = second.get_attribute("data-photo-client-id")
    second.locator("[data-testid=transcribe]").click()
    pane = page.get_by_test_id("transcribe-pane")
    expect(pane).to_be_visible()
    expect(page.locator("[data-capture]")).to_have_class(re.compile("transcribing"))
    viewer = page.get_by_test_id("photo-viewer")
    expect(viewer.locator("img")).to_have_js_property("complete", True)
    # Mark the note the finding is read from: a drag across the middle of the photo.
    page.get_by_test_id("mark-region").click()
    box = viewer.bounding_box()
    shown = viewer.locator("img").bounding_box()  # the photo as fitted into the viewer
    start = (box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.45)
    end = (box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.55)
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=5)
    page.mouse.up()
    expected = ((start[0] - shown["x"]) / shown["width"], (start[1] - shown["y"]) / shown["height"],
                (end[0] - start[0]) / shown["width"], (end[1] - start[1]) / shown["height"])
    assert page.locator("input[name=photo_region]").input_value().startswith('{"x":')
    page.screenshot(path=f"{SHOTS}/transcribe-offline.png")
    capture(page, "Werkgevers willen één loket per regio.", kind="observation")
    expect(waiting(page)).to_have_attribute("data-count", "3")
    # The next finding is typed beside the same photo, without the region of the last one.
    expect(pane).to_be_visible()
    assert page.locator("input[name=photo_client_id]").input_value() == photo_client_id
    assert page.locator("input[name=photo_region]").input_value() == ""

    with server_requests(live_server) as seen:
        page.reload()
        expect(waiting(page)).to_have_attribute("data-count", "3")
        expect(page.locator("[data-testid=photo-strip] [data-testid=queued-photo]")).to_have_count(2)
    assert [path for path in seen if not path.startswith("/api/")] == [], "the offline reload comes from the cache"
    assert stored(live_server, activity_id)[0] == []

    page.context.set_offline(False)
    expect(waiting(page)).to_have_attribute("data-count", "0", timeout=30_000)
    page.wait_for_timeout(500)  # a late second send, were there one, would arrive now
    photo_ids, findings, links, files = stored(live_server, activity_id)
    assert len(photo_ids) == 2 and photo_client_id in photo_ids
    assert [text for _id, text in findings] == ["Werkgevers willen één loket per regio."]
    linked_photo, region = links[findings[0][0]]
    assert linked_photo == photo_client_id
    assert region == pytest.approx(expected, abs=0.01)  # the note marked, in fractions of the photo
    for contents in files.values():
        assert len(contents) == 2  # the photo and its thumbnail
        for content in contents:
            with Image.open(io.BytesIO(content)) as image:
                assert dict(image.getexif()) == {} and "exif" not in image.info
                assert max(image.size) <= 2560
    # Online again, the screen shows them as stored, and the finding's page shows its photo.
    page.reload()
    expect(page.locator("[data-testid=photo-strip] [data-testid=stored-photo]")).to_have_count(2)
    page.goto(f"/findings/{findings[0][0]}/edit")
    expect(page.get_by_test_id("finding-photo")).to_be_visible()
    expect(page.get_by_test_id("photo-region")).to_have_count(1)


def test_a_photo_opened_from_its_page_is_transcribed_beside_the_form(page: Page, live_server, browser_login, tmp_path):
    """On a tablet: the photo page's Transcribe opens the capture screen beside that photo;
    the buttons zoom; a finding saved there records the photo (screenshots for docs/screens)."""
    activity_id = make_activity(live_server, "Board session with sticky notes")
    path = tmp_path / "wall.jpg"
    path.write_bytes(camera_jpeg(2400, 1800))
    log_in(page, browser_login)
    open_capture(page, activity_id)
    page.set_input_files("[data-testid=photo-input]", [str(path)])
    expect(page.locator("[data-testid=photo-strip] li")).to_have_count(1)
    expect(page.locator("[data-testid=photo-strip] li[data-photo-id]")).to_have_count(1, timeout=30_000)  # sent
    page.reload()
    photo = page.locator("[data-testid=stored-photo]").first
    photo.locator("a").click()  # the photo's page
    expect(page.get_by_test_id("photo-privacy")).to_contain_text(re.compile("."))
    page.get_by_test_id("transcribe-link").click()
    expect(page.get_by_test_id("transcribe-pane")).to_be_visible()
    image = page.get_by_test_id("photo-viewer").locator("img")
    expect(image).to_have_js_property("complete", True)
    before = image.evaluate("img => img.style.transform")
    page.locator("[data-zoom=in]").click()
    assert image.evaluate("img => img.style.transform") != before
    pane_box = page.get_by_test_id("transcribe-pane").bounding_box()
    form_box = page.locator("[data-capture-form]").bounding_box()
    assert pane_box["x"] + pane_box["width"] <= form_box["x"] + 1, "the photo stands beside the form"
    page.screenshot(path=f"{SHOTS}/transcribe-tablet.png")
    capture(page, "Eén loket per regio", kind="recommendation")
    # Stored on the server (the list of stored findings shows it): the outbox count alone can
    # read 0 before the new finding has even been queued.
    expect(page.get_by_test_id("captured-list").locator("li", has_text="Eén loket per regio")).to_have_count(
        1, timeout=30_000)
    expect(waiting(page)).to_have_attribute("data-count", "0", timeout=30_000)
    _ids, findings, links, _files = stored(live_server, activity_id)
    assert len(findings) == 1 and links[findings[0][0]][1] is None  # the whole photo
