from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from .. import signals
from ..access import STAFF, roles_required
from ..extensions import db
from ..i18n import _
from ..organisations.models import Organisation
from ..pagination import paginate
from ..projects.services import project_staff
from ..refused_forms import refuse, refill
from ..signals import answers
from . import bp
from .forms import ActivityForm
from .models import Activity
from .services import (ActivityInput, activity_years, activities_query, check_activity, format_partial_date_input,
                       save_activity)
from .types import ACTIVITY_TYPES


@bp.get("/")
@roles_required(*STAFF)
def list_view():
    activity_type = request.args.get("type") or None
    if activity_type not in ACTIVITY_TYPES:
        activity_type = None
    year = request.args.get("year", type=int)
    activities = paginate(activities_query(activity_type, year))
    return render_template("activities/list.html", activities=activities, years=activity_years(),
                           activity_types=ACTIVITY_TYPES,
                           selected_type=activity_type, selected_year=year)


@bp.get("/<int:activity_id>")
@roles_required(*STAFF)
def show(activity_id: int):
    activity = db.session.get(Activity, activity_id) or abort(404)
    finding_count = sum(answers(signals.activity_finding_count.send(activity.id)))  # the findings count theirs
    return render_template("activities/show.html", activity=activity, finding_count=finding_count)


def _make_form(activity: Activity | None) -> ActivityForm:
    organisations = db.session.scalars(select(Organisation).order_by(func.lower(Organisation.name))).all()
    named = (activity.facilitator_id,) if activity is not None and activity.facilitator_id else ()
    facilitators = project_staff(g.project, keep_ids=named)
    form = ActivityForm(obj=activity, organisations=organisations, facilitators=facilitators)
    if activity is not None and not form.is_submitted():
        form.starts.data = format_partial_date_input(activity.starts_on, activity.date_precision)
        form.ends.data = format_partial_date_input(activity.ends_on, activity.date_precision)
        form.organisation_ids.data = [o.id for o in activity.organisations]
        form.format.data = activity.format or ""
    return form


def _form_page(activity: Activity | None):
    form = _make_form(activity)
    form_valid = form.validate_on_submit()
    if form.is_submitted():
        data = ActivityInput(
            type=form.type.data, title=form.title.data or "", number=form.number.data,
            format=form.format.data or None, status=form.status.data, starts=form.starts.parsed,
            ends=form.ends.parsed, organisation_ids=tuple(form.organisation_ids.data or ()),
            facilitator_id=form.facilitator_id.data, notes=form.notes.data or "",
            title_nl=form.title_nl.data or "", title_en=form.title_en.data or "")
        # The register's rules are checked even when a field is wrong, so every problem
        # shows in one round; a field keeps its own (first) error.
        rule_errors = check_activity(activity, data)
        for field_name, message in rule_errors.items():
            field = getattr(form, field_name)
            if not field.errors:
                field.errors.append(message)
        if form_valid and not rule_errors:
            activity = save_activity(activity, data)
            flash(_("Activity saved."), "success")
            return redirect(url_for("activities.show", activity_id=activity.id))
    if form.is_submitted():  # here only when refused
        return refuse(form)
    return render_template("activities/form.html", form=refill(form), activity=activity)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    return _form_page(None)


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(activity_id: int):
    return _form_page(db.session.get(Activity, activity_id) or abort(404))
