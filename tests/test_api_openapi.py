"""The OpenAPI document describes the API that is actually served."""
from __future__ import annotations

import io
import re
import uuid

from webapp.api.serialize import FINDING_FIELDS, PHOTO_SOURCE_FIELDS, finding_json
from webapp.findings.services import FindingInput, create_finding

from .photo_files import camera_jpeg


def _served(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def _references(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def test_openapi_lists_exactly_the_served_routes_and_fields(app, client, auth, make_activity):
    auth.login("facilitator", locale="en")
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method) for path, item in document["paths"].items()
                  for method in item if method in {"get", "post", "patch", "put", "delete"}}
    assert documented == _served(app)

    schemas = document["components"]["schemas"]
    assert set(schemas["FindingInput"]["properties"]) == set(FINDING_FIELDS) | set(PHOTO_SOURCE_FIELDS)
    photo = client.post("/api/v1/photos", content_type="multipart/form-data", data={
        "client_id": str(uuid.uuid4()), "activity_id": str(make_activity(title="Photos").id),
        "file": (io.BytesIO(camera_jpeg(200, 100)), "photo.jpg")})
    assert photo.status_code == 201 and set(schemas["Photo"]["properties"]) == set(photo.get_json())
    assert set(schemas["FindingPatch"]["properties"]) == set(FINDING_FIELDS) - {"client_id"} | {"version"}
    finding = create_finding(FindingInput(make_activity().id, "Text", "quote", "nl", client_id=uuid.uuid4()),
                             author=None)
    assert set(schemas["Finding"]["properties"]) == set(finding_json(finding))
    references = set(_references(document))
    assert "#/components/schemas/Finding" in references and references <= {f"#/components/schemas/{name}" for name in schemas}
    responses = document["paths"]["/projects/{project_slug}/findings"]["post"]["responses"]
    assert {"200", "201", "409", "422"} <= set(responses)
