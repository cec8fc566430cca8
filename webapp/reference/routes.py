"""Management screens for the good-examples register and the abbreviation list."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import func, select

from ..access import ADMIN, AUTHOR, roles_required
from ..extensions import db
from ..i18n import _
from ..refused_forms import refuse, refill
from . import bp
from .forms import AbbreviationForm, GoodExampleForm
from .models import Abbreviation, GoodExample

EDITORS = (ADMIN, AUTHOR)


def _blank_to_none(example: GoodExample) -> None:
    """Optional Dutch texts stay None when empty, so 'missing translation' can be told apart."""
    for name in ("title_nl", "place_nl", "target_group_nl", "partners_nl", "results_nl", "funding_nl"):
        if not (getattr(example, name) or "").strip():
            setattr(example, name, None)


@bp.get("/good-examples")
@roles_required(*EDITORS)
def good_examples():
    items = db.session.scalars(select(GoodExample).order_by(func.lower(GoodExample.title_en))).all()
    return render_template("reference/good_examples.html", examples=items)


@bp.route("/good-examples/new", methods=["GET", "POST"], defaults={"example_id": None})
@bp.route("/good-examples/<int:example_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def good_example_form(example_id: int | None):
    example = db.session.get(GoodExample, example_id) if example_id else None
    if example_id and example is None:
        abort(404)
    form = GoodExampleForm(obj=example)
    if form.validate_on_submit():
        clash = db.session.scalar(select(GoodExample).where(GoodExample.title_en == form.title_en.data))
        if clash is not None and clash is not example:
            form.title_en.errors.append(_("Another good example already has this title."))
        else:
            example = example or GoodExample()
            form.populate_obj(example)
            _blank_to_none(example)
            db.session.add(example)
            db.session.commit()
            flash(_("Good example saved."), "success")
            return redirect(url_for("reference.good_examples"))
    if form.errors:
        return refuse(form)
    return render_template("reference/good_example_form.html", form=refill(form), example=example)


@bp.get("/abbreviations")
@roles_required(*EDITORS)
def abbreviations():
    items = db.session.scalars(select(Abbreviation).order_by(func.lower(Abbreviation.abbreviation))).all()
    return render_template("reference/abbreviations.html", abbreviations=items)


@bp.route("/abbreviations/new", methods=["GET", "POST"], defaults={"abbreviation_id": None})
@bp.route("/abbreviations/<int:abbreviation_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def abbreviation_form(abbreviation_id: int | None):
    item = db.session.get(Abbreviation, abbreviation_id) if abbreviation_id else None
    if abbreviation_id and item is None:
        abort(404)
    form = AbbreviationForm(obj=item)
    if form.validate_on_submit():
        clash = db.session.scalar(select(Abbreviation).where(Abbreviation.abbreviation == form.abbreviation.data))
        if clash is not None and clash is not item:
            form.abbreviation.errors.append(_("This abbreviation is already in the list."))
        else:
            item = item or Abbreviation()
            form.populate_obj(item)
            db.session.add(item)
            db.session.commit()
            flash(_("Abbreviation saved."), "success")
            return redirect(url_for("reference.abbreviations"))
    if form.errors:
        return refuse(form)
    return render_template("reference/abbreviation_form.html", form=refill(form), item=item)
