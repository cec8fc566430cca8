"""Staff screens of feedback rounds: /feedback/... (facilitators, authors, admins)."""
from __future__ import annotations

import io

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..access import STAFF, roles_required
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..forms import ActionForm
from ..i18n import _
from ..mail.preview import preview_or_queue
from ..mail.services import latest_messages, mail_language, render_message
from ..refused_forms import refuse, refill
from ..surveys.answering import response_counts
from ..surveys.models import Invitation, Question, Survey
from ..surveys.services import SurveyError, close_survey, delete_question, open_survey
from . import bp
from .forms import InviteForm, PromptForm, RoundForm, TranslationForm
from .services import (FEEDBACK, RoundInput, add_prompt, board_sessions, counts_by_status, feedback_rounds,
                       invite_members, link_status, new_members, response_count, revoke_link, round_contributions,
                       mail_recipients, member_mail_context, queue_member_mail, round_links, save_round,
                       set_translation)


def _round(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None or survey.purpose != FEEDBACK:
        abort(404)
    return survey


def _member_url(invitation: Invitation) -> str:
    return url_for("feedback.member", token=invitation.token, _external=True)


@bp.get("/feedback/")
@roles_required(*STAFF)
def list_rounds():
    rounds = feedback_rounds()
    return render_template("feedback/manage/list.html", rounds=rounds,
                           responses=response_counts(r.id for r in rounds))


def _round_form_page(survey: Survey | None):
    form = RoundForm(obj=survey, sessions=board_sessions())
    if survey is None and not form.is_submitted():
        form.activity_id.data = request.args.get("activity", type=int)
    if survey is not None and not form.is_submitted():
        arabic = (survey.extra_texts or {}).get("ar") or {}
        form.title_ar.data, form.intro_ar.data = arabic.get("title", ""), arabic.get("intro", "")
    if form.validate_on_submit():
        data = RoundInput(activity_id=form.activity_id.data, title_nl=form.title_nl.data or "",
                          title_en=form.title_en.data or "", intro_nl=form.intro_nl.data or "",
                          intro_en=form.intro_en.data or "",
                          extra={"ar": {"title": form.title_ar.data or "", "intro": form.intro_ar.data or ""}})
        try:
            survey = save_round(survey, data, current_user)
        except SurveyError as error:
            db.session.rollback()
            getattr(form, error.field or "title_nl").errors.append(str(error))
        else:
            flash(_("Feedback round saved."), "success")
            return redirect(url_for("feedback.show", survey_id=survey.id))
    if form.errors:
        return refuse(form)
    return render_template("feedback/manage/round_form.html", form=refill(form), survey=survey)


@bp.route("/feedback/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    return _round_form_page(None)


@bp.route("/feedback/<int:survey_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(survey_id: int):
    return _round_form_page(_round(survey_id))


@bp.get("/feedback/<int:survey_id>")
@roles_required(*STAFF)
def show(survey_id: int):
    survey = _round(survey_id)
    members = db.session.scalars(select(Contributor).where(Contributor.kind == "advisory_member")
                                 .order_by(Contributor.pseudonym_number)).all()
    links = round_links(survey)

    return render_template("feedback/manage/show.html", survey=survey, links=links, link_status=link_status,
                           messages=latest_messages("invitation", [link.id for link in links]),
                           member_url=_member_url, counts=counts_by_status(survey),
                           invite_form=InviteForm(members=members), action_form=ActionForm(),
                           responses=response_count(survey))


@bp.route("/feedback/<int:survey_id>/prompts/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_prompt(survey_id: int):
    survey = _round(survey_id)
    form = PromptForm()
    if form.validate_on_submit():
        extra = {"ar": form.label_ar.data or "", "ti": form.label_ti.data or ""}
        if form.other_language.data:
            extra[form.other_language.data] = form.other_label.data or ""
        try:
            add_prompt(survey, form.label_nl.data or "", form.label_en.data or "", extra)
        except SurveyError as error:
            db.session.rollback()
            getattr(form, error.field or "label_nl").errors.append(str(error))
        else:
            flash(_("Question saved."), "success")
            return redirect(url_for("feedback.show", survey_id=survey.id) + "#prompts")
    if form.errors:
        return refuse(form)
    return render_template("feedback/manage/prompt_form.html", form=refill(form), survey=survey)


def _action(survey: Survey, step, success: str, anchor: str = ""):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        step()
    except SurveyError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(success, "success")
    return redirect(url_for("feedback.show", survey_id=survey.id) + anchor)


@bp.post("/feedback/<int:survey_id>/prompts/<int:question_id>/delete")
@roles_required(*STAFF)
def delete_prompt(survey_id: int, question_id: int):
    survey = _round(survey_id)
    question = db.session.get(Question, question_id)
    if question is None or question.survey_id != survey.id:
        abort(404)
    return _action(survey, lambda: delete_question(question), _("Question deleted."), "#prompts")


@bp.post("/feedback/<int:survey_id>/open")
@roles_required(*STAFF)
def open_round(survey_id: int):
    survey = _round(survey_id)
    return _action(survey, lambda: open_survey(survey), _("The round is open: members can answer."))


@bp.post("/feedback/<int:survey_id>/close")
@roles_required(*STAFF)
def close_round(survey_id: int):
    survey = _round(survey_id)
    return _action(survey, lambda: close_survey(survey),
                   _("The round is closed. Members can still see and withdraw what they sent."))


@bp.post("/feedback/<int:survey_id>/invite")
@roles_required(*STAFF)
def invite(survey_id: int):
    survey = _round(survey_id)
    members = db.session.scalars(select(Contributor).where(Contributor.kind == "advisory_member")).all()
    form = InviteForm(members=members)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("feedback.show", survey_id=survey.id) + "#links")
    chosen = [m for m in members if m.id in set(form.members.data or [])]
    chosen += new_members(form.new_count.data or 0, form.new_language.data)
    if not chosen:
        flash(_("Choose members or add new ones."), "error")
        return redirect(url_for("feedback.show", survey_id=survey.id) + "#links")
    try:
        made = invite_members(survey, chosen, form.days.data)
    except SurveyError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("Personal links ready: %(n)s.", n=len(made)), "success")
    return redirect(url_for("feedback.show", survey_id=survey.id) + "#links")


def _link(survey: Survey, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.survey_id != survey.id:
        abort(404)
    return invitation


@bp.post("/feedback/<int:survey_id>/links/<int:invitation_id>/revoke")
@roles_required(*STAFF)
def revoke(survey_id: int, invitation_id: int):
    survey = _round(survey_id)
    invitation = _link(survey, invitation_id)
    return _action(survey, lambda: revoke_link(invitation), _("The link no longer works."), "#links")


@bp.get("/feedback/<int:survey_id>/links/<int:invitation_id>/qr.svg")
@roles_required(*STAFF)
def qr_code(survey_id: int, invitation_id: int):
    survey = _round(survey_id)
    invitation = _link(survey, invitation_id)
    buffer = io.BytesIO()
    import segno  # loaded where used: keeps the app's start-up fast

    segno.make(_member_url(invitation), error="m").save(
        buffer, kind="svg", scale=6, border=2, title=str(invitation.contributor.pseudonym) if invitation.contributor
        else "")
    response = make_response(buffer.getvalue())
    response.headers["Content-Type"] = "image/svg+xml"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/feedback/<int:survey_id>/links/<int:invitation_id>")
@roles_required(*STAFF)
def show_link(survey_id: int, invitation_id: int):
    """One member's QR code, large, to show on the tablet at the session."""
    survey = _round(survey_id)
    invitation = _link(survey, invitation_id)
    return render_template("feedback/manage/link.html", survey=survey, invitation=invitation,
                           url=_member_url(invitation), status=link_status(invitation))


@bp.get("/feedback/<int:survey_id>/contributions")
@roles_required(*STAFF)
def contributions(survey_id: int):
    survey = _round(survey_id)
    rows = round_contributions(survey)
    forms = {row.finding.id: refill(_translation_form(row.finding)) for row in rows if row.finding is not None}
    return render_template("feedback/manage/contributions.html", survey=survey, rows=rows, forms=forms)


def _translation_form(finding: Finding) -> TranslationForm:
    """The form shows the translation changed last (into Dutch when there is none yet)."""
    latest = finding.latest_translation
    return TranslationForm(prefix=f"f{finding.id}", data={
        "translation": latest.text if latest else "", "translation_language": latest.language if latest else "nl"})


@bp.post("/feedback/<int:survey_id>/findings/<int:finding_id>/translation")
@roles_required(*STAFF)
def translate(survey_id: int, finding_id: int):
    survey = _round(survey_id)
    finding = db.session.get(Finding, finding_id)
    if finding is None or finding.activity_id != survey.activity_id:
        abort(404)
    form = TranslationForm(prefix=f"f{finding.id}")
    back = url_for("feedback.contributions", survey_id=survey.id) + f"#finding-{finding.id}"
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return refuse(form, to=back)  # the translation as typed comes back in its own box
    try:
        set_translation(finding, form.translation.data or "", form.translation_language.data)
    except SurveyError as error:
        flash(str(error), "error")
        return refuse(form, to=back)
    flash(_("Translation saved."), "success")
    return redirect(back)


@bp.route("/feedback/<int:survey_id>/mail/<kind>", methods=["GET", "POST"])
@roles_required(*STAFF)
def mail_preview(survey_id: int, kind: str):
    """Who gets the invitation or reminder, and the message itself, before anything is queued."""
    survey = _round(survey_id)
    if kind not in ("invitation", "reminder"):
        abort(404)
    reminder = kind == "reminder"

    def sample(first) -> dict:
        language = mail_language(first.contributor.language)
        subject, text, _html = render_message("feedback_invitation", language, **member_mail_context(
            survey, first, language, reminder, _member_url(first)))
        return {"subject": subject, "text": text, "language": language, "to": first.contributor.pseudonym}

    return preview_or_queue("feedback/manage/mail_preview.html", mail_recipients(survey, reminder),
                            queue=lambda recipients: queue_member_mail(survey, recipients, reminder, _member_url),
                            back_url=url_for("feedback.show", survey_id=survey.id) + "#links", sample=sample,
                            survey=survey, reminder=reminder)
