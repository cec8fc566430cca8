"""Managing contributors and erasing them. Plain functions, called by views and tests."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..i18n import CONTENT_LANGUAGES, _
from ..surveys.models import Invitation, Response
from ..audit.services import record_audit
from ..findings.pseudonyms import next_pseudonym_number, retire_pseudonym_number
from .models import AuditEntry

CONTRIBUTOR_KINDS = ("advisory_member", "stakeholder")
#: What an erasure removes besides name, contact and links.
ERASURE_SCOPES = ("identity", "everything")


class ContributorError(ValueError):
    """A translated message for the admin; nothing was stored."""


@dataclass
class ContributorInput:
    kind: str = "advisory_member"
    name: str = ""
    contact: str = ""
    language: str = "nl"


def _check(data: ContributorInput) -> None:
    if data.kind not in CONTRIBUTOR_KINDS:
        raise ContributorError(_("Unknown kind of contributor."))
    if data.language not in CONTENT_LANGUAGES:
        raise ContributorError(_("Unknown language."))


def create_contributor(data: ContributorInput) -> Contributor:
    """A new person with the next free pseudonym number of their kind."""
    _check(data)
    for _attempt in range(3):
        number = next_pseudonym_number(data.kind)
        contributor = Contributor(kind=data.kind, pseudonym_number=number, name=data.name.strip()[:200] or None,
                                  contact=data.contact.strip()[:300] or None, language=data.language)
        db.session.add(contributor)
        try:
            db.session.commit()
        except IntegrityError:  # someone took the number at the same moment: take the next one
            db.session.rollback()
            continue
        return contributor
    raise ContributorError(_("Could not give a pseudonym number. Please try again."))


def update_contributor(contributor: Contributor, data: ContributorInput) -> Contributor:
    _check(data)
    contributor.name = data.name.strip()[:200] or None
    contributor.contact = data.contact.strip()[:300] or None
    contributor.language = data.language
    db.session.commit()
    return contributor


def list_contributors() -> list[tuple[Contributor, int, int]]:
    """Every contributor with their number of findings and personal links."""
    findings = dict(db.session.execute(select(Finding.contributor_id, func.count())
                                       .where(Finding.contributor_id.is_not(None))
                                       .group_by(Finding.contributor_id)).all())
    links = dict(db.session.execute(select(Invitation.contributor_id, func.count())
                                    .where(Invitation.contributor_id.is_not(None))
                                    .group_by(Invitation.contributor_id)).all())
    contributors = db.session.scalars(select(Contributor).order_by(Contributor.kind, Contributor.pseudonym_number))
    return [(c, findings.get(c.id, 0), links.get(c.id, 0)) for c in contributors]


def erase_contributor(contributor: Contributor, scope: str, actor: User | None) -> AuditEntry:
    """Erase a person: name, contact and personal links always; with scope "everything" also
    every finding, feedback response and review comment of theirs (and the contributor row
    itself), and every report version that printed their words is withdrawn. With
    "identity" their words stay, under the pseudonym only. Leaves an audit entry that
    names no one and quotes nothing: counts only.

    On SQLite the freed pages are overwritten (`secure_delete`, set on every connection),
    the search index is merged so no old segment keeps the words, and the write-ahead log
    is checkpointed and truncated (`scrub_sqlite`)."""
    from ..reports.services import withdraw_versions_printing
    from ..review.models import ReviewAssignment, ReviewComment

    if scope not in ERASURE_SCOPES:
        raise ContributorError(_("Choose what to erase."))
    contributor_id = contributor.id
    subject = f"{contributor.kind}:{contributor.pseudonym_number}"
    links = db.session.execute(delete(Invitation).where(Invitation.contributor_id == contributor_id)).rowcount
    detail = {"links": links, "findings": 0, "responses": 0, "review_comments": 0, "report_versions_withdrawn": 0}
    if scope == "everything":
        finding_ids = set(db.session.scalars(select(Finding.id).where(Finding.contributor_id == contributor_id)
                                             .execution_options(include_deleted=True)))
        detail["report_versions_withdrawn"] = withdraw_versions_printing(finding_ids)
        assignment_ids = select(ReviewAssignment.id).where(ReviewAssignment.contributor_id == contributor_id)
        detail["review_comments"] = db.session.execute(
            delete(ReviewComment).where(ReviewComment.assignment_id.in_(assignment_ids))
            .execution_options(synchronize_session=False)).rowcount
        db.session.execute(delete(ReviewAssignment).where(ReviewAssignment.contributor_id == contributor_id)
                           .execution_options(synchronize_session=False))
        # Deleted outright, soft-deleted ones too: the person asked for their words to go.
        detail["findings"] = db.session.execute(delete(Finding).where(Finding.contributor_id == contributor_id)
                                                .execution_options(synchronize_session=False)).rowcount
        detail["responses"] = db.session.execute(delete(Response).where(Response.contributor_id == contributor_id)
                                                 .execution_options(synchronize_session=False)).rowcount
        retire_pseudonym_number(contributor.kind, contributor.pseudonym_number)
        db.session.execute(delete(Contributor).where(Contributor.id == contributor_id))
    else:
        contributor.name = None
        contributor.contact = None
    entry = record_audit(actor, f"erase_{scope}", "contributor", contributor_id, detail, subject=subject)
    db.session.commit()
    db.session.expire_all()
    scrub_sqlite()
    return entry


def scrub_sqlite() -> None:
    """After an erasure on SQLite: merge the search index into one segment (FTS5 'optimize'
    leaves no block that still holds deleted words; `secure_delete` zeroes the freed pages)
    and move the write-ahead log into the database, truncating it to nothing."""
    if db.engine.dialect.name != "sqlite":
        return
    from ..analysis.fts import FTS_TABLE

    db.session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))
    db.session.commit()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def audit_entries(limit: int = 50) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                                   .limit(limit)))
