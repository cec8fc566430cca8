"""The "preview, then send" page that survey invitations and advisory-board invitations share.

Both show who gets the message and the message as the first recipient will read it, and
queue it on a confirmed POST; what differs (who the recipients are, how they are named -
members only by pseudonym - and how a message is made) is passed in.
"""
from __future__ import annotations

from typing import Callable

from flask import abort, flash, redirect, render_template, request

from ..forms import ActionForm
from ..i18n import _


def preview_or_queue(template: str, recipients: list, *, queue: Callable[[list], int], back_url: str,
                     sample: Callable[[object], dict], **context):
    """GET: the page with a sample (`sample(first)` gives subject, text, language, to).
    POST (CSRF checked): `queue(recipients)` and back to `back_url` with a count."""
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        flash(_("E-mails queued: %(n)s.", n=queue(recipients)), "success")
        return redirect(back_url)
    return render_template(template, recipients=recipients, sample=sample(recipients[0]) if recipients else None,
                           action_form=ActionForm(), **context)
