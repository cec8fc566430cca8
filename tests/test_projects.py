"""Several projects on one Klankbord: every staff route, query and API call stays inside its project.

The demo loads LEARN (every kind of record: activities, findings, surveys, feedback rounds,
reports, review rounds, ...) and the smaller Integration+ pilot with a user who belongs only
to the pilot. That user asking for any LEARN object - by URL, by form field, by API body, by
API filter - gets 404, never the object and never 403.
"""
from __future__ import annotations

import io
import re
import uuid

import pytest
from sqlalchemy import func, select

from webapp.activities.models import Activity
from webapp.auth.models import User
from webapp.extensions import db
from webapp.findings.models import Contributor, Finding
from webapp.photos.models import Photo
from webapp.projects.models import Project, ProjectMembership
from webapp.projects.scope import in_project, set_scope
from webapp.reference.models import GoodExample
from webapp.reports.models import Recommendation, Report, ReportChapter, ReportVersion, Source
from webapp.review.models import ReviewAssignment, ReviewComment, ReviewRound
from webapp.surveys.models import Answer, Invitation, Question, Survey
from webapp.themes.models import Theme

from .photo_files import camera_jpeg
from .conftest import text_of, PASSWORD, follow_refused, load_demo_data

PILOT_USER = "pilot@klankbord.test"
#: Views outside any project: who may use them is checked by role alone.
GLOBAL_ENDPOINTS = {
    "core.healthz", "core.switch_language", "auth.login", "auth.logout", "auth.list_users", "auth.new_user",
    "auth.edit_user", "auth.account", "auth.logout_everywhere", "core.favicon", "audit.index", "audit.export_csv",
    "mail.outbox", "mail.show_message", "mail.message_html", "mail.retry_message", "mail.send_now",
    "dashboard.index", "api.openapi", "api.projects", "projects.switch", "projects.list_projects", "projects.edit",
    "projects.members", "projects.export_zip", "projects.import_zip", "across.search", "across.evidence",
    "projects.invite", "privacy.installation", "privacy.purge_now", "privacy.register_csv", "privacy.register_pdf",
}
#: Shared between projects on purpose (docs/architecture.md): their ids are not a project's.
SHARED_ARGUMENTS = {"organisation_id", "abbreviation_id"}


@pytest.fixture
def demo(app, runner):
    load_demo_data(runner)
    learn = db.session.scalar(select(Project).where(Project.slug == "learn"))
    pilot = db.session.scalar(select(Project).where(Project.slug == "integration-plus"))
    return learn, pilot


def _login(client, email):
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, "demo login failed"


def _demo_password_login(client, email):
    from webapp.demo.services import DEMO_PASSWORD

    assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302


def _first(model, *where):
    return db.session.scalar(select(model).where(*where).order_by(model.id).limit(1))


#: Pages that need a query string to show something, by endpoint (filled by page_query): the
#: API lists of an activity, and a new figure, which is placed in a chapter (or a box).
PAGE_QUERIES = {"api.findings": "?activity_id={activity_id}", "api.photos": "?activity_id={activity_id}",
                "reports.figure_form": "?chapter_id={chapter_id}"}


def page_query(endpoint: str, ids: dict, queries: dict[str, str] = PAGE_QUERIES) -> str:
    return queries.get(endpoint, "").format(activity_id=ids.get((None, "activity_id")),
                                            chapter_id=ids.get((None, "chapter_id")))


def project_ids(project) -> dict[tuple[str | None, str], int]:
    """An id of an object of `project` (LEARN, or a copy of it) for every argument name a
    project route takes.

    Keyed by (blueprint, argument) where the same name means different things (a survey's
    question vs a feedback round's prompt), else (None, argument)."""
    from webapp.glossary.models import GlossaryEntry

    with in_project(project):
        survey = _first(Survey, Survey.purpose == "survey", Survey.questions.any())
        feedback = _first(Survey, Survey.purpose == "feedback", Survey.questions.any())
        report = _first(Report, Report.key == "demo")
        version = _first(ReportVersion, ReportVersion.report_id == report.id)
        if version is None:  # a finished build without running WeasyPrint
            version = ReportVersion(report_id=report.id, language="nl", format="pdf", content_hash="x" * 64,
                                    status="done", progress=100, number=1, content=b"%PDF", size=4)
            db.session.add(version)
            db.session.commit()
        source = _first(Source)
        if source is None:
            source = Source(key="learn-source", citation_nl="Bron", citation_en="Source")
            db.session.add(source)
            db.session.commit()
        answer = _first(Answer, Answer.response.has(survey_id=survey.id))
        from webapp.reports.models import ReportBox

        box = _first(ReportBox, ReportBox.report_id == report.id)
        if box is None:
            box = ReportBox(report_id=report.id, section="scope", title_en="Box", title_nl="Kader")
            db.session.add(box)
            db.session.commit()
        from webapp.reports.figures import ReportFigure

        figure = _first(ReportFigure, ReportFigure.report_id == report.id)
        if figure is None:  # the demo's cleared wall of sticky notes, placed in the first chapter
            figure = ReportFigure(report_id=report.id, photo_id=_first(Photo, Photo.cleared_at.is_not(None)).id,
                                  chapter_id=_first(ReportChapter, ReportChapter.report_id == report.id).id,
                                  alt_en="Sticky notes", alt_nl="Plakbriefjes", caption_en="Wall", caption_nl="Wand")
            db.session.add(figure)
            db.session.commit()
        ids = {
            (None, "activity_id"): _first(Activity).id,
            (None, "finding_id"): _first(Finding).id,
            (None, "theme_id"): _first(Theme).id,
            (None, "contributor_id"): _first(Contributor).id,
            (None, "example_id"): _first(GoodExample).id,
            (None, "report_id"): report.id,
            (None, "box_id"): box.id,
            (None, "chapter_id"): _first(ReportChapter, ReportChapter.report_id == report.id).id,
            (None, "recommendation_id"): _first(Recommendation).id,
            (None, "source_id"): source.id,
            (None, "version_id"): version.id,
            (None, "round_id"): _first(ReviewRound).id,
            (None, "assignment_id"): _first(ReviewAssignment).id,
            (None, "comment_id"): _first(ReviewComment).id,
            (None, "photo_id"): _first(Photo).id,
            (None, "figure_id"): figure.id,
            ("surveys", "survey_id"): survey.id,
            ("surveys", "question_id"): _first(Question, Question.survey_id == survey.id).id,
            ("surveys", "answer_id"): answer.id if answer else 0,
            ("surveys", "invitation_id"): (_first(Invitation, Invitation.survey_id == survey.id)
                                           or _first(Invitation)).id,
            ("surveys", "kind"): "invitation",
            ("feedback", "kind"): "invitation",
            ("feedback", "survey_id"): feedback.id,
            ("feedback", "question_id"): _first(Question, Question.survey_id == feedback.id).id,
            ("feedback", "invitation_id"): _first(Invitation, Invitation.survey_id == feedback.id).id,
            (None, "language"): "nl",
            ("glossary", "entry_id"): _first(GlossaryEntry).id,
        }
    return ids


def _url(rule, project: str, ids) -> str:
    blueprint = rule.endpoint.split(".")[0]

    def fill(match):
        name = match.group(1)
        if name == "project_slug":
            return project
        if name in SHARED_ARGUMENTS:
            return "1"
        key = (blueprint, name) if (blueprint, name) in ids else (None, name)
        assert key in ids, f"{rule.rule}: add <{name}> to the project sweep in tests/test_projects.py"
        return str(ids[key])

    return re.sub(r"<(?:\w+:)?(\w+)>", fill, rule.rule)


def _project_rules(app):
    for rule in app.url_map.iter_rules():
        if "project_slug" in rule.arguments:
            yield rule


def test_every_staff_route_is_inside_a_project(app):
    """A new view of a project feature lands under /p/<slug>/ (or the API's project prefix)
    by itself; anything else must be public or on the list of global views above."""
    outside = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint == "static" or rule.endpoint.endswith(".static") or getattr(view, "is_public", False):
            continue
        if ("project_slug" not in rule.arguments and rule.endpoint not in GLOBAL_ENDPOINTS
                and rule.endpoint.split(".")[0] not in ("auth", "audit", "mail", "jobs")):
            # user admin, logs, outbox; jobs are their creator's own (or an admin's), whatever the project

            outside.append(rule.rule)
        if "project_slug" in rule.arguments:
            assert rule.rule.startswith(("/p/<project_slug>/", "/api/v1/projects/<project_slug>/")), rule.rule
    assert outside == []


def test_a_member_of_one_project_gets_404_for_every_object_of_another(app, client, demo):
    learn, pilot = demo
    ids = project_ids(learn)
    set_scope(None, None)
    # An author in the pilot passes every role check but the administrators' (contributors) and
    # the facilitators' (clearing a photo: tests/test_photos.py checks those as a facilitator):
    # administrators see every project, so "a member of A only" does not exist for them.
    pilot_user = db.session.scalar(select(User).where(User.email == PILOT_USER))
    db.session.scalar(select(ProjectMembership).where(ProjectMembership.user_id == pilot_user.id)).role = "author"
    db.session.commit()
    _demo_password_login(client, PILOT_USER)
    checked = 0
    for rule in _project_rules(app):
        placeholders = re.findall(r"<(?:\w+:)?(\w+)>", rule.rule)
        has_object = any(arg not in ("project_slug", "language") and arg not in SHARED_ARGUMENTS
                         for arg in placeholders)
        refused_role = "author" not in app.view_functions[rule.endpoint].allowed_roles
        headers = {"Accept": "application/json"} if "/api/" in rule.rule else {}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            body = {"json": {"version": 1}} if headers and method != "GET" else {}
            # LEARN's URL space: the pilot member is no member of it at all.
            response = client.open(_url(rule, learn.slug, ids), method=method, headers=headers, **body)
            assert response.status_code == 404, (method, rule.rule, "learn", response.status_code)
            if has_object:
                # The pilot's own URL space, with a LEARN object's id in the path.
                response = client.open(_url(rule, pilot.slug, ids), method=method, headers=headers, **body)
                expected = 403 if refused_role else 404  # the role check: it says nothing about LEARN
                assert response.status_code == expected, (method, rule.rule, "pilot", response.status_code)
            checked += 1
    assert checked > 100


def test_the_same_urls_open_for_a_learn_member(app, client, demo):
    """The sweep above is not vacuous: every GET with those ids works inside LEARN."""
    learn, _pilot = demo
    ids = project_ids(learn)
    set_scope(None, None)
    _demo_password_login(client, "auteur@klankbord.test")
    # make_finding needs a free-text answer; outcome pages need a published version: data, not scope
    skip = {"surveys.make_finding", "outcome.choose", "outcome.preview"}
    for rule in _project_rules(app):
        if "GET" not in rule.methods or rule.endpoint in skip or rule.endpoint.startswith("contributors."):
            continue
        if getattr(app.view_functions[rule.endpoint], "allowed_roles", None) == {"admin"}:
            continue  # an author gets 403 there (privacy.project_settings_page)
        response = client.get(_url(rule, learn.slug, ids) + page_query(rule.endpoint, ids))
        assert response.status_code in (200, 302), (rule.rule, response.status_code)


def test_pilot_member_sees_only_the_pilot(app, client, demo):
    learn, pilot = demo
    set_scope(None, None)
    _demo_password_login(client, PILOT_USER)
    response = client.get("/")
    assert response.status_code in (302, 303)
    assert response.location.endswith("/p/integration-plus/")
    page = text_of(client.get("/p/integration-plus/activities/"))
    assert "Virtual tour" in page and "Werkconferentie" not in page
    assert 'data-testid="project-switcher"' not in page  # one project: no switcher
    assert client.get("/p/learn/activities/").status_code == 404
    # Old unprefixed links open in the remembered project.
    moved = client.get("/activities/", as_written=True)
    assert moved.status_code == 302 and moved.location.endswith("/p/integration-plus/activities/")


def test_form_field_api_body_and_api_filter_cannot_reach_another_project(app, client, demo):
    learn, pilot = demo
    with in_project(learn):
        learn_activity = _first(Activity)
        learn_finding = _first(Finding)
        learn_theme = _first(Theme)
        learn_contributor = _first(Contributor)
    with in_project(pilot):
        pilot_activity = _first(Activity)
        pilot_theme = _first(Theme)
    set_scope(None, None)
    _demo_password_login(client, PILOT_USER)
    api = "/api/v1/projects/integration-plus"
    headers = {"Accept": "application/json"}
    # API filter
    assert client.get(f"{api}/findings?activity_id={learn_activity.id}", headers=headers).status_code == 404
    assert client.get(f"{api}/findings?activity_id={pilot_activity.id}", headers=headers).status_code == 200
    # API body: another project's activity is not found
    body = {"client_id": str(uuid.uuid4()), "activity_id": learn_activity.id, "text": "x", "kind": "observation",
            "language": "nl"}
    assert client.post(f"{api}/findings", json=body, headers=headers).status_code == 404
    # ... and another project's theme code or contributor is unknown, nothing is stored
    body |= {"activity_id": pilot_activity.id, "themes": [learn_theme.code], "contributor_id": learn_contributor.id}
    response = client.post(f"{api}/findings", json=body, headers=headers)
    assert response.status_code == 422 and {"themes", "contributor_id"} <= set(response.get_json()["errors"])
    # ... and so is a photo of another project a finding names, or an activity a photo is sent to
    with in_project(learn):
        learn_photo = _first(Photo)
    body = {**body, "themes": [], "contributor_id": None, "photo_client_id": str(learn_photo.client_id)}
    response = client.post(f"{api}/findings", json=body, headers=headers)
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"photo_client_id"}
    photo = {"client_id": str(uuid.uuid4()), "activity_id": str(learn_activity.id),
             "file": (io.BytesIO(camera_jpeg(300, 200)), "photo.jpg")}
    assert client.post(f"{api}/photos", data=photo, headers=headers,
                       content_type="multipart/form-data").status_code == 404
    assert client.get(f"{api}/photos?activity_id={learn_activity.id}", headers=headers).status_code == 404
    # Form field: bulk tagging another project's finding with the pilot's theme changes nothing
    client.post("/p/integration-plus/analysis/findings/tag",
                data={"finding_ids": [learn_finding.id], "theme_id": [pilot_theme.id]})
    db.session.expire_all()
    with in_project(learn):
        assert pilot_theme.id not in {t.id for t in db.session.get(Finding, learn_finding.id).themes}
    # A theme lists only the pilot's codebook
    themes = client.get(f"{api}/themes", headers=headers).get_json()["themes"]
    assert {t["code"] for t in themes} == set(db.session.scalars(select(Theme.code).where(
        Theme.project_id == pilot.id, Theme.archived.is_(False))))


def test_raw_search_sql_takes_the_project_explicitly(app, demo):
    """The FTS part of the search is raw SQL the scoping hook cannot see: it gets the ids."""
    from webapp.analysis.search import search_condition

    learn, pilot = demo
    set_scope(None, None)  # no ORM scope at all: only the explicit ids limit the result
    query = select(Finding.project_id).where(search_condition("werk", project_ids=(pilot.id,)))
    assert set(db.session.scalars(query)) == {pilot.id}
    assert learn.id in set(db.session.scalars(select(Finding.project_id).where(search_condition("werk"))))


def test_cross_project_search_labels_findings_with_their_project(app, client, demo):
    learn, pilot = demo
    user = db.session.scalar(select(User).where(User.email == "auteur@klankbord.test"))
    db.session.add(ProjectMembership(project_id=pilot.id, user_id=user.id, role="author"))
    db.session.commit()
    set_scope(None, None)
    _demo_password_login(client, "auteur@klankbord.test")
    page = text_of(client.get("/search?q=werk"))
    assert "Inburgering+ pilot" in page and "LEARN" in page
    assert client.get("/p/integration-plus/").status_code == 200
    assert 'data-testid="project-switcher"' in text_of(client.get("/p/learn/"))
    # A user in LEARN only finds nothing of the pilot
    client.post("/logout")
    _demo_password_login(client, "facilitator@klankbord.test")
    assert "Inburgering+ pilot" not in text_of(client.get("/search?q=werk"))


def test_the_learn_report_counts_only_learn_with_the_pilot_loaded(app, demo):
    from webapp.reports.builds import demo_report
    from webapp.reports.collect import collect_report

    learn, pilot = demo
    set_scope(None, None)  # as the CLI and a build worker: the report scopes itself
    data = collect_report(demo_report(), "en")
    appendices = data["appendices"]
    assert (len(appendices["a"]), len(appendices["b"]), len(appendices["c"])) == (10, 40, 26)
    assert "Virtual tour" not in repr(data) and "Verwey Jonker" not in repr(data)
    with in_project(pilot):
        assert db.session.scalar(select(func.count()).select_from(Activity)) == 4


def test_demo_load_is_idempotent_with_both_projects(app, runner, demo):
    learn, pilot = demo
    set_scope(None, None)
    before = {model.__name__: db.session.scalar(select(func.count()).select_from(model))
              for model in (Project, ProjectMembership, Activity, Finding, Theme, User)}
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    after = {model.__name__: db.session.scalar(select(func.count()).select_from(model))
             for model in (Project, ProjectMembership, Activity, Finding, Theme, User)}
    assert after == before
    with in_project(pilot):
        languages = set(db.session.scalars(select(Finding.language)))
        assert languages == {"nl", "en"}
        assert db.session.scalar(select(func.count()).select_from(Theme)) == 6
    pilot_user = db.session.scalar(select(User).where(User.email == PILOT_USER))
    assert set(db.session.scalars(select(ProjectMembership.project_id).where(
        ProjectMembership.user_id == pilot_user.id))) == {pilot.id}


def test_admin_creates_a_project_with_a_copied_codebook_and_a_member(app, client, auth):
    from webapp.themes.models import Theme

    db.session.add_all([Theme(code="werk", theme_group="topic", label_nl="Werk", label_en="Work"),
                        Theme(code="taal", theme_group="topic", label_nl="Taal", label_en="Language")])
    db.session.commit()
    auth.login("admin")
    response = client.post("/projects/new", data={
        "slug": "coa-pilots", "name_nl": "COA-pilots", "name_en": "COA pilots", "status": "active",
        "lead_organisation_id": 0, "codebook": "copy", "codebook_source": 1})
    assert response.status_code == 302, response.get_data(as_text=True)
    project = db.session.scalar(select(Project).where(Project.slug == "coa-pilots"))
    with in_project(project):
        assert set(db.session.scalars(select(Theme.code))) == {"werk", "taal"}
    facilitator = User(email="f2@example.test", name="Fenna", role="facilitator", locale="nl")
    facilitator.set_password(PASSWORD)
    db.session.add(facilitator)
    db.session.commit()
    assert client.post(f"/projects/{project.id}/members",
                       data={"user_id": facilitator.id, "role": "author", "action": "set"}).status_code == 302
    client.post("/logout")
    _login(client, "f2@example.test")
    assert client.get("/").location.endswith("/p/coa-pilots/")
    assert client.get("/p/coa-pilots/reports/").status_code == 200  # author here
    assert client.get("/p/learn/").status_code == 404  # no member of LEARN
    # a duplicate short name is refused with a message, nothing saved
    client.post("/logout")
    auth.login("admin")
    response = client.post("/projects/new", data={"slug": "coa-pilots", "name_nl": "x", "status": "active",
                                                  "lead_organisation_id": 0, "codebook": "empty",
                                                  "codebook_source": 0})
    page = follow_refused(client, response).get_data(as_text=True)
    assert 'value="coa-pilots"' in page and db.session.scalar(select(func.count()).select_from(Project)) == 2


def test_an_archived_project_is_read_only_but_reportable(app, client, auth, make_activity):
    activity = make_activity()
    learn = db.session.scalar(select(Project).where(Project.slug == "learn"))
    learn.status = "archived"
    db.session.commit()
    auth.login("facilitator", locale="en")
    assert client.get(f"/activities/{activity.id}").status_code == 200
    response = client.post(f"/activities/{activity.id}/edit", data={"type": "ln_meeting", "title": "Changed"})
    assert response.status_code == 409
    assert "archived" in response.get_data(as_text=True)
    response = client.post("/api/v1/findings", json={"client_id": str(uuid.uuid4()), "activity_id": activity.id,
                                                     "text": "x", "kind": "quote", "language": "nl"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).title != "Changed"
    # any other path (CLI, jobs) is refused at flush
    from webapp.projects.archive import ProjectArchived

    db.session.get(Activity, activity.id).title = "Changed in a script"
    with pytest.raises(ProjectArchived):
        db.session.commit()
    db.session.rollback()


def test_an_invited_colleague_starts_in_the_chosen_project(app, client, auth):
    pilot = Project(slug="pilot", name_nl="Pilot", name_en="Pilot")
    db.session.add(pilot)
    db.session.commit()
    auth.login("admin", locale="en")
    form = text_of(client.get("/users/invite"))
    assert 'name="project_id"' in form and ">Pilot<" in form
    response = client.post("/users/invite", data={"name": "Sanne", "email": "sanne@example.test", "role": "facilitator",
                                                  "locale": "nl", "project_id": pilot.id})
    assert response.status_code == 302
    sanne = db.session.scalar(select(User).where(User.email == "sanne@example.test"))
    assert [(m.project_id, m.role) for m in db.session.scalars(
        select(ProjectMembership).where(ProjectMembership.user_id == sanne.id))] == [(pilot.id, "facilitator")]
