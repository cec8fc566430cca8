"""Report screens: texts, chapters, recommendations with evidence, boxes, translations, sources.
Builds, versions, the preflight and publishing: version_routes.py; figures: figure_routes.py."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..access import ADMIN, AUTHOR, roles_required
from ..activities.types import ACTIVITY_TYPES, type_names
from ..db_types import utcnow
from ..extensions import db
from ..findings.attribution import resolve
from ..findings.models import ATTRIBUTIONS, FINDING_KINDS, Finding
from ..findings.services import set_print_choices
from ..forms import BaseForm
from ..i18n import _, localized
from ..i18n import CONTENT_LANGUAGES
from ..organisations.models import Organisation
from ..organisations.stakeholder_types import STAKEHOLDER_TYPES
from ..reference.models import GoodExample
from ..refused_forms import refuse, refused, refill
from ..surveys.models import SURVEY_STATUSES
from ..surveys.models import Survey
from ..themes.models import Theme
from . import bp
from .arranging import box_place, box_places, delete_recommendation, move_recommendation, save_box
from .attribution import may_quote as is_quotable
from .evidence import EvidenceFilters, evidence_candidates, evidence_summary, update_evidence
from .forms import (BoxForm, BuildForm, ChapterAddForm, ChapterForm, EvidenceForm, NewReportForm, RecommendationForm,
                    ReportForm, SourceForm)
from .models import EMBLEMS, Recommendation, Report, ReportBox, ReportChapter, ReportVersion, Source
from .survey_results import chapter_survey_choices, set_chapter_surveys
from .texts import ReportError
from .translations import (TRANSLATION_MAX_LENGTH, missing_register_names, missing_translations,
                           review_comment_findings, save_translation, translation_queue, untranslated_findings,
                           untranslated_review_comments)

#: Who writes reports: the authors, and the administrator who stands in for them.
REPORT_ROLES = (ADMIN, AUTHOR)


def _touch(report: Report) -> None:
    report.updated_at = utcnow()


@bp.get("/")
@roles_required(*REPORT_ROLES)
def list_reports():
    reports = db.session.scalars(select(Report).order_by(Report.id)).all()
    return render_template("reports/list.html", reports=reports, form=NewReportForm())


@bp.post("/new")
@roles_required(*REPORT_ROLES)
def new_report():
    form = NewReportForm()
    if not form.validate_on_submit():
        abort(400)
    report = Report(title_nl=form.title_nl.data or "", title_en=form.title_en.data or "")
    db.session.add(report)
    db.session.commit()
    return redirect(url_for("reports.show", report_id=report.id))


@bp.get("/<int:report_id>")
@roles_required(*REPORT_ROLES)
def show(report_id: int):
    # The missing-translation check reads every chapter's texts: loaded up front, not per chapter.
    chapters = selectinload(Report.chapters)
    report = db.session.scalar(select(Report).where(Report.id == report_id).options(
        chapters.selectinload(ReportChapter.theme), chapters.selectinload(ReportChapter.recommendations),
        chapters.selectinload(ReportChapter.good_examples),
        chapters.selectinload(ReportChapter.surveys).selectinload(Survey.questions))) or abort(404)
    used = {c.theme_id for c in report.chapters}
    add_form = ChapterAddForm()
    add_form.theme_id.choices = [(t.id, localized(t, "label")) for t in db.session.scalars(
        select(Theme).where(Theme.theme_group == "recommendation", Theme.parent_id.is_(None),
                            Theme.archived.is_(False)).order_by(Theme.position)) if t.id not in used]
    build_form = BuildForm()
    build_form.language.choices = [("nl", _("Dutch")), ("en", _("English"))]
    missing = {language: missing_translations(report, language) for language in ("nl", "en")}
    versions = db.session.scalars(select(ReportVersion).where(ReportVersion.report_id == report.id)
                                  .order_by(ReportVersion.id.desc())).all()
    counts = evidence_summary([r.id for c in report.chapters for r in c.recommendations])
    untranslated = {language: len(untranslated_findings(report, language)) for language in ("nl", "en")}
    untranslated_comments = {language: len(untranslated_review_comments(report, language)) for language in ("nl", "en")}
    register = {language: missing_register_names(language) for language in ("nl", "en")}
    return render_template("reports/show.html", report=report, add_form=add_form, build_form=build_form,
                           missing=missing, versions=versions, counts=counts, untranslated=untranslated,
                           untranslated_comments=untranslated_comments,
                           register=register, publish_form=BaseForm())


@bp.route("/<int:report_id>/edit", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def edit(report_id: int):
    report = db.session.get(Report, report_id) or abort(404)
    form = ReportForm(obj=report)
    form.emblem.choices = [("", _("No emblem")), *((key, str(emblem["label"])) for key, emblem in EMBLEMS.items())]
    if not form.is_submitted():
        form.emblem.data = report.emblem or ""
    if form.validate_on_submit():
        form.populate_obj(report)
        report.emblem = form.emblem.data or None  # one of our own files (models.EMBLEMS), or none
        _touch(report)
        db.session.commit()
        flash(_("Report saved."), "success")
        return redirect(url_for("reports.show", report_id=report.id))
    if form.errors:
        return refuse(form)
    return render_template("reports/edit.html", form=refill(form), report=report)


@bp.post("/<int:report_id>/chapters")
@roles_required(*REPORT_ROLES)
def add_chapter(report_id: int):
    report = db.session.get(Report, report_id) or abort(404)
    form = ChapterAddForm()
    form.theme_id.choices = [(t.id, "") for t in db.session.scalars(
        select(Theme).where(Theme.theme_group == "recommendation", Theme.parent_id.is_(None)))]
    if not form.validate_on_submit() or form.theme_id.data in {c.theme_id for c in report.chapters}:
        abort(400)
    chapter = ReportChapter(theme_id=form.theme_id.data, position=len(report.chapters))
    report.chapters.append(chapter)
    _touch(report)
    db.session.commit()
    return redirect(url_for("reports.chapter", chapter_id=chapter.id))


@bp.route("/chapters/<int:chapter_id>", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def chapter(chapter_id: int):
    chapter = db.session.get(ReportChapter, chapter_id) or abort(404)
    form = ChapterForm(obj=chapter)
    examples = db.session.scalars(select(GoodExample).order_by(GoodExample.title_en)).all()
    form.good_example_ids.choices = [(e.id, e.title_nl or e.title_en) for e in examples]
    surveys = chapter_survey_choices()
    form.survey_ids.choices = [(s.id, f"{localized(s, 'title')} ({SURVEY_STATUSES[s.status]})")
                               for s in surveys]
    if not form.is_submitted():
        form.good_example_ids.data = [e.id for e in chapter.good_examples]
        form.survey_ids.data = [s.id for s in chapter.surveys]
    if form.validate_on_submit():
        chapter.intro_nl, chapter.intro_en = form.intro_nl.data or "", form.intro_en.data or ""
        chosen = set(form.good_example_ids.data or ())
        chapter.good_examples = [e for e in examples if e.id in chosen]
        set_chapter_surveys(chapter, set(form.survey_ids.data or ()))
        _touch(chapter.report)
        db.session.commit()
        flash(_("Chapter saved."), "success")
        return redirect(url_for("reports.chapter", chapter_id=chapter.id))
    counts = evidence_summary([r.id for r in chapter.recommendations])
    if form.errors:
        return refuse(form)
    return render_template("reports/chapter.html", chapter=chapter, form=refill(form), counts=counts,
                           new_form=refill(RecommendationForm(formdata=None)))


@bp.post("/chapters/<int:chapter_id>/recommendations")
@roles_required(*REPORT_ROLES)
def add_recommendation(chapter_id: int):
    chapter = db.session.get(ReportChapter, chapter_id) or abort(404)
    form = RecommendationForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return refuse(form, to=url_for("reports.chapter", chapter_id=chapter.id))  # shown in the "new" box
    recommendation = Recommendation(title_nl=form.title_nl.data or "", title_en=form.title_en.data or "",
                                    body_nl=form.body_nl.data or "", body_en=form.body_en.data or "",
                                    position=len(chapter.recommendations))
    chapter.recommendations.append(recommendation)
    _touch(chapter.report)
    db.session.commit()
    return redirect(url_for("reports.recommendation", recommendation_id=recommendation.id))


@bp.route("/recommendations/<int:recommendation_id>", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def recommendation(recommendation_id: int):
    recommendation = db.session.get(Recommendation, recommendation_id) or abort(404)
    form = RecommendationForm(obj=recommendation)
    if form.validate_on_submit():
        form.populate_obj(recommendation)
        _touch(recommendation.chapter.report)
        db.session.commit()
        flash(_("Recommendation saved."), "success")
        return redirect(url_for("reports.recommendation", recommendation_id=recommendation.id))
    linked = {link.finding_id: link for link in recommendation.evidence}
    summary = evidence_summary([recommendation.id])[recommendation.id]
    filters, page = _picker_filters(recommendation)
    candidates = evidence_candidates(recommendation, filters, page)
    linked_findings = db.session.scalars(select(Finding).where(Finding.id.in_(linked)).options(
        selectinload(Finding.activity), selectinload(Finding.organisation), selectinload(Finding.contributor))
        .order_by(Finding.id)).all()
    if form.errors:
        return refuse(form)
    return render_template("reports/recommendation.html", recommendation=recommendation, form=refill(form),
                           evidence_form=EvidenceForm(), candidates=candidates, linked=linked,
                           linked_findings=linked_findings, summary=summary, filters=filters,
                           choices=_picker_choices(), is_quotable=is_quotable, printed_as=resolve,
                           attributions=ATTRIBUTIONS)


def _picker_filters(recommendation: Recommendation) -> tuple[EvidenceFilters, int]:
    """The picker's filters from the query string; the chapter's theme until the author picks another."""
    args = request.args

    def number(name):
        value = args.get(name, "")
        return int(value) if value.isdigit() else None

    theme = args.get("theme")
    filters = EvidenceFilters(
        theme_id=recommendation.chapter.theme_id if theme is None else number("theme"),
        kind=args.get("kind") if args.get("kind") in FINDING_KINDS else None,
        activity_type=args.get("activity_type") if args.get("activity_type") in ACTIVITY_TYPES else None,
        stakeholder_type=args.get("stakeholder_type") if args.get("stakeholder_type") in STAKEHOLDER_TYPES else None,
        organisation_id=number("organisation"),
        language=args.get("language") if args.get("language") in CONTENT_LANGUAGES else None)
    return filters, number("page") or 1


def _picker_choices() -> dict:
    return {
        "themes": db.session.scalars(select(Theme).where(Theme.archived.is_(False))
                                     .order_by(Theme.theme_group, Theme.position)).all(),
        "kinds": FINDING_KINDS, "activity_types": type_names(), "stakeholder_types": STAKEHOLDER_TYPES,
        "organisations": db.session.scalars(select(Organisation).order_by(Organisation.name)).all(),
        "languages": CONTENT_LANGUAGES,
    }


@bp.post("/recommendations/<int:recommendation_id>/move")
@roles_required(*REPORT_ROLES)
def move(recommendation_id: int):
    recommendation = db.session.get(Recommendation, recommendation_id) or abort(404)
    if not BaseForm().validate_on_submit():
        abort(400)
    move_recommendation(recommendation, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("reports.chapter", chapter_id=recommendation.chapter_id))


@bp.post("/recommendations/<int:recommendation_id>/delete")
@roles_required(*REPORT_ROLES)
def delete(recommendation_id: int):
    recommendation = db.session.get(Recommendation, recommendation_id) or abort(404)
    if not BaseForm().validate_on_submit():
        abort(400)
    chapter_id = recommendation.chapter_id
    try:
        delete_recommendation(recommendation)
    except ReportError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("Recommendation deleted."), "success")
    return redirect(url_for("reports.chapter", chapter_id=chapter_id))


@bp.post("/recommendations/<int:recommendation_id>/evidence")
@roles_required(*REPORT_ROLES)
def save_evidence(recommendation_id: int):
    recommendation = db.session.get(Recommendation, recommendation_id) or abort(404)
    if not EvidenceForm().validate_on_submit():
        abort(400)
    finding_ids = {int(v) for v in request.form.getlist("finding") if v.isdigit()}
    quoted_ids = {int(v) for v in request.form.getlist("quote") if v.isdigit()} & finding_ids
    # The rows the author saw: unticked ones among them are unlinked, links on other pages stay.
    shown = {int(v) for v in request.form.getlist("shown") if v.isdigit()}
    if not shown:
        shown = {link.finding_id for link in recommendation.evidence} | finding_ids
    # How each shown finding may be printed (verbatim, attribution), set beside its link.
    verbatim_ids = {int(v) for v in request.form.getlist("verbatim") if v.isdigit()}
    for finding in db.session.scalars(select(Finding).where(Finding.id.in_(shown))):
        wish = request.form.get(f"attribution_{finding.id}")
        if wish in ATTRIBUTIONS:
            set_print_choices(finding, finding.id in verbatim_ids, wish)
    refused = update_evidence(recommendation, shown, finding_ids, quoted_ids)
    flash(_("Supporting findings saved."), "success")
    if refused:
        flash(_("Already quoted under another recommendation, so not quoted again: %(ids)s",
                ids=", ".join(f"#{i}" for i in refused)), "error")
    back = request.form.get("back", "")
    query = back if back.startswith("?") and "//" not in back else ""
    return redirect(url_for("reports.recommendation", recommendation_id=recommendation.id) + query)


@bp.route("/<int:report_id>/translations/<language>", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def translations(report_id: int, language: str):
    """Translate the findings a build prints: original left, translation right, most needed first."""
    report = db.session.get(Report, report_id) or abort(404)
    if language not in ("nl", "en"):
        abort(404)
    errors: dict[int, str] = {}
    typed: dict[int, str] = {}
    if request.method == "POST":
        if not EvidenceForm().validate_on_submit():
            abort(400)
        finding_id = request.form.get("finding_id", "")
        finding = db.session.get(Finding, int(finding_id)) if finding_id.isdigit() else None
        if finding is None:
            abort(404)
        text = request.form.get("text", "")
        try:
            save_translation(finding, language, text, request.form.get("checked") == "y")
        except ReportError as error:
            return refuse(errors={finding.id: str(error)}, typed={finding.id: text})
        else:
            flash(_("Translation saved."), "success")
            return redirect(url_for("reports.translations", report_id=report.id, language=language,
                                    page=request.args.get("page", 1)) + f"#finding-{finding.id}")
    elif stash := refused():
        errors = {int(k): v for k, v in stash.errors.items()}
        typed = {int(k): v for k, v in stash.extra.get("typed", {}).items()}
    queue = translation_queue(report, language)
    comment_ids = {f.id for f in review_comment_findings(report, language)}
    left = sum(1 for f in queue if not f.translation_in(language))
    page = max(1, int(request.args.get("page", "1")) if request.args.get("page", "1").isdigit() else 1)
    per_page = 20
    pages = max(1, -(-len(queue) // per_page))
    page = min(page, pages)
    shown = queue[(page - 1) * per_page:page * per_page]
    return render_template("reports/translations.html", report=report, language=language, findings=shown,
                           left=left, total=len(queue), page=page, pages=pages, form=EvidenceForm(),
                           errors=errors, typed=typed, max_length=TRANSLATION_MAX_LENGTH,
                           comment_ids=comment_ids)


# ---------------------------------------------------------------- numbered boxes

@bp.route("/<int:report_id>/boxes/new", methods=["GET", "POST"], defaults={"box_id": None})
@bp.route("/<int:report_id>/boxes/<int:box_id>", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def box_form(report_id: int, box_id: int | None):
    report = db.session.get(Report, report_id) or abort(404)
    box = db.session.get(ReportBox, box_id) if box_id else None
    if box_id and (box is None or box.report_id != report.id):
        abort(404)
    form = BoxForm(obj=box)
    form.place.choices = box_places(report)
    if box is not None and not form.is_submitted():
        form.place.data = box_place(box)
        form.unnumbered.data = not box.numbered
    if form.validate_on_submit():
        try:
            save_box(report, box, form.place.data, form.position.data or 0,
                     {name: getattr(form, name).data for name in ("title_nl", "title_en", "body_nl", "body_en")},
                     numbered=not form.unnumbered.data)
        except ReportError as error:
            db.session.rollback()
            form.place.errors.append(str(error))
        else:
            flash(_("Box saved."), "success")
            return redirect(url_for("reports.show", report_id=report.id, _anchor="boxes"))
    if form.errors:
        return refuse(form)
    return render_template("reports/box_form.html", form=refill(form), report=report, box=box)


@bp.post("/<int:report_id>/boxes/<int:box_id>/delete")
@roles_required(*REPORT_ROLES)
def delete_box(report_id: int, box_id: int):
    box = db.session.get(ReportBox, box_id) or abort(404)
    if box.report_id != report_id or not EvidenceForm().validate_on_submit():
        abort(400)
    db.session.delete(box)
    _touch(box.report)
    db.session.commit()
    flash(_("Box deleted."), "success")
    return redirect(url_for("reports.show", report_id=report_id, _anchor="boxes"))


# ---------------------------------------------------------------- sources register

@bp.get("/sources")
@roles_required(*REPORT_ROLES)
def sources():
    items = db.session.scalars(select(Source).order_by(Source.key)).all()
    return render_template("reports/sources.html", sources=items)


@bp.route("/sources/new", methods=["GET", "POST"], defaults={"source_id": None})
@bp.route("/sources/<int:source_id>", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def source_form(source_id: int | None):
    source = db.session.get(Source, source_id) if source_id else None
    if source_id and source is None:
        abort(404)
    form = SourceForm(obj=source)
    if form.validate_on_submit():
        clash = db.session.scalar(select(Source).where(Source.key == form.key.data))
        if clash is not None and clash is not source:
            form.key.errors.append(_("Another source already has this key."))
        else:
            source = source or Source()
            form.populate_obj(source)
            db.session.add(source)
            db.session.commit()
            flash(_("Source saved."), "success")
            return redirect(url_for("reports.sources"))
    if form.errors:
        return refuse(form)
    return render_template("reports/source_form.html", form=refill(form), source=source)
