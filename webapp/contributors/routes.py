"""Admin screens: the names behind the pseudonyms, and erasure."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..access import ADMIN, roles_required
from ..audit.downloads import export_kind
from ..extensions import db
from ..findings.models import Contributor
from ..i18n import _
from ..refused_forms import refuse, refill
from . import bp
from .forms import KIND_LABELS, ContributorForm, ErasureForm
from .access_request import access_request_zip
from .erasure import ContributorError, erase_contributor
from .services import ContributorInput, audit_entries, create_contributor, list_contributors, update_contributor


def _contributor(contributor_id: int) -> Contributor:
    return db.session.get(Contributor, contributor_id) or abort(404)


@bp.get("/contributors/")
@roles_required(ADMIN)
def list_view():
    return render_template("contributors/list.html", rows=list_contributors(), entries=audit_entries(),
                           kinds=KIND_LABELS)


def _form_page(contributor: Contributor | None):
    form = ContributorForm(obj=contributor)
    if contributor is not None:
        form.kind.render_kw = {"disabled": True}  # the pseudonym's kind never changes
    if form.validate_on_submit():
        data = ContributorInput(kind=contributor.kind if contributor else form.kind.data,
                                name=form.name.data or "", contact=form.contact.data or "",
                                language=form.language.data)
        try:
            if contributor is None:
                contributor = create_contributor(data)
            else:
                update_contributor(contributor, data)
        except ContributorError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            flash(_("Saved: %(pseudonym)s.", pseudonym=contributor.pseudonym), "success")
            return redirect(url_for("contributors.list_view"))
    if form.errors:
        return refuse(form)
    return render_template("contributors/form.html", form=refill(form), contributor=contributor)


@bp.route("/contributors/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def new():
    return _form_page(None)


@bp.route("/contributors/<int:contributor_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN)
def edit(contributor_id: int):
    return _form_page(_contributor(contributor_id))


@bp.route("/contributors/<int:contributor_id>/erase", methods=["GET", "POST"])
@roles_required(ADMIN)
def erase(contributor_id: int):
    contributor = _contributor(contributor_id)
    form = ErasureForm()
    if form.validate_on_submit():
        pseudonym = contributor.pseudonym
        try:
            erase_contributor(contributor, form.scope.data, current_user)
        except ContributorError as error:
            db.session.rollback()
            form.scope.errors.append(str(error))
        else:
            flash(_("%(pseudonym)s has been erased.", pseudonym=pseudonym), "success")
            return redirect(url_for("contributors.list_view"))
    if form.errors:
        return refuse(form)
    return render_template("contributors/erase.html", form=refill(form), contributor=contributor)


@bp.get("/contributors/<int:contributor_id>/personal-data.zip")
@export_kind("contributor")
@roles_required(ADMIN)
def access_request(contributor_id: int):
    """GDPR art. 15: everything about this person in one ZIP (audited as an export)."""
    contributor = _contributor(contributor_id)
    return Response(access_request_zip(contributor), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="personal-data-{contributor.kind}-{contributor.pseudonym_number}.zip"'})
