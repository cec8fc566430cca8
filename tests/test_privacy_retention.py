"""Personal data that leaves on time (webapp/privacy/): a member, a reviewer and a named survey
respondent with contact details, links, mail and an export; time moves past each period; the
purge removes what is due - scanned as the erasure test scans - and the pseudonymised
findings and the report remain and still build. Twice changes nothing; killed halfway, it
loses nothing and the next run finishes."""
from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import LargeBinary, func, select

from webapp.activities.services import ActivityInput, PartialDate, save_activity
from webapp.audit.models import AuditEntry
from webapp.audit.services import record_audit
from webapp.auth.services import create_user
from webapp.db_types import utcnow
from webapp.extensions import db
from webapp.feedback.services import queue_member_mail
from webapp.findings.models import Contributor, Finding
from webapp.jobs.models import Job
from webapp.jobs.services import enqueue
from webapp.mail.models import OutgoingMessage
from webapp.privacy.models import ProjectPrivacy, PurgeRun
from webapp.privacy.purge import plan, purge
from webapp.privacy.schedule import ensure_scheduled, waiting_purge
from webapp.projects.models import Project
from webapp.reports.builds import start_build
from webapp.reports.evidence import set_evidence
from webapp.review.models import ReviewRound
from webapp.review.services import add_reviewer, close_round
from webapp.surveys.exports import export_responses
from webapp.surveys.models import Invitation, Question, Response, Survey
from webapp.surveys.services import close_survey

from webapp.config import TestConfig

from .conftest import PASSWORD, IsolatedClient, running_app, text_of
from .job_functions import purge_and_die
from .test_contributors_erasure import tables_containing
from .test_feedback_member import agree, choose, make_round, send
from .test_review_services import make_report, open_test_round

MEMBER_NAME, MEMBER_MAIL = "Member Name 1", "lepelaar.member@example.test"
REVIEWER_NAME, REVIEWER_MAIL = "Hendrika Wolkenveld", "hendrika.wolkenveld@example.test"
RESPONDENT_NAME, RESPONDENT_MAIL = "Gerrit Grutto", "gerrit.grutto@example.test"
SAID = "Ik wil een vaste contactpersoon bij de gemeente."
ROOT = Path(__file__).resolve().parent.parent
PEOPLE = (MEMBER_NAME, MEMBER_MAIL, REVIEWER_NAME, REVIEWER_MAIL, RESPONDENT_NAME, RESPONDENT_MAIL, "lepelaar",
          "Wolkenveld", "Grutto")


def _file_text(content: bytes) -> bytes:
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return content


def _binary_columns_holding(*needles: str) -> list[str]:
    found = []
    for table in db.metadata.sorted_tables:
        for column in (c for c in table.columns if isinstance(c.type, LargeBinary)):
            for (value,) in db.session.execute(select(column).where(column.is_not(None))):
                if any(n.encode() in _file_text(value) for n in needles):
                    found.append(f"{table.name}.{column.name}")
    return sorted(set(found))


def _files_holding(folder: Path, *needles: str) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(n.encode() in data for n in needles):
                found.append(path.name)
    return found


def _everyone(app, client, make_activity):
    """A member who answered a feedback round (mailed, with contact details), a reviewer who
    was mailed a link, a named survey response with its e-mailed link, an export of it (a job
    with a file), and a report that quotes the member under their pseudonym."""
    app.config.update(REPORT_BUILDS_INLINE=True)
    admin = create_user("admin@example.test", "Admin", "admin", PASSWORD)
    survey, (link,) = make_round(make_activity, languages=("nl",))
    member = db.session.get(Contributor, link.contributor_id)
    member.contact = MEMBER_MAIL
    db.session.commit()
    queue_member_mail(survey, [link], False, lambda i: f"https://klankbord.test/f/{i.token}")
    choose(client, link, "nl")
    agree(client, link)
    assert send(client, survey, link, SAID, "Meer stages.", language="nl").status_code == 302
    finding = db.session.scalar(select(Finding).where(Finding.text == SAID))

    report = make_report()
    reviewer = add_reviewer(REVIEWER_NAME, REVIEWER_MAIL, None)
    db.session.commit()
    review_round, _tokens = open_test_round(report, [reviewer])
    chapter = report.chapters[0]
    set_evidence(chapter.recommendations[0], {finding.id}, {finding.id})
    db.session.commit()

    named = Survey(title_nl="Benoemd", title_en="Named", ask_name=True, public_token="p" * 20, status="open",
                   questions=[Question(type="text", label_nl="Vraag", label_en="Question")])
    db.session.add(named)
    db.session.flush()
    invitation = Invitation(survey_id=named.id, token="t" * 30, email=RESPONDENT_MAIL, label=RESPONDENT_NAME)
    db.session.add(invitation)
    db.session.flush()
    db.session.add(Response(survey_id=named.id, submission_token="s" * 30, submitted_on=date.today(),
                            submitted_at=utcnow(), respondent_name=RESPONDENT_NAME, invitation_id=invitation.id))
    db.session.commit()
    record_audit(admin, "export", "survey", named.id, {"format": "csv"})  # what an admin did, under their name
    db.session.commit()
    export = enqueue(export_responses, named.id, "csv", "nl", kind="survey_export", subject=f"survey:{named.id}",
                     inline=True)
    assert RESPONDENT_NAME.encode() in db.session.get(Job, export.id).result

    close_survey(survey)
    close_survey(named)
    close_round(review_round)
    db.session.commit()
    version = start_build(report, "nl", "docx")
    assert SAID.encode() in _file_text(version.content)
    before = tables_containing(*PEOPLE)
    assert {"contributors.name", "contributors.contact", "outgoing_messages.recipient",
            "survey_invitations.email", "survey_responses.respondent_name"} <= set(before), before
    return admin, report, finding.id, member.id


@pytest.fixture
def mail_app(tmp_path):
    """file_app with SERVER_NAME: messages queued outside a request can carry external links."""
    url = os.environ.get("TEST_DATABASE_URL", "")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url if url.startswith("postgresql") else f"sqlite:///{tmp_path / 'app.db'}"
        SERVER_NAME = "localhost"

    with running_app(Config) as app:
        yield app


def _scan_sqlite_files() -> None:
    """As tests/test_erasure_everything.py: the file, its WAL (emptied) and every table read by SQLite."""
    if db.engine.dialect.name != "sqlite":
        return
    path = Path(db.engine.url.database)
    if path:
        wal = Path(f"{path}-wal")
        assert not wal.exists() or wal.stat().st_size == 0  # checkpointed and truncated
        for file in (path, wal):
            if file.exists():
                assert [n for n in PEOPLE if n.encode() in file.read_bytes()] == [], file.name
        with sqlite3.connect(path) as connection:
            for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                for row in connection.execute(f'SELECT * FROM "{table}"'):
                    cells = b"".join(v if isinstance(v, bytes) else str(v).encode() for v in row)
                    assert not any(n.encode() in cells for n in PEOPLE), table


def _snapshot() -> dict:
    """Every row of every table but the purge's own log (runs and audit entries)."""
    db.session.expire_all()
    return {table.name: sorted(map(repr, db.session.execute(select(table)).all()))
            for table in db.metadata.sorted_tables if table.name not in ("privacy_purge_runs", "audit_entries")}


def _make_activity(type="ln_meeting", title="Workshop", day=date(2023, 10, 30), **kwargs):
    """As conftest's make_activity fixture, which would bring a second app (the `app` fixture)."""
    return save_activity(None, ActivityInput(type=type, title=title, starts=PartialDate(day, "day"), **kwargs))


def test_each_period_passes_and_the_purge_leaves_nothing_personal_but_the_report_stays(mail_app):
    file_app, make_activity = mail_app, _make_activity
    file_app.test_client_class = IsolatedClient
    client = file_app.test_client()
    start = utcnow()
    admin, report, finding_id, member_id = _everyone(file_app, client, make_activity)
    assert db.session.get(Contributor, member_id).name == MEMBER_NAME

    with time_machine.travel(start + timedelta(days=8)):  # past the export's 7 days only
        purge()
        db.session.expire_all()
        assert _binary_columns_holding(RESPONDENT_NAME) == []  # the export file went
        assert db.session.get(Contributor, member_id).contact == MEMBER_MAIL  # contact details stay
        assert db.session.scalar(select(func.count()).select_from(OutgoingMessage)
                                 .where(OutgoingMessage.recipient != "")) >= 1

    with time_machine.travel(start + timedelta(days=31)):  # past the outbox's 30 days
        purge()
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(OutgoingMessage)
                                 .where(OutgoingMessage.recipient != "")) == 0
        assert db.session.scalar(select(func.count()).select_from(OutgoingMessage)
                                 .where(OutgoingMessage.body_text != "")) == 0
        assert db.session.get(Contributor, member_id).name == MEMBER_NAME  # six months not yet over

    with time_machine.travel(start + timedelta(days=6 * 30 + 2)):  # past the contacts' six months
        run = purge()
        assert run.counts["contacts"] == 2 and run.counts["survey_links"] == 1 and run.counts["respondent_names"] == 1
        _scan_sqlite_files()
        db.session.expire_all()
        assert tables_containing(*PEOPLE) == []
        assert _binary_columns_holding(*PEOPLE) == []
        assert _files_holding(Path(file_app.instance_path), *PEOPLE) == []
        member = db.session.get(Contributor, member_id)
        assert member.name is None and member.contact is None and member.pseudonym_number == 1
        finding = db.session.get(Finding, finding_id)
        assert finding.text == SAID and finding.contributor_id == member_id  # the words stay, pseudonymised
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
        rebuilt = start_build(report, "nl", "docx")
        assert rebuilt.status == "done" and SAID.encode() in _file_text(rebuilt.content)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "purge")
                                  .order_by(AuditEntry.id.desc()).limit(1))
        assert entry.detail["contacts"] == 2 and entry.actor_id is None and entry.object_kind == "privacy"

    with time_machine.travel(start + timedelta(days=6 * 30 + 3)):
        before = _snapshot()
        again = purge()
        assert all(value == 0 for key, value in again.counts.items()), again.counts
        assert _snapshot() == before  # the second run changes nothing


    with time_machine.travel(start + timedelta(days=25 * 30)):  # past the audit log's 24 months
        purge()
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.actor_id == admin.id)) == 0
        assert db.session.scalar(select(AuditEntry.actor_pseudonym).where(AuditEntry.action == "export"))
        pseudonyms = set(db.session.scalars(select(AuditEntry.actor_pseudonym).where(AuditEntry.actor_pseudonym != "")))
        assert len(pseudonyms) == 1 and pseudonyms.pop().startswith("staff-")  # one person, one code


def test_a_projects_own_period_is_what_the_purge_and_the_preview_use(app, make_activity):
    survey, (link,) = make_round(make_activity, languages=("nl",))
    close_survey(survey)
    project = db.session.get(Project, survey.project_id)
    db.session.add(ProjectPrivacy(project_id=project.id, contact_months=2))
    db.session.commit()
    now = utcnow()
    (item,) = [i for i in plan(now + timedelta(days=61)) if i.category == "contacts"]
    assert item.project_id == project.id and item.due(now + timedelta(days=61))
    assert not item.due(now + timedelta(days=59))
    with time_machine.travel(now + timedelta(days=59)):
        assert purge().counts.get("contacts", 0) == 0
    with time_machine.travel(now + timedelta(days=61)):
        assert purge().counts["contacts"] == 1


def test_an_open_round_keeps_the_contact_details_until_the_project_is_archived(app, make_activity):
    survey, (link,) = make_round(make_activity, languages=("nl",))
    link.expires_at = None  # a link that works as long as the round is open
    db.session.commit()
    member_id = link.contributor_id
    now = utcnow()
    (item,) = [i for i in plan(now) if i.category == "contacts"]
    assert item.due_at is None  # waits for the round
    project = db.session.get(Project, survey.project_id)
    project.status = "archived"
    db.session.commit()
    assert project.archived_at is not None
    with time_machine.travel(now + timedelta(days=6 * 30 + 1)):
        assert purge().counts["contacts"] == 1  # an archived project refuses edits, not the purge
    assert db.session.get(Contributor, member_id).name is None


def test_the_dry_run_lists_what_would_go_and_when_and_changes_nothing(app, runner, make_activity):
    survey, (link,) = make_round(make_activity, languages=("nl",))
    close_survey(survey)
    member = db.session.get(Contributor, link.contributor_id)
    member.created_at = utcnow() - timedelta(days=400)
    survey.closed_at = utcnow() - timedelta(days=200)
    db.session.commit()
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "learn: contacts: 1 now" in result.output
    assert MEMBER_NAME not in result.output  # counts only
    db.session.expire_all()
    assert db.session.get(Contributor, member.id).name == MEMBER_NAME
    assert db.session.scalar(select(func.count()).select_from(PurgeRun)) == 0
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0 and "contacts=1" in result.output
    db.session.expire_all()
    assert db.session.get(Contributor, member.id).name is None


# ---------------------------------------------------------------- a purge killed halfway

def test_a_purge_whose_worker_is_killed_loses_nothing_and_the_next_run_finishes(file_app):
    old = utcnow() - timedelta(days=400)
    for number in (1, 2, 3, 4):
        db.session.add(Contributor(kind="advisory_member", pseudonym_number=number, name=f"Kluut {number}",
                                   contact=f"kluut{number}@example.test", created_at=old))
    db.session.add(Contributor(kind="stakeholder", pseudonym_number=9, name="Stays", created_at=utcnow()))
    db.session.commit()
    job = enqueue(purge_and_die, 2, kind="privacy_purge")  # a local worker process, killed after two steps
    assert job.runner == "local"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        db.session.expire_all()
        if db.session.get(Job, job.id).state in ("done", "failed"):
            break
        time.sleep(0.1)
    assert db.session.get(Job, job.id).error == "worker_died"
    names = dict(db.session.execute(select(Contributor.pseudonym_number, Contributor.name)
                                    .where(Contributor.kind == "advisory_member")).all())
    assert sum(name is None for name in names.values()) == 2  # two steps were done and committed
    unfinished = db.session.scalar(select(PurgeRun).where(PurgeRun.finished_at.is_(None)))
    assert unfinished.counts["contacts"] == 2
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "purge")) == 0

    run = purge()
    db.session.expire_all()
    assert all(c.name is None for c in db.session.scalars(select(Contributor).where(Contributor.kind == "advisory_member")))
    assert db.session.scalar(select(Contributor.name).where(Contributor.kind == "stakeholder")) == "Stays"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "purge"))
    assert entry.detail["contacts"] == 4 and entry.detail["resumed_runs"] == 1  # one entry for both runs
    assert db.session.get(PurgeRun, unfinished.id).finished_by_id == run.id


# ---------------------------------------------------------------- scheduled by RQ

def test_with_redis_the_purge_schedules_itself_and_a_worker_runs_it(file_app, redis_url):
    file_app.config.update(REDIS_URL=redis_url, JOB_QUEUE=f"test-privacy-{os.getpid()}-{time.monotonic_ns()}")
    db.session.add(Contributor(kind="advisory_member", pseudonym_number=1, name="Kluut", contact="kluut@example.test",
                               created_at=utcnow() - timedelta(days=400)))
    db.session.commit()
    first = ensure_scheduled(utcnow() - timedelta(seconds=1))  # due at once
    assert first.runner == "rq" and first.run_at is not None and first.state == "queued"
    assert ensure_scheduled().id == first.id  # one waits: no second one
    env = dict(os.environ, DATABASE_URL=file_app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=redis_url,
               KLANKBORD_JOB_QUEUE=file_app.config["JOB_QUEUE"], SECRET_KEY=file_app.config["SECRET_KEY"],
               FLASK_APP="wsgi")
    worker = subprocess.run([sys.executable, "-m", "flask", "worker", "--burst"], cwd=ROOT, env=env,
                            capture_output=True, timeout=300)
    assert worker.returncode == 0, worker.stderr[-2000:]
    db.session.expire_all()
    assert db.session.get(Job, first.id).state == "done"
    assert db.session.scalar(select(PurgeRun.trigger)) == "schedule"
    assert db.session.scalar(select(Contributor.name)) is None
    following = waiting_purge()
    assert following is not None and following.id != first.id
    assert following.run_at > utcnow() + timedelta(hours=23)  # the next one, a day later


def test_photos_nobody_cleared_go_after_the_projects_period_and_their_findings_stay(app, client, auth, make_activity):
    """A photo that may show faces or names is personal data too: it leaves after the project's
    period, with its files; the finding typed from it stays, and so does a cleared photo."""
    import uuid

    from webapp.photos.models import Photo, PhotoFinding
    from webapp.photos.storage import photo_store

    from .photo_files import camera_jpeg
    from .test_photos import upload

    activity = make_activity()
    db.session.add(ProjectPrivacy(project_id=activity.project_id, photo_months=3))
    db.session.commit()
    auth.login("facilitator", locale="en")
    private_client_id = str(uuid.uuid4())
    private_id = upload(client, activity.id, camera_jpeg(), private_client_id).get_json()["id"]
    cleared_id = upload(client, activity.id, camera_jpeg(800, 600)).get_json()["id"]
    assert client.post(f"/photos/{cleared_id}/clear", data={"cleared": "1"}).status_code == 302
    typed = client.post("/api/v1/findings", json={
        "client_id": str(uuid.uuid4()), "activity_id": activity.id, "text": "Van de flip-over", "kind": "observation",
        "language": "nl", "photo_client_id": private_client_id})
    assert typed.status_code == 201, typed.get_json()
    private = db.session.get(Photo, private_id)
    private_files = {private.file_key, private.thumbnail_key} - {None}
    assert private_files <= set(photo_store().keys())
    now = utcnow()
    (item,) = [i for i in plan(now) if i.category == "photos"]  # the cleared one is not listed
    assert item.ref == private_id and item.project_id == activity.project_id
    with time_machine.travel(now + timedelta(days=3 * 30 - 1)):
        assert purge().counts.get("photos", 0) == 0
    with time_machine.travel(now + timedelta(days=3 * 30 + 1)):
        assert purge().counts["photos"] == 1
        assert purge().counts.get("photos", 0) == 0  # twice changes nothing
    db.session.expire_all()
    assert db.session.get(Photo, private_id) is None and not private_files & set(photo_store().keys())
    assert db.session.get(Photo, cleared_id) is not None
    assert db.session.get(Finding, typed.get_json()["id"]).text == "Van de flip-over"
    assert db.session.scalar(select(func.count()).select_from(PhotoFinding)) == 0
