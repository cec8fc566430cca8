"""Projects: the header's switcher, the admin screens (projects, members, export/import) and
the views across the projects a user is a member of (search, evidence)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import ADMIN, ROLES, roles_required
from ..auth.models import User
from ..auth.routes import password_link
from ..auth.services import UserError
from ..extensions import db
from ..i18n import _
from ..organisations.models import Organisation
from ..refused_forms import refuse, refill
from . import bp
from .forms import ImportForm, InviteMemberForm, MembershipForm, ProjectForm
from .models import Project
from .services import (ProjectError, ProjectInput, invite_member, memberships, projects_of, remember_project,
                       remove_membership, save_project, set_membership, start_codebook)
from .transfer import TransferError, export_project, fresh_links, import_project


@bp.post("/projects/switch")
@roles_required(*ROLES)
def switch():
    """The header's switcher: open another of the user's projects and remember it."""
    slug = request.form.get("project", "")
    project = next((p for p in projects_of(current_user) if p.slug == slug), None)
    if project is None:
        abort(404)
    remember_project(current_user, project)
    return redirect(url_for("dashboard.home", project_slug=project.slug))


def _get(project_id: int) -> Project:
    return db.session.get(Project, project_id) or abort(404)


@bp.get("/projects/")
@roles_required(ADMIN)
def list_projects():
    return render_template("projects/list.html", projects=projects_of(current_user))


def _form(project: Project | None) -> ProjectForm:
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    others = [p for p in projects_of(current_user) if p is not project]
    return ProjectForm(obj=project, organisations=organisations, projects=others)


@bp.route("/projects/new", methods=["GET", "POST"])
@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit(project_id: int | None = None):
    project = _get(project_id) if project_id else None
    form = _form(project)
    if project is not None:
        del form.codebook, form.codebook_source  # a codebook starts once, when the project is made
    if form.validate_on_submit():
        data = ProjectInput(
            slug=form.slug.data, name_nl=form.name_nl.data or "", name_en=form.name_en.data or "",
            description_nl=form.description_nl.data or "", description_en=form.description_en.data or "",
            starts_on=form.starts_on.data, ends_on=form.ends_on.data,
            lead_organisation_id=form.lead_organisation_id.data or None, status=form.status.data)
        try:
            is_new = project is None
            project = save_project(project, data)
            if is_new:
                source = db.session.get(Project, form.codebook_source.data) if form.codebook_source.data else None
                start_codebook(project, form.codebook.data, source)
        except ProjectError as error:
            db.session.rollback()
            form.slug.errors.append(str(error))
        else:
            flash(_("Project saved."), "success")
            return redirect(url_for("projects.members", project_id=project.id))
    if form.errors:
        return refuse(form)
    return render_template("projects/form.html", form=refill(form), project=project)


@bp.route("/projects/<int:project_id>/members", methods=["GET", "POST"])
@roles_required(ADMIN)
def members(project_id: int):
    project = _get(project_id)
    users = db.session.scalars(select(User).where(User.active, User.role != ADMIN).order_by(User.name)).all()
    form = MembershipForm(users=users)
    if form.validate_on_submit():
        user = db.session.get(User, form.user_id.data) or abort(404)
        if request.form.get("action") == "remove":
            remove_membership(project, user)
            flash(_("%(name)s is no longer a member.", name=user.name), "success")
        else:
            try:
                set_membership(project, user, form.role.data)
            except ProjectError as error:
                flash(str(error), "error")
            else:
                flash(_("%(name)s is a member.", name=user.name), "success")
        return redirect(url_for("projects.members", project_id=project.id))
    if form.errors:
        return refuse(form)
    return render_template("projects/members.html", project=project, form=refill(form), memberships=memberships(project))


@bp.get("/projects/<int:project_id>/export.zip")
@roles_required(ADMIN)
def export_zip(project_id: int):
    project = _get(project_id)
    buffer = export_project(project)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"klankbord-{project.slug}.zip")


@bp.route("/projects/import", methods=["GET", "POST"])
@roles_required(ADMIN)
def import_zip():
    form = ImportForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        if not upload or not upload.filename:
            form.file.errors.append(_("Choose a file."))
        else:
            try:
                project = import_project(upload.stream, slug=(form.slug.data or "").strip() or None)
            except TransferError as error:
                db.session.rollback()
                form.file.errors.append(str(error))
            else:
                links = fresh_links(project)
                flash(_("Project imported. Its %(personal)s personal links and %(public)s public survey links are new "
                        "ones: the links of the exported project do not open this copy. Send the new links to the "
                        "people concerned.", personal=links.get("survey_invitations", 0),
                        public=links.get("surveys", 0)), "success")
                return redirect(url_for("projects.members", project_id=project.id))
    if form.errors:
        return refuse(form)
    return render_template("projects/import.html", form=refill(form))


@bp.route("/users/invite", methods=["GET", "POST"])
@roles_required(ADMIN)
def invite():
    """Invite a colleague to an account and, with their role, to a project (here and not in
    auth: the invitation makes a membership)."""
    projects = projects_of(current_user)
    form = InviteMemberForm(projects=projects)
    if form.validate_on_submit():
        project = next((p for p in projects if p.id == form.project_id.data), None)
        try:
            invite_member(form.email.data, form.name.data, form.role.data, form.locale.data, current_user,
                          password_link, project)
        except (UserError, ProjectError) as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            flash(_("Invitation for %(name)s queued: they choose their own password with the link in it.",
                    name=form.name.data), "success")
            return redirect(url_for("auth.list_users"))
    if form.errors:
        return refuse(form)
    return render_template("projects/invite.html", form=refill(form))
