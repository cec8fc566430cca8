import pytest

from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db
from .conftest import text_of

# The same on SQLite and PostgreSQL: bin/test runs this module on SQLite only.
pytestmark = pytest.mark.same_on_every_database


class CsrfConfig(TestConfig):
    WTF_CSRF_ENABLED = True


@pytest.fixture
def csrf_client():
    app = create_app(CsrfConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app.test_client()
        db.session.remove()
        if db.engine.dialect.name != "sqlite":
            db.drop_all()
        db.engine.dispose()


def test_forms_without_a_csrf_token_are_refused(csrf_client):
    response = csrf_client.post("/login", data={"email": "a@example.test", "password": "x"})
    assert response.status_code == 400
    assert "Het formulier is misschien verlopen" in response.get_data(as_text=True)
    assert csrf_client.post("/language", data={"language": "en"}).status_code == 400
    assert '<html lang="nl">' in text_of(csrf_client.get("/login"))


def test_forms_carry_a_csrf_token(csrf_client):
    assert 'name="csrf_token"' in text_of(csrf_client.get("/login"))
