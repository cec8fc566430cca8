from sqlalchemy import select

from webapp.auth.models import User
from webapp.projects.models import Project
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


def test_users_create_with_projects_makes_a_member_who_can_capture(app, runner, client):
    """Setting up from the shell works first time: the README's command with --project."""
    from webapp.activities.services import ActivityInput, save_activity
    from webapp.projects.models import Project

    pilot = Project(slug="pilot", name_nl="Pilot", name_en="Pilot")
    db.session.add(pilot)
    db.session.commit()
    result = runner.invoke(args=["users", "create", "fatima@example.test", "--role", "facilitator", "--project", "learn",
                                 "--project", "pilot:author", "--password", "kalm water lamp"])
    assert result.exit_code == 0, result.output
    assert "Member of learn as facilitator." in result.output and "Member of pilot as author." in result.output
    activity = save_activity(None, ActivityInput(type="consultation", title="Gesprek"))
    assert client.post("/login", data={"email": "fatima@example.test", "password": "kalm water lamp"}).status_code == 302
    assert client.get(f"/p/learn/capture/activities/{activity.id}", as_written=True).status_code == 200
    saved = client.post("/api/v1/projects/learn/findings", json={"client_id": "6f1d3c55-0d6a-4a43-9a53-6d1e2b8f4a11",
                                                                "activity_id": activity.id, "text": "Werk eerst.",
                                                                "kind": "bottleneck", "language": "nl"})
    assert saved.status_code == 201
    projects = client.get("/api/v1/projects")
    assert projects.status_code == 200
    assert {(p["slug"], p["role"]) for p in projects.get_json()["projects"]} == {("learn", "facilitator"),
                                                                              ("pilot", "author")}


def test_users_create_refuses_an_unknown_project_before_making_anyone(app, runner):
    result = runner.invoke(args=["users", "create", "x@example.test", "--role", "facilitator", "--project", "nope"])
    assert result.exit_code != 0 and "project: nope" in result.output  # in the default interface language
    assert db.session.scalar(select(User).where(User.email == "x@example.test")) is None
    # With several projects and none chosen, the command says how to choose one.
    db.session.add(Project(slug="pilot", name_nl="Pilot", name_en="Pilot"))
    db.session.commit()
    lonely = runner.invoke(args=["users", "create", "y@example.test", "--role", "facilitator"])
    assert lonely.exit_code == 0 and "Not a member of any project yet" in lonely.output and "learn, pilot" in lonely.output
