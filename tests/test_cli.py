from webapp.auth.models import User
from webapp.extensions import db


def test_users_create_with_role(runner):
    result = runner.invoke(args=["users", "create", "Maria@Example.test", "--role", "facilitator"])
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output
    user = db.session.scalar(db.select(User))
    assert (user.email, user.role) == ("maria@example.test", "facilitator")
    password = result.output.split("Password:")[1].strip()
    assert user.check_password(password)


def test_users_create_refuses_a_duplicate_and_an_unknown_role(runner):
    assert runner.invoke(args=["users", "create", "a@example.test", "--role", "admin", "--password", "kalm water lamp"]).exit_code == 0
    duplicate = runner.invoke(args=["users", "create", "A@example.test", "--role", "admin", "--password", "kalm water lamp"])
    assert duplicate.exit_code != 0
    unknown = runner.invoke(args=["users", "create", "b@example.test", "--role", "king"])
    assert unknown.exit_code != 0
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
