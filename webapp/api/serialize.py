"""JSON shapes of the API, and reading a finding from JSON with strict types.

Types are checked here (a number where a number belongs, no `true` for an id); what the
values mean (does the activity exist, is the theme known) is checked by the findings
service, so the API, the screens and the import refuse the same things.
"""
from __future__ import annotations

import uuid
from dataclasses import replace

from flask import url_for

from ..activities.models import Activity
from ..db_types import MAX_DATABASE_INT
from ..findings.models import Finding
from ..findings.services import FindingInput
from ..i18n import _, localized
from ..photos.models import Photo, PhotoFinding
from ..photos.services import PhotoSource, parse_region
from ..text import TextRefused, clean_text
from ..themes.models import Theme


class PayloadError(Exception):
    def __init__(self, status: int, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors or {}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def finding_json(finding: Finding, photo_link: PhotoFinding | None = None) -> dict:
    """A finding; `photo_link` when it was typed from a photo (the API's single answers say so;
    lists leave it out)."""
    latest = finding.latest_translation
    return {
        "id": finding.id,
        "client_id": str(finding.client_id),
        "activity_id": finding.activity_id,
        "text": finding.text,
        "kind": finding.kind,
        "language": finding.language,
        "themes": sorted(t.code for t in finding.themes),
        "stakeholder_type": finding.stakeholder_type,
        "organisation_id": finding.organisation_id,
        "contributor_id": finding.contributor_id,
        # The older single translation: the one changed last (what an older client last wrote).
        "translation": latest.text if latest else None,
        "translation_language": latest.language if latest else None,
        "translations": [{"language": t.language, "text": t.text, "checked": t.checked} for t in finding.translations],
        "verbatim": finding.verbatim,
        "attribution": finding.attribution,
        "source_reference": finding.source_reference or None,
        "version": finding.version,
        "created_at": _iso(finding.created_at),
        "updated_at": _iso(finding.updated_at),
        "photo": None if photo_link is None else {
            "id": photo_link.photo_id, "client_id": str(photo_link.photo.client_id),
            "region": None if photo_link.region is None else dict(zip("xywh", photo_link.region))},
    }


def photo_json(photo: Photo) -> dict:
    return {
        "id": photo.id,
        "client_id": str(photo.client_id),
        "activity_id": photo.activity_id,
        "contributor_id": photo.contributor_id,
        "width": photo.width,
        "height": photo.height,
        "size": photo.size,
        "may_show_people": photo.may_show_people,
        "created_at": _iso(photo.created_at),
        "image_url": url_for("api.photo_image", photo_id=photo.id),
    }


#: A finding's fields besides FINDING_FIELDS when it is created: the photo it was typed from.
PHOTO_SOURCE_FIELDS = ("photo_client_id", "photo_region")


def photo_source_from_json(payload: dict) -> PhotoSource | None:
    """Take `photo_client_id` and `photo_region` out of a new finding's payload (422 when wrong)."""
    client_id, region = payload.pop("photo_client_id", None), payload.pop("photo_region", None)
    errors = {}
    if client_id is not None:
        try:
            client_id = uuid.UUID(client_id) if isinstance(client_id, str) else None
        except ValueError:
            client_id = None
        if client_id is None:
            errors["photo_client_id"] = _("Must be a UUID, e.g. %(example)s.",
                                          example="3f2b8c9e-4d1a-4c57-9a0e-2b7f5d8c1e64")
    try:
        region = parse_region(region)
    except ValueError:
        errors["photo_region"] = _("A region is x, y, w and h: fractions of the photo, from 0 to 1.")
    if region is not None and client_id is None and not errors:
        errors["photo_region"] = _("A region needs the photo (photo_client_id).")
    if errors:
        raise PayloadError(422, _("The finding was not stored: check the fields."), errors)
    return PhotoSource(client_id, region) if client_id is not None else None


def activity_json(activity: Activity) -> dict:
    return {
        "id": activity.id,
        "type": activity.type,
        "number": activity.number,
        "title": activity.title,
        "status": activity.status,
        "starts_on": _iso(activity.starts_on),
        "ends_on": _iso(activity.ends_on),
    }


def theme_json(theme: Theme) -> dict:
    return {
        "code": theme.code,
        "label": localized(theme, "label"),
        "label_nl": theme.label_nl,
        "label_en": theme.label_en,
        "group": theme.theme_group,
        "parent": theme.parent.code if theme.parent else None,
    }


#: Field name -> (kind of value, may be null). "themes" is a list of codes.
FINDING_FIELDS = {
    "client_id": ("uuid", False),
    "activity_id": ("integer", False),
    "text": ("string", False),
    "kind": ("string", False),
    "language": ("string", False),
    "themes": ("codes", False),
    "stakeholder_type": ("string", True),
    "organisation_id": ("integer", True),
    "contributor_id": ("integer", True),
    "translation": ("string", True),
    "translation_language": ("string", True),
    "verbatim": ("boolean", False),
    "attribution": ("string", False),
    "source_reference": ("string", True),
}
REQUIRED_ON_CREATE = ("client_id", "activity_id", "text", "kind", "language")
_ATTRIBUTE = {"themes": "theme_codes"}


#: Free text keeps its line ends; every other string is a one-line code or name.
MULTILINE_FIELDS = {"text", "translation"}


def _check(name: str, value):
    """The value converted for FindingInput, or a translated complaint (str) about it.

    Every string goes through the text boundary (webapp/text.py): a refused character is
    a 422 naming the field. Ids outside what the databases hold are refused here too.
    """
    kind, nullable = FINDING_FIELDS[name]
    if value is None:
        return (None, None) if nullable else (None, _("This field cannot be empty."))
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            return None, _("Must be a whole number.")
        if not 0 <= value <= MAX_DATABASE_INT:
            return None, _("No such id.")
        return value, None
    if kind == "boolean":
        return (value, None) if isinstance(value, bool) else (None, _("Must be true or false."))
    if kind == "string":
        if not isinstance(value, str):
            return None, _("Must be text.")
        try:
            return clean_text(value, multiline=name in MULTILINE_FIELDS), None
        except TextRefused as refused:
            return None, refused.message
    if kind == "codes":
        if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
            return None, _("Must be a list of theme codes.")
        try:
            return [clean_text(code, multiline=False) for code in value], None
        except TextRefused as refused:
            return None, refused.message
    # The complaint is translated only when needed: a lookup in the catalog on every save cost
    # as much as checking all the other fields (issue 17).
    if isinstance(value, str):
        try:
            return uuid.UUID(value), None
        except ValueError:
            pass
    return None, _("Must be a UUID, e.g. %(example)s.", example="3f2b8c9e-4d1a-4c57-9a0e-2b7f5d8c1e64")


def finding_input_from_json(payload: dict, partial: bool, base: FindingInput | None = None) -> FindingInput:
    """A FindingInput from a JSON object; `partial` (PATCH) keeps `base` values for fields left out."""
    errors: dict[str, str] = {}
    values: dict = {}
    for name, value in payload.items():
        if name not in FINDING_FIELDS or (partial and name == "client_id"):
            errors[name] = _("Unknown field.")
            continue
        converted, problem = _check(name, value)
        if problem:
            errors[name] = problem
        else:
            if name == "source_reference" and converted is None:
                converted = ""  # null removes it (None in FindingInput keeps the stored one)
            values[_ATTRIBUTE.get(name, name)] = converted
    if not partial:
        for name in REQUIRED_ON_CREATE:
            if name not in payload:
                errors[name] = _("This field is required.")
    if errors:
        raise PayloadError(422, _("The finding was not stored: check the fields."), errors)
    if "translation" in values and not values["translation"]:
        # No translation: without a language, the finding keeps none (as when it held only
        # one); with one, only that language's translation goes.
        language = values.pop("translation_language", None)
        kept = dict(base.translations or {}) if partial and base is not None else {}
        values["translation"] = None
        values["translations"] = {code: text for code, text in kept.items() if language and code != language}
    if partial and base is not None:
        return replace(base, **values)
    return FindingInput(**values)
