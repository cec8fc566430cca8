"""The OpenAPI 3.1 description of `/api/v1`, built from the same field table the API reads
with (serialize.FINDING_FIELDS), so the two cannot drift apart silently; a test compares
the paths with the URL map."""
from __future__ import annotations

from ..findings.models import ATTRIBUTIONS, FINDING_KINDS
from ..findings.services import MAX_TEXT_LENGTH
from ..i18n import CONTENT_LANGUAGES
from ..organisations.stakeholder_types import STAKEHOLDER_TYPES
from .serialize import FINDING_FIELDS, REQUIRED_ON_CREATE

_TYPES = {
    "uuid": {"type": "string", "format": "uuid"},
    "integer": {"type": "integer"},
    "boolean": {"type": "boolean"},
    "string": {"type": "string"},
    "codes": {"type": "array", "items": {"type": "string"}, "description": "Theme codes (GET /themes)."},
}
_ENUMS = {"kind": list(FINDING_KINDS), "language": list(CONTENT_LANGUAGES), "stakeholder_type": list(STAKEHOLDER_TYPES),
          "translation_language": list(CONTENT_LANGUAGES), "attribution": list(ATTRIBUTIONS)}
_DESCRIPTIONS = {
    "text": f"What was said or seen, in its original language (at most {MAX_TEXT_LENGTH} characters).",
    "translation": f"A translation of the text (at most {MAX_TEXT_LENGTH} characters), stored as the one in "
                   "`translation_language` (added, or replacing that language's). Null or empty removes the "
                   "translation in `translation_language`, or every translation when no language is sent. "
                   "Read: the translation changed last (see `translations` for all). Not part of the content "
                   "a replayed POST is compared on.",
    "translation_language": "The language of the translation: required with a translation, and other than "
                            "`language`. Ignored (stored as null) without a translation.",
    "verbatim": "The text is the speaker's own words, recorded as said: only then may a report print it as a "
                "quote. Left out on create: true for a quote with a contributor, else false.",
    "attribution": "How a report may name the source: `stakeholder_type` (\"a municipality\"), `organisation` "
                   "(its name, printed only when the organisation's consent to be named is recorded), "
                   "`pseudonym` (a board member's pseudonym) or `none`. Left out on create: `pseudonym` with a "
                   "contributor, else `stakeholder_type`.",
    "source_reference": "Where the finding was found when it summarises a document (e.g. a report's section and "
                        "page), printed with it; at most 300 characters.",
}


def _field_schema(name: str) -> dict:
    kind, nullable = FINDING_FIELDS[name]
    schema = dict(_TYPES[kind])
    if name in _ENUMS:
        schema["enum"] = _ENUMS[name] + ([None] if nullable else [])
    if nullable:
        schema["type"] = [schema["type"], "null"]
    if name in _DESCRIPTIONS:
        schema["description"] = _DESCRIPTIONS[name]
    return schema


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


_REGION = {"type": ["object", "null"], "additionalProperties": False, "required": ["x", "y", "w", "h"],
           "description": "The part of the photo the finding was read from, in fractions of the photo's width "
                          "and height (0 to 1; x + w and y + h at most 1). Null: the whole photo.",
           "properties": {name: {"type": "number", "minimum": 0, "maximum": 1} for name in ("x", "y", "w", "h")}}


def _photo_paths(common_errors: dict) -> dict:
    """The photo operations: multipart upload (exactly once by client_id), list, one, its file."""
    photo_id = {"name": "photo_id", "in": "path", "required": True, "schema": {"type": "integer"},
                "description": "Ids above 2^31-1 (the largest id the databases hold) are never found (404)."}
    return {
        "/photos": {
            "get": {
                "summary": "An activity's photos, oldest first.", "operationId": "listPhotos",
                "parameters": [{"name": "activity_id", "in": "query", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": _json({"type": "object", "properties": {
                    "photos": {"type": "array", "items": _ref("Photo")}}}, "The photos."),
                    "400": _error("activity_id is missing."), "404": _error("Unknown activity."), **common_errors}},
            "post": {
                "summary": "Store a photo exactly once.", "operationId": "createPhoto",
                "description": "multipart/form-data with the image in `file` (JPEG, PNG or WebP, checked by its "
                               "content; at most the configured size, 20 MB by default). The server strips every "
                               "piece of metadata (EXIF with GPS, device and times; XMP; comments; colour profile) "
                               "by re-encoding the pixels as a JPEG of at most 2,560 pixels a side, and marks the "
                               "photo as possibly showing people or names until a facilitator clears it. The same "
                               "client_id with the same file for the same activity again returns the stored photo "
                               "(200); with another file it is refused (409). Refused (422, nothing stored): a file "
                               "that is not such an image (an SVG or HTML page included), a decompression bomb, a "
                               "truncated or damaged image, a file holding something besides the image (a "
                               "polyglot), metadata holding markup or code.",
                "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _ref("PhotoInput")}}},
                "responses": {"201": _json(_ref("Photo"), "Stored."),
                              "200": _json(_ref("Photo"), "Already stored under this client_id."),
                              "400": _error("The X-CSRFToken header is missing (session only), or the body cannot be "
                                            "read."),
                              "404": _error("Unknown activity."),
                              "409": _json({"allOf": [_ref("Error"), {"type": "object", "properties": {
                                  "photo": _ref("Photo")}}]}, "Conflict: `photo` is what is stored under this "
                                                              "client_id. Nothing was changed."),
                              "413": _error("The photo is larger than the configured size."),
                              "415": _error("The body is not multipart/form-data."),
                              "422": _error("A field is wrong or the file is refused; `errors` says why. Nothing "
                                            "was stored."),
                              **common_errors}},
        },
        "/photos/{photo_id}": {
            "parameters": [photo_id],
            "get": {"summary": "One photo.", "operationId": "getPhoto",
                    "responses": {"200": _json(_ref("Photo"), "The photo."), "404": _error("No such photo."),
                                  **common_errors}}},
        "/photos/{photo_id}/image": {
            "parameters": [photo_id],
            "get": {"summary": "The stored file: a JPEG without metadata.", "operationId": "getPhotoImage",
                    "responses": {"200": {"description": "The JPEG.", "content": {"image/jpeg": {
                        "schema": {"type": "string", "format": "binary"}}}},
                        "404": _error("No such photo."), **common_errors}}},
    }


def build_openapi() -> dict:
    finding_input = {name: _field_schema(name) for name in FINDING_FIELDS}
    patch_fields = {name: schema for name, schema in finding_input.items() if name != "client_id"}
    photo_source = {
        "photo_client_id": {"type": ["string", "null"], "format": "uuid",
                            "description": "The photo this finding was typed from (its client_id), a photo of the "
                                           "same activity stored before (send photos first). Not part of the "
                                           "content a replayed POST is compared on."},
        "photo_region": _REGION,
    }
    finding = {
        "type": "object",
        "required": ["id", "client_id", "activity_id", "text", "kind", "language", "themes", "version"],
        "properties": {
            "id": {"type": "integer"}, **finding_input, "version": {"type": "integer"},
            "translations": {"type": "array", "description": "Every translation of the text, one per language; "
                                                             "`checked`: confirmed by someone who reads both.",
                             "items": {"type": "object", "required": ["language", "text", "checked"],
                                       "properties": {"language": {"type": "string",
                                                                   "enum": list(CONTENT_LANGUAGES)},
                                                      "text": {"type": "string"},
                                                      "checked": {"type": "boolean"}}}},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "photo": {"type": ["object", "null"], "description": "The photo it was typed from (in the answers "
                                                                  "about one finding; null in lists).",
                      "properties": {"id": {"type": "integer"}, "client_id": {"type": "string", "format": "uuid"},
                                     "region": _REGION}},
        },
    }
    common_errors = {"401": _error("Not logged in, or a wrong API token."),
                     "403": _error("The user's role does not allow this.")}
    write_errors = {"400": _error("Malformed or too deeply nested JSON, not a JSON object, or the X-CSRFToken "
                                  "header is missing (session only)."),
                    "413": _error("The body is larger than 1 MB."),
                    "415": _error("The body is not JSON."),
                    "422": _error("A field is wrong; `errors` says which. Nothing was stored.")}
    conflict = _json({"allOf": [_ref("Error"), {"type": "object", "properties": {"finding": _ref("Finding")}}]},
                     "Conflict: `finding` is what is stored now. Nothing was changed.")
    project = {"name": "project_slug", "in": "path", "required": True, "schema": {"type": "string"},
               "description": "The project's short name, as in its staff URLs (/p/<slug>/). A project the "
                              "user (or the token's user) is not a member of answers 404."}
    not_in_project = {"404": _error("No such project, or the user is not a member of it.")}

    def in_project(item: dict) -> dict:
        for method in ("get", "post", "patch"):
            if method in item:
                item[method]["responses"] = {**not_in_project, **item[method]["responses"]}
        return {**item, "parameters": [project, *item.get("parameters", [])]}

    document = {
        "openapi": "3.1.0",
        "info": {"title": "Klankbord API", "version": "1.0.0",
                 "description": "Findings captured at learning-network activities. Messages in errors "
                                "are in the user's interface language (Dutch or English)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerToken": []}, {"session": []}],
        "paths": {
            "/activities": {"get": {
                "summary": "All activities, newest first.", "operationId": "listActivities",
                "responses": {"200": _json({"type": "object", "properties": {
                    "activities": {"type": "array", "items": _ref("Activity")}}}, "The activities."),
                    **common_errors}}},
            "/themes": {"get": {
                "summary": "The codebook's themes that can be used for tagging.", "operationId": "listThemes",
                "responses": {"200": _json({"type": "object", "properties": {
                    "themes": {"type": "array", "items": _ref("Theme")}}}, "The themes."), **common_errors}}},
            "/findings": {
                "get": {
                    "summary": "An activity's findings, newest first.", "operationId": "listFindings",
                    "parameters": [{"name": "activity_id", "in": "query", "required": True,
                                    "schema": {"type": "integer"}}],
                    "responses": {"200": _json({"type": "object", "properties": {
                        "findings": {"type": "array", "items": _ref("Finding")}}}, "The findings."),
                        "400": _error("activity_id is missing."), "404": _error("Unknown activity."),
                        **common_errors}},
                "post": {
                    "summary": "Store a finding exactly once.", "operationId": "createFinding",
                    "description": "The same client_id with the same content again returns the stored "
                                   "finding (200); with other content it is refused (409). Content is what "
                                   "was captured: activity, text, kind, language, themes, stakeholder type, "
                                   "organisation and contributor. The translation is not part of it: staff "
                                   "add it later beside the original, so a device resending its draft after "
                                   "a translation was added still gets the stored finding (200), and a "
                                   "translation sent with a replay changes nothing. Add or change a "
                                   "translation with PATCH.",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("FindingInput")}}},
                    "responses": {"201": _json(_ref("Finding"), "Stored."),
                                  "200": _json(_ref("Finding"), "Already stored under this client_id."),
                                  "409": conflict, **write_errors, **common_errors}},
            },
            "/findings/{finding_id}": {
                "parameters": [{"name": "finding_id", "in": "path", "required": True, "schema": {"type": "integer"},
                                "description": "Ids above 2^31-1 (the largest id the databases hold) are never found (404)."}],
                "get": {"summary": "One finding.", "operationId": "getFinding",
                        "responses": {"200": _json(_ref("Finding"), "The finding."),
                                      "404": _error("No such finding."), **common_errors}},
                "patch": {
                    "summary": "Change a finding; fields left out stay as they are.", "operationId": "updateFinding",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("FindingPatch")}}},
                    "responses": {"200": _json(_ref("Finding"), "Changed."),
                                  "404": _error("No such finding."),
                                  "409": conflict, **write_errors, **common_errors}},
            },
            **_photo_paths(common_errors),
            "/projects": {"get": {  # outside a project: where the slugs come from
                "summary": "The projects the user (or the token's user) may use, with the role in each.",
                "operationId": "listProjects",
                "responses": {"200": _json({"type": "object", "properties": {
                    "projects": {"type": "array", "items": _ref("Project")}}}, "The projects."),
                    **common_errors}}},
            "/openapi.json": {"get": {  # outside a project
                "summary": "This document.", "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3.1 document.",
                                      "content": {"application/json": {"schema": {"type": "object"}}}},
                              **common_errors}}},
        },
        "components": {
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer",
                                "description": "Personal token from `flask --app wsgi users token EMAIL`."},
                "session": {"type": "apiKey", "in": "header", "name": "X-CSRFToken",
                            "description": "Browser session cookie plus the page's CSRF token, for writes."},
            },
            "schemas": {
                "FindingInput": {"type": "object", "additionalProperties": False,
                                 "required": list(REQUIRED_ON_CREATE), "properties": {**finding_input, **photo_source}},
                "PhotoInput": {"type": "object", "required": ["file", "client_id", "activity_id"], "properties": {
                    "file": {"type": "string", "format": "binary", "description": "The image."},
                    "client_id": {"type": "string", "format": "uuid",
                                  "description": "Made where the photo was taken: the same photo sent twice is "
                                                 "stored once."},
                    "activity_id": {"type": "integer"},
                    "contributor_id": {"type": "integer", "description": "The person whose notes, drawing or "
                                                                         "face the photo holds (erased with them)."}}},
                "Photo": {"type": "object", "required": ["id", "client_id", "activity_id", "width", "height",
                                                         "may_show_people", "image_url"], "properties": {
                    "id": {"type": "integer"}, "client_id": {"type": "string", "format": "uuid"},
                    "activity_id": {"type": "integer"}, "contributor_id": {"type": ["integer", "null"]},
                    "width": {"type": "integer"}, "height": {"type": "integer"},
                    "size": {"type": "integer", "description": "Bytes of the stored JPEG."},
                    "may_show_people": {"type": "boolean",
                                        "description": "True until a facilitator clears it: such a photo never "
                                                       "prints in a report or leaves in an export."},
                    "created_at": {"type": "string", "format": "date-time"},
                    "image_url": {"type": "string", "description": "GET it for the JPEG."}}},
                "FindingPatch": {"type": "object", "additionalProperties": False, "required": ["version"],
                                 "properties": {"version": {"type": "integer",
                                                            "description": "The version the client last saw."},
                                                **patch_fields}},
                "Finding": finding,
                "Activity": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "type": {"type": "string"}, "number": {"type": "integer"},
                    "title": {"type": "string"}, "status": {"type": "string", "enum": ["held", "planned"]},
                    "starts_on": {"type": ["string", "null"], "format": "date"},
                    "ends_on": {"type": ["string", "null"], "format": "date"}}},
                "Project": {"type": "object", "required": ["slug", "role"], "properties": {
                    "slug": {"type": "string", "description": "The {project_slug} of every other path."},
                    "name_nl": {"type": "string"}, "name_en": {"type": "string"},
                    "status": {"type": "string", "enum": ["active", "closed", "archived"]},
                    "role": {"type": "string", "enum": ["admin", "author", "facilitator", "advisor", "reviewer"]}}},
                "Theme": {"type": "object", "properties": {
                    "code": {"type": "string"}, "label": {"type": "string"}, "label_nl": {"type": "string"},
                    "label_en": {"type": "string"}, "group": {"type": "string"},
                    "parent": {"type": ["string", "null"]}}},
                "Error": {"type": "object", "required": ["error", "message"], "properties": {
                    "error": {"type": "integer", "description": "The HTTP status."},
                    "message": {"type": "string", "description": "For people, in their language."},
                    "errors": {"type": "object", "additionalProperties": {"type": "string"},
                               "description": "Per field: what is wrong."}}},
            },
        },
    }
    # Everything but this document and the list of projects lives in a project: /projects/{project_slug}/...
    outside = ("/openapi.json", "/projects")
    document["paths"] = {path if path in outside else f"/projects/{{project_slug}}{path}":
                         item if path in outside else in_project(item)
                         for path, item in document["paths"].items()}
    return document
