"""What an advisory-board member sees: /f/<token>, public and token-checked.

The pages come in Dutch, English and Arabic (right to left). An unknown, expired or revoked
link gets one and the same page, which says nothing about the round. Nothing is stored
before the member agrees on the consent page: the language choice lives in the session.
"""
from __future__ import annotations

from flask import flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import get_locale, refresh
from wtforms import HiddenField

from ..access import public
from ..bad_links import link_not_working
from ..forms import BaseForm
from ..i18n import CONTENT_LANGUAGES, RTL_LANGUAGES, _
from ..reader_texts import language_order
from ..refused_forms import refuse, refused
from ..surveys.answering import field_name, new_submission_token, parse_answers
from ..surveys.links import link_language
from ..surveys.models import MAX_DRAFT_VALUE, Invitation
from ..surveys.services import SurveyError
from . import bp
from .services import (FEEDBACK, MEMBER_LANGUAGES, contact_retention, give_consent, member_contributions,
                       member_draft, member_link, own_page_language, prompt_label, round_text, save_member_draft,
                       submit_feedback, withdraw,
                       written_language)

#: Interface strings the member pages show that are defined elsewhere (the pseudonym, the
#: language names); tests/test_feedback_i18n.py checks these have an Arabic translation too.
SHARED_MEMBER_STRINGS = ("Advisory board member %(number)s", "How we handle your data (privacy statement)",
                         "We delete your name and contact details %(num)s month after the last round you took part "
                         "in has closed.", "Please answer this question.",
                         "Please keep your answer under %(max)s characters.", "Please give your consent first.",
                         "Please write an answer to at least one question.",
                         "You have already sent your answers with this link. Thank you!",
                         "This text holds an invisible control character (%(code)s at position %(position)s) that "
                         "cannot be stored. Remove it, or type the text again instead of pasting it.",
                         *(str(label._args[0]) for label in CONTENT_LANGUAGES.values()))
MEMBER_ENDPOINTS = {"feedback.member", "feedback.member_language", "feedback.member_consent",
                    "feedback.member_withdraw"}


class MemberForm(BaseForm):
    """The CSRF check of every member form; the answers are read by their question types."""

    submission_token = HiddenField()


@bp.before_app_request
def _member_locale() -> None:
    """Member pages may be in Arabic: webapp._select_locale reads g.member_locale."""
    if request.endpoint in MEMBER_ENDPOINTS:
        language = session.get("member_lang")
        if language not in MEMBER_LANGUAGES:  # not chosen on this browser: the member's own, if known
            invitation = member_link((request.view_args or {}).get("token", ""))
            language = own_page_language(invitation.contributor) if invitation else None
        g.member_locale = language or "nl"
        refresh()


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in MEMBER_LANGUAGES else "nl"


def _page(template: str, status: int = 200, **context):
    language = _language()
    response = make_response(render_template(
        template, page_language=language, page_direction="rtl" if language in RTL_LANGUAGES else "ltr",
        member_languages=MEMBER_LANGUAGES, **context), status)
    # Never cached (a shared phone's back button), and the token never leaves in a Referer.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _invalid(token: str):
    """The same page for an unknown, expired, revoked or tampered link, in the member's language."""
    link_not_working(link_language(token, FEEDBACK))


def _message(invitation: Invitation, title: str, text: str, status: int = 200):
    return _page("feedback/member/message.html", status, invitation=invitation, title=title, text=text)


def consent_text(invitation: Invitation) -> list[str]:
    """The consent page's paragraphs; what was shown is stored with the consent."""
    pseudonym = invitation.contributor.pseudonym
    return [
        _("We keep the answers you write here, with the date. We keep them in the language you write in."),
        " ".join(filter(None, (
            _("The project team of the learning network reads your answers. They may add a translation. "
              "Only the administrator of the project can see your name and contact details (phone number or "
              "e-mail address). They are kept separately."),
            contact_retention(invitation.survey.project_id)))),
        _("We may use your words in reports, but only under a pseudonym: \u201c%(pseudonym)s\u201d. "
          "Never with your name.", pseudonym=pseudonym),
        _("You can take back your answers at any time. Open this same link and choose \u201cWithdraw\u201d, "
          "or ask the facilitator. Your answers are then removed from the findings and from new reports."),
        _("Nothing is stored until you choose \u201cI agree\u201d."),
    ]


def _prompts(invitation: Invitation, raw: dict, language: str):
    """Each prompt in the page language, and also in the member's own language when there is one."""
    own = invitation.contributor.language
    prompts = []
    for question in invitation.survey.questions:
        text, text_language = prompt_label(question, language)
        own_text = (question.extra_labels or {}).get(own) if own not in (language, "nl", "en") else None
        prompts.append({"question": question, "name": field_name(question), "text": text, "lang": text_language,
                        "own_text": own_text, "own_lang": own, "value": (raw.get(question.id) or [""])[0]})
    return prompts




@bp.route("/f/<token>", methods=["GET", "POST"])
@public  # the token is the key: member_link refuses unknown, expired and revoked ones
def member(token: str):
    invitation = member_link(token)
    if invitation is None:
        return _invalid(token)
    if "member_lang" not in session and own_page_language(invitation.contributor) is None:
        # The member's language is not one the pages speak: they choose (else the pages open in
        # theirs, with the other languages one tap away in the header).
        return _page("feedback/member/language.html", invitation=invitation, form=MemberForm())
    if invitation.consented_at is None:
        return _page("feedback/member/consent.html", invitation=invitation, form=MemberForm(),
                     paragraphs=consent_text(invitation))
    survey = invitation.survey
    if invitation.completed:
        return _page("feedback/member/contributions.html", invitation=invitation,
                     contributions=member_contributions(invitation), prompt_label=prompt_label,
                     pseudonym=invitation.contributor.pseudonym)
    if survey.is_draft:
        return _message(invitation, _("Not started yet"),
                        _("This feedback round has not started yet. Please try again later."))
    if not survey.is_open:
        return _message(invitation, _("Round closed"), _("This feedback round is closed. Thank you for your interest."))
    language = _language()
    form = MemberForm()
    errors: dict = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            return _message(invitation, _("Not sent"), _("The answers could not be sent. Please try again."), 400)
        parsed = parse_answers(survey, request.form.getlist)
        raw, errors = parsed.raw, dict(parsed.errors)
        chosen = written_language(request.form.get("written_language"), language)
        if request.form.get("action") == "save" or errors:
            save_member_draft(invitation, parsed, chosen)
            if request.form.get("action") == "save":
                flash(_("Saved. Open the same link later to continue."), "success")
                return redirect(url_for("feedback.member", token=token))
        if not errors:
            try:
                submit_feedback(invitation, parsed, form.submission_token.data, language, chosen)
            except SurveyError as error:
                errors["form"] = str(error)
            else:
                flash(_("Thank you! Your answers have been sent."), "success")
                return redirect(url_for("feedback.member", token=token))
        form.submission_token.data = form.submission_token.data or new_submission_token()
        # Post/redirect/get (webapp/refused_forms.py): the messages, what was typed and the
        # submission token are kept for the next GET, once, so going back never asks to send
        # again; the draft (capped at an answer's length) is what a later visit continues from.
        save_member_draft(invitation, parsed, chosen)
        return refuse(errors=errors, to=url_for("feedback.member", token=token),
                      submission_token=form.submission_token.data)
    else:
        raw, chosen, cut = member_draft(invitation, language)
        stash = refused()
        errors = {}
        if stash is not None:
            # Keyed by question id; a note on a value the stash cut comes under its field name ("q12").
            for key, message in stash.errors.items():
                key = int(key.lstrip("q")) if key.lstrip("q").isdigit() else key
                errors[key] = f"{errors[key]} {message}" if key in errors else message
            raw = parse_answers(survey, stash.formdata.getlist).raw
            chosen = written_language(stash.formdata.get("written_language"), language)
        else:
            for question_id, end in cut.items():  # the draft keeps an answer's length at most
                errors[question_id] = _("Only the first %(max)s characters are kept below. What came after "
                                        "“…%(end)s” was not kept.", max=MAX_DRAFT_VALUE, end=end)
        form.submission_token.data = (stash.extra.get("submission_token") if stash else None) or new_submission_token()
    order = language_order(language, *invitation.contributor.language_order)
    title, title_lang = round_text(survey, "title", order)
    intro, intro_lang = round_text(survey, "intro", order)
    return _page("feedback/member/form.html", 200, invitation=invitation, form=form,
                 prompts=_prompts(invitation, raw, language), errors=errors, chosen_language=chosen,
                 languages=CONTENT_LANGUAGES, title=title, title_lang=title_lang, intro=intro, intro_lang=intro_lang)


@bp.post("/f/<token>/language")
@public
def member_language(token: str):
    invitation = member_link(token)
    if invitation is None:
        return _invalid(token)
    language = request.form.get("language")
    if MemberForm().validate_on_submit() and language in MEMBER_LANGUAGES:
        session["member_lang"] = language  # the session cookie only: nothing stored before consent
    return redirect(url_for("feedback.member", token=token))


@bp.post("/f/<token>/consent")
@public
def member_consent(token: str):
    invitation = member_link(token)
    if invitation is None:
        return _invalid(token)
    if not MemberForm().validate_on_submit():
        return redirect(url_for("feedback.member", token=token))
    if request.form.get("answer") != "agree":
        return _message(invitation, _("No problem"),
                        _("Nothing has been stored. If you change your mind, you can open the link again."))
    if invitation.consented_at is None:
        give_consent(invitation, "\n\n".join(consent_text(invitation)))
    return redirect(url_for("feedback.member", token=token))


@bp.route("/f/<token>/withdraw", methods=["GET", "POST"])
@public
def member_withdraw(token: str):
    invitation = member_link(token)
    if invitation is None:
        return _invalid(token)
    if invitation.consented_at is None:
        return redirect(url_for("feedback.member", token=token))
    answer_id = request.values.get("answer", type=int)
    contributions = [c for c in member_contributions(invitation) if answer_id is None or c.answer.id == answer_id]
    if not contributions:
        return redirect(url_for("feedback.member", token=token))
    form = MemberForm()
    if request.method == "POST" and form.validate_on_submit():
        count = withdraw(invitation, answer_id)

        flash(_("Your answers have been withdrawn.") if count > 1 else _("Your answer has been withdrawn."), "success")
        return redirect(url_for("feedback.member", token=token))
    return _page("feedback/member/withdraw.html", invitation=invitation, form=form, contributions=contributions,
                 answer_id=answer_id, prompt_label=prompt_label)



