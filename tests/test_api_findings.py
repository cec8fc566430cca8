"""The JSON API the offline capture syncs through: exactly once, strict input, JSON errors."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from webapp.config import TestConfig
from webapp.extensions import db
from webapp.projects.models import Project
from webapp.projects.services import set_membership
from webapp.findings.models import Finding
from webapp.themes.models import Theme

from tests.conftest import text_of, running_app

CLIENT_ID = "3f2b8c9e-4d1a-4c57-9a0e-2b7f5d8c1e64"


@pytest.fixture
def activity(app, make_activity):
    db.session.add_all([
        Theme(code="funding", theme_group="recommendation", label_nl="Financiering", label_en="Funding"),
        Theme(code="language", theme_group="topic", label_nl="Taal", label_en="Language"),
        Theme(code="old", theme_group="topic", label_nl="Oud", label_en="Old", archived=True),
    ])
    db.session.commit()
    return make_activity()


def body(activity_id: int, **change) -> dict:
    return {"client_id": CLIENT_ID, "activity_id": activity_id, "text": "Funding stops after one year.",
            "kind": "bottleneck", "language": "en", "themes": ["funding"]} | change


def finding_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Finding).execution_options(include_deleted=True))


def test_replaying_a_create_three_times_stores_one_finding(client, auth, activity):
    auth.login("facilitator", locale="en")
    responses = [client.post("/api/v1/findings", json=body(activity.id)) for _ in range(3)]
    assert [r.status_code for r in responses] == [201, 200, 200]
    assert len({r.get_json()["id"] for r in responses}) == 1
    assert responses[0].get_json() | {"themes": ["funding"], "version": 1} == responses[0].get_json()
    assert finding_count() == 1


def test_the_same_client_id_with_other_content_is_refused(client, auth, activity):
    auth.login("facilitator", locale="en")
    client.post("/api/v1/findings", json=body(activity.id))
    for change in ({"text": "Something else."}, {"themes": []}, {"kind": "solution"}):
        response = client.post("/api/v1/findings", json=body(activity.id, **change))
        assert response.status_code == 409
        assert response.get_json()["finding"]["text"] == "Funding stops after one year."
        assert "client_id" in response.get_json()["message"]
    assert finding_count() == 1
    # theme order and surrounding spaces are not "other content"
    again = client.post("/api/v1/findings", json=body(activity.id, text="  Funding stops after one year. "))
    assert again.status_code == 200


@pytest.mark.parametrize("change, field", [
    ({"themes": ["funding", "no-such-theme"]}, "themes"),
    ({"themes": ["old"]}, "themes"),  # archived: not offered for new tagging
    ({"text": "   "}, "text"),
    ({"text": "x" * 1_000_000}, "text"),
    ({"client_id": "not-a-uuid"}, "client_id"),
    ({"client_id": 12345}, "client_id"),
    ({"activity_id": "1"}, "activity_id"),
    ({"activity_id": True}, "activity_id"),
    ({"text": 42}, "text"),
    ({"themes": "funding"}, "themes"),
    ({"themes": [1, 2]}, "themes"),
    ({"kind": "rumour"}, "kind"),
    ({"language": None}, "language"),
    ({"organisation_id": 999}, "organisation_id"),
    ({"colour": "red"}, "colour"),
    ({"verbatim": "yes"}, "verbatim"),
    ({"attribution": "celebrity"}, "attribution"),
    ({"attribution": None}, "attribution"),
    ({"source_reference": "p. " * 200}, "source_reference"),
])
def test_bad_input_gets_a_json_error_and_stores_nothing(client, auth, activity, change, field):
    auth.login("facilitator", locale="en")
    response = client.post("/api/v1/findings", json=body(activity.id) | change)
    assert response.status_code == 422
    payload = response.get_json()
    assert field in payload["errors"] and payload["message"]
    assert finding_count() == 0


def test_an_unknown_activity_in_the_body_is_not_found(client, auth, activity):
    """As another project's activity is: the body's activity is where the finding would live."""
    auth.login("facilitator", locale="en")
    response = client.post("/api/v1/findings", json=body(activity.id) | {"activity_id": 999})
    assert response.status_code == 404 and response.get_json()["message"]
    assert finding_count() == 0


@pytest.mark.parametrize("missing", ["client_id", "activity_id", "text", "kind", "language"])
def test_required_fields(client, auth, activity, missing):
    auth.login("facilitator", locale="en")
    data = body(activity.id)
    del data[missing]
    response = client.post("/api/v1/findings", json=data)
    assert response.status_code == 422 and missing in response.get_json()["errors"]
    assert finding_count() == 0


def test_a_body_that_is_not_a_json_object_is_refused(client, auth, activity):
    auth.login("facilitator", locale="en")
    assert client.post("/api/v1/findings", data="text=hello",
                       content_type="application/x-www-form-urlencoded").status_code == 415
    assert client.post("/api/v1/findings", data="{not json", content_type="application/json").status_code == 400
    response = client.post("/api/v1/findings", json=[body(activity.id)])
    assert response.status_code == 400 and response.is_json
    assert finding_count() == 0


def test_error_messages_are_in_the_users_language(client, auth, activity):
    auth.login("facilitator", locale="nl")
    response = client.post("/api/v1/findings", json=body(activity.id, stakeholder_type="alien"))
    assert response.get_json()["errors"]["stakeholder_type"] == "Onbekende soort belanghebbende."
    auth.logout()
    auth.login("author", locale="en")
    response = client.post("/api/v1/findings", json=body(activity.id, stakeholder_type="alien"))
    assert response.get_json()["errors"]["stakeholder_type"] == "Unknown stakeholder type."


def test_patch_refuses_a_stale_version_with_the_current_finding(client, auth, activity):
    auth.login("facilitator", locale="en")
    finding_id = client.post("/api/v1/findings", json=body(activity.id)).get_json()["id"]
    first = client.patch(f"/api/v1/findings/{finding_id}", json={"version": 1, "text": "Funding stops after a year."})
    assert first.status_code == 200
    assert (first.get_json()["version"], first.get_json()["themes"]) == (2, ["funding"])  # other fields kept
    stale = client.patch(f"/api/v1/findings/{finding_id}", json={"version": 1, "text": "My older edit."})
    assert stale.status_code == 409
    assert stale.get_json()["finding"]["text"] == "Funding stops after a year."
    assert stale.get_json()["finding"]["version"] == 2
    assert client.patch(f"/api/v1/findings/{finding_id}", json={"text": "No version"}).status_code == 422
    assert client.patch(f"/api/v1/findings/{finding_id}",
                        json={"version": 2, "client_id": str(uuid.uuid4())}).status_code == 422
    assert client.patch("/api/v1/findings/999", json={"version": 1}).status_code == 404
    assert db.session.get(Finding, finding_id).text == "Funding stops after a year."


def test_lists(client, auth, activity, make_activity):
    auth.login("author", locale="en")
    other = make_activity(title="Another meeting")
    client.post("/api/v1/findings", json=body(activity.id))
    client.post("/api/v1/findings", json=body(other.id, client_id=str(uuid.uuid4()), text="Elsewhere"))
    assert {a["title"] for a in client.get("/api/v1/activities").get_json()["activities"]} == {
        "Workshop Practical Learning", "Another meeting"}
    themes = client.get("/api/v1/themes").get_json()["themes"]
    assert {t["code"] for t in themes} == {"funding", "language"}
    assert {t["label"] for t in themes} == {"Funding", "Language"}
    findings = client.get(f"/api/v1/findings?activity_id={activity.id}").get_json()["findings"]
    assert [f["text"] for f in findings] == ["Funding stops after one year."]
    assert client.get("/api/v1/findings").status_code == 400
    assert client.get("/api/v1/findings?activity_id=999").status_code == 404


def test_who_may_use_the_api(client, auth, activity):
    response = client.get("/api/v1/activities", headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.is_json
    assert client.post("/api/v1/findings", json=body(activity.id),
                       headers={"Accept": "application/json"}).status_code == 401
    auth.login("advisor", locale="en")
    assert client.post("/api/v1/findings", json=body(activity.id)).status_code == 403
    assert client.get("/api/v1/themes").get_json()["message"] == "Your role does not allow this."
    assert finding_count() == 0


class CsrfConfig(TestConfig):
    WTF_CSRF_ENABLED = True


@pytest.fixture
def csrf_app():
    with running_app(CsrfConfig) as app:
        yield app


def _activity_id() -> int:
    from webapp.activities.services import ActivityInput, save_activity

    return save_activity(None, ActivityInput(type="ln_meeting", title="Meeting")).id


def test_session_writes_need_the_csrf_header_token_writes_do_not(csrf_app):
    from webapp.auth.services import create_user

    activity_id = _activity_id()
    user = create_user("fac@example.test", "Fac", "facilitator", "a-long-password", locale="en")
    set_membership(db.session.scalar(select(Project)), user, "facilitator")
    client = csrf_app.test_client()
    login_page = client.get("/login")
    assert login_page.status_code == 200
    token = login_page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/login", data={"email": "fac@example.test", "password": "a-long-password", "csrf_token": token})

    refused = client.post("/api/v1/projects/learn/findings", json=body(activity_id, themes=[]))
    assert refused.status_code == 400 and "X-CSRFToken" in refused.get_json()["message"]
    assert finding_count() == 0
    page = text_of(client.get(f"/p/learn/capture/activities/{activity_id}"))
    header = page.split('data-csrf="')[1].split('"')[0]
    assert client.post("/api/v1/projects/learn/findings", json=body(activity_id, themes=[]),
                       headers={"X-CSRFToken": header}).status_code == 201

    runner = csrf_app.test_cli_runner()
    result = runner.invoke(args=["users", "token", "fac@example.test"])
    assert result.exit_code == 0, result.output
    api_token = result.output.strip().splitlines()[-1]
    robot = csrf_app.test_client()  # no session, no CSRF token
    auth_header = {"Authorization": f"Bearer {api_token}"}
    created = robot.post("/api/v1/projects/learn/findings", json=body(activity_id, client_id=str(uuid.uuid4()), text="Via a token", themes=[]),
                         headers=auth_header)
    assert created.status_code == 201
    assert "session" not in (created.headers.get("Set-Cookie") or "")
    assert robot.get("/api/v1/projects/learn/activities", headers={"Authorization": "Bearer wrong"}).status_code == 401
    # a wrong token never falls back to the browser session
    assert client.get("/api/v1/projects/learn/activities", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_the_token_command_stores_only_a_hash(runner, app):
    from webapp.auth.services import create_user, get_user_by_email

    create_user("fac@example.test", "Fac", "facilitator", "a-long-password")
    token = runner.invoke(args=["users", "token", "fac@example.test"]).output.strip().splitlines()[-1]
    user = get_user_by_email("fac@example.test")
    assert token not in (user.api_token_hash or "") and len(user.api_token_hash) == 64
    replaced = runner.invoke(args=["users", "token", "fac@example.test"]).output.strip().splitlines()[-1]
    assert replaced != token
    from webapp.api.tokens import user_for_api_token

    assert user_for_api_token(token) is None and user_for_api_token(replaced).id == user.id
    assert runner.invoke(args=["users", "token", "fac@example.test", "--revoke"]).exit_code == 0
    assert user_for_api_token(replaced) is None
    assert runner.invoke(args=["users", "token", "nobody@example.test"]).exit_code != 0


def test_a_token_opens_only_its_users_projects(client, auth, activity):
    """The token, its user and the user's role in the URL's project are read in one query:
    another project is not found (as for a non-member in the browser), an unknown token is 401."""
    from webapp.api.tokens import issue_api_token
    from webapp.auth.services import create_user, get_user_by_email

    other = Project(slug="other", name_nl="Ander", name_en="Other")
    db.session.add(other)
    db.session.commit()
    auth.login("facilitator", locale="en")
    headers = {"Authorization": f"Bearer {issue_api_token(get_user_by_email('facilitator@example.test'))}"}
    assert client.get("/api/v1/projects/learn/activities", headers=headers, as_written=True).status_code == 200
    assert client.get("/api/v1/projects/other/activities", headers=headers, as_written=True).status_code == 404
    assert client.get("/api/v1/projects/nowhere/activities", headers=headers, as_written=True).status_code == 404
    refused = client.post("/api/v1/projects/other/findings", json=body(activity.id), headers=headers, as_written=True)
    assert refused.status_code == 404 and finding_count() == 0
    admin = create_user("root@example.test", "Root", "admin", "a-long-password")
    admin_headers = {"Authorization": f"Bearer {issue_api_token(admin)}"}
    # the browser session of the same client (a facilitator, not in "other") plays no part
    assert client.get("/api/v1/projects/other/activities", headers=admin_headers, as_written=True).status_code == 200
    admin.active = False
    db.session.commit()
    assert client.get("/api/v1/projects/other/activities", headers=admin_headers, as_written=True).status_code == 401


def test_a_new_finding_costs_few_statements(client, auth, activity, count_queries):
    """One POST: the user (with the project and role), the activity, the themes, the inserts; the
    JSON answer is made from what was just written, without reading the finding back."""
    from webapp.api.tokens import issue_api_token
    from webapp.auth.services import get_user_by_email

    auth.login("facilitator", locale="en")
    token = issue_api_token(get_user_by_email("facilitator@example.test"))
    headers = {"Authorization": f"Bearer {token}"}
    payload = body(activity.id, client_id="8a0c1f0e-9b7d-4c55-a1f2-3d4e5f607182", themes=["language", "funding"])

    with count_queries() as queries:
        response = client.post("/api/v1/findings", json=payload, headers=headers)
    assert response.status_code == 201
    # The token with its user, project and role; the activity; the themes. Nothing looked up
    # by client_id first: a resend is met at the unique constraint (issue 17).
    assert [q.split()[:4] for q in queries if q.lstrip().upper().startswith("SELECT")] == [
        ["SELECT", "users.id,", "users.email,", "users.name,"], ["SELECT", "activities.id", "AS", "activities_id,"],
        ["SELECT", "themes.id,", "themes.code,", "themes.parent_id,"]]
    assert len(queries) == 7  # and four writes: the finding, its themes, the audit entry, the data counter
    answer = response.get_json()
    assert answer["themes"] == ["funding", "language"] and answer["version"] == 1 and answer["id"]
    inserted = next(n for n, q in enumerate(queries) if q.startswith("INSERT INTO findings"))
    assert [q for q in queries[inserted:] if q.lstrip().upper().startswith("SELECT")] == []  # nothing read back
    stored = client.get(f"/api/v1/findings/{answer['id']}", headers=headers).get_json()
    assert stored == answer  # the answer is what was stored


def test_devices_sending_one_client_id_at_once_store_it_once(file_app):
    """No look before the INSERT: requests racing with one client_id meet at the unique
    constraint, and the losers answer with the winner (same content) or 409 (other content)."""
    import threading

    from webapp.api.tokens import issue_api_token
    from webapp.auth.services import create_user

    activity_id = _activity_id()
    user = create_user("fac@example.test", "Fac", "facilitator", "a-long-password", locale="en")
    set_membership(db.session.scalar(select(Project)), user, "facilitator")
    headers = {"Authorization": f"Bearer {issue_api_token(user)}"}
    db.session.remove()

    def race(payloads: list[dict]) -> list:
        start, answers = threading.Barrier(len(payloads)), [None] * len(payloads)

        def send(number: int) -> None:
            client = file_app.test_client()
            start.wait()
            answers[number] = client.post("/api/v1/projects/learn/findings", json=payloads[number], headers=headers)

        threads = [threading.Thread(target=send, args=(n,)) for n in range(len(payloads))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answers

    for _round in range(5):
        same = body(activity_id, client_id=str(uuid.uuid4()), themes=[])
        answers = race([same] * 4)
        assert sorted(a.status_code for a in answers) == [200, 200, 200, 201]
        assert len({a.get_json()["id"] for a in answers}) == 1
    other = body(activity_id, client_id=str(uuid.uuid4()), themes=[])
    answers = race([other, other | {"text": "Something else."}])
    assert sorted(a.status_code for a in answers) == [201, 409]
    assert finding_count() == 6


def test_how_a_report_may_print_a_finding_is_read_and_written(client, auth, activity):
    """verbatim, attribution and source_reference: defaults on create, PATCH changes them, null
    removes the source reference."""
    auth.login("facilitator", locale="en")
    created = client.post("/api/v1/findings", json=body(activity.id))
    assert created.status_code == 201
    assert {k: created.get_json()[k] for k in ("verbatim", "attribution", "source_reference")} == {
        "verbatim": False, "attribution": "stakeholder_type", "source_reference": None}
    finding_id = created.get_json()["id"]
    changed = client.patch(f"/api/v1/findings/{finding_id}", json={
        "version": 1, "verbatim": True, "attribution": "none", "source_reference": "Report 2024, section 3, p. 12"})
    assert changed.status_code == 200
    stored = db.session.get(Finding, finding_id, populate_existing=True)
    assert (stored.verbatim, stored.attribution, stored.source_reference) == (
        True, "none", "Report 2024, section 3, p. 12")
    cleared = client.patch(f"/api/v1/findings/{finding_id}", json={"version": 2, "source_reference": None})
    assert cleared.status_code == 200 and cleared.get_json()["source_reference"] is None
    assert cleared.get_json()["verbatim"] is True  # left out: kept
