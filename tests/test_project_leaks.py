"""The differential leak sweep: what a member of project B sees does not move when data is
added to another project.

A 404 sweep (tests/test_projects.py) shows what a person cannot *open*; it cannot see a
count, a total or a name of another project slipping into a page they may open. So here a
member of B only fetches every GET page of B (from the URL map, ids filled from B's own
data), then activities, findings, answers, comments, reports, contributors and users are
added to project A (and a whole copy of A is imported as a third project), and every page is
fetched again: apart from tokens, it must be the same, byte for byte. A member of both
projects then sees the new data where it belongs.

B is a copy of the demo's LEARN project (imported through the project transfer), so every
kind of object a route takes exists in it; A is LEARN itself.
"""
from __future__ import annotations

import io
import re
import time
import uuid
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from webapp.activities.models import Activity
from webapp.activities.services import ActivityInput, PartialDate, save_activity
from webapp.auth.services import create_user
from webapp.extensions import db
from webapp.findings.models import Contributor, Finding
from webapp.findings.services import FindingInput, create_finding
from webapp.organisations.models import Organisation
from webapp.projects.models import Project, ProjectMembership
from webapp.projects.scope import in_project, set_scope
from webapp.projects.transfer import export_project, import_project
from webapp.reports.models import Report, ReportChapter
from webapp.review.models import ReviewComment, ReviewRound
from webapp.surveys.models import Answer, Response, Survey
from webapp.photos.services import link_finding, set_cleared, store_photo_once
from webapp.themes.models import Theme

from .photo_files import camera_jpeg
from .conftest import text_of, PASSWORD, IsolatedClient, load_demo_data
from .test_projects import PAGE_QUERIES, page_query, project_ids, _url

#: Administrators see every project, but a page under /p/<B>/ is still B's alone.
ROLES = ("admin", "author", "facilitator")
#: Of the ~90 GET pages of a project, how many each role opens (the rest are 403 for its role,
#: or a redirect): the sweep is not vacuous.
MINIMUM_PAGES = {"admin": 80, "author": 75, "facilitator": 40}
#: Pages that need a query to show anything: the searches.
QUERIES = {"analysis.findings": "?q=werk", "across.search": "?q=werk", "analysis.evidence": "", **PAGE_QUERIES}
#: Pages outside the project URL space that a member of B may open (the rest are admin only).
GLOBAL_PAGES = ("across.search", "across.evidence", "auth.account", "projects.list_projects")
#: Bound on the sweep's own time (both fetches, both roles), so it cannot creep up unnoticed.
SWEEP_SECONDS = 240

_VOLATILE = [
    (re.compile(rb'(name="csrf_token"[^>]*value=")[^"]*'), rb"\1-"),
    (re.compile(rb'(name="csrf-token" content=")[^"]*'), rb"\1-"),
    (re.compile(rb'("X-CSRFToken": ")[^"]*'), rb"\1-"),
    (re.compile(rb'(nonce=")[^"]*'), rb"\1-"),
    (re.compile(rb'(data-csrf=")[^"]*'), rb"\1-"),
    (re.compile(rb'(data-new-client-id=")[^"]*'), rb"\1-"),  # a fresh UUID for the next capture
    (re.compile(rb'(name="client_id" value=")[^"]*'), rb"\1-"),
    (re.compile(rb'(creationDateTime=")[^"]*'), rb"\1-"),  # REFI-QDA: when the file was written
]


@pytest.fixture
def two_projects(app, runner):
    load_demo_data(runner)
    set_scope(None, None)
    learn = db.session.scalar(select(Project).where(Project.slug == "learn"))
    copy = import_project(export_project(learn), slug="b-copy")
    return learn, copy


def _member(email: str, role: str, *projects: Project) -> str:
    user = create_user(email, f"Sweep {role}", role, PASSWORD)
    for project in projects if role != "admin" else ():  # the admin role is global
        db.session.add(ProjectMembership(project_id=project.id, user_id=user.id, role=role))
    db.session.commit()
    return email


def _login(app, email: str):
    """A new browser (no cookie, no flash message left over) logged in as `email`."""
    app.test_client_class = IsolatedClient
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
    return client


#: The header's project switcher: an administrator's lists every project, the new one too.
_SWITCHER = re.compile(rb'<form[^>]*data-testid="project-switcher".*?</form>', re.S)


def _normalised(response, role: str = "") -> bytes:
    """The body without what changes on every request (tokens); archives by their entries."""
    body = response.get_data()
    if response.mimetype in ("application/zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
        # Zip entries carry the time they were written; compare what is in them.
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"\n".join(name.encode() + b"\n" + archive.read(name) for name in sorted(archive.namelist())
                              if not name.startswith("docProps/"))
    for pattern, replacement in _VOLATILE:
        body = pattern.sub(replacement, body)
    if role == "admin":
        body = _SWITCHER.sub(b"", body)
    return body


def _pages(app, project: Project, ids: dict, only_filled: bool = False) -> dict[str, str]:
    """{endpoint: url} of every GET page of `project` plus the global pages a member opens;
    `only_filled`: leave out the pages that take an object `ids` has none of."""
    from .test_projects import _project_rules

    pages = {}
    for rule in _project_rules(app):
        if "GET" not in rule.methods:
            continue
        blueprint = rule.endpoint.split(".")[0]
        if only_filled and any((blueprint, name) not in ids and (None, name) not in ids
                               for name in rule.arguments - {"project_slug"}):
            continue
        query = page_query(rule.endpoint, ids, QUERIES)
        pages[rule.endpoint + " " + rule.rule] = _url(rule, project.slug, ids) + query
    for endpoint in GLOBAL_PAGES:
        rule = next(app.url_map.iter_rules(endpoint))
        pages[endpoint] = rule.rule + QUERIES.get(endpoint, "")
    return pages


def _fetch_all(client, pages: dict[str, str], role: str = "") -> dict[str, tuple[int, bytes]]:
    seen = {}
    for name, url in pages.items():
        if role == "admin" and name in GLOBAL_PAGES:
            continue  # an administrator's search and lists across projects cover every project
        response = client.get(url, as_written=True)
        seen[name] = (response.status_code, _normalised(response, role))
    return seen


def _add_data_elsewhere(learn: Project) -> dict:
    """New rows of every kind in LEARN (project A), touching what B shares with it (every
    organisation), and a whole copy of LEARN imported as a third project."""
    from webapp.contributors.services import ContributorInput, create_contributor

    organisations = db.session.scalars(select(Organisation).order_by(Organisation.id)).all()
    with in_project(learn):
        activity = save_activity(None, ActivityInput(
            type="consultation", title="Sweep consultation elsewhere", starts=PartialDate(date(2024, 3, 1), "day"),
            organisation_ids=tuple(o.id for o in organisations)))
        theme = db.session.scalar(select(Theme).order_by(Theme.id).limit(1))
        contributor = create_contributor(ContributorInput(kind="advisory_member", name="Sweep Person", language="ar"))
        for organisation in organisations[:12]:
            create_finding(FindingInput(activity_id=activity.id, text=f"Sweep finding about {organisation.name} werk",
                                        kind="observation", language="nl", organisation_id=organisation.id,
                                        stakeholder_type=organisation.stakeholder_type, theme_codes=[theme.code]), None)
        create_finding(FindingInput(activity_id=activity.id, text="العمل مهم werk", kind="quote", language="ar",
                                    contributor_id=contributor.id, theme_codes=[theme.code]), None)
        # A photo, cleared, with a finding typed from it: the copy of A below carries both.
        photo, _new = store_photo_once(uuid.uuid4(), activity.id, camera_jpeg(text="Sweep"), None,
                                       contributor_id=contributor.id)
        set_cleared(photo, True, None)
        from_photo = create_finding(FindingInput(activity_id=activity.id, text="Sweep finding from a photo werk",
                                                 kind="observation", language="nl"), None)
        link_finding(from_photo, photo, (0.1, 0.1, 0.2, 0.2))
        survey = db.session.scalar(select(Survey).where(Survey.purpose == "survey").order_by(Survey.id).limit(1))
        response = Response(survey_id=survey.id, language="nl", submission_token="sweep-" + "0" * 40,
                            submitted_on=date(2024, 3, 1))
        db.session.add(response)
        db.session.flush()
        for question in survey.questions:
            db.session.add(Answer(response_id=response.id, question_id=question.id, value="werk elders"))
        comment = db.session.scalar(select(ReviewComment).order_by(ReviewComment.id).limit(1))
        db.session.add(ReviewComment(assignment_id=comment.assignment_id, target="report",
                                     text="Sweep comment elsewhere", language="nl"))
        report = Report(key="sweep", title_nl="Sweep-rapport", title_en="Sweep report")
        db.session.add(report)
        db.session.flush()
        db.session.add(ReportChapter(report_id=report.id, theme_id=theme.id, position=99))
        db.session.commit()
    _member("sweep-elsewhere@example.test", "facilitator", learn)
    set_scope(None, None)
    import_project(export_project(learn), slug="c-copy")
    return {"activity": activity}


def _differences(before: dict, after: dict) -> list[str]:
    changed = []
    for name, (status, body) in before.items():
        new_status, new_body = after[name]
        if (status, body) != (new_status, new_body):
            at = next((i for i, (x, y) in enumerate(zip(body, new_body)) if x != y), min(len(body), len(new_body)))
            changed.append(f"{name}: {status}->{new_status} near …{body[max(0, at - 80):at + 80]!r} "
                           f"now …{new_body[max(0, at - 80):at + 80]!r}")
    return changed


def test_a_member_of_one_project_sees_nothing_move_when_another_project_changes(app, two_projects):
    learn, copy = two_projects
    started = time.monotonic()
    ids = project_ids(copy)
    from webapp.activities.models import activity_organisations

    busiest = db.session.scalar(select(activity_organisations.c.organisation_id).group_by(
        activity_organisations.c.organisation_id).order_by(func.count().desc()).limit(1))
    ids[(None, "organisation_id")] = busiest
    pages = _pages(app, copy, ids)
    members = {role: _member(f"sweep-{role}@example.test", role, copy) for role in ROLES}
    both = _member("sweep-both@example.test", "author", copy, learn)
    before = {}
    for role, email in members.items():
        client = _login(app, email)
        before[role] = _fetch_all(client, pages, role)
        ok = [name for name, (status, _body) in before[role].items() if status == 200]
        print(f"sweep: {role}: {len(pages)} pages, {len(ok)} answer 200")  # shown with -s: the coverage
        # Not vacuous: most pages show something to this role (the rest are its role's 403 or a redirect).
        assert len(ok) > MINIMUM_PAGES[role], (role, len(ok), sorted((s, n) for n, (s, _b) in before[role].items() if s != 200))
    client = _login(app, both)
    learn_pages = {"activities": "/p/learn/activities/", "organisations": "/p/learn/organisations/",
                   "findings": "/p/learn/analysis/findings?q=sweep", "search": "/search?q=sweep"}
    learn_before = {name: client.get(url, as_written=True) for name, url in learn_pages.items()}
    both_before = _fetch_all(client, pages)

    added = _add_data_elsewhere(learn)

    for role, email in members.items():
        client = _login(app, email)
        after = _fetch_all(client, pages, role)
        changed = _differences(before[role], after)
        assert changed == [], f"a {role} of B only saw project A's change:\n" + "\n".join(changed)
    client = _login(app, both)
    # The member of both: B's pages (scoped by their address) do not move either; the pages
    # across projects do (the import made them a member of the copy too, as it copies memberships) ...
    project_pages = {name: url for name, url in pages.items() if name not in GLOBAL_PAGES}
    assert _differences({name: both_before[name] for name in project_pages}, _fetch_all(client, project_pages)) == []
    # ... and the new data shows where it belongs: in A's pages and the search across projects.
    for name, url in learn_pages.items():
        response = client.get(url, as_written=True)
        assert response.status_code == 200, (name, response.status_code)
        assert learn_before[name].status_code == 200
        assert response.get_data() != learn_before[name].get_data(), f"{name} of A did not show the new data"
    assert added["activity"].title in text_of(client.get("/p/learn/activities/", as_written=True))
    elapsed = time.monotonic() - started
    assert elapsed < SWEEP_SECONDS, f"the sweep took {elapsed:.0f} s: bound its pages"


def test_the_demo_pilot_member_sees_nothing_of_learn_move(app, two_projects):
    """The same with the demo's own second project: a member of the Integration+ pilot, on
    every pilot page that its data fills (it has no surveys, reports or review rounds)."""
    learn, _copy = two_projects
    pilot = db.session.scalar(select(Project).where(Project.slug == "integration-plus"))
    with in_project(pilot):
        activity = db.session.scalar(select(Activity).order_by(Activity.id).limit(1))
        finding = db.session.scalar(select(Finding).order_by(Finding.id).limit(1))
        theme = db.session.scalar(select(Theme).order_by(Theme.id).limit(1))
    ids = {(None, "activity_id"): activity.id, (None, "finding_id"): finding.id, (None, "theme_id"): theme.id,
           (None, "organisation_id"): activity.organisations[0].id if activity.organisations else 1,
           (None, "language"): "nl"}
    pages = _pages(app, pilot, ids, only_filled=True)
    assert len(pages) > 40
    clients = {}
    before = {}
    members = {role: _member(f"pilot-{role}@example.test", role, pilot) for role in ROLES[1:]}
    for role, email in members.items():
        clients[role] = _login(app, email)
        before[role] = _fetch_all(clients[role], pages, role)
        assert sum(status == 200 for status, _body in before[role].values()) > 30, role
    _add_data_elsewhere(learn)
    for role, client in clients.items():
        changed = _differences(before[role], _fetch_all(client, pages, role))
        assert changed == [], f"a {role} of the pilot saw LEARN's change:\n" + "\n".join(changed)
