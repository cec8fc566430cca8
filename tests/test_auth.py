import re

from webapp.auth.models import User
from webapp.extensions import db

from .conftest import PASSWORD, follow_refused


def _csrf_free(html: str) -> str:
    return re.sub(r'<input[^>]*csrf_token[^>]*>|value="[^"]*@example.test"', "", html)


def test_a_refused_login_reads_the_same_for_a_known_and_an_unknown_address(client, auth):
    """Post/redirect/get says nothing more than the page did: same redirect, same page."""
    auth.login("admin")
    auth.logout()
    client.get("/login")  # the "logged out" message is shown and gone
    known = client.post("/login", data={"email": "admin@example.test", "password": "Wrong-Horse-77"})
    known_page = follow_refused(client, known).get_data(as_text=True)
    unknown = client.post("/login", data={"email": "nobody@example.test", "password": "Wrong-Horse-77"})
    unknown_page = follow_refused(client, unknown).get_data(as_text=True)
    assert known.location == unknown.location
    assert 'value="nobody@example.test"' in unknown_page and "Wrong-Horse-77" not in unknown_page
    assert _csrf_free(known_page) == _csrf_free(unknown_page)


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
    response = follow_refused(client, client.post("/login", data={"email": "admin@example.test", "password": "wrong"}))
    assert "Het e-mailadres of het wachtwoord is niet juist." in response.get_data(as_text=True)
    # what the user typed stays in the form
    assert 'value="admin@example.test"' in response.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client, auth):
    auth.login("author")
    auth.logout()
    user = db.session.scalar(db.select(User).where(User.email == "author@example.test"))
    user.active = False
    db.session.commit()
    response = follow_refused(client, client.post("/login", data={"email": "author@example.test", "password": PASSWORD}))
    assert "Het e-mailadres of het wachtwoord is niet juist." in response.get_data(as_text=True)
    assert client.get("/p/learn/").status_code == 302  # not logged in


def test_login_never_redirects_to_another_site(client, auth):
    auth.login("admin")
    auth.logout()
    for target in ("//evil.example/", "https://evil.example/", "javascript:alert(1)"):
        response = client.post(f"/login?next={target}", data={"email": "admin@example.test", "password": PASSWORD})
        assert response.status_code in (302, 303)
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
