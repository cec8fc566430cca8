"""Organisations: look-up by any spelling, create, change, merge."""
from __future__ import annotations

from datetime import date

import re

from sqlalchemy import func, select

from .. import signals
from ..extensions import db
from ..i18n import _
from .models import Organisation, OrganisationAlias
from .stakeholder_types import STAKEHOLDER_TYPES


class OrganisationError(ValueError):
    """A translated message for the user: the change was not made."""


def normalise_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


def find_organisation(name: str) -> Organisation | None:
    """The organisation known by `name` or one of its aliases, ignoring case and spacing."""
    key = normalise_name(name).lower()
    if not key:
        return None
    found = db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == key))
    if found is None:
        found = db.session.scalar(
            select(Organisation).join(OrganisationAlias).where(func.lower(OrganisationAlias.alias) == key)
        )
    return found


def _check_names_free(names: list[str], organisation: Organisation | None) -> None:
    for name in names:
        holder = find_organisation(name)
        if holder is not None and holder is not organisation:
            raise OrganisationError(
                _("“%(name)s” is already used by the organisation %(other)s.", name=name, other=holder.name)
            )


def parse_aliases(text: str) -> list[str]:
    """One alias per line (a semicolon also separates, as in the spreadsheets)."""
    seen: dict[str, str] = {}
    for part in re.split(r"[\n;]", text or ""):
        alias = normalise_name(part)
        if alias and alias.lower() not in seen:
            seen[alias.lower()] = alias
    return list(seen.values())


def save_organisation(organisation: Organisation | None, name: str, stakeholder_type: str,
                      aliases: list[str], notes: str = "", display_name_nl: str | None = None,
                      display_name_en: str | None = None, name_consent: tuple[date | None, str] | None = None
                      ) -> Organisation:
    """Create (organisation=None) or change an organisation with its aliases; `name_consent` is
    (day, who gave it): the organisation's consent to be named in reports, both or neither."""
    name = normalise_name(name)
    if stakeholder_type not in STAKEHOLDER_TYPES:
        raise OrganisationError(_("Unknown stakeholder type."))
    if name_consent is not None and bool(name_consent[0]) != bool((name_consent[1] or "").strip()):
        raise OrganisationError(_("Record both the day of the consent to be named and who gave it, or neither."))
    aliases = [a for a in aliases if a.lower() != name.lower()]
    _check_names_free([name, *aliases], organisation)
    if organisation is None:
        organisation = Organisation(name=name, stakeholder_type=stakeholder_type, notes=notes)
        db.session.add(organisation)
    organisation.name = name
    organisation.stakeholder_type = stakeholder_type
    organisation.notes = notes
    if display_name_nl is not None:
        organisation.display_name_nl = display_name_nl.strip()
    if display_name_en is not None:
        organisation.display_name_en = display_name_en.strip()
    if name_consent is not None:
        organisation.name_consent_on, organisation.name_consent_by = name_consent[0], (name_consent[1] or "").strip()
    wanted = {a.lower(): a for a in aliases}
    for existing in list(organisation.aliases):
        if existing.alias.lower() not in wanted:
            organisation.aliases.remove(existing)
        else:
            existing.alias = wanted.pop(existing.alias.lower())
    db.session.flush()  # removed aliases must leave before a re-spelled one takes their place
    for alias in wanted.values():
        organisation.aliases.append(OrganisationAlias(alias=alias))
    db.session.commit()
    return organisation


def merge_organisations(source: Organisation, target: Organisation) -> Organisation:
    """Fold `source` into `target`: every link moves over, its spellings become aliases.

    The report spells one organisation several ways ("Divosa"/"DIVOSA"); merging must keep
    every activity, finding and contributor that pointed at either.
    """
    if source.id == target.id:
        raise OrganisationError(_("An organisation cannot be merged into itself."))
    # What points at organisations belongs to features above this one: each moves its own
    # references over (activities: their links; findings: findings and contributors).
    signals.organisation_merging.send(source, target=target)
    spellings = [source.name, *(a.alias for a in source.aliases)]
    if source.notes:
        target.notes = "\n\n".join(n for n in (target.notes, source.notes) if n)
    db.session.delete(source)
    db.session.flush()
    known = {target.name.lower(), *(a.alias.lower() for a in target.aliases)}
    for spelling in spellings:
        if spelling.lower() not in known:
            target.aliases.append(OrganisationAlias(alias=spelling))
            known.add(spelling.lower())
    db.session.commit()
    db.session.expire_all()  # relationships loaded before the bulk updates are stale now
    return target
