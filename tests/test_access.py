"""Every route is behind a role check unless it is marked public."""
import pytest

PUBLIC_ENDPOINTS = {"static", "core.healthz", "core.switch_language", "auth.login"}


def _view_endpoints(app):
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()}


def test_every_view_declares_who_may_use_it(app):
    undeclared = []
    for endpoint, rule in _view_endpoints(app).items():
        view = app.view_functions[endpoint]
        if endpoint == "static":
            continue
        if not getattr(view, "is_public", False) and not getattr(view, "allowed_roles", None):
            undeclared.append(rule.rule)
    assert undeclared == []


def test_public_views_are_only_the_expected_ones(app):
    public = {e for e in _view_endpoints(app) if getattr(app.view_functions[e], "is_public", False)}
    assert public | {"static"} == PUBLIC_ENDPOINTS


def _concrete(rule):
    return rule.rule.replace("<int:activity_id>", "1").replace("<int:organisation_id>", "1").replace(
        "<int:user_id>", "1")


def test_anonymous_visitors_are_sent_to_login(app, client):
    for endpoint, rule in _view_endpoints(app).items():
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(_concrete(rule), method=method)
        assert response.status_code == 302 and "/login" in response.location, rule.rule


@pytest.mark.parametrize("role", ["advisor", "reviewer"])
def test_participants_cannot_open_staff_pages(app, client, auth, make_activity, role):
    make_activity()
    auth.login(role)
    for url in ("/activities/", "/activities/1", "/activities/new", "/organisations/", "/users/"):
        assert client.get(url).status_code == 403, url
    # their home page tells them to use their personal link
    assert client.get("/").status_code == 200


def test_only_admins_manage_users(client, auth):
    auth.login("facilitator")
    assert client.get("/users/").status_code == 403
    assert client.post("/users/new", data={"name": "x"}).status_code == 403
