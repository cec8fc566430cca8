"""A job: slow work done outside the request that asked for it (webapp/jobs/services.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..db_types import UTCDateTime, utcnow
from ..extensions import db

JOB_STATES = ("queued", "running", "done", "failed")
#: Why a job failed, as a code; the screens say it in the reader's language (`error_message`).
JOB_ERRORS = ("error", "timeout", "worker_died")


class Job(db.Model):
    """One run of a job function, whichever runner (RQ, local process, inline) does it.

    The same record drives the progress bar either way; `subject` names what the job works
    on ("report_version:12"), so a screen finds the job of the thing it shows.
    """

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"state IN {JOB_STATES}", name="state"),
        Index("ix_jobs_subject", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    #: "module:function" of the job function; its arguments are pickled in `payload`.
    function: Mapped[str] = mapped_column(String(200))
    payload: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    #: Called with the same arguments when the job fails for any reason (error, time limit, dead worker).
    on_failure: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(80), default="")
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[int] = mapped_column(default=0)
    #: "rq", "local", "thread" or "inline"; `runner_ref` is the RQ job id or the local process id.
    runner: Mapped[str] = mapped_column(String(10), default="")
    runner_ref: Mapped[str] = mapped_column(String(80), default="")
    timeout: Mapped[int] = mapped_column(default=600)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(20), default="")
    result: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    result_name: Mapped[str] = mapped_column(String(200), default="")
    result_type: Mapped[str] = mapped_column(String(120), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: A scheduled job (`services.schedule`) is not due before this moment.
    run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.state}>"
