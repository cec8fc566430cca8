"""What respondents see (public, token-checked): a survey's public link /s/<token>, its kiosk
mode and thanks page, and personal links /i/<token>. The organisers' screens are routes.py."""
from __future__ import annotations


from flask import abort, current_app, flash, make_response, redirect, render_template, request, url_for

from ..access import public
from ..i18n import _, current_language
from ..refused_forms import refuse, refused
from . import bp
from .answering import (draft_answers, field_name, new_submission_token, parse_answers, save_draft, submit_response,
                        survey_by_token, survey_link)
from .forms import RespondForm
from .models import Invitation, Survey
from .services import SurveyError


def _private(response):
    """Respondent pages are never cached: the back button on a kiosk shows no earlier answers."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _message(survey: Survey, title: str, text: str, status: int = 200, kiosk_token: str | None = None):
    return _private((render_template("surveys/respond/message.html", survey=survey, title=title, text=text,
                                     kiosk_token=kiosk_token), status))


def questions_html(survey: Survey, raw: dict[int, list[str]], errors: dict) -> list:
    return [(q, q.kind.render(q, field_name(q), raw.get(q.id, []), errors.get(q.id))) for q in survey.questions]


def _answer_page(survey: Survey, mode: str, invitation: Invitation | None = None):
    """Show and take in the answer form: mode is "public", "kiosk" or "invitation"."""
    if survey.is_draft:
        return _message(survey, _("Not open yet"), _("This survey is not open yet. Please try again later."), 404)
    if not survey.is_open:
        return _message(survey, _("Survey closed"),
                        _("This survey is closed: answers can no longer be given. Thank you for your interest."), 410)
    if invitation is not None and invitation.completed:
        return _message(survey, _("Already answered"),
                        _("This personal link has already been used to answer. Thank you!"))
    form = RespondForm()
    raw, errors, name = {}, {}, ""
    if request.method == "POST":
        if not form.validate_on_submit() and "csrf_token" in form.errors:
            abort(400)
        # The name as typed: parse_answers checks it (a refused character is its error, the text stays).
        parsed = parse_answers(survey, request.form.getlist, request.form.get("name", ""))
        raw, errors, name = parsed.raw, parsed.errors, parsed.name
        if "name" in errors:
            name = request.form.get("name", "")  # shown again as typed
        if invitation is not None and (request.form.get("action") == "save" or parsed.errors):
            save_draft(invitation, parsed)
            if request.form.get("action") == "save":
                flash(_("Your answers are saved. Open the same link later to continue."), "success")
                return redirect(request.path)
        if parsed.errors:
            # Post/redirect/get (webapp/refused_forms.py): going back never asks to send again.
            return _private(refuse())
        else:
            try:
                submit_response(survey, parsed, form.submission_token.data, current_language(), invitation)
            except SurveyError as error:
                return _message(survey, _("Not sent"), str(error), 409)
            if mode == "kiosk":
                return redirect(url_for("surveys.kiosk", token=survey.public_token, sent=1))
            return redirect(url_for("surveys.thanks", token=survey.public_token))
    elif (stash := refused()) is not None:
        # The answers as posted, checked again: the same errors as the refused POST had.
        typed = stash.formdata
        parsed = parse_answers(survey, typed.getlist, typed.get("name", ""))
        raw, errors = parsed.raw, parsed.errors
        name = typed.get("name", "") if "name" in errors else parsed.name
        form.submission_token.data = typed.get("submission_token") or new_submission_token()
    else:
        form.submission_token.data = new_submission_token()
        if invitation is not None:
            raw, name = draft_answers(invitation)
    form.name.data = name
    page = render_template("surveys/respond/form.html", survey=survey, form=form, mode=mode, invitation=invitation,
                           questions=questions_html(survey, raw, errors), errors=errors,
                           sent=mode == "kiosk" and request.method == "GET" and request.args.get("sent") == "1",
                           kiosk_idle_seconds=current_app.config.get("KIOSK_IDLE_SECONDS", 180))
    return _private(page)


def _public_survey(token: str) -> Survey:
    """A survey with a public link; a feedback round has none (its members use personal links)."""
    survey = survey_by_token(token)
    if survey is None or survey.purpose != "survey":
        abort(404)
    return survey


@bp.route("/s/<token>", methods=["GET", "POST"])
@public  # the token in the URL is the key; survey_by_token refuses unknown ones
def respond(token: str):
    return _answer_page(_public_survey(token), "public")


@bp.route("/s/<token>/kiosk", methods=["GET", "POST"])
@public
def kiosk(token: str):
    return _answer_page(_public_survey(token), "kiosk")


@bp.get("/s/<token>/thanks")
@public
def thanks(token: str):
    survey = _public_survey(token)
    return _message(survey, _("Thank you!"), _("Your answers have been received."))


@bp.route("/i/<token>", methods=["GET", "POST"])
@public
def invitation(token: str):
    # Unknown, revoked and expired links (and feedback links, which open only at /f/<token>)
    # get the same "not found" page: it says nothing about the survey.
    invitation = survey_link(token)
    if invitation is None:  # the respondents' layout, no staff navigation, no survey title
        return _private((render_template("surveys/respond/invalid.html", survey=None), 404))
    return _answer_page(invitation.survey, "invitation", invitation)
