from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from ..pagination import paginate
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import signals
from ..access import ADMIN, AUTHOR, STAFF, roles_required
from ..extensions import db
from ..i18n import _
from ..refused_forms import refuse, refill
from ..signals import answers
from . import bp
from .forms import MergeForm, OrganisationForm
from .models import Organisation
from .services import OrganisationError, merge_organisations, parse_aliases, save_organisation

EDITORS = (ADMIN, AUTHOR)


def _get(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


@bp.get("/")
@roles_required(*STAFF)
def list_organisations():
    page = paginate(select(Organisation).options(selectinload(Organisation.aliases))
                    .order_by(func.lower(Organisation.name), Organisation.id))
    # How many activities each took part in: the activities (a feature above this one) count.
    counts: dict[int, int] = {}
    for answer in answers(signals.organisation_activity_counts.send()):
        counts.update(answer)
    page.items = [(organisation, counts.get(organisation.id, 0)) for organisation in page.items]
    return render_template("organisations/list.html", rows=page)


@bp.get("/<int:organisation_id>")
@roles_required(*STAFF)
def show(organisation_id: int):
    organisation = _get(organisation_id)
    activities = [a for found in answers(signals.organisation_activities.send(organisation)) for a in found]
    return render_template("organisations/show.html", organisation=organisation, activities=activities)


def _form_page(form: OrganisationForm, organisation: Organisation | None):
    if form.validate_on_submit():
        try:
            organisation = save_organisation(organisation, form.name.data, form.stakeholder_type.data,
                                             parse_aliases(form.aliases.data), form.notes.data or "",
                                             form.display_name_nl.data or "", form.display_name_en.data or "",
                                             name_consent=(form.name_consent_on.data, form.name_consent_by.data or ""))
        except OrganisationError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            flash(_("Organisation saved."), "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    if form.errors:
        return refuse(form)
    return render_template("organisations/form.html", form=refill(form), organisation=organisation)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)  # facilitators add an organisation met at a meeting
def new():
    return _form_page(OrganisationForm(), None)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(organisation_id: int):
    organisation = _get(organisation_id)
    form = OrganisationForm(obj=organisation)
    if not form.is_submitted():
        form.aliases.data = "\n".join(a.alias for a in organisation.aliases)
    return _form_page(form, organisation)


@bp.route("/<int:organisation_id>/merge", methods=["GET", "POST"])
@roles_required(*EDITORS)
def merge(organisation_id: int):
    source = _get(organisation_id)
    form = MergeForm()
    others = db.session.scalars(
        select(Organisation).where(Organisation.id != source.id).order_by(func.lower(Organisation.name))
    ).all()
    form.target_id.choices = [(o.id, o.name) for o in others]
    if form.validate_on_submit():
        target = _get(form.target_id.data)
        source_name = source.name
        try:
            merge_organisations(source, target)
        except OrganisationError as error:
            db.session.rollback()
            form.target_id.errors.append(str(error))
        else:
            flash(_("%(source)s was merged into %(target)s.", source=source_name, target=target.name), "success")
            return redirect(url_for("organisations.show", organisation_id=target.id))
    if form.errors:
        return refuse(form)
    return render_template("organisations/merge.html", form=refill(form), organisation=source)
