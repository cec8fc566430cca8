"""What a finding's consent allows: how a report may name its source, and whether it may quote it.

A finding asks for an attribution (`Finding.attribution`); consent decides what is allowed:

- the organisation's name only when that organisation's consent to be named is recorded
  (`Organisation.name_consent_on` and `name_consent_by`, see `Organisation.may_be_named`);
- a pseudonym only for a contributor who gave consent (`Contributor.consent_given_at`);
- the kind of stakeholder ("a municipality") and no attribution at all always.

A wish its consent does not allow falls back to the kind of stakeholder (or to none), and the
report's preflight lists it. Only verbatim words (`Finding.verbatim`) whose attribution is
allowed may print as a quote. The finding's edit screen, the evidence picker and the report
builds (webapp/reports/attribution.py) all ask here.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _l
from .models import Finding


@dataclass(frozen=True)
class Attribution:
    """The attribution a report may use: the mode (a key of models.ATTRIBUTIONS) and whether it is
    the one the finding asked for."""

    mode: str
    allowed: bool


#: Why a wish is not allowed, for the screens and the preflight.
NOT_ALLOWED = {
    "organisation": _l("The organisation's consent to be named is not recorded: the report names its kind instead."),
    "pseudonym": _l("The person's consent is not recorded: the report names their kind instead."),
}


def stakeholder_type_of(finding: Finding) -> str | None:
    return finding.stakeholder_type or (finding.organisation.stakeholder_type if finding.organisation else None)


def resolve(finding: Finding) -> Attribution:
    """The attribution a report may use for `finding`: its wish when consent allows it, else the fallback."""
    wish = finding.attribution or "stakeholder_type"
    if wish == "organisation" and finding.organisation is not None and finding.organisation.may_be_named:
        return Attribution("organisation", True)
    if wish == "pseudonym" and finding.contributor is not None and finding.contributor.consent_given_at is not None:
        return Attribution("pseudonym", True)
    if wish in ("stakeholder_type", "none"):
        return Attribution(wish, True)
    return Attribution("stakeholder_type" if stakeholder_type_of(finding) else "none", False)


def may_quote(finding: Finding) -> bool:
    """Only verbatim words whose attribution its consent allows print as a quote."""
    return bool(finding.verbatim) and resolve(finding).allowed
