"""The glossary screens: everyone on the project's staff reads it, authors and admins keep it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from ..access import ADMIN, AUTHOR, STAFF, roles_required
from ..extensions import db
from ..forms import BaseForm
from ..i18n import _
from ..refused_forms import refill, refuse
from . import bp
from .forms import GlossaryEntryForm
from .models import GlossaryEntry
from .services import GlossaryError, delete_entry, entries, save_entry

EDITORS = (ADMIN, AUTHOR)


@bp.get("/")
@roles_required(*STAFF)
def index():
    return render_template("glossary/index.html", entries=entries(), delete_form=BaseForm())


@bp.route("/new", methods=["GET", "POST"], defaults={"entry_id": None})
@bp.route("/<int:entry_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def entry_form(entry_id: int | None):
    entry = db.session.get(GlossaryEntry, entry_id) if entry_id else None
    if entry_id and entry is None:
        abort(404)
    form = GlossaryEntryForm(obj=entry)
    if entry is not None and not form.is_submitted():
        form.activity_type.data = entry.activity_type or ""
    if form.validate_on_submit():
        try:
            save_entry(entry, {name: field.data for name, field in form._fields.items() if name != "csrf_token"})
        except GlossaryError as error:
            db.session.rollback()
            form.preferred_nl.errors.append(str(error))
        else:
            flash(_("Glossary entry saved."), "success")
            return redirect(url_for("glossary.index"))
    if form.errors:
        return refuse(form)
    return render_template("glossary/form.html", form=refill(form), entry=entry)


@bp.post("/<int:entry_id>/delete")
@roles_required(*EDITORS)
def delete(entry_id: int):
    entry = db.session.get(GlossaryEntry, entry_id) or abort(404)
    if not BaseForm().validate_on_submit():
        abort(400)
    delete_entry(entry)
    flash(_("Glossary entry deleted."), "success")
    return redirect(url_for("glossary.index"))
