"""Creating and changing findings: the one place every way in (capture screen, API,
import, surveys, advisory-board feedback, review comments) goes through."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from ..activities.models import Activity
from ..auth.models import User
from ..extensions import db
from ..i18n import CONTENT_LANGUAGES, _
from ..organisations.models import Organisation
from ..organisations.stakeholder_types import STAKEHOLDER_TYPES
from ..themes.models import Theme
from .models import FINDING_KINDS, Contributor, Finding

#: A finding is a few sentences; a whole transcript belongs in an import, split into findings.
MAX_TEXT_LENGTH = 10_000


class FindingError(ValueError):
    """Translated messages per field; nothing was stored."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class FindingInput:
    activity_id: int
    text: str
    kind: str
    language: str
    theme_codes: list[str] = field(default_factory=list)
    stakeholder_type: str | None = None
    organisation_id: int | None = None
    contributor_id: int | None = None
    client_id: uuid.UUID | None = None


def _resolve(data: FindingInput) -> tuple[dict[str, str], Activity | None, list[Theme]]:
    """Check `data`; return the errors per field and what the ids refer to."""
    errors: dict[str, str] = {}
    activity = db.session.get(Activity, data.activity_id) if isinstance(data.activity_id, int) else None
    if activity is None:
        errors["activity_id"] = _("Unknown activity.")
    text = (data.text or "").strip() if isinstance(data.text, str) else ""
    if not text:
        errors["text"] = _("The text of a finding cannot be empty.")
    elif len(text) > MAX_TEXT_LENGTH:
        errors["text"] = _("A finding can be at most %(max)s characters long. Split a long text into several findings.",
                           max=MAX_TEXT_LENGTH)
    if data.kind not in FINDING_KINDS:
        errors["kind"] = _("Unknown kind of finding.")
    if data.language not in CONTENT_LANGUAGES:
        errors["language"] = _("Unknown language.")
    if data.stakeholder_type and data.stakeholder_type not in STAKEHOLDER_TYPES:
        errors["stakeholder_type"] = _("Unknown stakeholder type.")
    if data.organisation_id is not None and db.session.get(Organisation, data.organisation_id) is None:
        errors["organisation_id"] = _("Unknown organisation. Choose one from the list or add it to the register first.")
    if data.contributor_id is not None and db.session.get(Contributor, data.contributor_id) is None:
        errors["contributor_id"] = _("Unknown contributor.")
    codes = list(dict.fromkeys(data.theme_codes or []))
    themes = list(db.session.scalars(select(Theme).where(Theme.code.in_(codes)))) if codes else []
    unknown = sorted(set(codes) - {t.code for t in themes if not t.archived})
    if unknown:
        errors["themes"] = _("Unknown theme: %(codes)s", codes=", ".join(unknown))
    return errors, activity, sorted(themes, key=lambda t: codes.index(t.code))


def create_finding(data: FindingInput, author: User | None) -> Finding:
    errors, activity, themes = _resolve(data)
    if errors:
        raise FindingError(errors)
    finding = Finding(
        client_id=data.client_id or uuid.uuid4(), activity=activity, text=data.text.strip(), kind=data.kind,
        language=data.language, stakeholder_type=data.stakeholder_type or None,
        organisation_id=data.organisation_id, contributor_id=data.contributor_id, author=author, themes=themes)
    db.session.add(finding)
    db.session.commit()
    return finding


def update_finding(finding: Finding, data: FindingInput) -> Finding:
    """Change a finding. Callers that took the version from a form check it first;
    the mapper's version counter still refuses a flush that lost a race."""
    errors, activity, themes = _resolve(data)
    if errors:
        raise FindingError(errors)
    finding.activity = activity
    finding.text = data.text.strip()
    finding.kind = data.kind
    finding.language = data.language
    finding.stakeholder_type = data.stakeholder_type or None
    finding.organisation_id = data.organisation_id
    finding.contributor_id = data.contributor_id
    finding.themes = themes
    db.session.commit()
    return finding
