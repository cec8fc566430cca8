"""The photo store: a folder by default, an S3-compatible bucket when configured (docs/deploy.md).
The S3 backend is tested against moto's S3 server on loopback, started here; backups carry the
photo files and a restore puts them back."""
from __future__ import annotations

import io
import socket
import tarfile
import uuid

import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.photos.models import Photo
from webapp.photos.storage import FileStore, PhotoFileMissing, S3Store, photo_store

from .photo_files import camera_jpeg

BUCKET = "klankbord-photos"


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server in a thread on 127.0.0.1, on a free port."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_app(app, s3_endpoint, monkeypatch):
    import boto3

    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "eu-west-1")):
        monkeypatch.setenv(name, value)
    bucket = f"{BUCKET}-{uuid.uuid4().hex[:8]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="eu-west-1").create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    app.config.update(PHOTO_STORAGE="s3", PHOTO_S3_BUCKET=bucket, PHOTO_S3_ENDPOINT_URL=s3_endpoint,
                      PHOTO_S3_REGION="eu-west-1", PHOTO_S3_PREFIX="photos/")
    app.extensions.pop("klankbord_photo_store", None)
    yield app
    app.extensions.pop("klankbord_photo_store", None)


def test_photos_live_in_the_bucket_when_s3_is_configured(s3_app, client, auth, make_activity):
    assert isinstance(photo_store(), S3Store)
    auth.login("facilitator")
    activity = make_activity()
    response = client.post("/api/v1/photos", content_type="multipart/form-data", data={
        "client_id": str(uuid.uuid4()), "activity_id": str(activity.id), "file": (io.BytesIO(camera_jpeg()), "a.jpg")})
    assert response.status_code == 201
    photo = db.session.get(Photo, response.get_json()["id"])
    objects = photo_store().client.list_objects_v2(Bucket=s3_app.config["PHOTO_S3_BUCKET"])["Contents"]
    assert sorted(item["Key"] for item in objects) == sorted(f"photos/{key}" for key in (photo.file_key,
                                                                                          photo.thumbnail_key))
    image = client.get(f"/photos/{photo.id}/image.jpg")
    assert image.status_code == 200 and image.data == photo_store().get(photo.file_key)
    refused = client.post("/api/v1/photos", content_type="multipart/form-data", data={
        "client_id": str(uuid.uuid4()), "activity_id": str(activity.id),
        "file": (io.BytesIO(b"<svg onload=alert(1)>"), "b.jpg")})
    assert refused.status_code == 422 and len(photo_store().keys()) == 2
    assert client.post(f"/photos/{photo.id}/delete").status_code == 302
    assert photo_store().keys() == []
    with pytest.raises(PhotoFileMissing):
        photo_store().get(photo.file_key)


def test_a_file_store_keeps_to_its_folder(tmp_path):
    store = FileStore(tmp_path / "photos")
    store.put("abc.jpg", b"x")
    assert store.get("abc.jpg") == b"x" and store.keys() == ["abc.jpg"]
    for key in ("../secret", "a/b.jpg", ".hidden", ""):
        with pytest.raises(PhotoFileMissing):
            store.get(key)
    assert (tmp_path / "photos" / "abc.jpg").stat().st_mode & 0o077 == 0  # the app's own, nobody else's
    store.delete("abc.jpg")
    store.delete("abc.jpg")  # twice is fine
    assert store.keys() == []


def test_a_backup_carries_the_photo_files_and_a_restore_puts_them_back(tmp_path):
    from webapp.backups.services import BackupError, create_backup, restore_backup
    from webapp.config import TestConfig
    from webapp import create_app

    # Databases of their own (SQLite files: the PostgreSQL round trip is tests/test_backups.py's).
    source_db, target_db = tmp_path / "source.db", tmp_path / "target.db"

    class Source(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{source_db}"
        PHOTO_STORAGE_PATH = str(tmp_path / "source-photos")

    class Target(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{target_db}"
        PHOTO_STORAGE_PATH = str(tmp_path / "target-photos")

    from .conftest import start_default_project

    source = create_app(Source)
    with source.app_context():
        db.create_all()
        start_default_project()
        from webapp.activities.services import ActivityInput, save_activity
        from webapp.photos.services import store_photo_once

        activity = save_activity(None, ActivityInput(type="ln_meeting", title="Workshop"))
        photo, _new = store_photo_once(uuid.uuid4(), activity.id, camera_jpeg(), None)
        files = {key: photo_store().get(key) for key in photo_store().keys()}
        assert len(files) == 2
        manifest = create_backup(tmp_path / "backup.tar.gz")
        assert set(manifest["photos"]) == set(files)
        db.session.remove()
        db.engine.dispose()
    with tarfile.open(tmp_path / "backup.tar.gz") as archive:
        assert {f"photos/{key}" for key in files} <= set(archive.getnames())
    target = create_app(Target)
    with target.app_context():
        restore_backup(tmp_path / "backup.tar.gz")
        assert {key: photo_store().get(key) for key in photo_store().keys()} == files
        assert db.session.scalar(select(Photo.file_key)) in files
        db.session.remove()
        db.engine.dispose()
    # A damaged photo file in the archive is refused.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(tmp_path / "backup.tar.gz") as original, tarfile.open(damaged, "w:gz") as copy:
        for member in original.getmembers():
            content = original.extractfile(member).read()
            if member.name.startswith("photos/"):
                content = content[:-1] + b"\x00"
            copy.addfile(member, io.BytesIO(content))
    target_db.unlink()
    with target.app_context():
        with pytest.raises(BackupError, match="checksum"):
            restore_backup(damaged)
        db.session.remove()
        db.engine.dispose()
