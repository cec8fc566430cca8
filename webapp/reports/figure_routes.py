"""Photos placed in a report as figures (figures.py): add, change, remove. Under the report's
chapter or box pages (`_figures.html` lists them there)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ..access import ADMIN, AUTHOR, roles_required
from ..extensions import db
from ..forms import BaseForm
from ..i18n import _
from ..refused_forms import refill, refuse
from . import bp
from .figures import FigureForm, ReportFigure, cleared_photos, figures_of, save_figure
from .models import Report, ReportBox, ReportChapter

REPORT_ROLES = (ADMIN, AUTHOR)
# The chapter and box pages list their figures (reports/_figures.html) without their views knowing.
bp.add_app_template_global(figures_of, "report_figures")


def _place(report: Report, figure: ReportFigure | None) -> tuple[ReportChapter | None, ReportBox | None]:
    """The chapter or box a figure stands in: its own, or the one named in the address (?chapter_id, ?box_id)."""
    if figure is not None:
        return figure.chapter, figure.box
    chapter_id, box_id = request.args.get("chapter_id", type=int), request.args.get("box_id", type=int)
    chapter = db.session.get(ReportChapter, chapter_id) if chapter_id else None
    box = db.session.get(ReportBox, box_id) if box_id and not chapter_id else None
    if (chapter or box) is None or (chapter or box).report_id != report.id:
        abort(404)
    return chapter, box


def _back(chapter: ReportChapter | None, box: ReportBox | None) -> str:
    if chapter is not None:
        return url_for("reports.chapter", chapter_id=chapter.id, _anchor="figures")
    return url_for("reports.box_form", report_id=box.report_id, box_id=box.id, _anchor="figures")


@bp.route("/<int:report_id>/figures/new", methods=["GET", "POST"], defaults={"figure_id": None})
@bp.route("/<int:report_id>/figures/<int:figure_id>", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def figure_form(report_id: int, figure_id: int | None):
    report = db.session.get(Report, report_id) or abort(404)
    figure = db.session.get(ReportFigure, figure_id) if figure_id else None
    if figure_id and (figure is None or figure.report_id != report.id):
        abort(404)
    chapter, box = _place(report, figure)
    form = FigureForm(obj=figure)
    photos = cleared_photos()
    if figure is not None and figure.photo not in photos:
        photos.append(figure.photo)  # no longer cleared: shown, so the author sees why it does not print
    form.photo_id.choices = [(photo.id, "") for photo in photos]
    if form.validate_on_submit():
        figure = figure or ReportFigure(report=report, chapter=chapter, box=box)
        try:
            save_figure(figure, form)
        except ValueError as error:
            db.session.rollback()
            form.photo_id.errors = [str(error)]
        else:
            flash(_("Figure saved."), "success")
            return redirect(_back(chapter, box))
    if form.errors:
        return refuse(form)
    return render_template("reports/figure_form.html", form=refill(form), report=report, figure=figure,
                           chapter=chapter, box=box, photos=photos, back=_back(chapter, box))


@bp.post("/<int:report_id>/figures/<int:figure_id>/delete")
@roles_required(*REPORT_ROLES)
def delete_figure(report_id: int, figure_id: int):
    figure = db.session.get(ReportFigure, figure_id)
    if figure is None or figure.report_id != report_id:
        abort(404)
    if not BaseForm().validate_on_submit():
        abort(400)
    back = _back(figure.chapter, figure.box)
    db.session.delete(figure)
    db.session.commit()
    flash(_("Figure removed from the report. The photo stays."), "success")
    return redirect(back)
