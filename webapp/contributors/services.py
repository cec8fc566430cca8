"""Managing contributors (erasing them: erasure.py; their data on request: access_request.py).
Plain functions, called by views and tests."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..findings.models import Contributor, Finding
from ..findings.pseudonyms import next_pseudonym_number
from ..i18n import CONTENT_LANGUAGES, _
from ..surveys.models import Invitation
from ..audit.models import AuditEntry
from .erasure import ContributorError

CONTRIBUTOR_KINDS = ("advisory_member", "stakeholder")


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


def audit_entries(limit: int = 50) -> list[AuditEntry]:
    """The erasures (the contributors screen's trail; the whole log is at /audit/)."""
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action.in_(("erase_identity", "erase_everything")))
                                   .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)))


