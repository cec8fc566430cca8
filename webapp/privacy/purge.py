"""The retention purge: personal data whose period has passed leaves by itself.

`plan(now)` lists everything personal that is kept, with the moment it goes under the
periods in force (the preview screen and `flask privacy purge --dry-run` show it); `purge()`
removes what is due. People go through the erasure's own code (`contributors.erasure.
forget_identity`: name, contact, personal links, the outbox's messages about them, and what
the features above register), so the purge is as thorough as an erasure of identity: the
words stay, under the pseudonym. Afterwards, on SQLite, the search index is merged, freed
pages are zeroed and the write-ahead log is truncated (`scrub_sqlite`).

Each step commits on its own together with the run's counts (`PurgeRun`): a purge that is
killed halfway has lost nothing that should stay, and the next run does the rest and writes
the one audit entry (counts only) for both.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from ..analysis.suggestions import TRAIN_KIND
from ..audit.models import AuditEntry
from ..audit.services import record_audit
from ..contributors.erasure import forget_identity, scrub_sqlite
from ..db_types import utcnow
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..i18n import _l
from ..jobs.models import Job
from ..mail.models import OutgoingMessage
from ..mail.services import forget_recipient
from ..outcome.models import OutcomeLink
from ..photos.models import Photo
from ..photos.services import delete_photos
from ..projects.models import Project
from ..projects.scope import unscoped
from ..refused_forms import RefusedForm
from ..reports.models import Report, ReportVersion
from ..review.models import ReviewAssignment, ReviewRound
from ..surveys.models import Invitation, Response, Survey
from ..activities.models import Activity
from .models import PurgeRun
from .retention import all_periods, audit_months, months, period_of, refused_form_lifetime

log = logging.getLogger(__name__)

#: What the purge removes, in the order it works (a person's links before the outbox).
CATEGORIES = {
    "contacts": _l("Name, contact details and personal links of a member or reviewer"),
    "survey_links": _l("Personal survey link with its e-mail address"),
    "respondent_names": _l("Name given in a survey response"),
    "outbox": _l("Address and text of an e-mail message"),
    "jobs": _l("Finished job: export file and arguments"),
    "photos": _l("Photo that may show people or names, with its files"),
    "refused_forms": _l("Text of a refused form"),
    "audit_actors": _l("Person named in the audit log"),
}
#: Steps commit after this many rows.
BATCH = 200


@dataclass
class Item:
    """One piece of personal data and when it goes (None: not before its round closes)."""

    category: str
    project_id: int | None
    ref: int | str
    due_at: datetime | None

    def due(self, now: datetime) -> bool:
        return self.due_at is not None and self.due_at <= now


# --- What is kept, and until when --------------------------------------------------------------

def _latest(*moments):
    found = [m for m in moments if m is not None]
    return max(found) if found else None


def _link_end(expires_at, revoked_at, now):
    """When a link stopped working, or None while it still works."""
    ends = [m for m in (revoked_at, expires_at) if m is not None and m <= now]
    return min(ends) if ends else None


def _contributor_items(now: datetime, periods: dict) -> list[Item]:
    """People with a name, contact or personal link left. Their period counts from the end of
    their last part in the project: the last round (feedback or review) closed or their link
    stopped working, the last words captured, the last outcome message, or the project's
    archiving, whichever came last; a round still open for them keeps everything."""
    archived = dict(db.session.execute(select(Project.id, Project.archived_at)).all())
    ends: dict[int, list] = {}
    open_for: set[int] = set()

    def ended(contributor_id, moment):
        if moment is None:
            open_for.add(contributor_id)
        else:
            ends.setdefault(contributor_id, []).append(moment)

    for contributor_id, survey_closed, expires, revoked in db.session.execute(
            select(Invitation.contributor_id, Survey.closed_at, Invitation.expires_at, Invitation.revoked_at)
            .join(Survey, Survey.id == Invitation.survey_id).where(Invitation.contributor_id.is_not(None))):
        ended(contributor_id, _earliest_end(survey_closed, _link_end(expires, revoked, now)))
    for contributor_id, closed, due_on, expires, revoked in db.session.execute(
            select(ReviewAssignment.contributor_id, ReviewRound.closed_at, ReviewRound.due_on,
                   ReviewAssignment.expires_at, ReviewAssignment.revoked_at)
            .join(ReviewRound, ReviewRound.id == ReviewAssignment.round_id)
            .where(ReviewAssignment.contributor_id.is_not(None))):
        round_end = closed or (datetime.combine(due_on + timedelta(days=1), datetime.min.time(), now.tzinfo)
                               if due_on else None)
        round_end = round_end if round_end is not None and round_end <= now else None
        ended(contributor_id, _earliest_end(round_end, _link_end(expires, revoked, now)))
    for contributor_id, created in db.session.execute(select(OutcomeLink.contributor_id, OutcomeLink.created_at)):
        ended(contributor_id, created)
    for contributor_id, created in db.session.execute(
            select(Finding.contributor_id, func.max(Finding.created_at)).where(Finding.contributor_id.is_not(None))
            .group_by(Finding.contributor_id).execution_options(include_deleted=True)):
        ended(contributor_id, created)
    linked = set(ends) | open_for
    items = []
    for contributor in db.session.scalars(select(Contributor).order_by(Contributor.id)):
        has_identity = contributor.name or contributor.contact or contributor.id in linked and _has_links(contributor.id)
        if not has_identity:
            continue
        project_id = contributor.project_id
        archived_at = archived.get(project_id)
        if contributor.id in open_for and archived_at is None:
            due_at = None
        else:
            reference = _latest(contributor.created_at, *ends.get(contributor.id, ()))
            if archived_at is not None and contributor.id in open_for:
                reference = _latest(reference, archived_at)
            due_at = reference + period_of(periods, project_id).contact
        items.append(Item("contacts", project_id, contributor.id, due_at))
    return items


def _earliest_end(*moments):
    """A round is over for a person when it closed or their link stopped, whichever came first."""
    found = [m for m in moments if m is not None]
    return min(found) if found else None


def _has_links(contributor_id: int) -> bool:
    """Anything `forget_identity` would still end: a survey link, a working review link, an outcome link."""
    return bool(db.session.scalar(select(Invitation.id).where(Invitation.contributor_id == contributor_id).limit(1))
                or db.session.scalar(select(ReviewAssignment.id).where(ReviewAssignment.contributor_id == contributor_id,
                                                                       ReviewAssignment.revoked_at.is_(None)).limit(1))
                or db.session.scalar(select(OutcomeLink.id).where(OutcomeLink.contributor_id == contributor_id).limit(1)))


def _survey_items(now: datetime, periods: dict) -> list[Item]:
    """Ordinary surveys: personal links (with their e-mail address and label) and the names
    respondents gave; their period counts from the survey's closing (or the link's end)."""
    items = []
    for invitation_id, project_id, closed, expires, revoked in db.session.execute(
            select(Invitation.id, Survey.project_id, Survey.closed_at, Invitation.expires_at, Invitation.revoked_at)
            .join(Survey, Survey.id == Invitation.survey_id).where(Invitation.contributor_id.is_(None))):
        end = _earliest_end(closed, _link_end(expires, revoked, now))
        period = period_of(periods, project_id).contact
        items.append(Item("survey_links", project_id, invitation_id, end + period if end else None))
    for response_id, project_id, closed in db.session.execute(
            select(Response.id, Survey.project_id, Survey.closed_at).join(Survey, Survey.id == Response.survey_id)
            .where(Response.respondent_name.is_not(None), Response.contributor_id.is_(None))):
        period = period_of(periods, project_id).contact
        items.append(Item("respondent_names", project_id, response_id, closed + period if closed else None))
    return items


def _link_projects():
    """For each kind of link a message can carry: (related_type, select of (id, project id))."""
    return (("invitation", select(Invitation.id, Survey.project_id).join(Survey, Survey.id == Invitation.survey_id)),
            ("assignment", select(ReviewAssignment.id, ReviewRound.project_id)
             .join(ReviewRound, ReviewRound.id == ReviewAssignment.round_id)),
            ("outcome_link", select(OutcomeLink.id, Report.project_id)
             .join(ReportVersion, ReportVersion.id == OutcomeLink.version_id)
             .join(Report, Report.id == ReportVersion.report_id)))


def _message_projects() -> dict[tuple[str, int], int]:
    """(related_type, id) of outbox messages -> the project of the link they carry."""
    found: dict[tuple[str, int], int] = {}
    for kind, statement in _link_projects():
        found.update(((kind, i), p) for i, p in db.session.execute(statement))
    return found


def message_project(related_type: str, related_id: int) -> int | None:
    """The project of the link one message carries, or None (account mail)."""
    for kind, statement in _link_projects():
        if kind == related_type:
            row = db.session.execute(statement.where(statement.selected_columns[0] == related_id)).first()
            return row[1] if row else None
    return None


def _outbox_items(now: datetime, periods: dict) -> list[Item]:
    """Messages that still hold an address or a text: sent ones from their sending, failed
    ones that will not be tried again and ones never sent (no mail server) from their queueing."""
    projects = _message_projects()
    max_attempts = int(current_app.config.get("MAIL_MAX_ATTEMPTS", 5))
    items = []
    for message in db.session.execute(
            select(OutgoingMessage.id, OutgoingMessage.state, OutgoingMessage.related_type, OutgoingMessage.related_id,
                   OutgoingMessage.created_at, OutgoingMessage.sent_at, OutgoingMessage.attempts,
                   OutgoingMessage.next_attempt_at)
            .where(or_(OutgoingMessage.recipient != "", OutgoingMessage.body_text != "",
                       OutgoingMessage.body_html != ""))):
        if message.state == "sending":
            continue
        project_id = projects.get((message.related_type, message.related_id))
        period = period_of(periods, project_id).outbox
        if message.state == "sent":
            start = message.sent_at or message.created_at
        elif message.state == "failed" and message.next_attempt_at is not None and message.attempts < max_attempts:
            start = message.next_attempt_at  # still to be tried: counts from its next try
        else:
            start = message.created_at
        items.append(Item("outbox", project_id, message.id, start + period))
    return items


def _job_projects(subjects) -> dict[str, int]:
    """A job's subject ("activity:3", "survey:5", "report_version:8") -> its project."""
    ids: dict[str, set[int]] = {}
    for subject in subjects:
        kind, _sep, number = subject.partition(":")
        if number.isdigit():
            ids.setdefault(kind, set()).add(int(number))
    found: dict[str, int] = {}
    for kind, statement in (("activity", select(Activity.id, Activity.project_id)),
                            ("survey", select(Survey.id, Survey.project_id)),
                            ("report_version", select(ReportVersion.id, Report.project_id)
                             .join(Report, Report.id == ReportVersion.report_id))):
        if ids.get(kind):
            column = statement.selected_columns[0]
            found.update((f"{kind}:{i}", p) for i, p in db.session.execute(statement.where(column.in_(ids[kind]))))
    return found


def _job_items(now: datetime, periods: dict) -> list[Item]:
    """Finished jobs: their result files (exports hold people's answers) and arguments. The
    newest suggestion model stays: it is what theme suggestions use, and it is made again
    from the findings when they change."""
    newest_model = db.session.scalar(select(func.max(Job.id)).where(Job.kind == TRAIN_KIND, Job.state == "done"))
    rows = db.session.execute(select(Job.id, Job.subject, Job.finished_at, Job.created_at)
                              .where(Job.state.in_(("done", "failed")), Job.id != (newest_model or 0))).all()
    projects = _job_projects({row.subject for row in rows})
    return [Item("jobs", projects.get(row.subject), row.id,
                 (row.finished_at or row.created_at) + period_of(periods, projects.get(row.subject)).jobs)
            for row in rows]


def _photo_items(now: datetime, periods: dict) -> list[Item]:
    """Photos nobody cleared: they may show faces or names, so they go after the project's period
    (the findings typed from them stay). A cleared photo shows neither and stays with its findings."""
    rows = db.session.execute(select(Photo.id, Photo.project_id, Photo.created_at).where(Photo.cleared_at.is_(None)))
    return [Item("photos", project_id, photo_id, created + period_of(periods, project_id).photos)
            for photo_id, project_id, created in rows]


def _installation_items(now: datetime) -> list[Item]:
    lifetime = refused_form_lifetime()
    items = [Item("refused_forms", None, key, created + lifetime)
             for key, created in db.session.execute(select(RefusedForm.key, RefusedForm.created_at))]
    period = months(audit_months())
    items += [Item("audit_actors", None, entry_id, created + period)
              for entry_id, created in db.session.execute(select(AuditEntry.id, AuditEntry.created_at)
                                                          .where(AuditEntry.actor_id.is_not(None)))]
    return items


def plan(now: datetime | None = None, project_id: int | None = None) -> list[Item]:
    """Everything personal the purge looks after, each with when it goes; with `project_id`,
    that project's only (the project's preview)."""
    now = now or utcnow()
    with unscoped():
        periods = all_periods()
        items = (_contributor_items(now, periods) + _survey_items(now, periods) + _outbox_items(now, periods)
                 + _job_items(now, periods) + _photo_items(now, periods))
        if project_id is None:
            items += _installation_items(now)
    if project_id is not None:
        items = [i for i in items if i.project_id == project_id]
    return items


@dataclass
class Summary:
    category: str
    project_id: int | None
    due_now: int
    later: int
    next_due: datetime | None
    waiting: int  # kept until a round closes

    @property
    def label(self) -> str:
        return str(CATEGORIES[self.category])


def summarise(items: list[Item], now: datetime) -> list[Summary]:
    """Per category and project: how many go now, how many later and when the next goes."""
    groups: dict[tuple[str, int | None], Summary] = {}
    for item in items:
        summary = groups.setdefault((item.category, item.project_id),
                                    Summary(item.category, item.project_id, 0, 0, None, 0))
        if item.due_at is None:
            summary.waiting += 1
        elif item.due(now):
            summary.due_now += 1
        else:
            summary.later += 1
            summary.next_due = min(filter(None, (summary.next_due, item.due_at)))
    order = list(CATEGORIES)
    return sorted(groups.values(), key=lambda s: (order.index(s.category), s.project_id or 0))


# --- Removing what is due ----------------------------------------------------------------------

def actor_pseudonym(user_id: int) -> str:
    """A stable pseudonym for a staff member in the audit log; only with the app's secret
    key can it be matched to an account again."""
    key = current_app.config["SECRET_KEY"].encode()
    return "staff-" + hmac.new(key, f"audit-actor:{user_id}".encode(), hashlib.sha256).hexdigest()[:12]


def _batches(values: list, size: int = BATCH):
    for start in range(0, len(values), size):
        yield values[start:start + size]


class _Run:
    """The run's counts, committed with each step."""

    def __init__(self, run: PurgeRun, on_step: Callable[[int], None] | None):
        self.run, self.on_step, self.steps = run, on_step, 0

    def commit(self, **counts: int) -> None:
        merged = dict(self.run.counts or {})
        for key, value in counts.items():
            merged[key] = merged.get(key, 0) + value
        self.run.counts = merged
        db.session.commit()
        self.steps += 1
        if self.on_step is not None:
            self.on_step(self.steps)


def _forget_people(ids: list[int], run: _Run) -> None:
    for contributor_id in ids:
        contributor = db.session.get(Contributor, contributor_id)
        if contributor is None:
            continue
        links = forget_identity(contributor)
        run.commit(contacts=1, links=links)


def _forget_survey_links(ids: list[int], run: _Run) -> None:
    for batch in _batches(ids):
        forget_recipient(None, [("invitation", i) for i in batch])
        count = db.session.execute(delete(Invitation).where(Invitation.id.in_(batch), Invitation.contributor_id.is_(None))
                                   .execution_options(synchronize_session=False)).rowcount
        run.commit(survey_links=count)


def _forget_respondent_names(ids: list[int], run: _Run) -> None:
    for batch in _batches(ids):
        # Without a name a response is anonymous, and an anonymous one keeps no time and no
        # link to its invitation (the check constraint `anonymous_keeps_no_trace`).
        count = db.session.execute(update(Response).where(Response.id.in_(batch))
                                   .values(respondent_name=None, submitted_at=None, invitation_id=None)
                                   .execution_options(synchronize_session=False)).rowcount
        run.commit(respondent_names=count)


def _empty_messages(ids: list[int], run: _Run) -> None:
    for batch in _batches(ids):
        # The row stays, so the state beside a link still says it was mailed (and nobody is
        # invited twice); a message never sent will not be sent any more.
        db.session.execute(update(OutgoingMessage).where(OutgoingMessage.id.in_(batch),
                                                         OutgoingMessage.state.in_(("queued", "failed")))
                           .values(state="failed", last_error="expired", next_attempt_at=None)
                           .execution_options(synchronize_session=False))
        count = db.session.execute(update(OutgoingMessage).where(OutgoingMessage.id.in_(batch))
                                   .values(recipient="", body_text="", body_html="")
                                   .execution_options(synchronize_session=False)).rowcount
        run.commit(outbox=count)


def _delete_jobs(ids: list[int], run: _Run) -> None:
    for batch in _batches(ids):
        count = db.session.execute(delete(Job).where(Job.id.in_(batch), Job.state.in_(("done", "failed")))
                                   .execution_options(synchronize_session=False)).rowcount
        run.commit(jobs=count)


def _delete_photos(ids: list[int], run: _Run) -> None:
    for batch in _batches(ids):
        # Cleared since the plan was made: it stays. The files go once the rows are committed.
        photos = list(db.session.scalars(select(Photo).where(Photo.id.in_(batch), Photo.cleared_at.is_(None))))
        run.commit(photos=delete_photos(photos))


def _delete_refused_forms(keys: list[str], run: _Run) -> None:
    for batch in _batches(keys):
        count = db.session.execute(delete(RefusedForm).where(RefusedForm.key.in_(batch))
                                   .execution_options(synchronize_session=False)).rowcount
        run.commit(refused_forms=count)


def _pseudonymise_actors(ids: list[int], run: _Run) -> None:
    for batch in _batches(ids):
        actors = db.session.execute(select(AuditEntry.id, AuditEntry.actor_id)
                                    .where(AuditEntry.id.in_(batch), AuditEntry.actor_id.is_not(None))).all()
        for user_id in {a for _i, a in actors}:
            db.session.execute(update(AuditEntry).where(AuditEntry.id.in_([i for i, a in actors if a == user_id]))
                               .values(actor_id=None, actor_pseudonym=actor_pseudonym(user_id))
                               .execution_options(synchronize_session=False))
        run.commit(audit_actors=len(actors))


STEPS = {
    "contacts": _forget_people,
    "survey_links": _forget_survey_links,
    "respondent_names": _forget_respondent_names,
    "outbox": _empty_messages,
    "jobs": _delete_jobs,
    "photos": _delete_photos,
    "refused_forms": _delete_refused_forms,
    "audit_actors": _pseudonymise_actors,
}


def purge(now: datetime | None = None, *, trigger: str = "command",
          on_step: Callable[[int], None] | None = None) -> PurgeRun:
    """Remove everything whose period has passed; one audit entry with the counts. A run
    left unfinished (its process died) is finished here: its counts join this entry."""
    now = now or utcnow()
    with unscoped():
        unfinished = list(db.session.scalars(select(PurgeRun).where(PurgeRun.finished_at.is_(None))
                                             .order_by(PurgeRun.id)))
        run = PurgeRun(trigger=trigger, started_at=utcnow(), counts={})
        db.session.add(run)
        db.session.commit()
        progress = _Run(run, on_step)
        items = [i for i in plan(now) if i.due(now)]
        for category, step in STEPS.items():
            refs = [i.ref for i in items if i.category == category]
            if refs:
                step(refs, progress)
        counts = {key: 0 for key in ("contacts", "links", *list(CATEGORIES)[1:])}
        for earlier in unfinished:
            for key, value in (earlier.counts or {}).items():
                counts[key] = counts.get(key, 0) + value
        for key, value in (run.counts or {}).items():
            counts[key] = counts.get(key, 0) + value
        if unfinished:
            counts["resumed_runs"] = len(unfinished)
        record_audit(None, "purge", "privacy", run.id, counts)
        run.finished_at = utcnow()
        for earlier in unfinished:
            earlier.finished_at, earlier.finished_by_id = run.finished_at, run.id
        db.session.commit()
    if any(value for key, value in counts.items() if key != "resumed_runs"):
        scrub_sqlite()  # a run that removed nothing leaves the files (and the data counter) alone
    log.info("privacy purge %s done: %s", run.id, counts)  # counts and codes only
    return run


def last_runs(limit: int = 5) -> list[PurgeRun]:
    return list(db.session.scalars(select(PurgeRun).order_by(PurgeRun.id.desc()).limit(limit)))
