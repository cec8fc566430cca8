"""Where photo files live: one store per app, chosen by configuration (docs/deploy.md).

- `file` (the default): a folder, `PHOTO_STORAGE_PATH` or else `instance/photos`. Enough for
  one machine; several web processes and workers on one machine share it.
- `s3`: a bucket of any S3-compatible service (`PHOTO_S3_BUCKET`, `PHOTO_S3_ENDPOINT_URL`,
  `PHOTO_S3_REGION`, `PHOTO_S3_PREFIX`; credentials from boto3's own chain: the
  `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` environment, a profile or an instance role), so
  web processes and workers on different machines see the same files. boto3 is imported
  when the first S3 store is made, never at start-up.

Files follow the database's transaction: a file written for a row that is then rolled back
is deleted again (`write_file`), and a file whose row is deleted goes only once that delete
is committed (`delete_file_after_commit`). So a refused upload or import leaves no file,
and a failed erasure leaves every file in place.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

_WRITTEN = "photo_files_written"
_GONE = "photo_files_gone"


class PhotoFileMissing(LookupError):
    """The store has no file under this key."""


class FileStore:
    """Files in a folder: `<root>/<key>`, written whole or not at all (a temporary name, then a rename)."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not key or "/" in key or "\\" in key or key.startswith("."):
            raise PhotoFileMissing(key)
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
        partial.write_bytes(data)
        os.chmod(partial, 0o600)  # may show people: readable by the app only
        partial.replace(path)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise PhotoFileMissing(key) from None

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink()
        except (FileNotFoundError, PhotoFileMissing):
            pass

    def keys(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_file() and not p.name.startswith("."))


class S3Store:
    """Objects in an S3-compatible bucket: `<prefix><key>`."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None, region: str | None = None):
        import boto3  # loaded where used: keeps the app's start-up fast
        from botocore.config import Config as BotoConfig

        self.bucket, self.prefix = bucket, prefix
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region,
                                   config=BotoConfig(retries={"max_attempts": 3, "mode": "standard"},
                                                     connect_timeout=10, read_timeout=60))

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data, ContentType="image/jpeg")

    def get(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()
        except self.client.exceptions.NoSuchKey:
            raise PhotoFileMissing(key) from None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)

    def keys(self) -> list[str]:
        found = []
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            found += [item["Key"][len(self.prefix):] for item in page.get("Contents", [])]
        return sorted(found)


def photo_store(app=None):
    """The app's photo store, made once per app from its configuration."""
    app = app or current_app._get_current_object()
    store = app.extensions.get("klankbord_photo_store")
    if store is None:
        if app.config.get("PHOTO_STORAGE", "file") == "s3":
            store = S3Store(app.config["PHOTO_S3_BUCKET"], app.config.get("PHOTO_S3_PREFIX") or "",
                            app.config.get("PHOTO_S3_ENDPOINT_URL"), app.config.get("PHOTO_S3_REGION"))
        else:
            store = FileStore(app.config.get("PHOTO_STORAGE_PATH") or Path(app.instance_path) / "photos")
        app.extensions["klankbord_photo_store"] = store
    return store


def new_key() -> str:
    return f"{uuid.uuid4().hex}.jpg"


def write_file(data: bytes) -> str:
    """Store `data` under a new key, for a row of the current transaction: unless that
    transaction commits (a rollback, an exception, a closed session), the file is deleted."""
    db.session.connection()  # the transaction the file belongs to starts now, if it had not
    key = new_key()
    photo_store().put(key, data)
    db.session.info.setdefault(_WRITTEN, []).append(key)
    return key


def delete_file_after_commit(key: str | None) -> None:
    """Delete the file once the transaction that deletes its row commits (a rollback keeps it)."""
    if key:
        db.session.info.setdefault(_GONE, []).append(key)


def read_file(key: str) -> bytes:
    return photo_store().get(key)


@event.listens_for(Session, "after_commit")
def _files_follow_the_commit(session) -> None:
    session.info.pop(_WRITTEN, None)
    gone = session.info.pop(_GONE, None)
    if gone:
        store = photo_store()
        for key in gone:
            store.delete(key)


@event.listens_for(Session, "after_transaction_end")
def _files_follow_the_rollback(session, transaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint or a subtransaction: the outermost one decides
    session.info.pop(_GONE, None)  # not committed (a commit took them already): the files stay
    written = session.info.pop(_WRITTEN, None)
    if written:
        store = photo_store()
        for key in written:
            store.delete(key)


# ---------------------------------------------------------------- project export and import

def export_file(key: str | None) -> bytes | None:
    """A project export carries the file itself (projects/transfer.py writes bytes as a file of the ZIP)."""
    return read_file(key) if key else None


def import_file(data: bytes) -> str:
    """A photo file from a project export: untrusted, so checked and re-encoded like an upload,
    then stored under a new key (a copy within one installation never shares a file)."""
    from ..uploads import read_photo

    clean = read_photo(data, current_app.config["PHOTO_MAX_PIXELS"])
    return write_file(clean.jpeg)
