"""The organisers' screens of surveys (staff): build, open and close, personal links and their
mail, results and exports. What respondents see is respond.py."""
from __future__ import annotations

import io
from datetime import timedelta

from flask import abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale, format_date
from flask_login import current_user, logout_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..access import STAFF, roles_required
from ..activities.models import Activity
from ..audit.downloads import export_kind
from ..db_types import utcnow
from ..extensions import db
from ..findings.services import FindingError
from ..i18n import LANGUAGES, _, current_language, localized
from ..jobs import exports
from ..mail.preview import preview_or_queue
from ..mail.services import latest_messages, render_message
from ..refused_forms import refuse, refill
from ..themes.models import Theme
from . import bp
from .answering import response_counts, revoke_invitation, set_invitation_expiry
from .exports import export_responses, responses_count, responses_csv, responses_xlsx
from .forms import (ActionForm, FindingForm, InvitationExpiryForm, InvitationsForm, QuestionForm, RespondForm,
                    SurveyForm)
from .mailing import invitation_mail_context, mail_recipients, queue_invitation_mail
from .models import Invitation, Question, Response, SURVEY_STATUSES, Survey
from .respond import questions_html
from .results import TEXTS_PER_PAGE, answer_to_finding, summarise_survey, text_answer
from .services import (LOCAL_TIMEZONE, QuestionInput, SurveyError, SurveyInput, close_survey, create_invitations,
                       delete_question, format_options, move_question, open_survey, save_question, save_survey)


def _survey(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.purpose != "survey":  # feedback rounds are managed at /feedback/
        abort(404)
    return survey


@bp.get("/surveys/")
@roles_required(*STAFF)
def list_surveys():
    surveys = db.session.scalars(select(Survey).where(Survey.purpose == "survey")
                                 .options(selectinload(Survey.activity))
                                 .order_by(Survey.created_at.desc(), Survey.id.desc())).all()
    counts = response_counts(s.id for s in surveys)
    return render_template("surveys/manage/list.html", surveys=surveys, counts=counts)


def _survey_form_page(survey: Survey | None):
    activities = db.session.scalars(select(Activity).order_by(Activity.starts_on.desc().nullslast(),
                                                              Activity.title)).all()
    form = SurveyForm(obj=survey, activities=activities)
    if form.validate_on_submit():
        data = SurveyInput(title_nl=form.title_nl.data or "", title_en=form.title_en.data or "",
                           intro_nl=form.intro_nl.data or "", intro_en=form.intro_en.data or "",
                           activity_id=form.activity_id.data, ask_name=form.ask_name.data)
        try:
            survey = save_survey(survey, data, current_user)
        except SurveyError as error:
            db.session.rollback()
            getattr(form, error.field or "title_nl").errors.append(str(error))
        else:
            flash(_("Survey saved."), "success")
            return redirect(url_for("surveys.show", survey_id=survey.id))
    if form.errors:
        return refuse(form)
    return render_template("surveys/manage/survey_form.html", form=refill(form), survey=survey)


@bp.route("/surveys/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    return _survey_form_page(None)


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(survey_id: int):
    return _survey_form_page(_survey(survey_id))


@bp.get("/surveys/<int:survey_id>")
@roles_required(*STAFF)
def show(survey_id: int):
    survey = _survey(survey_id)
    responses = db.session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey.id))
    invitations = db.session.execute(
        select(Invitation.completed, func.count()).where(Invitation.survey_id == survey.id)
        .group_by(Invitation.completed)).all()
    return render_template("surveys/manage/show.html", survey=survey, responses=responses,
                           invitations=dict(invitations), action_form=ActionForm(),
                           public_url=url_for("surveys.respond", token=survey.public_token, _external=True))


def _question_form_page(survey: Survey, question: Question | None):
    form = QuestionForm(obj=question)
    if question is not None and not form.is_submitted():
        form.options_text.data = format_options(question.options) if question.kind.has_options else ""
    if form.validate_on_submit():
        data = QuestionInput(type=form.type.data, label_nl=form.label_nl.data or "", label_en=form.label_en.data or "",
                             help_nl=form.help_nl.data or "", help_en=form.help_en.data or "",
                             required=form.required.data, options_text=form.options_text.data or "",
                             min_value=form.min_value.data, max_value=form.max_value.data)
        try:
            save_question(survey, question, data)
        except SurveyError as error:
            db.session.rollback()
            getattr(form, error.field or "label_nl").errors.append(str(error))
        else:
            flash(_("Question saved."), "success")
            return redirect(url_for("surveys.show", survey_id=survey.id) + "#questions")
    if form.errors:
        return refuse(form)
    return render_template("surveys/manage/question_form.html", form=refill(form), survey=survey,
                           question=question)


@bp.route("/surveys/<int:survey_id>/questions/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_question(survey_id: int):
    survey = _survey(survey_id)
    if not survey.is_draft:
        flash(_("Questions can only be changed while the survey is a draft."), "error")
        return redirect(url_for("surveys.show", survey_id=survey.id))
    return _question_form_page(survey, None)


def _question(survey: Survey, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    return question


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_question(survey_id: int, question_id: int):
    survey = _survey(survey_id)
    if not survey.is_draft:
        flash(_("Questions can only be changed while the survey is a draft."), "error")
        return redirect(url_for("surveys.show", survey_id=survey.id))
    return _question_form_page(survey, _question(survey, question_id))


def _action(survey: Survey, step, success: str, anchor: str = ""):
    """Run a state-changing step behind a POST button; flash its outcome."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        step()
    except SurveyError as error:
        flash(str(error), "error")
    else:
        flash(success, "success")
    return redirect(url_for("surveys.show", survey_id=survey.id) + anchor)


@bp.post("/surveys/<int:survey_id>/questions/<int:question_id>/delete")
@roles_required(*STAFF)
def delete_question_view(survey_id: int, question_id: int):
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    return _action(survey, lambda: delete_question(question), _("Question deleted."), "#questions")


@bp.post("/surveys/<int:survey_id>/questions/<int:question_id>/move")
@roles_required(*STAFF)
def move_question_view(survey_id: int, question_id: int):
    survey = _survey(survey_id)
    question = _question(survey, question_id)
    step = -1 if request.form.get("direction") == "up" else 1
    return _action(survey, lambda: move_question(question, step), _("Order changed."), "#questions")


@bp.post("/surveys/<int:survey_id>/open")
@roles_required(*STAFF)
def open_view(survey_id: int):
    survey = _survey(survey_id)
    return _action(survey, lambda: open_survey(survey), _("The survey is open: answers can come in."))


@bp.post("/surveys/<int:survey_id>/close")
@roles_required(*STAFF)
def close_view(survey_id: int):
    survey = _survey(survey_id)
    return _action(survey, lambda: close_survey(survey), _("The survey is closed: no more answers are accepted."))


@bp.post("/surveys/<int:survey_id>/kiosk")
@roles_required(*STAFF)
def start_kiosk(survey_id: int):
    """Hand the tablet round: log out first, so respondents cannot reach staff pages."""
    survey = _survey(survey_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not survey.is_open:
        flash(_("Open the survey first."), "error")
        return redirect(url_for("surveys.show", survey_id=survey.id))
    language = current_language()
    logout_user()
    from flask import session

    session["lang"] = language
    return redirect(url_for("surveys.kiosk", token=survey.public_token))


@bp.get("/surveys/<int:survey_id>/preview/<language>")
@roles_required(*STAFF)
def preview(survey_id: int, language: str):
    survey = _survey(survey_id)
    if language not in LANGUAGES:
        abort(404)
    with force_locale(language):
        form = RespondForm()
        page = render_template("surveys/respond/form.html", survey=survey, form=form, mode="preview",
                               preview_language=language, questions=questions_html(survey, {}, {}), errors={},
                               invitation=None, sent=False)
    return page


@bp.get("/surveys/<int:survey_id>/qr.svg")
@roles_required(*STAFF)
def qr_code(survey_id: int):
    survey = _survey(survey_id)
    url = url_for("surveys.respond", token=survey.public_token, _external=True)
    buffer = io.BytesIO()
    import segno  # loaded where used: keeps the app's start-up fast

    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2, title=localized(survey, "title"))
    response = make_response(buffer.getvalue())
    response.headers["Content-Type"] = "image/svg+xml"
    return response


@bp.route("/surveys/<int:survey_id>/invitations", methods=["GET", "POST"])
@roles_required(*STAFF)
def invitations(survey_id: int):
    survey = _survey(survey_id)
    form = InvitationsForm()
    if form.validate_on_submit():
        labels = [line for line in form.labels.data.splitlines() if line.strip()][:500]
        made = create_invitations(survey, labels)
        flash(_("%(n)s personal links made.", n=len(made)), "success")
        return redirect(url_for("surveys.invitations", survey_id=survey.id))
    links = db.session.scalars(select(Invitation).where(Invitation.survey_id == survey.id)
                               .order_by(Invitation.id)).all()

    if form.errors:
        return refuse(form)
    return render_template("surveys/manage/invitations.html", survey=survey, form=refill(form), links=links,
                           expiry_form=InvitationExpiryForm(formdata=None), action_form=ActionForm(),
                           now=utcnow(), local_day=_local_day,
                           messages=latest_messages("invitation", [link.id for link in links]),
                           can_mail=any(link.email for link in links))


def _local_day(moment):
    """The last day a link works, for the list: expires_at is midnight after that day."""
    return (moment.astimezone(LOCAL_TIMEZONE) - timedelta(days=1)).date()


def _survey_invitation(survey_id: int, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.survey_id != survey_id or invitation.survey.purpose != "survey":
        abort(404)
    return invitation


@bp.post("/surveys/<int:survey_id>/invitations/<int:invitation_id>/revoke")
@roles_required(*STAFF)
def revoke_invitation_link(survey_id: int, invitation_id: int):
    invitation = _survey_invitation(survey_id, invitation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    revoke_invitation(invitation)
    flash(_("The link no longer works."), "success")
    return redirect(url_for("surveys.invitations", survey_id=survey_id))


@bp.post("/surveys/<int:survey_id>/invitations/<int:invitation_id>/expiry")
@roles_required(*STAFF)
def invitation_expiry(survey_id: int, invitation_id: int):
    invitation = _survey_invitation(survey_id, invitation_id)
    form = InvitationExpiryForm()
    if form.validate_on_submit():
        try:
            set_invitation_expiry(invitation, form.valid_until.data)
        except SurveyError as error:
            flash(str(error), "error")
        else:
            flash(_("The link works until %(day)s.", day=format_date(form.valid_until.data))
                  if form.valid_until.data else _("The link works without an end date."), "success")
    else:
        flash(_("Give a date, or leave it empty for a link without end."), "error")
    return redirect(url_for("surveys.invitations", survey_id=survey_id))


def _invitation_url(invitation: Invitation) -> str:
    return url_for("surveys.invitation", token=invitation.token, _external=True)


@bp.route("/surveys/<int:survey_id>/invitations/mail/<kind>", methods=["GET", "POST"])
@roles_required(*STAFF)
def mail_invitations(survey_id: int, kind: str):
    """Preview, then queue, the invitation or reminder for each personal link with an address."""
    survey = _survey(survey_id)
    if kind not in ("invitation", "reminder"):
        abort(404)
    reminder = kind == "reminder"

    def sample(first) -> dict:
        subject, text, _html = render_message("survey_invitation", first.email_language, **invitation_mail_context(
            survey, first, reminder, _invitation_url(first)))
        return {"subject": subject, "text": text, "language": first.email_language, "to": first.email}

    return preview_or_queue("surveys/manage/mail_preview.html", mail_recipients(survey, reminder),
                            queue=lambda recipients: queue_invitation_mail(survey, recipients, reminder,
                                                                            _invitation_url),
                            back_url=url_for("surveys.invitations", survey_id=survey.id), sample=sample,
                            survey=survey, reminder=reminder)


@bp.get("/surveys/<int:survey_id>/results")
@roles_required(*STAFF)
def results(survey_id: int):
    survey = _survey(survey_id)
    asked_question, asked_page = request.args.get("question", type=int), request.args.get("page", 1, type=int)
    total, summaries = summarise_survey(
        survey, text_page=lambda question_id: asked_page if question_id == asked_question else 1)
    return render_template("surveys/manage/results.html", survey=survey, total=total, summaries=summaries,
                           per_page=TEXTS_PER_PAGE)


@bp.route("/surveys/<int:survey_id>/answers/<int:answer_id>/finding", methods=["GET", "POST"])
@roles_required(*STAFF)
def make_finding(survey_id: int, answer_id: int):
    survey = _survey(survey_id)
    answer = text_answer(survey, answer_id) or abort(404)
    themes = db.session.scalars(select(Theme).where(Theme.archived.is_(False)).order_by(Theme.code)).all()
    form = FindingForm(themes=themes)
    if form.validate_on_submit():
        try:
            answer_to_finding(survey, answer, form.kind.data, form.themes.data or [], current_user)
        except SurveyError as error:
            form.kind.errors.append(str(error))
        except FindingError as error:
            db.session.rollback()
            form.kind.errors.extend(error.errors.values())
        else:
            flash(_("The answer is now a finding of the activity."), "success")
            return redirect(url_for("surveys.results", survey_id=survey.id) + f"#answer-{answer.id}")
    if form.errors:
        return refuse(form)
    return render_template("surveys/manage/finding_form.html", survey=survey, answer=answer, form=refill(form))


@bp.get("/surveys/<int:survey_id>/responses.csv")
@export_kind("survey")
@roles_required(*STAFF)
def export_csv(survey_id: int):
    survey = _survey(survey_id)
    if exports.too_large(responses_count(survey.id)):
        return exports.start(export_responses, survey.id, "csv", current_language(),
                             kind="survey_export", subject=f"survey:{survey.id}")
    response = make_response(responses_csv(survey))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename=survey-{survey.id}-responses.csv"
    return response


@bp.get("/surveys/<int:survey_id>/responses.xlsx")
@export_kind("survey")
@roles_required(*STAFF)
def export_xlsx(survey_id: int):
    survey = _survey(survey_id)
    if exports.too_large(responses_count(survey.id)):
        return exports.start(export_responses, survey.id, "xlsx", current_language(),
                             kind="survey_export", subject=f"survey:{survey.id}")
    return send_file(io.BytesIO(responses_xlsx(survey)), as_attachment=True,
                     download_name=f"survey-{survey.id}-responses.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.app_template_filter("survey_status")
def survey_status_label(code: str) -> str:
    return str(SURVEY_STATUSES.get(code, code))
