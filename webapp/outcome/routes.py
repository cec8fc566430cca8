"""Closing-the-loop screens: staff choice and preview, the person's page, the public download page."""
from __future__ import annotations

from io import BytesIO

from flask import abort, flash, g, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale, refresh
from flask_login import current_user
from ..forms import BaseForm

from ..access import ADMIN, AUTHOR, public, roles_required
from ..bad_links import link_not_working
from ..extensions import db
from ..i18n import RTL_LANGUAGES, _, current_language
from ..projects.scope import enter_project_of
from ..mail.services import latest_messages
from ..reports.models import Report, ReportVersion
from . import bp
from .services import (OutcomeError, link_by_token, link_language, missing_titles, outcome_for, page_language, participant, participants,
                       published_versions, report_title, send_outcomes)

OUTCOME_ROLES = (ADMIN, AUTHOR)
#: Public pages that speak the person's language (see _outcome_locale).
PERSON_ENDPOINTS = {"outcome.person_page"}


class ActionForm(BaseForm):
    """The CSRF check of the send form."""


def _published(version_id: int) -> ReportVersion:
    version = db.session.get(ReportVersion, version_id)
    if version is None or version.published_at is None or version.withdrawn_at is not None:
        abort(404)  # a version withdrawn after an erasure has no file any more
    return version


@bp.before_app_request
def _outcome_locale() -> None:
    """The person's page is in the language of their link: webapp._select_locale reads g.member_locale."""
    if request.endpoint in PERSON_ENDPOINTS:
        link = link_by_token((request.view_args or {}).get("token", ""))
        g.outcome_link = link
        g.member_locale = link.language if link is not None else "nl"
        refresh()


def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _person_context(version: ReportVersion, contributor, language: str) -> dict:
    return dict(outcome=outcome_for(version, contributor, language), version=version,
                pseudonym=contributor.pseudonym, page_language=language,
                page_direction="rtl" if language in RTL_LANGUAGES else "ltr")


# --- The person's page -----------------------------------------------------------------------

@bp.get("/o/<token>")
@public  # the token is the key: link_by_token refuses unknown, expired, revoked and tampered ones alike
def person_page(token: str):
    link = g.get("outcome_link")
    if link is None:
        link_not_working(link_language(token))
    enter_project_of(link.version.report)  # its privacy statement is the project's
    return _private(make_response(render_template(
        "outcome/person.html", token=token, **_person_context(link.version, link.contributor, link.language))))


def _send(version: ReportVersion):
    mimetype = ("application/pdf" if version.format == "pdf" else
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    return send_file(BytesIO(version.content), mimetype=mimetype, as_attachment=True,
                     download_name=version.filename, etag=version.content_hash)


# --- The public download page ----------------------------------------------------------------

@bp.get("/published/<int:report_id>")
@public  # only what was published: a report without a published version is not found
def published_report(report_id: int):
    report = db.session.get(Report, report_id) or abort(404)
    versions = published_versions(report.id)
    if not versions:
        abort(404)
    return render_template("outcome/published.html", report=report, versions=versions,
                           title=report_title(versions[0], versions[0].language))


@bp.get("/published/versions/<int:version_id>/download")
@public
def published_download(version_id: int):
    return _send(_published(version_id))


# --- Staff: choose, preview, send ------------------------------------------------------------

@bp.get("/reports/versions/<int:version_id>/outcome")
@roles_required(*OUTCOME_ROLES)
def choose(version_id: int):
    version = _published(version_id)
    people = participants(version)
    messages = latest_messages("outcome_link", [p.link.id for p in people if p.link])
    missing = missing_titles(version, [p for p in people if p.address])
    return render_template("outcome/choose.html", version=version, people=people, messages=messages,
                           form=ActionForm(), show_names=current_user.role == ADMIN, missing=missing,
                           title=report_title(version, "nl" if current_user.locale == "nl" else "en"))


@bp.get("/reports/versions/<int:version_id>/outcome/<int:contributor_id>/preview")
@roles_required(*OUTCOME_ROLES)
def preview(version_id: int, contributor_id: int):
    """Exactly the page the person will see, in their language, without a working link."""
    version = _published(version_id)
    person = participant(version, contributor_id) or abort(404)
    language = page_language(person.contributor)
    # The banner speaks to the staff member, in their language; the page below in the person's.
    banner = {"text": _("Preview: this is the page the person will see."), "lang": current_language()}
    with force_locale(language):
        html = render_template("outcome/person.html", token=None, preview=banner,
                               **_person_context(version, person.contributor, language))
    return html


@bp.post("/reports/versions/<int:version_id>/outcome")
@roles_required(*OUTCOME_ROLES)
def send(version_id: int):
    version = _published(version_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    chosen = {int(v) for v in request.form.getlist("contributor") if v.isdigit()}
    if not chosen:
        flash(_("Choose who gets the message."), "error")
        return redirect(url_for("outcome.choose", version_id=version.id))
    try:
        queued, skipped = send_outcomes(
            version, chosen, lambda token: url_for("outcome.person_page", token=token, _external=True))
    except OutcomeError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        flash(_("Messages queued: %(queued)s. Without an e-mail address or opted out: %(skipped)s.",
                queued=queued, skipped=skipped), "success")
    return redirect(url_for("outcome.choose", version_id=version.id))
