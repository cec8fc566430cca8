"""Jobs (webapp/jobs): the same record and progress whichever runner does the work; a worker
that dies leaves its job failed and retryable, never "running"."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import text_of, AuthActions, IsolatedClient
from tests.job_functions import fail, make_file, sleep_forever
from tests.test_capture_screens import activity  # noqa: F401  (fixture)
from webapp import create_app
from webapp.config import TestConfig
from webapp.db_types import utcnow
from webapp.extensions import db
from webapp.jobs.models import Job
from webapp.jobs.services import enqueue, reconcile, retry
from webapp.reports.models import Report, ReportVersion
from webapp.reports.builds import start_build

ROOT = Path(__file__).resolve().parent.parent


def _wait(predicate, seconds: float = 120.0, step: float = 0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.expire_all()
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in task.read_text().split()]
    return found


# ---------------------------------------------------------------- inline and local runner

def test_inline_job_keeps_its_result_and_progress(app):
    app.config["JOBS_INLINE"] = True
    job = enqueue(make_file, "hallo", kind="findings_export")
    assert (job.state, job.progress, job.runner) == ("done", 100, "inline")
    assert job.result == b"hallo" and job.result_name == "hello.txt"


def test_failed_job_says_why_in_the_users_language_and_can_be_retried(app, client, auth):
    auth.login("admin", locale="nl")
    app.config["JOBS_INLINE"] = True
    from webapp.auth.services import get_user_by_email

    user = get_user_by_email("admin@example.test")
    job = enqueue(fail, kind="findings_export", user_id=user.id)
    assert (job.state, job.error) == ("failed", "error")
    status = client.get(f"/jobs/{job.id}.json").get_json()
    assert status["state"] == "failed" and "fout" in status["error"] and status["retry_url"]
    page = text_of(client.get(f"/jobs/{job.id}"))
    assert "Opnieuw proberen" in page or "Probeer opnieuw" in page
    client.post(status["retry_url"])
    db.session.expire_all()
    again = db.session.get(Job, job.id)
    assert again.attempts == 2 and again.state == "failed"


def test_someone_elses_job_is_not_found(app, client, auth):
    app.config["JOBS_INLINE"] = True
    job = enqueue(make_file, "secret", kind="findings_export", user_id=None)
    auth.login("facilitator")
    assert client.get(f"/jobs/{job.id}.json").status_code == 404
    assert client.get(f"/jobs/{job.id}/download").status_code == 404


def test_a_job_past_its_time_limit_is_failed_not_running(app):
    job = Job(kind="report_build", function="tests.job_functions:fail", payload=b"", runner="local",
              state="running", timeout=10, started_at=utcnow() - timedelta(minutes=5))
    db.session.add(job)
    db.session.commit()
    assert reconcile(job).state == "failed" and job.error == "timeout"


def test_local_worker_process_runs_the_job_and_reports_progress(file_app):
    job = enqueue(make_file, "uit een werkproces", kind="findings_export")
    assert job.runner == "local"
    done = _wait(lambda: db.session.get(Job, job.id).state in ("done", "failed") and db.session.get(Job, job.id))
    assert done.state == "done" and done.result == "uit een werkproces".encode() and done.runner_ref.isdigit()


def test_local_worker_killed_mid_build_leaves_the_build_failed_and_retryable(file_app):
    report = Report(title_en="Killed", title_nl="Gestopt")
    db.session.add(report)
    db.session.commit()
    version = start_build(report, "en", "pdf", background=True)
    job = db.session.scalar(select(Job).where(Job.subject == f"report_version:{version.id}"))
    assert job.runner == "local" and job.timeout == int(file_app.config["REPORT_BUILD_TIMEOUT"]) + 30
    running = _wait(lambda: (j := db.session.get(Job, job.id)).state == "running" and j.runner_ref and j)
    os.kill(int(running.runner_ref), signal.SIGKILL)
    failed = _wait(lambda: (j := db.session.get(Job, job.id)).state == "failed" and j)
    assert failed.error == "worker_died"
    assert db.session.get(ReportVersion, version.id).status == "failed"  # the version says so too

    retry(failed)
    _wait(lambda: db.session.get(Job, job.id).state in ("done", "failed"))
    rebuilt = db.session.get(ReportVersion, version.id)
    assert db.session.get(Job, job.id).state == "done"
    assert rebuilt.status == "done" and rebuilt.number == 1 and rebuilt.content.startswith(b"%PDF")


def test_local_job_over_its_time_limit_is_stopped(file_app):
    job = enqueue(sleep_forever, kind="findings_export", job_timeout=3)
    failed = _wait(lambda: (j := db.session.get(Job, job.id)).state == "failed" and j, seconds=120)
    assert failed.error == "timeout"


# ---------------------------------------------------------------- RQ on a real Redis

def _worker(app, redis_url: str, queue: str, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=redis_url,
               KLANKBORD_JOB_QUEUE=queue, SECRET_KEY=app.config["SECRET_KEY"], FLASK_APP="wsgi")
    return subprocess.Popen([sys.executable, "-m", "flask", "worker", *extra], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def rq_app(file_app, redis_url):
    queue = f"test-{os.getpid()}-{time.monotonic_ns()}"
    file_app.config.update(REDIS_URL=redis_url, JOB_QUEUE=queue)
    return file_app


def test_rq_worker_builds_a_report_with_the_same_progress_record(rq_app, redis_url):
    report = Report(title_en="Queued", title_nl="In de rij")
    db.session.add(report)
    db.session.commit()
    version = start_build(report, "en", "pdf")
    job = db.session.scalar(select(Job).where(Job.subject == f"report_version:{version.id}"))
    assert job.runner == "rq" and job.state == "queued"
    worker = _worker(rq_app, redis_url, rq_app.config["JOB_QUEUE"], "--burst")
    assert worker.wait(timeout=300) == 0
    db.session.expire_all()
    assert db.session.get(Job, job.id).state == "done"
    built = db.session.get(ReportVersion, version.id)
    assert built.status == "done" and built.content.startswith(b"%PDF")


def test_rq_work_horse_killed_mid_job_is_failed_and_retryable(rq_app, redis_url):
    rq_app.test_client_class = IsolatedClient
    client = rq_app.test_client()
    AuthActions(client).login("admin")
    from webapp.auth.services import get_user_by_email

    job = enqueue(sleep_forever, kind="findings_export", user_id=get_user_by_email("admin@example.test").id)
    assert job.runner == "rq"
    worker = _worker(rq_app, redis_url, rq_app.config["JOB_QUEUE"])
    try:
        _wait(lambda: db.session.get(Job, job.id).progress == 10, seconds=180)
        horses = _wait(lambda: _children(worker.pid), seconds=30)
        for horse in horses:
            os.kill(horse, signal.SIGKILL)
        status = _wait(lambda: (s := client.get(f"/jobs/{job.id}.json").get_json())["state"] == "failed" and s,
                       seconds=60)
        assert status["error"] and status["retry_url"]  # why, in words, and a way to try again
        db.session.expire_all()
        assert db.session.get(Job, job.id).error == "worker_died"

        retried = retry(db.session.get(Job, job.id))
        _wait(lambda: db.session.get(Job, job.id).state == "running", seconds=180)
        assert db.session.get(Job, job.id).attempts == 2 and retried.runner == "rq"
    finally:
        for horse in _children(worker.pid):
            os.kill(horse, signal.SIGKILL)
        worker.kill()
        worker.wait(timeout=30)


# ---------------------------------------------------------------- large exports

def test_large_findings_export_becomes_a_job_with_a_download_link(app, client, auth, activity):
    from tests.test_capture_screens import add

    app.config.update(EXPORT_JOB_THRESHOLD=1, JOBS_INLINE=True)
    auth.login("facilitator", locale="en")
    add(activity, "Eerste bevinding")
    small = client.get(f"/activities/{activity.id}/findings.csv?lang=nl")
    assert small.status_code == 200  # one row: made in the request, as before
    add(activity, "Tweede bevinding")
    response = client.get(f"/activities/{activity.id}/findings.csv?lang=nl")
    assert response.status_code == 302 and "/jobs/" in response.location
    page = text_of(client.get(response.location))
    assert 'data-testid="job-download"' in page
    download = client.get(response.location + "/download")
    text = download.get_data(as_text=True)
    assert download.status_code == 200 and "Tweede bevinding" in text and "Eerste bevinding" in text
    assert "Financiering" in text  # theme labels in the language asked for

    xlsx = client.get(f"/activities/{activity.id}/findings.xlsx")
    assert xlsx.status_code == 302
    assert client.get(xlsx.location + "/download").data[:2] == b"PK"


def test_large_survey_export_becomes_a_job(app, client, auth, make_activity):
    from tests.test_surveys_services import build_survey
    from tests.test_surveys_views import answer_form

    app.config.update(EXPORT_JOB_THRESHOLD=1, JOBS_INLINE=True)
    survey = build_survey(activity_id=make_activity().id)
    for answers in (("1", ["1"], "5", "2", "Meer Nederlandse les"), ("2", None, "4", None, None)):
        answer_form(client, f"/s/{survey.public_token}", survey, *answers)
    auth.login("author", locale="en")
    response = client.get(f"/surveys/{survey.id}/responses.csv")
    assert response.status_code == 302
    download = client.get(response.location + "/download")
    assert download.status_code == 200
    assert download.get_data(as_text=True).count("\n") == 3 and "Meer Nederlandse les" in download.get_data(as_text=True)


# ---------------------------------------------------------------- e-mail on the queue

def test_with_redis_mail_is_sent_by_a_queue_worker_not_the_web_process(tmp_path, redis_url):
    """A page queues mail; the commit puts one sending job on the queue; a `flask worker` sends."""
    from tests.mail_server import Inbox, start_smtp
    from webapp.auth.services import create_user
    from webapp.mail.models import OutgoingMessage

    inbox = Inbox()
    controller = start_smtp(inbox)
    queue = f"mail-{os.getpid()}-{time.monotonic_ns()}"

    class MailConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(tmp_path / "mail.db")
        MAIL_SERVER = "127.0.0.1"
        MAIL_PORT = controller.port
        MAIL_BACKGROUND = True
        REDIS_URL = redis_url
        JOB_QUEUE = queue

    app = create_app(MailConfig)
    app.test_client_class = IsolatedClient
    try:
        with app.app_context():
            db.create_all()
            create_user("admin@example.test", "Admin", "admin", "correct horse battery", locale="en")
        client = app.test_client()
        client.post("/login", data={"email": "admin@example.test", "password": "correct horse battery"})
        for name in ("sanne", "ahmed"):
            assert client.post("/users/invite", data={"name": name, "email": f"{name}@example.test",
                                                      "role": "author", "locale": "en"}).status_code == 302
        with app.app_context():
            jobs = db.session.scalars(select(Job).where(Job.kind == "send_mail")).all()
            assert [job.state for job in jobs] == ["queued"] and jobs[0].runner == "rq"  # one job for both
            assert not inbox.to("sanne@example.test")  # nothing sent by the web process
            db.session.remove()
        env = dict(os.environ, DATABASE_URL=MailConfig.SQLALCHEMY_DATABASE_URI, REDIS_URL=redis_url,
                   KLANKBORD_JOB_QUEUE=queue, SECRET_KEY=TestConfig.SECRET_KEY, FLASK_APP="wsgi",
                   MAIL_SERVER="127.0.0.1", MAIL_PORT=str(controller.port), MAIL_USE_TLS="false")
        worker = subprocess.run([sys.executable, "-m", "flask", "worker", "--burst"], cwd=ROOT, env=env,
                                capture_output=True, timeout=300)
        assert worker.returncode == 0
        assert inbox.to("sanne@example.test") and inbox.to("ahmed@example.test")
        with app.app_context():
            assert set(db.session.scalars(select(OutgoingMessage.state))) == {"sent"}
            assert db.session.scalar(select(Job.state).where(Job.kind == "send_mail")) == "done"
            db.session.remove()
    finally:
        controller.stop()
        with app.app_context():
            db.engine.dispose()
