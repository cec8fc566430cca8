"""The retention periods in force: a project's own setting, else the default beside it.

Periods are whole months or days. A month is counted as 30 days and a day as 24 hours, so
"six months after the round closed" is the same moment on every database and in every test.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..i18n import _l
from ..refused_forms import STASH_LIFETIME
from .models import InstallationPrivacy, ProjectPrivacy

#: The defaults, shown beside each setting.
DEFAULTS = {"contact_months": 6, "outbox_days": 30, "job_days": 7, "photo_months": 12, "audit_months": 24}
#: Upper bounds a form accepts (ten years): a period is a promise to people, not "for ever".
MAXIMA = {"contact_months": 120, "outbox_days": 3650, "job_days": 3650, "photo_months": 120, "audit_months": 120}
LABELS = {
    "contact_months": _l("Names, contact details and personal links of members, reviewers and invited "
                         "respondents: months after their last round closed or the project was archived"),
    "outbox_days": _l("Addresses and texts of e-mail messages: days after sending (or after queueing, "
                      "for a message never sent)"),
    "job_days": _l("Export files and other finished jobs with their arguments: days after they ended"),
    "photo_months": _l("Photos that may show people or names (not cleared by a facilitator): months after they "
                       "were taken"),
    "audit_months": _l("Who did what in the audit log: months, then the person is replaced by a pseudonym "
                       "(the entries stay)"),
}


def months(n: int) -> timedelta:
    return timedelta(days=30 * n)


@dataclass(frozen=True)
class Periods:
    contact_months: int
    outbox_days: int
    job_days: int
    photo_months: int = DEFAULTS["photo_months"]

    @property
    def contact(self) -> timedelta:
        return months(self.contact_months)

    @property
    def outbox(self) -> timedelta:
        return timedelta(days=self.outbox_days)

    @property
    def jobs(self) -> timedelta:
        return timedelta(days=self.job_days)

    @property
    def photos(self) -> timedelta:
        return months(self.photo_months)


def project_settings(project_id: int) -> ProjectPrivacy | None:
    return db.session.scalar(select(ProjectPrivacy).where(ProjectPrivacy.project_id == project_id))


def installation_settings() -> InstallationPrivacy:
    """The one row of installation settings (made, unsaved, when there is none yet)."""
    return db.session.get(InstallationPrivacy, 1) or InstallationPrivacy(id=1, controller="", contact="", dpo="",
                                                                         security_notes="")


def _value(settings, name: str) -> int:
    value = getattr(settings, name, None) if settings is not None else None
    return value or DEFAULTS[name]


def project_periods(project_id: int | None) -> Periods:
    """The periods in force for a project's data; None: data of no project (the installation's)."""
    settings = project_settings(project_id) if project_id is not None else installation_settings()
    return Periods(contact_months=_value(settings, "contact_months") if project_id is not None
                   else DEFAULTS["contact_months"],
                   outbox_days=_value(settings, "outbox_days"), job_days=_value(settings, "job_days"),
                   photo_months=_value(settings, "photo_months") if project_id is not None
                   else DEFAULTS["photo_months"])


def all_periods() -> dict[int | None, Periods]:
    """Periods of every project that has settings, and of the installation (key None); a
    project missing here has the defaults (`periods_of`)."""
    found = {row.project_id: Periods(_value(row, "contact_months"), _value(row, "outbox_days"), _value(row, "job_days"),
                                     _value(row, "photo_months"))
             for row in db.session.scalars(select(ProjectPrivacy))}
    found[None] = project_periods(None)
    return found


DEFAULT_PERIODS = Periods(DEFAULTS["contact_months"], DEFAULTS["outbox_days"], DEFAULTS["job_days"])


def period_of(periods: dict[int | None, Periods], project_id: int | None) -> Periods:
    """From `all_periods()`: a project's own, else the defaults; None: the installation's."""
    return periods.get(project_id) or (periods[None] if project_id is None else DEFAULT_PERIODS)


def audit_months() -> int:
    return _value(installation_settings(), "audit_months")


def refused_form_lifetime() -> timedelta:
    return STASH_LIFETIME
