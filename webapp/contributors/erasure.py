"""Erasing a person, with what every feature keeps about them.

The contributors feature erases what it reaches below it: personal links and responses
(surveys), findings, photos that hold their notes, drawing or face (rows and files: the files
go once the erasure is committed), the person's row and pseudonym, the outbox's messages. A feature above
it that keeps something about a contributor registers a `PersonalData` here when it is
imported (review: assignments and comments; reports: versions that printed their words;
outcome: the outcome links' messages), and the same registration gives the GDPR art. 15 export
its part (`access_request.py`). tests/test_contributors_erasure.py fails for a table that
points at contributors and is neither handled here nor registered.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import delete, select, text, update

from ..analysis.fts import FTS_TABLE
from ..audit.models import AuditEntry
from ..audit.services import record_audit
from ..auth.models import User
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..findings.pseudonyms import retire_pseudonym_number
from ..i18n import _
from ..mail.services import email_address, forget_recipient
from ..photos.models import Photo
from ..photos.services import delete_photos
from ..refused_forms import forget_all
from ..surveys.models import Invitation, Response

#: What an erasure removes besides name, contact and links.
ERASURE_SCOPES = ("identity", "everything")
#: Tables with a contributor_id this module erases itself (the rest: `PersonalData.tables`).
ERASED_HERE = ("contributors", "findings", "survey_invitations", "survey_responses", "photos")


class ContributorError(ValueError):
    """A translated message for the admin; nothing was stored."""


@dataclass
class Erasure:
    """One erasure under way, as the registered parts see it."""

    contributor_id: int
    scope: str
    #: The person's findings, soft-deleted ones too, read before they go.
    finding_ids: set[int] = field(default_factory=set)
    #: The photos that hold the person's notes, drawing or face, read before they go.
    photo_ids: set[int] = field(default_factory=set)
    #: The audit entry's counts: each part adds its own.
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PersonalData:
    """What one feature above the contributors keeps about a person, and how it goes."""

    #: Tables with a contributor_id (or the person's words) this part takes care of.
    tables: tuple[str, ...]
    #: Keys this part adds to the erasure's audit detail (0 when the scope leaves its data).
    counts: tuple[str, ...] = ()
    #: (related_type, id) of outbox messages that carry the person's links (mail/services.py).
    mail_links: Callable[[int], list[tuple[str, int]]] | None = None
    #: With scope "everything": remove the person's data; runs before their findings go.
    erase_everything: Callable[[Erasure], None] | None = None
    #: GDPR art. 15: {file name: {key: rows}} added to the person's ZIP (access_request.py).
    export: Callable[[Contributor, set[int]], dict[str, dict]] | None = None
    #: When the words stay (an erasure of identity, the retention purge): end the person's
    #: personal links this part keeps (contributor id in); returns how many it ended.
    end_links: Callable[[int], int] | None = None


#: The parts registered by the features above, in the order they registered.
PERSONAL_DATA: list[PersonalData] = []


def register(part: PersonalData) -> PersonalData:
    PERSONAL_DATA.append(part)
    return part


def erase_contributor(contributor: Contributor, scope: str, actor: User | None) -> AuditEntry:
    """Erase a person: name, contact and personal links always; with scope "everything" also
    every finding, feedback response, photo (with its files) and review comment of theirs (and
    the contributor row itself), and every report version that printed their words is withdrawn. With
    "identity" their words stay, under the pseudonym only. Leaves an audit entry that
    names no one and quotes nothing: counts only.

    On SQLite the freed pages are overwritten (`secure_delete`, set on every connection),
    the search index is merged so no old segment keeps the words, and the write-ahead log
    is checkpointed and truncated (`scrub_sqlite`)."""
    if scope not in ERASURE_SCOPES:
        raise ContributorError(_("Choose what to erase."))
    contributor_id = contributor.id
    subject = f"{contributor.kind}:{contributor.pseudonym_number}"
    # A form refused a moment ago may hold what was typed about the person (kept for one redirect).
    forget_all()
    erasure = Erasure(contributor_id, scope, detail={"links": 0, "findings": 0, "responses": 0, "photos": 0})
    for part in PERSONAL_DATA:
        erasure.detail.update((key, 0) for key in part.counts)
    if scope == "everything":
        erasure.detail["links"] = _forget_links(contributor)
        erasure.finding_ids = set(db.session.scalars(select(Finding.id).where(Finding.contributor_id == contributor_id)
                                                     .execution_options(include_deleted=True)))
        erasure.photo_ids = set(db.session.scalars(select(Photo.id).where(Photo.contributor_id == contributor_id)))
        for part in PERSONAL_DATA:
            if part.erase_everything is not None:
                part.erase_everything(erasure)
        # Their photos with their files (deleted from the store once this commits).
        erasure.detail["photos"] = delete_photos(list(db.session.scalars(
            select(Photo).where(Photo.id.in_(erasure.photo_ids)))))
        db.session.flush()
        # Deleted outright, soft-deleted ones too: the person asked for their words to go.
        erasure.detail["findings"] = db.session.execute(
            delete(Finding).where(Finding.contributor_id == contributor_id)
            .execution_options(synchronize_session=False)).rowcount
        erasure.detail["responses"] = db.session.execute(
            delete(Response).where(Response.contributor_id == contributor_id)
            .execution_options(synchronize_session=False)).rowcount
        retire_pseudonym_number(contributor.kind, contributor.pseudonym_number)
        db.session.execute(delete(Contributor).where(Contributor.id == contributor_id))
    else:
        erasure.detail["links"] = forget_identity(contributor)
    entry = record_audit(actor, f"erase_{scope}", "contributor", contributor_id, erasure.detail, subject=subject)
    db.session.commit()
    db.session.expire_all()
    scrub_sqlite()
    return entry


def forget_identity(contributor: Contributor) -> int:
    """Name, contact and personal links, and the outbox's messages carrying them: what an
    erasure of identity removes, and what the retention purge removes once a person's period
    has passed (webapp/privacy/purge.py). The words stay, under the pseudonym. The caller
    commits; returns how many personal links ended."""
    links = _forget_links(contributor)
    for part in PERSONAL_DATA:
        if part.end_links is not None:
            links += part.end_links(contributor.id)
    # Bulk statements, not attribute changes: an archived project refuses changes made
    # through the unit of work (projects/archive.py), yet its people's identities must go.
    db.session.execute(update(Contributor).where(Contributor.id == contributor.id).values(name=None, contact=None))
    db.session.execute(update(Response).where(Response.contributor_id == contributor.id)
                       .values(respondent_name=None).execution_options(synchronize_session=False))
    return links


def _forget_links(contributor: Contributor) -> int:
    """The outbox's messages to the person and their survey links (feedback rounds)."""
    _forget_mail(contributor)
    return db.session.execute(delete(Invitation).where(Invitation.contributor_id == contributor.id)).rowcount


def scrub_sqlite() -> None:
    """After an erasure on SQLite: merge the search index into one segment (FTS5 'optimize'
    leaves no block that still holds deleted words; `secure_delete` zeroes the freed pages)
    and move the write-ahead log into the database, truncating it to nothing."""
    if db.engine.dialect.name != "sqlite":
        return
    db.session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))
    db.session.commit()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _forget_mail(contributor: Contributor) -> None:
    """The outbox holds the person's address and links: those messages go with the erasure."""
    related = [("invitation", i) for i in db.session.scalars(
        select(Invitation.id).where(Invitation.contributor_id == contributor.id)).all()]
    for part in PERSONAL_DATA:
        if part.mail_links is not None:
            related += part.mail_links(contributor.id)
    forget_recipient(email_address(contributor.contact), related)
