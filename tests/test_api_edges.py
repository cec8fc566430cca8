"""The API at its edges: hostile text, ids too large, bad JSON, no login — JSON answers, never 500."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.findings.models import Finding
from webapp.themes.models import Theme

CLIENT_ID = "3f2b8c9e-4d1a-4c57-9a0e-2b7f5d8c1e64"
TOO_LARGE = 2**63
#: Above the 32-bit ids PostgreSQL holds, below what SQLite would take: found by the fuzzer.
PG_TOO_LARGE = 5_811_204_939


@pytest.fixture
def activity(app, make_activity):
    db.session.add(Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding"))
    db.session.commit()
    return make_activity()


def body(activity_id: int, **change) -> dict:
    return {"client_id": CLIENT_ID, "activity_id": activity_id, "text": "Funding stops after one year.",
            "kind": "bottleneck", "language": "en", "themes": ["funding"]} | change


def finding_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Finding).execution_options(include_deleted=True))


def post_raw(client, data: bytes | str, **headers):
    return client.post("/api/v1/findings", data=data, headers={"Content-Type": "application/json", **headers})


def test_unauthenticated_requests_get_401_json_not_a_redirect(client, activity):
    for response in (client.get("/api/v1/activities"), client.get("/api/v1/openapi.json"),
                     client.post("/api/v1/findings", json=body(activity.id)),
                     client.get("/api/v1/findings/1")):
        assert response.status_code == 401 and response.is_json
        assert "Location" not in response.headers


@pytest.mark.parametrize("text", ["voor\x00na", "regel\x1bnieuw", "bom\ufffe", "c1\x85"])
def test_a_refused_character_is_a_422_naming_the_field(client, auth, activity, text):
    auth.login("facilitator", locale="en")
    response = client.post("/api/v1/findings", json=body(activity.id, text=text))
    assert response.status_code == 422
    assert "control character" in response.get_json()["errors"]["text"]
    response = client.post("/api/v1/findings", json=body(activity.id, translation=text, translation_language="nl"))
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"translation"}
    response = client.post("/api/v1/findings", json=body(activity.id, themes=["fund\x00ing"]))
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"themes"}
    assert finding_count() == 0


def test_a_lone_surrogate_in_json_is_refused_not_a_500(client, auth, activity):
    auth.login("facilitator", locale="en")
    raw = ('{"client_id": "%s", "activity_id": %d, "text": "half \\ud83d emoji", "kind": "bottleneck", '
           '"language": "en", "themes": []}' % (CLIENT_ID, activity.id))
    response = post_raw(client, raw)
    assert response.status_code == 422 and "text" in response.get_json()["errors"]
    created = client.post("/api/v1/findings", json=body(activity.id)).get_json()
    patched = client.patch(f"/api/v1/findings/{created['id']}", data='{"version": 1, "text": "\\udfff"}',
                           headers={"Content-Type": "application/json"})
    assert patched.status_code == 422
    # the field name itself may be hostile
    odd_name = post_raw(client, '{"\\ud800": 1}')
    assert odd_name.status_code == 422 and odd_name.is_json


def test_line_ends_and_nfc_are_normalised_on_the_way_in(client, auth, activity):
    auth.login("facilitator", locale="en")
    response = client.post("/api/v1/findings", json=body(activity.id, text="regel\r\nnieuwe\x0bregel cafe\u0301"))
    assert response.status_code == 201
    assert response.get_json()["text"] == "regel\nnieuwe\nregel caf\u00e9"


def test_ids_beyond_the_database_range_are_not_found(client, auth, activity):
    auth.login("facilitator", locale="en")
    assert client.get(f"/api/v1/findings/{TOO_LARGE}").status_code == 404
    assert client.get(f"/api/v1/findings/{TOO_LARGE}").is_json
    assert client.patch(f"/api/v1/findings/{TOO_LARGE}", json={"version": 1}).status_code == 404
    assert client.get(f"/api/v1/findings?activity_id={TOO_LARGE}").status_code == 404
    assert client.get(f"/api/v1/findings?activity_id={PG_TOO_LARGE}").status_code == 404
    assert client.get(f"/api/v1/findings/{PG_TOO_LARGE}").status_code == 404
    assert client.get(f"/activities/{TOO_LARGE}").status_code == 404
    for field in ("activity_id", "organisation_id", "contributor_id"):
        for value in (TOO_LARGE, -TOO_LARGE, PG_TOO_LARGE):
            response = client.post("/api/v1/findings", json=body(activity.id) | {field: value})
            assert response.status_code == 422 and field in response.get_json()["errors"]
    assert finding_count() == 0


def test_malformed_and_too_deep_json_is_a_400(client, auth, activity):
    auth.login("facilitator", locale="en")
    for raw in ('{"text": ', "[" * 100_000 + "]" * 100_000, '{"a": ' * 100_000 + "1" + "}" * 100_000,
                b"\xff\xfe not utf-8", "[1, 2]"):
        response = post_raw(client, raw)
        assert response.status_code == 400 and response.is_json, raw[:20]


def test_a_too_large_body_is_a_413_in_json(client, auth, activity):
    auth.login("facilitator", locale="en")
    response = client.post("/api/v1/findings", json=body(activity.id, text="x" * 2_000_000))
    assert response.status_code == 413 and response.is_json
    assert finding_count() == 0


def test_api_errors_are_in_the_language_the_request_asks_for(client, auth, activity):
    assert client.get("/api/v1/activities", headers={"Accept-Language": "en"}).get_json()["message"] == \
        "Log in, or send a personal API token."
    dutch = client.get("/api/v1/activities", headers={"Accept-Language": "nl"}).get_json()["message"]
    assert dutch != "Log in, or send a personal API token."
    auth.login("facilitator", locale="en")
    refused = client.post("/api/v1/findings", json=body(activity.id, text="a\x00"), headers={"Accept-Language": "nl"})
    assert "U+0000" in refused.get_json()["errors"]["text"] and "teken" in refused.get_json()["errors"]["text"]
    assert client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"}).get_json()["message"] == "Not found."
