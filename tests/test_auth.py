from webapp.auth.models import User
from webapp.extensions import db

from .conftest import PASSWORD


def test_login_and_logout(client, auth):
    response = auth.login("facilitator")
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/").location == "/p/learn/"
    assert client.get("/p/learn/").status_code == 200
    auth.logout()
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_with_a_translated_message(client, auth):
    auth.login("admin")
    auth.logout()
    response = client.post("/login", data={"email": "admin@example.test", "password": "wrong"})
    assert response.status_code == 422
    assert "Het e-mailadres of het wachtwoord is niet juist." in response.get_data(as_text=True)
    # what the user typed stays in the form
    assert 'value="admin@example.test"' in response.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client, auth):
    auth.login("author")
    auth.logout()
    user = db.session.scalar(db.select(User).where(User.email == "author@example.test"))
    user.active = False
    db.session.commit()
    response = client.post("/login", data={"email": "author@example.test", "password": PASSWORD})
    assert response.status_code == 422


def test_login_never_redirects_to_another_site(client, auth):
    auth.login("admin")
    auth.logout()
    for target in ("//evil.example/", "https://evil.example/", "javascript:alert(1)"):
        response = client.post(f"/login?next={target}", data={"email": "admin@example.test", "password": PASSWORD})
        assert response.location == "/", target
        auth.logout()


def test_password_is_stored_hashed(app, auth):
    auth.login("admin")
    user = db.session.scalar(db.select(User))
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD)


def test_email_is_case_insensitive(client, auth):
    auth.login("admin", email="Anna@Example.test")
    auth.logout()
    response = client.post("/login", data={"email": "ANNA@example.TEST ", "password": PASSWORD})
    assert response.status_code == 302
