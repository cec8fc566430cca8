"""Projects and memberships: create, change, join, start a codebook. No request, no session."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from .. import signals
from ..audit.services import record_audit
from ..auth.models import User
from ..access import ADMIN
from ..extensions import db
from ..i18n import _
from ..signals import answers
from .models import MEMBER_ROLES, PROJECT_STATUSES, Project, ProjectMembership

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
CODEBOOK_STARTS = ("empty", "template", "copy")


class ProjectError(ValueError):
    """A translated message for the user: nothing was changed."""


@dataclass
class ProjectInput:
    slug: str
    name_nl: str
    name_en: str
    description_nl: str = ""
    description_en: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    lead_organisation_id: int | None = None
    status: str = "active"


def projects_of(user) -> list[Project]:
    """The projects a user may open (all of them for administrators), by name."""
    query = select(Project).order_by(Project.name_nl, Project.id)
    if user.role != ADMIN:
        query = query.join(ProjectMembership, ProjectMembership.project_id == Project.id).where(
            ProjectMembership.user_id == user.id)
    return list(db.session.scalars(query))


def get_project(slug: str) -> Project | None:
    return db.session.scalar(select(Project).where(Project.slug == slug))


def save_project(project: Project | None, data: ProjectInput) -> Project:
    slug = data.slug.strip().lower()
    if not SLUG_PATTERN.match(slug):
        raise ProjectError(_("The short name may hold only lower-case letters, digits and hyphens."))
    if data.status not in PROJECT_STATUSES:
        raise ProjectError(_("Unknown status."))
    if not (data.name_nl.strip() or data.name_en.strip()):
        raise ProjectError(_("A project needs a name."))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise ProjectError(_("The end date lies before the start date."))
    other = get_project(slug)
    if other is not None and other is not project:
        raise ProjectError(_("Another project already has this short name."))
    created = project is None
    if created:
        project = Project()
        db.session.add(project)
    project.slug = slug
    project.name_nl = data.name_nl.strip() or data.name_en.strip()
    project.name_en = data.name_en.strip() or data.name_nl.strip()
    project.description_nl, project.description_en = data.description_nl, data.description_en
    project.starts_on, project.ends_on = data.starts_on, data.ends_on
    project.lead_organisation_id = data.lead_organisation_id
    project.status = data.status
    db.session.flush()
    record_audit(None, "create" if created else "update", "project", project.id,
                 {"status": project.status})
    db.session.commit()
    return project


def set_membership(project: Project, user: User, role: str) -> ProjectMembership:
    if role not in MEMBER_ROLES:
        raise ProjectError(_("Unknown role: %(role)s", role=role))
    membership = db.session.scalar(select(ProjectMembership).where(
        ProjectMembership.project_id == project.id, ProjectMembership.user_id == user.id))
    if membership is None:
        membership = ProjectMembership(project_id=project.id, user_id=user.id)
        db.session.add(membership)
    membership.role = role
    record_audit(None, "update", "project_membership", project.id, {"user": user.id, "role": role})
    db.session.commit()
    return membership


def remove_membership(project: Project, user: User) -> None:
    membership = db.session.scalar(select(ProjectMembership).where(
        ProjectMembership.project_id == project.id, ProjectMembership.user_id == user.id))
    if membership is not None:
        db.session.delete(membership)
        if user.last_project_id == project.id:
            user.last_project_id = None
        record_audit(None, "delete", "project_membership", project.id, {"user": user.id})
        db.session.commit()


def memberships(project: Project) -> list[ProjectMembership]:
    return list(db.session.scalars(
        select(ProjectMembership).join(ProjectMembership.user).where(ProjectMembership.project_id == project.id)
        .order_by(User.name)))


def remember_project(user: User, project: Project) -> None:
    """The switcher's choice, kept across devices: `/` opens it next time."""
    if user.last_project_id != project.id:
        user.last_project_id = project.id
        db.session.commit()


def start_codebook(project: Project, how: str, source: Project | None = None) -> int:
    """Fill a new project's codebook: empty, from the shared template, or as a copy of
    another project's codebook (codes, tree, labels and descriptions; not the findings).
    The codebook (themes/hooks.py) does it; the number of themes made is returned."""
    if how == "empty":
        return 0
    if how not in ("template", "copy") or (how == "copy" and source is None):
        raise ProjectError(_("Choose how the codebook starts."))
    return sum(answers(signals.project_started.send(project, how=how, source=source)))
