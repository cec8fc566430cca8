from webapp.auth.models import User
from webapp.extensions import db

from .conftest import follow_refused


def test_admin_creates_and_changes_a_user(client, auth):
    auth.login("admin")
    response = client.post("/users/new", data={"name": "Ruud", "email": "ruud@example.test", "role": "reviewer",
                                              "locale": "en", "password": "a-long-password"})
    assert response.status_code == 302
    ruud = db.session.scalar(db.select(User).where(User.email == "ruud@example.test"))
    assert (ruud.role, ruud.locale) == ("reviewer", "en")
    response = client.post(f"/users/{ruud.id}/edit", data={"name": "Ruud B.", "email": "ruud@example.test",
                                                         "role": "author", "locale": "nl", "password": "",
                                                         "active": "y"})
    assert response.status_code == 302
    db.session.refresh(ruud)
    assert (ruud.name, ruud.role) == ("Ruud B.", "author")
    assert ruud.check_password("a-long-password")  # an empty password field keeps the password


def test_short_password_and_duplicate_email_are_refused(client, auth):
    auth.login("admin")
    short = follow_refused(client, client.post("/users/new", data={"name": "X", "email": "x@example.test",
                                                                  "role": "author", "locale": "nl", "password": "short"}))
    assert 'value="x@example.test"' in short.get_data(as_text=True)
    duplicate = follow_refused(client, client.post("/users/new", data={
        "name": "X", "email": "ADMIN@example.test", "role": "author", "locale": "nl", "password": "a-long-password"}))
    assert "a-long-password" not in duplicate.get_data(as_text=True)  # a password is never kept
    assert "Er is al een gebruiker met dit e-mailadres." in duplicate.get_data(as_text=True)


def test_the_last_admin_keeps_the_role(client, auth):
    auth.login("admin")
    admin = db.session.scalar(db.select(User))
    response = client.post(f"/users/{admin.id}/edit", data={"name": "A", "email": "admin@example.test",
                                                          "role": "author", "locale": "nl", "active": "y"})
    assert response.status_code == 303
    db.session.refresh(admin)
    assert admin.role == "admin"
