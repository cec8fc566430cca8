"""Sessions end when they should: password change, "log out everywhere"; password rules."""
import pytest

from webapp.auth.models import User
from webapp.auth.services import create_user, UserError
from webapp.extensions import db

from .conftest import text_of, PASSWORD, IsolatedClient, follow_refused

NEW_PASSWORD = "violet kettle morning"


@pytest.fixture
def second_client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


def _login(client, remember=False):
    data = {"email": "author@example.test", "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, client, second_client):
    create_user("author@example.test", "Auteur", "author", PASSWORD)
    assert _login(client).status_code == 302
    assert _login(second_client, remember=True).status_code == 302
    assert second_client.get("/reports/").status_code == 200

    response = client.post("/account", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                             "repeat_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/reports/").status_code == 200  # the session that changed it goes on
    other = second_client.get("/reports/")
    assert other.status_code == 302 and "/login" in other.location  # the other one ended ...
    second_client.delete_cookie("session")
    assert second_client.get("/reports/").status_code == 302  # ... its remember cookie too


def test_the_remember_cookie_alone_keeps_a_user_in_until_log_out_everywhere(app, client, second_client):
    create_user("author@example.test", "Auteur", "author", PASSWORD)
    _login(client)
    _login(second_client, remember=True)
    second_client.delete_cookie("session")  # the browser was closed
    assert second_client.get("/reports/").status_code == 200

    response = client.post("/account/logout-everywhere")
    assert response.status_code == 302 and "/login" in response.location
    assert client.get("/reports/").status_code == 302
    second_client.delete_cookie("session")
    assert second_client.get("/reports/").status_code == 302


def test_an_admin_changing_a_password_ends_that_users_sessions(app, client, second_client, auth):
    create_user("author@example.test", "Auteur", "author", PASSWORD)
    _login(second_client)
    auth.login("admin")
    user = db.session.scalar(db.select(User).where(User.email == "author@example.test"))
    response = client.post(f"/users/{user.id}/edit", data={"name": "Auteur", "email": "author@example.test",
                                                            "role": "author", "locale": "nl", "active": "y",
                                                            "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert second_client.get("/reports/").status_code == 302


def test_wrong_current_password_changes_nothing(app, client):
    create_user("author@example.test", "Auteur", "author", PASSWORD)
    _login(client)
    response = follow_refused(client, client.post("/account", data={
        "current_password": "not it at all", "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD}))
    assert NEW_PASSWORD not in response.get_data(as_text=True) and "not it at all" not in response.get_data(as_text=True)
    assert "Het huidige wachtwoord is niet juist." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User)).check_password(PASSWORD)


@pytest.mark.parametrize("password, message", [
    ("short", "minstens 10 tekens"),
    ("author@example.test!", "je e-mailadres"),
    ("author-secret-words", "je e-mailadres"),
    ("Wachtwoord2024!", "lijsten die aanvallers"),
    ("qwertyuiop", "lijsten die aanvallers"),
])
def test_password_rules_give_a_clear_message(app, client, password, message):
    create_user("author@example.test", "Auteur", "author", PASSWORD)
    _login(client)
    response = follow_refused(client, client.post("/account", data={"current_password": PASSWORD, "new_password": password,
                                                                    "repeat_password": password}))
    assert message in response.get_data(as_text=True)


def test_the_service_refuses_a_common_password_too(app):
    with pytest.raises(UserError):
        create_user("x@example.test", "X", "author", "password123")


def test_an_admin_can_log_a_user_out_everywhere(app, client, second_client, auth):
    create_user("author@example.test", "Auteur", "author", PASSWORD)
    _login(second_client, remember=True)
    auth.login("admin")
    user = db.session.scalar(db.select(User).where(User.email == "author@example.test"))
    assert 'data-testid="end-user-sessions"' in text_of(client.get(f"/users/{user.id}/edit"))
    response = client.post(f"/users/{user.id}/end-sessions")
    assert response.status_code == 302
    second_client.delete_cookie("session")
    assert second_client.get("/reports/").status_code == 302  # remember cookie refused too
    assert client.get("/users/").status_code == 200  # the admin stays in
    assert _login(second_client).status_code == 302  # the password still works
