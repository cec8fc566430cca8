"""The titles members read, in one language on one screen: the report's title and its chapters'
and recommendations' titles, as the outcome page and mail show them (webapp/reader_texts.py).

Dutch and English titles are the report's and recommendations' own columns (a chapter's are
its theme's labels, changed in the codebook); further languages (Arabic) are kept in
`extra_texts`. The outcome screen lists what is missing for the people it sends to and links
here, as the report's translation screen does for findings."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for

from ..access import ADMIN, AUTHOR, roles_required
from ..extensions import db
from ..forms import BaseForm
from ..i18n import CONTENT_LANGUAGES, RTL_LANGUAGES, _
from ..reader_texts import EXTRA_LANGUAGES, PAGE_LANGUAGES, set_extra_text, texts_of
from ..refused_forms import refuse, refused
from ..text import TextRefused, clean_text
from . import bp
from .models import Report

TITLE_MAX_LENGTH = 300


@dataclass
class TitleItem:
    key: str  #: the form field: "report", "chapter-3", "recommendation-12"
    label: str  #: what it is: "Report", "Chapter 2", "Recommendation 2.1"
    obj: object
    editable: bool  #: a chapter's Dutch and English titles are its theme's labels


def title_items(report: Report, language: str) -> list[TitleItem]:
    items = [TitleItem("report", _("Report title"), report, True)]
    for number, chapter in enumerate(report.chapters, start=1):
        items.append(TitleItem(f"chapter-{chapter.id}", _("Chapter %(number)s", number=number), chapter,
                               language in EXTRA_LANGUAGES))
        for position, recommendation in enumerate(chapter.recommendations, start=1):
            items.append(TitleItem(f"recommendation-{recommendation.id}",
                                   _("Recommendation %(number)s", number=f"{number}.{position}"), recommendation, True))
    return items


def save_titles(report: Report, language: str, values: dict[str, str]) -> dict[str, str]:
    """Store the titles typed (an empty one removes a further-language title); returns the
    refusals by field, storing nothing when there is one."""
    errors, cleaned = {}, {}
    for item in title_items(report, language):
        if not item.editable or item.key not in values:
            continue
        try:
            text = clean_text(values[item.key], multiline=False) or ""
        except TextRefused as refused_text:
            errors[item.key] = str(refused_text)
            continue
        if len(text) > TITLE_MAX_LENGTH:
            errors[item.key] = _("A title can be at most %(max)s characters long.", max=TITLE_MAX_LENGTH)
        cleaned[item.key] = (item, text.strip())
    if errors:
        return errors
    for item, text in cleaned.values():
        if language in EXTRA_LANGUAGES:
            set_extra_text(item.obj, "title", language, text)
        elif text:  # Dutch and English titles are never emptied from here
            setattr(item.obj, f"title_{language}", text)
    db.session.commit()
    return {}


@bp.route("/<int:report_id>/titles/<language>", methods=["GET", "POST"])
@roles_required(ADMIN, AUTHOR)
def titles(report_id: int, language: str):
    """Every title members read, in `language`, beside the Dutch and English ones."""
    report = db.session.get(Report, report_id) or abort(404)
    if language not in PAGE_LANGUAGES:
        abort(404)
    form = BaseForm()  # its CSRF check
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        values = {key: value for key, value in request.form.items() if key != "csrf_token"}
        errors = save_titles(report, language, values)
        if errors:
            return refuse(errors=errors, typed=values)
        flash(_("Titles saved."), "success")
        return redirect(url_for("reports.titles", report_id=report.id, language=language))
    stash = refused()
    items = title_items(report, language)
    return render_template("reports/titles.html", report=report, language=language, items=items, form=form,
                           texts={item.key: texts_of(item.obj, "title") for item in items},
                           errors=stash.errors if stash else {}, typed=stash.extra.get("typed", {}) if stash else {},
                           language_name=CONTENT_LANGUAGES.get(language, language),
                           direction="rtl" if language in RTL_LANGUAGES else "ltr", max_length=TITLE_MAX_LENGTH)
