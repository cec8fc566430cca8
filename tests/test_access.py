"""Every route is behind a role check unless it is marked public."""
import re

import pytest

PUBLIC_ENDPOINTS = {"core.healthz", "core.switch_language", "core.favicon", "auth.login",
                    "surveys.respond", "surveys.kiosk", "surveys.thanks", "surveys.invitation",
                    "feedback.member", "feedback.member_language", "feedback.member_consent",
                    "feedback.member_withdraw",
                    "review.reviewer_home", "review.reviewer_chapter", "review.reviewer_save", "review.reviewer_delete",
                    "review.reviewer_comments_json", "review.reviewer_comment_json", "review.reviewer_submit",
                    "auth.forgot_password", "auth.choose_password_page", "mail.opt_out_page",
                    "outcome.person_page", "outcome.published_report", "outcome.published_download",
                    "privacy.statement", "privacy.installation_statement"}


def _view_endpoints(app):
    """Every endpoint but static files (the app's and each blueprint's), which are public assets."""
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()
            if rule.endpoint != "static" and not rule.endpoint.endswith(".static")}


def test_every_view_declares_who_may_use_it(app):
    undeclared = []
    for endpoint, rule in _view_endpoints(app).items():
        view = app.view_functions[endpoint]
        if not getattr(view, "is_public", False) and not getattr(view, "allowed_roles", None):
            undeclared.append(rule.rule)
    assert undeclared == []


def test_public_views_are_only_the_expected_ones(app):
    public = {e for e in _view_endpoints(app) if getattr(app.view_functions[e], "is_public", False)}
    assert public == PUBLIC_ENDPOINTS


def _concrete(rule):
    """The rule with every argument filled in (`/activities/<int:activity_id>` -> `/activities/1`)."""
    return re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)


def test_anonymous_visitors_are_sent_to_login(app, client):
    for endpoint, rule in _view_endpoints(app).items():
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        response = client.open(_concrete(rule), method=method)
        if rule.rule.startswith("/api/"):  # scripts cannot follow a redirect to an HTML page
            assert response.status_code == 401 and response.is_json, rule.rule
            continue
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
