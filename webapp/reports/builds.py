"""Versions and builds: `start_build` returns the stored version when nothing changed, else a
job renders a new one (time limit, failure reasons); erasure withdraws versions that printed words."""
from __future__ import annotations

import logging
import signal
import threading
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import func, select, update

from .. import signals
from ..audit.services import record_audit
from ..data_version import input_key
from ..db_types import utcnow
from ..extensions import db
from ..i18n import _
from ..jobs.services import enqueue, job_for, set_progress
from .collect import collect_report, content_hash, printed_finding_ids, render_file, renderer_parts
from .figures import printed_photo_ids, versions_printing_photos
from .models import (REPORT_FORMATS, REPORT_LANGUAGES, Recommendation, RecommendationFinding, Report, ReportChapter,
                     ReportVersion)
from .texts import ReportError

log = logging.getLogger(__name__)

#: A build left "running" longer than this died with its process; it may be started again.
STALE_AFTER_SECONDS = 15 * 60


def _stale(version: ReportVersion) -> bool:
    return version.status in ("queued", "running") and (
        utcnow() - version.created_at).total_seconds() > STALE_AFTER_SECONDS


def start_build(report: Report, language: str, fmt: str, user_id: int | None = None,
                background: bool | None = None) -> ReportVersion:
    """A version of `report` in `language` and `fmt`: the stored one when nothing changed, else a new build.

    In the background (the screens) a worker process renders the file and updates `progress`;
    otherwise (the CLI, tests) the file is rendered before this returns.
    """
    if language not in REPORT_LANGUAGES or fmt not in REPORT_FORMATS:
        raise ReportError("unknown language or format")
    # Read before collecting: a change committed meanwhile gives a newer key, never an older one.
    key = input_key(*renderer_parts(fmt))
    usable = (ReportVersion.report_id == report.id, ReportVersion.language == language,
              ReportVersion.format == fmt, ReportVersion.status.in_(("queued", "running", "done")),
              ReportVersion.withdrawn_at.is_(None))
    # Nothing changed since a version was built: that version, without collecting the report.
    same_input = db.session.scalars(select(ReportVersion).where(ReportVersion.input_key == key, *usable)
                                    .order_by(ReportVersion.id.desc()).limit(1)).first()
    if same_input is not None and not _stale(same_input):
        return same_input
    data = collect_report(report, language)
    digest = content_hash(data, fmt)
    for version in db.session.scalars(select(ReportVersion).where(ReportVersion.content_hash == digest, *usable)
                                      .order_by(ReportVersion.id.desc())):
        if _stale(version):
            version.status, version.error = "failed", "interrupted"
            continue
        # The same input: the stored file, or the build already under way; found faster next time.
        version.input_key = key
        db.session.commit()
        return version
    version = ReportVersion(report_id=report.id, language=language, format=fmt, content_hash=digest,
                            input_key=key,
                            status="queued", progress=0, created_by_id=user_id,
                            printed_finding_ids=printed_finding_ids(report),
                            printed_photo_ids=printed_photo_ids(report))
    db.session.add(version)
    db.session.flush()
    signals.report_version_created.send(version, report=report)  # the review keeps the texts it is built from
    record_audit(user_id, "build", "report", report.id, {"language": language, "format": fmt,
                                                         "version_id": version.id})
    db.session.commit()
    if background is None:
        background = not current_app.config.get("REPORT_BUILDS_INLINE", False)
    # A job (webapp/jobs): an RQ worker or a local worker process renders the file, so
    # WeasyPrint's memory for a large evidence annex never lands in the web process.
    limit = build_timeout()  # the web process's setting travels with the job to any worker
    enqueue(run_build, version.id, data, limit, kind="report_build", subject=f"report_version:{version.id}",
            job_timeout=(limit + KILL_GRACE_SECONDS) if limit > 0 else None, user_id=user_id,
            on_failure=build_failed, inline=not background)
    if not background:
        db.session.refresh(version)
    return version


#: What ReportVersion.error holds when the time limit stopped a build.
TIMEOUT_ERROR = "timeout"
#: A job still running this long after the build's time limit (stuck outside Python) is killed by its runner.
KILL_GRACE_SECONDS = 30


class BuildTimeout(Exception):
    """The build ran longer than REPORT_BUILD_TIMEOUT."""


def build_timeout() -> float:
    return float(current_app.config.get("REPORT_BUILD_TIMEOUT") or 0)


@contextmanager
def _time_limit(seconds: float):
    """Raise BuildTimeout in this thread after `seconds` (SIGALRM: the main thread of a CLI
    run or of a build worker). Elsewhere (a thread, in tests with an in-memory database)
    there is no limit: only the process path can be stopped from outside."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(_signum, _frame):
        raise BuildTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def build_failed(version_id: int, data: dict, limit: float | None = None, *, error: str) -> None:
    """The build's job failed (time limit, worker died): the version says so, never "running"."""
    version = db.session.get(ReportVersion, version_id)
    if version is not None and version.status in ("queued", "running"):
        reason = {"timeout": TIMEOUT_ERROR, "worker_died": "interrupted"}.get(error, version.error or error)
        version.status, version.error, version.finished_at = "failed", reason, utcnow()
        db.session.flush()  # committed with the job's own failed state (jobs.services.mark_failed)


def version_job(version: ReportVersion):
    """The job building `version`, its state brought up to date (a dead worker fails it)."""
    job = job_for(f"report_version:{version.id}")
    if job is not None and job.state == "failed":
        db.session.refresh(version)
    return job


def run_build(version_id: int, data: dict, limit: float | None = None) -> None:
    """Render the file and store it as the next numbered version; record failure otherwise."""
    version = db.session.get(ReportVersion, version_id)
    version.status, version.progress, version.error = "running", 5, ""
    db.session.commit()

    def progress(percent: int) -> None:
        version.progress = max(version.progress, min(int(percent), 99))
        db.session.commit()
        set_progress(version.progress)

    try:
        with _time_limit(build_timeout() if limit is None else limit):
            content = render_file(data, version.format, progress)
    except BuildTimeout:
        db.session.rollback()
        log.warning("report build %s stopped at its time limit", version_id)
        version = db.session.get(ReportVersion, version_id)
        version.status, version.error = "failed", TIMEOUT_ERROR
        version.finished_at = utcnow()
        db.session.commit()
        raise
    except Exception as error:  # noqa: BLE001 - any failure must end as a visible "failed" state
        db.session.rollback()
        # The exception's type only: its message may quote the report's text.
        log.error("report build %s failed: %s", version_id, type(error).__name__)
        version = db.session.get(ReportVersion, version_id)
        version.status, version.error = "failed", type(error).__name__[:300]
        version.finished_at = utcnow()
        db.session.commit()
        raise  # the job fails too (its on_failure finds the version already failed)
    # The row lock (PostgreSQL) / write lock (SQLite) serialises numbering of parallel builds.
    db.session.execute(select(Report.id).where(Report.id == version.report_id).with_for_update())
    db.session.refresh(version)
    if version.withdrawn_at is not None:  # an erasure came while this was rendering: keep nothing
        version.status, version.progress, version.finished_at = "failed", 100, utcnow()
        version.error = "withdrawn after an erasure"
        db.session.commit()
        return
    number = (db.session.scalar(select(func.max(ReportVersion.number))
                                .where(ReportVersion.report_id == version.report_id)) or 0) + 1
    version.number, version.content, version.size = number, content, len(content)
    version.status, version.progress, version.finished_at = "done", 100, utcnow()
    db.session.commit()


def withdraw_versions_printing(finding_ids: set[int], photo_ids: set[int] = frozenset()) -> int:
    """Withdraw every version whose file printed the words of these findings or these photos
    (an erasure): the file is deleted, the number stays with "withdrawn after an erasure" and a
    rebuild. A version built before the printed findings were kept is withdrawn if its report
    links any of them at all: when unsure, the words go."""
    withdrawn = versions_printing_photos(set(photo_ids))
    if not finding_ids:
        return _withdraw(withdrawn)
    linked_reports = set(db.session.scalars(
        select(ReportChapter.report_id)
        .join(Recommendation, Recommendation.chapter_id == ReportChapter.id)
        .join(RecommendationFinding, RecommendationFinding.recommendation_id == Recommendation.id)
        .where(RecommendationFinding.finding_id.in_(finding_ids))))
    for version_id, report_id, printed in db.session.execute(
            select(ReportVersion.id, ReportVersion.report_id, ReportVersion.printed_finding_ids)
            .where(ReportVersion.withdrawn_at.is_(None), ReportVersion.status != "failed")):
        if (set(printed) & finding_ids) if printed is not None else (report_id in linked_reports):
            withdrawn.append(version_id)
    return _withdraw(withdrawn)


def _withdraw(version_ids: list[int]) -> int:
    withdrawn = sorted(set(version_ids))
    if withdrawn:
        db.session.execute(update(ReportVersion).where(ReportVersion.id.in_(withdrawn))
                           .values(content=None, size=0, withdrawn_at=utcnow())
                           .execution_options(synchronize_session=False))
    return len(withdrawn)


def build_to_bytes(report: Report, language: str, fmt: str) -> tuple[ReportVersion, bytes]:
    """Synchronous build for the command line: the stored file when the report is unchanged."""
    version = start_build(report, language, fmt, background=False)
    if version.status != "done":
        raise ReportError(failure_reason(version) if version.status == "failed" else version.status)
    return version, version.content


def version_status(version: ReportVersion) -> dict:
    status = {"id": version.id, "status": version.status, "progress": version.progress, "number": version.number,
              "language": version.language, "format": version.format}
    if version.status == "failed":
        status["message"] = failure_reason(version)
    return status


def failure_reason(version: ReportVersion) -> str:
    """Why a build failed, in the user's language: what to do next, not just "try again"."""
    if version.error == TIMEOUT_ERROR:
        return _("The build took longer than %(seconds)s seconds and was stopped. Very long texts (for example a "
                 "pasted text without spaces) or a very large evidence annex can cause this: shorten them, or ask "
                 "the administrator to raise the time limit.", seconds=f"{build_timeout():g}")
    if version.error == "interrupted":
        return _("The build was interrupted (the server stopped or ran out of memory). Start it again; if it "
                 "happens again, tell the administrator.")
    return _("The build failed because of an error in the program (%(error)s). Starting it again will not help: "
             "tell the administrator.", error=version.error or "?")


def demo_report() -> Report | None:
    return db.session.scalar(select(Report).where(Report.key == "demo"))


def built_from_current_data(version: ReportVersion) -> bool:
    """Whether nothing changed since `version` was built (the data counter and the renderer)."""
    return version.input_key == input_key(*renderer_parts(version.format))
