"""Projects and memberships: create, change, join, start a codebook. No request, no session."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from .. import signals
from ..access import ADMIN, STAFF
from ..audit.services import record_audit
from ..auth.models import User
from ..auth.services import create_user, invite_user
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


def projects_with_roles(user) -> list[tuple[Project, str]]:
    """The projects `user` may open, each with the user's role there (admins: "admin" in all)."""
    if user.role == ADMIN:
        return [(project, ADMIN) for project in projects_of(user)]
    return [(membership.project, membership.role) for membership in db.session.scalars(
        select(ProjectMembership).join(ProjectMembership.project).where(ProjectMembership.user_id == user.id)
        .order_by(Project.name_nl, Project.id))]


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


def project_staff(project: Project, keep_ids: tuple[int, ...] = ()) -> list[User]:
    """Active users who work in `project` (its staff members and the administrators, whose role
    is global), by name; `keep_ids` are listed too (the facilitator an activity already names).
    Users who belong only to other projects are not listed: their names are those projects'."""
    members = select(ProjectMembership.user_id).where(ProjectMembership.project_id == project.id,
                                                      ProjectMembership.role.in_(STAFF))
    return list(db.session.scalars(select(User).where(
        (User.active.is_(True) & ((User.role == ADMIN) | User.id.in_(members))) | User.id.in_(keep_ids))
        .order_by(User.name, User.id)))


def invite_member(email: str, name: str, role: str, locale: str, inviter: User | None, link_for,
                  project: Project | None) -> User:
    """An invitation to an account (auth.services.invite_user) that starts in `project` with
    `role` there, so the colleague finds work at the first login; an administrator's role is
    global and needs no membership."""
    if project is not None and role != ADMIN and role not in MEMBER_ROLES:
        raise ProjectError(_("Unknown role: %(role)s", role=role))
    user = invite_user(email, name, role, locale, inviter, link_for)
    if project is not None and role != ADMIN:
        set_membership(project, user, role)
    return user


def create_member(email: str, name: str, role: str, password: str, locale: str,
                  wanted: list[tuple[str, str | None]]) -> tuple[User, list[ProjectMembership]]:
    """A new user (auth.services.create_user) and their memberships from ("slug", role or None
    for `role`) pairs - the command line's `--project SLUG[:ROLE]`. An unknown project or
    role is refused before the user is made."""
    chosen = []
    for slug, project_role in wanted:
        project = get_project(slug)
        if project is None:
            raise ProjectError(_("Unknown project: %(slug)s", slug=slug))
        project_role = project_role or role
        if project_role not in MEMBER_ROLES:
            raise ProjectError(_("Unknown role: %(role)s", role=project_role))
        chosen.append((project, project_role))
    user = create_user(email, name, role, password, locale=locale)
    return user, [set_membership(project, user, project_role) for project, project_role in chosen]


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
