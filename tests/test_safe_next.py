"""`next` leads back to a page of this site and nowhere else, also when the app is mounted under a prefix."""
import pytest

from webapp.routing import safe_next

# The same on SQLite and PostgreSQL: bin/test runs this module on SQLite only.
pytestmark = pytest.mark.same_on_every_database

PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example",
    "/\n/evil.example", "evil.example", "javascript:alert(1)", "", None, "/\x7f/x"])
def test_only_paths_of_this_site_are_followed(target):
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize("target", ["/p/learn/analysis/findings?q=taal&page=2", "/klankbord/p/x/review/", "/"])
def test_a_path_of_this_site_is_kept_as_it_is(target):
    assert safe_next(target, "/home") == target


def test_login_follows_next_within_the_site_only(app, client):
    from webapp.auth.services import create_user
    from webapp.extensions import db

    with app.app_context():
        create_user("a@example.test", "A", "admin", PASSWORD)
        db.session.commit()
    response = client.post("/login?next=/%5C/evil.example", data={"email": "a@example.test", "password": PASSWORD})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]


def test_the_language_switch_returns_under_the_script_root(app, client):
    """Behind a proxy that mounts Klankbord at /klankbord, the hidden `next` field keeps the prefix."""
    page = client.get("/login", environ_overrides={"SCRIPT_NAME": "/klankbord"})
    assert page.status_code == 200
    assert b'name="next" value="/klankbord/login"' in page.data
