"""Storing, clearing, deleting and transcribing photos: what the capture screen, the API, the
photo page, the erasure and the demo call. Views only parse the request and call these."""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..activities.models import Activity
from ..auth.models import User
from ..db_types import MAX_DATABASE_INT, utcnow
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..i18n import _, _l
from ..jobs.services import JOB_LABELS, enqueue, set_progress
from ..uploads import UploadRefused, photo_thumbnail, read_photo
from .models import Photo, PhotoFinding
from .storage import delete_file_after_commit, read_file, write_file

JOB_LABELS["photo_thumbnail"] = _l("Thumbnail of a photo")


class PhotoError(ValueError):
    """Translated messages per field; nothing was stored. `status` is the API's answer."""

    def __init__(self, errors: dict[str, str], status: int = 422):
        super().__init__("; ".join(errors.values()))
        self.errors, self.status = errors, status


class PhotoConflict(PhotoError):
    """The client_id is taken by another photo: nothing was stored. `current` is that photo."""

    def __init__(self, current: Photo):
        super().__init__({"client_id": _("Another photo was already stored with this identifier (client_id).")}, 409)
        self.current = current


def max_photo_bytes() -> int:
    return int(current_app.config["PHOTO_MAX_BYTES"])


def too_large_message() -> str:
    return _("The photo is larger than %(size)s MB.", size=max_photo_bytes() // (1024 * 1024))


def _known(model, id_) -> bool:
    return isinstance(id_, int) and 0 <= id_ <= MAX_DATABASE_INT and db.session.get(model, id_) is not None


def get_photo(photo_id: int) -> Photo | None:
    return db.session.get(Photo, photo_id)


def photo_by_client_id(client_id: uuid.UUID) -> Photo | None:
    return db.session.scalar(select(Photo).where(Photo.client_id == client_id))


def store_photo_once(client_id: uuid.UUID | None, activity_id, raw: bytes, author: User | None,
                     contributor_id: int | None = None) -> tuple[Photo, bool]:
    """Store an uploaded photo exactly once; returns it and whether it is new.

    The same `client_id` with the same file for the same activity again returns the stored
    photo (a device resending after a dropped connection); with another file it is refused
    (PhotoConflict). The file is checked and re-encoded (`uploads.read_photo`): a refused one
    is a PhotoError with the reason, and nothing is stored - no row, no file."""
    activity = db.session.get(Activity, activity_id) if _known(Activity, activity_id) else None
    if activity is None:
        raise PhotoError({"activity_id": _("Unknown activity.")}, 404)
    if contributor_id is not None and not _known(Contributor, contributor_id):
        raise PhotoError({"contributor_id": _("Unknown contributor.")})
    if len(raw) > max_photo_bytes():
        raise PhotoError({"file": too_large_message()}, 413)
    digest = hashlib.sha256(raw).hexdigest()
    client_id = client_id or uuid.uuid4()
    if (existing := photo_by_client_id(client_id)) is not None:
        return _replay(existing, activity.id, digest), False
    try:
        clean = read_photo(raw, int(current_app.config["PHOTO_MAX_PIXELS"]))
    except UploadRefused as refused:
        raise PhotoError({"file": str(refused)}) from None
    photo = Photo(client_id=client_id, activity=activity, contributor_id=contributor_id, uploaded_by=author,
                  width=clean.width, height=clean.height, size=len(clean.jpeg), upload_sha256=digest)
    try:
        photo.file_key = write_file(clean.jpeg)
        db.session.add(photo)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the file written for it goes too (storage.py)
        existing = photo_by_client_id(client_id)
        if existing is None:  # taken in another project: not to be seen from here
            raise PhotoError({"client_id": _("Another photo was already stored with this identifier "
                                             "(client_id).")}, 409) from None
        return _replay(existing, activity.id, digest), False
    request_thumbnail(photo)
    return photo, True


def _replay(existing: Photo, activity_id: int, digest: str) -> Photo:
    if existing.activity_id == activity_id and existing.upload_sha256 == digest:
        return existing
    raise PhotoConflict(existing)


def request_thumbnail(photo: Photo) -> None:
    """The thumbnail is made by a job (`make_thumbnail`); in-line where the configuration says so."""
    inline = bool(current_app.config.get("PHOTO_THUMBNAILS_INLINE"))
    enqueue(make_thumbnail, photo.id, kind="photo_thumbnail", subject=f"photo:{photo.id}", job_timeout=120,
            inline=inline or None)


def make_thumbnail(photo_id: int) -> None:
    """Job: a 480-pixel JPEG of the stored photo (shown in lists, on the capture screen, in pickers)."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.thumbnail_key:
        return  # erased or deleted meanwhile, or made already
    thumbnail = photo_thumbnail(read_file(photo.file_key))
    set_progress(50)
    photo.thumbnail_key = write_file(thumbnail)
    db.session.commit()


def set_cleared(photo: Photo, cleared: bool, user: User | None) -> None:
    """A facilitator confirms the photo shows no people and no names (or takes that back)."""
    if cleared and photo.cleared_at is None:
        photo.cleared_at, photo.cleared_by = utcnow(), user
    elif not cleared:
        photo.cleared_at, photo.cleared_by = None, None
    db.session.commit()


def set_contributor(photo: Photo, contributor_id: int | None) -> None:
    if contributor_id is not None and not _known(Contributor, contributor_id):
        raise PhotoError({"contributor_id": _("Unknown contributor.")})
    photo.contributor_id = contributor_id
    db.session.commit()


def delete_photos(photos: list[Photo]) -> int:
    """Delete photos with their files (once committed) and their links to findings (the findings stay)."""
    for photo in photos:
        delete_file_after_commit(photo.file_key)
        delete_file_after_commit(photo.thumbnail_key)
        db.session.delete(photo)
    return len(photos)


def delete_photo(photo: Photo) -> None:
    delete_photos([photo])
    db.session.commit()


def photos_of_activity(activity_id: int) -> list[Photo]:
    return list(db.session.scalars(select(Photo).where(Photo.activity_id == activity_id)
                                   .options(selectinload(Photo.findings)).order_by(Photo.created_at, Photo.id)))


def findings_of_photo(photo: Photo) -> list[PhotoFinding]:
    """The findings typed from `photo` (deleted ones left out), oldest first."""
    return list(db.session.scalars(
        select(PhotoFinding).join(Finding, Finding.id == PhotoFinding.finding_id)
        .where(PhotoFinding.photo_id == photo.id).options(selectinload(PhotoFinding.finding))
        .order_by(Finding.created_at, Finding.id)))


def source_of_finding(finding_id: int) -> PhotoFinding | None:
    """The photo a finding was typed from (and the region), if any."""
    return db.session.scalar(select(PhotoFinding).where(PhotoFinding.finding_id == finding_id)
                             .options(selectinload(PhotoFinding.photo)))


# ---------------------------------------------------------------- findings typed from a photo

@dataclass(frozen=True)
class PhotoSource:
    """Where a new finding comes from: a photo (by the client_id made on the device) and a region."""

    photo_client_id: uuid.UUID
    region: tuple[float, float, float, float] | None = None


def parse_region(value) -> tuple[float, float, float, float] | None:
    """A region as the capture screen and the API send it: {"x", "y", "w", "h"} in fractions of
    the photo (0 to 1), or null for the whole photo. Raises ValueError for anything else."""
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"x", "y", "w", "h"}:
        raise ValueError("region")
    numbers = []
    for name in ("x", "y", "w", "h"):
        number = value[name]
        if isinstance(number, bool) or not isinstance(number, (int, float)) or number != number:
            raise ValueError("region")
        numbers.append(round(float(number), 4))
    x, y, w, h = numbers
    if not (0 <= x <= 1 and 0 <= y <= 1 and 0 < w <= 1 and 0 < h <= 1 and x + w <= 1.0001 and y + h <= 1.0001):
        raise ValueError("region")
    return (x, y, w, h)


def resolve_source(source: PhotoSource, activity_id) -> Photo:
    """The photo a new finding names, which must be of the same activity; PhotoError otherwise
    (checked before the finding is stored, so a refusal stores nothing)."""
    photo = photo_by_client_id(source.photo_client_id)
    if photo is None or photo.activity_id != activity_id:
        raise PhotoError({"photo_client_id": _("No such photo in this activity (it may not have been sent yet).")})
    return photo


def link_finding(finding: Finding, photo: Photo, region) -> PhotoFinding:
    """Record that `finding` was typed from `photo` (in the caller's transaction). A finding
    already linked keeps its link when it is the same photo; another photo is a conflict."""
    existing = db.session.get(PhotoFinding, finding.id)
    if existing is not None:
        if existing.photo_id != photo.id:
            raise PhotoError({"photo_client_id": _("This finding was already typed from another photo.")}, 409)
        return existing
    x, y, w, h = region if region is not None else (None, None, None, None)
    link = PhotoFinding(finding_id=finding.id, photo=photo, region_x=x, region_y=y, region_w=w, region_h=h)
    db.session.add(link)
    return link
