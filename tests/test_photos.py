"""Photos (issue 26): stored once and without metadata, hostile files refused with nothing left
behind, findings typed from a photo, privacy (clearing, roles, audit), the project export,
erasure, the art. 15 ZIP and backups."""
from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest
from PIL import Image
from sqlalchemy import func, select

from webapp.audit.models import AuditEntry
from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.photos.models import Photo, PhotoFinding
from webapp.photos.storage import photo_store

from .conftest import follow_refused, text_of
from .photo_files import GPS_IFD, HOSTILE, big_file, camera_jpeg, transparent_png


def upload(client, activity_id, content: bytes, client_id: str | None = None, **fields):
    data = {"client_id": client_id or str(uuid.uuid4()), "activity_id": str(activity_id),
            "file": (io.BytesIO(content), "photo.jpg"), **fields}
    return client.post("/api/v1/photos", data=data, content_type="multipart/form-data")


def stored_files() -> list[str]:
    return photo_store().keys()


def assert_no_metadata(jpeg: bytes) -> None:
    """What a phone puts in a photo is gone: EXIF (GPS, device, times, artist), comments, ICC, XMP."""
    with Image.open(io.BytesIO(jpeg)) as image:
        assert image.format == "JPEG"
        exif = image.getexif()
        assert dict(exif) == {} and dict(exif.get_ifd(GPS_IFD)) == {}
        assert not {"exif", "comment", "icc_profile", "xmp", "photoshop"} & set(image.info)
    assert b"Exif" not in jpeg[:4096] and b"PhoneMaker" not in jpeg and b"Jan Jansen" not in jpeg


@pytest.fixture
def activity(app, make_activity):
    return make_activity()


def test_a_photo_is_stored_once_without_its_metadata(client, auth, activity):
    auth.login("facilitator")
    original = camera_jpeg()
    with Image.open(io.BytesIO(original)) as image:  # the fixture does carry a GPS position
        assert image.getexif().get_ifd(GPS_IFD)[2] == (52.0, 5.0, 17.5)
    client_id = str(uuid.uuid4())
    first = upload(client, activity.id, original, client_id)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["may_show_people"] is True and (body["width"], body["height"]) == (1600, 1200)
    again = upload(client, activity.id, original, client_id)
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    other = upload(client, activity.id, camera_jpeg(text="Anders"), client_id)
    assert other.status_code == 409 and other.get_json()["photo"]["id"] == body["id"]
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 1
    photo = db.session.get(Photo, body["id"])
    assert photo.thumbnail_key  # made at once in tests (PHOTO_THUMBNAILS_INLINE)
    assert sorted(stored_files()) == sorted([photo.file_key, photo.thumbnail_key])
    for key in stored_files():
        assert_no_metadata(photo_store().get(key))
    image = client.get(body["image_url"], as_written=True)
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    assert_no_metadata(image.data)
    assert text_of(client.get(f"/photos/{photo.id}"))


def test_a_large_photo_is_reduced_and_a_png_becomes_a_jpeg(client, auth, activity):
    auth.login("facilitator")
    big = upload(client, activity.id, camera_jpeg(4000, 3000))
    assert big.status_code == 201 and (big.get_json()["width"], big.get_json()["height"]) == (2560, 1920)
    png = upload(client, activity.id, transparent_png())
    assert png.status_code == 201
    with Image.open(io.BytesIO(photo_store().get(db.session.get(Photo, png.get_json()["id"]).file_key))) as image:
        assert image.format == "JPEG" and image.getpixel((0, 0)) == (255, 255, 255)  # transparency on white


@pytest.mark.parametrize("name", [*HOSTILE, "fifty_megabytes"])
def test_a_hostile_file_gets_a_4xx_and_leaves_nothing(client, auth, activity, name):
    auth.login("facilitator", locale="en")
    content = big_file(50) if name == "fifty_megabytes" else HOSTILE[name]()
    response = upload(client, activity.id, content)
    assert 400 <= response.status_code < 500, (name, response.status_code)
    assert response.status_code == (413 if name == "fifty_megabytes" else 422)
    assert response.get_json()["message"] and "photo" in response.get_json()["message"].lower() or \
        response.get_json()["errors"]["file"]
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0
    assert stored_files() == []


def test_hostile_files_are_refused_in_dutch_with_the_reason(client, auth, activity):
    auth.login("facilitator", locale="nl")
    reasons = {}
    for name, make in HOSTILE.items():
        response = client.post("/api/v1/photos", data={"client_id": str(uuid.uuid4()), "activity_id": str(activity.id),
                                                       "file": (io.BytesIO(make()), "x.jpg")},
                               content_type="multipart/form-data", headers={"Accept-Language": "nl"})
        assert response.status_code == 422
        reasons[name] = response.get_json()["errors"]["file"]
    assert "te veel pixels" in reasons["bomb"]
    assert "beschadigd" in reasons["truncated"]
    assert "geen foto" in reasons["svg_with_script"] and "geen foto" in reasons["html_named_jpeg"]
    assert "meer dan een afbeelding" in reasons["polyglot_html"] and "meer dan een afbeelding" in reasons["polyglot_zip"]
    assert "metagegevens" in reasons["hostile_metadata"]
    too_large = client.post("/api/v1/photos", data={"client_id": str(uuid.uuid4()), "activity_id": str(activity.id),
                                                    "file": (io.BytesIO(big_file(50)), "x.jpg")},
                            content_type="multipart/form-data", headers={"Accept-Language": "nl"})
    assert too_large.status_code == 413 and "groter dan 20 MB" in too_large.get_json()["message"]


def test_the_form_without_javascript_stores_photos_and_refuses_a_bad_one(client, auth, activity):
    auth.login("facilitator", locale="en")
    path = f"/activities/{activity.id}/photos"
    stored = client.post(path, data={"photos": [(io.BytesIO(camera_jpeg()), "a.jpg"), (io.BytesIO(camera_jpeg(text="b")), "b.jpg")]},
                         content_type="multipart/form-data")
    assert stored.status_code == 302
    assert "2 photos stored" in text_of(client.get(stored.location))
    refused = client.post(path, data={"photos": [(io.BytesIO(HOSTILE["svg_with_script"]()), "evil.jpg")]},
                          content_type="multipart/form-data")
    page = text_of(follow_refused(client, refused, f"/capture/activities/{activity.id}"))
    assert "evil.jpg: This file is not a photo" in page
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 2 and len(stored_files()) == 4


def test_a_finding_typed_from_a_photo_links_it_both_ways(client, auth, activity):
    auth.login("facilitator", locale="en")
    photo_client_id = str(uuid.uuid4())
    photo_id = upload(client, activity.id, camera_jpeg(), photo_client_id).get_json()["id"]
    finding = {"client_id": str(uuid.uuid4()), "activity_id": activity.id, "text": "Werkgevers willen één loket.",
               "kind": "observation", "language": "nl", "photo_client_id": photo_client_id,
               "photo_region": {"x": 0.1, "y": 0.2, "w": 0.3, "h": 0.25}}
    created = client.post("/api/v1/findings", json=finding)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["photo"] == {"id": photo_id, "client_id": photo_client_id,
                                           "region": {"x": 0.1, "y": 0.2, "w": 0.3, "h": 0.25}}
    replay = client.post("/api/v1/findings", json=finding)
    assert replay.status_code == 200 and replay.get_json()["photo"]["id"] == photo_id
    assert db.session.scalar(select(func.count()).select_from(PhotoFinding)) == 1
    finding_id = created.get_json()["id"]
    assert client.get(f"/api/v1/findings/{finding_id}").get_json()["photo"]["id"] == photo_id
    edit = text_of(client.get(f"/findings/{finding_id}/edit"))
    assert 'data-testid="finding-photo"' in edit and f"/photos/{photo_id}/image.jpg" in edit
    page = text_of(client.get(f"/photos/{photo_id}"))
    assert "Werkgevers willen één loket." in page and page.count('data-testid="photo-region"') == 1
    assert 'x="0.1" y="0.2" width="0.3" height="0.25"' in page


def test_a_finding_naming_an_unknown_photo_is_refused_and_nothing_is_stored(client, auth, activity, make_activity):
    auth.login("facilitator", locale="en")
    base = {"activity_id": activity.id, "text": "Iets", "kind": "observation", "language": "nl"}
    unknown = client.post("/api/v1/findings", json={**base, "client_id": str(uuid.uuid4()),
                                                   "photo_client_id": str(uuid.uuid4())})
    assert unknown.status_code == 422 and "photo_client_id" in unknown.get_json()["errors"]
    other_activity = make_activity(title="Elders")
    elsewhere = str(uuid.uuid4())
    upload(client, other_activity.id, camera_jpeg(), elsewhere)
    wrong_activity = client.post("/api/v1/findings", json={**base, "client_id": str(uuid.uuid4()),
                                                          "photo_client_id": elsewhere})
    assert wrong_activity.status_code == 422
    for region in ({"x": 0.9, "y": 0, "w": 0.5, "h": 0.1}, {"x": "a", "y": 0, "w": 1, "h": 1}, [0, 0, 1, 1]):
        bad = client.post("/api/v1/findings", json={**base, "client_id": str(uuid.uuid4()),
                                                   "photo_client_id": elsewhere, "photo_region": region})
        assert bad.status_code == 422 and "photo_region" in bad.get_json()["errors"]
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0


def test_only_facilitators_and_admins_clear_a_photo_and_it_is_audited(client, auth, activity):
    auth.login("author", locale="en")
    photo_id = upload(client, activity.id, camera_jpeg()).get_json()["id"]
    assert client.post(f"/photos/{photo_id}/clear", data={"cleared": "1"}).status_code == 403
    assert 'data-testid="clear-photo"' not in text_of(client.get(f"/photos/{photo_id}"))
    auth.logout()
    auth.login("facilitator", locale="en")
    assert client.post(f"/photos/{photo_id}/clear", data={"cleared": "1"}).status_code == 302
    page = text_of(client.get(f"/photos/{photo_id}"))
    assert 'data-testid="photo-cleared"' in page and "Cleared by Test facilitator" in page
    assert client.post(f"/photos/{photo_id}/clear", data={"cleared": "0"}).status_code == 302
    assert db.session.get(Photo, photo_id).may_show_people
    actions = db.session.execute(select(AuditEntry.action, AuditEntry.detail).where(
        AuditEntry.object_kind == "photo", AuditEntry.object_id == photo_id).order_by(AuditEntry.id)).all()
    assert [a for a, _d in actions] == ["create", "update", "update"]
    assert actions[1][1]["fields"] == ["cleared_at", "cleared_by", "cleared_by_id"]


def test_deleting_a_photo_removes_its_files_once_committed_and_keeps_the_findings(client, auth, activity):
    auth.login("facilitator", locale="en")
    photo_client_id = str(uuid.uuid4())
    photo_id = upload(client, activity.id, camera_jpeg(), photo_client_id).get_json()["id"]
    client.post("/api/v1/findings", json={"client_id": str(uuid.uuid4()), "activity_id": activity.id, "text": "Blijft",
                                         "kind": "observation", "language": "nl", "photo_client_id": photo_client_id})
    assert len(stored_files()) == 2
    assert client.post(f"/photos/{photo_id}/delete").status_code == 302
    assert stored_files() == [] and db.session.get(Photo, photo_id) is None
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 1
    assert db.session.scalar(select(func.count()).select_from(PhotoFinding)) == 0


def test_a_rolled_back_upload_leaves_no_file(app, activity):
    from webapp.photos.storage import write_file

    write_file(camera_jpeg(200, 100))
    assert len(stored_files()) == 1
    db.session.rollback()
    assert stored_files() == []


def test_the_thumbnail_is_made_by_a_job(app, client, auth, activity):
    from webapp.jobs.models import Job

    app.config.update(PHOTO_THUMBNAILS_INLINE=False, JOBS_INLINE=True)
    auth.login("facilitator")
    photo_id = upload(client, activity.id, camera_jpeg()).get_json()["id"]
    job = db.session.scalar(select(Job).where(Job.kind == "photo_thumbnail"))
    assert job is not None and job.state == "done" and job.subject == f"photo:{photo_id}"
    photo = db.session.get(Photo, photo_id)
    with Image.open(io.BytesIO(photo_store().get(photo.thumbnail_key))) as thumbnail:
        assert max(thumbnail.size) == 480
    assert client.get(f"/photos/{photo_id}/thumbnail.jpg").data == photo_store().get(photo.thumbnail_key)


def test_the_capture_screen_offers_photos_and_the_transcribe_pane(client, auth, activity):
    auth.login("facilitator", locale="en")
    upload(client, activity.id, camera_jpeg())
    page = text_of(client.get(f"/capture/activities/{activity.id}"))
    assert 'accept="image/*" capture="environment" multiple' in page
    assert page.count('data-testid="stored-photo"') == 1 and 'data-testid="transcribe-pane"' in page
    assert "capture-photos.js" in page


# ---------------------------------------------------------------- leaving, erasure, art. 15, backups

def _photo_with_finding(client, activity_id, contributor_id=None, cleared=False, text="Van de flip-over"):
    photo_client_id = str(uuid.uuid4())
    fields = {"contributor_id": str(contributor_id)} if contributor_id else {}
    photo_id = upload(client, activity_id, camera_jpeg(text=text), photo_client_id, **fields).get_json()["id"]
    client.post("/api/v1/findings", json={"client_id": str(uuid.uuid4()), "activity_id": activity_id, "text": text,
                                         "kind": "observation", "language": "nl", "photo_client_id": photo_client_id})
    if cleared:
        assert client.post(f"/photos/{photo_id}/clear", data={"cleared": "1"}).status_code == 302
    return photo_id


def test_a_project_export_carries_cleared_photos_only(app, client, auth, activity):
    from webapp.projects.models import Project
    from webapp.projects.scope import set_scope
    from webapp.projects.transfer import export_project, import_project

    auth.login("facilitator", locale="en")
    cleared = _photo_with_finding(client, activity.id, cleared=True, text="Vrijgegeven")
    private = _photo_with_finding(client, activity.id, text="Misschien mensen")
    learn = db.session.scalar(select(Project).where(Project.slug == "learn"))
    set_scope(None, None)
    archive = export_project(learn)
    with zipfile.ZipFile(io.BytesIO(archive.getvalue())) as zipped:
        document = json.loads(zipped.read("project.json"))
        files = {name: zipped.read(name) for name in zipped.namelist() if name.startswith("files/photos/")}
    assert [row["id"] for row in document["tables"]["photos"]] == [cleared]
    assert [row["photo_id"] for row in document["tables"]["photo_findings"]] == [cleared]
    assert len(files) == 2  # the photo and its thumbnail, nothing of the private one
    photo = db.session.get(Photo, cleared)
    assert photo_store().get(photo.file_key) in files.values()
    before = set(stored_files())
    archive.seek(0)
    copy = import_project(archive, slug="copy")
    copied = db.session.scalar(select(Photo).where(Photo.project_id == copy.id))
    assert copied.file_key not in before and copied.thumbnail_key not in before  # files of its own
    assert_no_metadata(photo_store().get(copied.file_key))
    assert len(copied.findings) == 1 and copied.findings[0].finding.text == "Vrijgegeven"
    assert db.session.get(Photo, private).may_show_people


def test_an_import_with_a_hostile_photo_is_refused_and_leaves_no_file(app, client, auth, activity):
    from webapp.projects.models import Project
    from webapp.projects.scope import set_scope
    from webapp.projects.transfer import TransferError, export_project, import_project

    auth.login("facilitator", locale="en")
    _photo_with_finding(client, activity.id, cleared=True)
    set_scope(None, None)
    original = export_project(db.session.scalar(select(Project).where(Project.slug == "learn"))).getvalue()
    before = sorted(stored_files())
    tampered = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(tampered, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("files/photos/") and item.filename.endswith("file_key"):
                content = HOSTILE["polyglot_html"]()
            target.writestr(item, content)
    tampered.seek(0)
    with pytest.raises(TransferError, match=r"photos\.file_key"):
        import_project(tampered, slug="tampered")
    assert sorted(stored_files()) == before
    assert db.session.scalar(select(Project).where(Project.slug == "tampered")) is None


def test_erasing_everything_erases_the_persons_photos_and_their_files(app, client, auth, activity):
    from webapp.contributors.services import ContributorInput, create_contributor

    contributor = create_contributor(ContributorInput(kind="advisory_member", name="Fatima", language="ar"))
    other = create_contributor(ContributorInput(kind="advisory_member", name="Omar", language="ar"))
    auth.login("facilitator", locale="en")
    theirs = _photo_with_finding(client, activity.id, contributor.id)
    kept = _photo_with_finding(client, activity.id, other.id)
    files_of_kept = {db.session.get(Photo, kept).file_key, db.session.get(Photo, kept).thumbnail_key}
    auth.logout()
    auth.login("admin", locale="en")
    identity = client.post(f"/contributors/{contributor.id}/erase", data={"scope": "identity", "confirm": "y"})
    assert identity.status_code == 302 and db.session.get(Photo, theirs) is not None  # words and photos stay
    everything = client.post(f"/contributors/{contributor.id}/erase", data={"scope": "everything", "confirm": "y"})
    assert everything.status_code == 302
    db.session.expire_all()
    assert db.session.get(Photo, theirs) is None and db.session.get(Photo, kept) is not None
    assert set(stored_files()) == files_of_kept
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "erase_everything"))
    assert entry.detail["photos"] == 1


def test_the_personal_data_zip_holds_the_persons_cleared_photos(app, client, auth, activity):
    from webapp.contributors.services import ContributorInput, create_contributor

    contributor = create_contributor(ContributorInput(kind="advisory_member", name="Fatima", language="ar"))
    auth.login("facilitator", locale="en")
    cleared = _photo_with_finding(client, activity.id, contributor.id, cleared=True)
    private = _photo_with_finding(client, activity.id, contributor.id)
    auth.logout()
    auth.login("admin", locale="en")
    response = client.get(f"/contributors/{contributor.id}/personal-data.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as zipped:
        photos = json.loads(zipped.read("contributions.json"))["photos"]
        assert [p["id"] for p in photos] == [cleared, private]
        assert photos[0]["file"] == f"photos/{cleared}.jpg"
        assert photos[1]["file"].startswith("not included: the photo may show other people")
        assert zipped.read(f"photos/{cleared}.jpg") == photo_store().get(db.session.get(Photo, cleared).file_key)
        assert f"photos/{private}.jpg" not in zipped.namelist()


def test_a_facilitator_of_another_project_cannot_reach_a_photo(app, client, auth, activity):
    """What only facilitators and admins may do to a photo (tests/test_projects.py checks every
    other route as an author of another project) answers 404 for a photo of another project."""
    from webapp.projects.models import Project

    auth.login("facilitator")
    photo_id = upload(client, activity.id, camera_jpeg()).get_json()["id"]
    auth.logout()
    other = Project(slug="other", name_nl="Ander", name_en="Other")
    db.session.add(other)
    db.session.commit()
    auth.login("facilitator", email="elsewhere@example.test", project=other)
    for path in ("clear", "contributor", "delete"):
        assert client.post(f"/p/other/photos/{photo_id}/{path}", as_written=True).status_code == 404
        assert client.post(f"/p/learn/photos/{photo_id}/{path}", as_written=True).status_code == 404
    for path in ("", "/image.jpg", "/thumbnail.jpg"):
        assert client.get(f"/p/other/photos/{photo_id}{path}", as_written=True).status_code == 404
    assert client.get(f"/api/v1/projects/other/photos/{photo_id}/image", as_written=True).status_code == 404
    assert db.session.get(Photo, photo_id).may_show_people
