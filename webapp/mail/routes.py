"""The admin outbox (/mail/outbox) and the public opt-out page (/mail/opt-out/<token>)."""
from __future__ import annotations

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import refresh
from ..forms import BaseForm
from sqlalchemy import select

from ..access import ADMIN, STAFF, public, roles_required
from ..extensions import db
from ..routing import safe_next
from ..i18n import RTL_LANGUAGES, _
from . import bp
from .models import MESSAGE_KINDS, MESSAGE_STATES, OutgoingMessage
from .services import MAIL_LANGUAGES, kick, mail_configured, opt_out, retry

OUTBOX_PAGE = 200


class ActionForm(BaseForm):
    """The CSRF check of the outbox buttons and the opt-out confirmation."""


@bp.get("/mail/outbox")
@roles_required(ADMIN)
def outbox():
    state = request.args.get("state")
    query = select(OutgoingMessage).order_by(OutgoingMessage.id.desc()).limit(OUTBOX_PAGE)
    if state in MESSAGE_STATES:
        query = query.where(OutgoingMessage.state == state)
    return render_template("mail/outbox.html", messages=db.session.scalars(query).all(), state=state,
                           states=MESSAGE_STATES, kinds=MESSAGE_KINDS, configured=mail_configured(),
                           action_form=ActionForm())


@bp.get("/mail/outbox/<int:message_id>")
@roles_required(ADMIN)
def show_message(message_id: int):
    message = db.session.get(OutgoingMessage, message_id) or abort(404)
    return render_template("mail/message.html", message=message, kinds=MESSAGE_KINDS, states=MESSAGE_STATES,
                           action_form=ActionForm(), direction="rtl" if message.language in RTL_LANGUAGES else "ltr")


@bp.get("/mail/outbox/<int:message_id>/html")
@roles_required(ADMIN)
def message_html(message_id: int):
    """The HTML part as the recipient sees it (the app's strict CSP applies: nothing in it can run)."""
    message = db.session.get(OutgoingMessage, message_id) or abort(404)
    response = make_response(message.body_html)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/mail/outbox/<int:message_id>/retry")
@roles_required(*STAFF)  # the retry button sits beside each link on the staff screens too; it reveals nothing
def retry_message(message_id: int):
    message = db.session.get(OutgoingMessage, message_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    retry(message)
    flash(_("The message is queued again."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("mail.outbox")))


@bp.post("/mail/outbox/send")
@roles_required(ADMIN)
def send_now():
    if not ActionForm().validate_on_submit():
        abort(400)
    if kick():
        flash(_("Sending in the background. Reload the page to see the result."), "success")
    else:
        flash(_("No mail server is configured: the messages stay in the outbox."), "error")
    return redirect(url_for("mail.outbox"))


# --- Opt-out: public, token-checked ---------------------------------------------------------

OPT_OUT_ENDPOINTS = {"mail.opt_out_page"}


@bp.before_app_request
def _opt_out_locale() -> None:
    """The opt-out page speaks the language of the message it came from (nl, en or ar)."""
    if request.endpoint in OPT_OUT_ENDPOINTS:
        language = request.args.get("lang")
        g.member_locale = language if language in MAIL_LANGUAGES else "nl"
        refresh()


@bp.route("/mail/opt-out/<token>", methods=["GET", "POST"])
@public  # the signed token is the key; a tampered one gets the same page as a valid one, minus the change
def opt_out_page(token: str):
    language = g.get("member_locale", "nl")
    form = ActionForm()
    done = False
    if request.method == "POST" and form.validate_on_submit():
        opt_out(token)  # a tampered token changes nothing, and says so no differently
        done = True
    response = make_response(render_template("mail/opt_out.html", form=form, done=done, page_language=language,
                                             page_direction="rtl" if language in RTL_LANGUAGES else "ltr"))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
