"""Managing contributors and erasing them. Plain functions, called by views and tests."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..i18n import CONTENT_LANGUAGES, _
from ..surveys.models import Invitation, Response
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
        number = (db.session.scalar(select(func.max(Contributor.pseudonym_number))
                                    .where(Contributor.kind == data.kind)) or 0) + 1
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
    every finding and feedback response of theirs (and the contributor row itself). With
    "identity" their words stay, under the pseudonym only. Leaves an audit entry that
    names no one."""
    if scope not in ERASURE_SCOPES:
        raise ContributorError(_("Choose what to erase."))
    contributor_id = contributor.id
    subject = f"{contributor.kind}:{contributor.pseudonym_number}"
    _forget_mail(contributor)
    links = db.session.execute(delete(Invitation).where(Invitation.contributor_id == contributor_id)).rowcount
    findings = responses = 0
    if scope == "everything":
        # Deleted outright, soft-deleted ones too: the person asked for their words to go.
        findings = db.session.execute(delete(Finding).where(Finding.contributor_id == contributor_id)
                                      .execution_options(synchronize_session=False)).rowcount
        responses = db.session.execute(delete(Response).where(Response.contributor_id == contributor_id)
                                       .execution_options(synchronize_session=False)).rowcount
        db.session.execute(delete(Contributor).where(Contributor.id == contributor_id))
    else:
        contributor.name = None
        contributor.contact = None
    entry = AuditEntry(action=f"erase_{scope}", subject=subject,
                       detail={"links": links, "findings": findings, "responses": responses},
                       actor_id=actor.id if actor else None)
    db.session.add(entry)
    db.session.commit()
    db.session.expire_all()
    return entry


def _forget_mail(contributor: Contributor) -> None:
    """The outbox holds the person's address and links: those messages go with the erasure."""
    from ..mail.services import email_address, forget_recipient
    from ..outcome.models import OutcomeLink
    from ..review.models import ReviewAssignment

    def ids(model):
        return db.session.scalars(select(model.id).where(model.contributor_id == contributor.id)).all()

    related = ([("invitation", i) for i in ids(Invitation)] + [("assignment", i) for i in ids(ReviewAssignment)]
               + [("outcome_link", i) for i in ids(OutcomeLink)])
    forget_recipient(email_address(contributor.contact), related)


def audit_entries(limit: int = 50) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                                   .limit(limit)))
