"""The privacy screens: the public statement per project (/privacy/<slug>) and of the
installation (/privacy/), a project's retention settings (/p/<slug>/retention/), and the
administrators' page for the whole installation (/retention/: settings, what the purge
would remove and when, its runs, the register of processing as CSV and PDF)."""
from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import refresh
from sqlalchemy import select

from ..access import ADMIN, public, roles_required
from ..audit.downloads import export_kind
from ..db_types import utcnow
from ..extensions import db
from ..forms import ActionForm
from ..i18n import CONTENT_LANGUAGES, RTL_LANGUAGES, _, current_language
from ..jobs.exports import start
from ..jobs.services import runner_mode
from ..projects.context import across_projects
from ..projects.models import Project
from ..projects.scope import current_project, unscoped
from ..refused_forms import refill, refuse
from ..text import spreadsheet_cell
from . import bp
from .forms import InstallationPrivacyForm, project_form
from .purge import CATEGORIES, last_runs, plan, purge, summarise
from .register import register_pdf_job
from .retention import DEFAULTS, audit_months, installation_settings, project_periods, project_settings
from .schedule import ensure_scheduled
from .services import save_installation_privacy, save_project_privacy
from .statement import (DATA_KINDS, ENDONYMS, REGISTER_COLUMNS, STATEMENT_LANGUAGES, build_statement, register_rows,
                        statement_languages, statement_url, summary_languages)

PUBLIC_ENDPOINTS = {"privacy.statement", "privacy.installation_statement"}


@bp.app_template_global()
def privacy_statement_url(project=None, language: str | None = None, installation: bool = False) -> str:
    """The privacy statement for a personal-link page or a staff page: the page's project
    (a public token page works inside its link's project), else - and on the page of a link
    that does not work, which must name no project - the installation's."""
    project = None if installation else (project or current_project())
    return statement_url(project, language or g.get("member_locale") or "nl")


@bp.before_app_request
def _statement_locale() -> None:
    """The statement is read in Dutch, English or Arabic (webapp._select_locale reads g.member_locale)."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        asked = request.args.get("lang", "nl")
        g.member_locale = asked if asked in STATEMENT_LANGUAGES else "en"
        refresh()


def _public_page(template: str, language: str, **context):
    shown = g.member_locale
    response = make_response(render_template(template, page_language=shown, asked_language=language,
                                             page_direction="rtl" if shown in RTL_LANGUAGES else "ltr",
                                             language_names=ENDONYMS, **context))
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/privacy/<slug>")
@public  # a privacy statement is for anyone who is asked for their data
def statement(slug: str):
    with unscoped():
        project = db.session.scalar(select(Project).where(Project.slug == slug)) if len(slug) <= 60 else None
    if project is None:
        abort(404)
    offered = list(STATEMENT_LANGUAGES) + summary_languages(project.id)
    language = request.args.get("lang", "nl")
    if language not in offered:
        language = g.member_locale
    return _public_page("privacy/statement.html", language, s=build_statement(project, language),
                        data_kinds=DATA_KINDS, languages_offered=offered)


@bp.get("/privacy/")
@public
def installation_statement():
    return _public_page("privacy/installation.html", g.member_locale, settings=installation_settings(),
                        audit_months=_audit_months(), languages_offered=list(STATEMENT_LANGUAGES))


def _audit_months() -> int:
    return audit_months()


# --- A project's settings -----------------------------------------------------------------------

@bp.route("/retention/", methods=["GET", "POST"])
@roles_required(ADMIN)
def project_settings_page():
    project = current_project()
    settings = project_settings(project.id)
    languages = statement_languages(project.id)
    form = project_form(languages, settings)
    if form.validate_on_submit():
        save_project_privacy(project, {name: getattr(form, name).data for name in ("contact_months", "outbox_days",
                                                                                     "job_days", "photo_months")},
                             form.controller.data or "", form.contact.data or "",
                             {code: {"purposes": getattr(form, f"purposes_{code}").data,
                                     "notes": getattr(form, f"notes_{code}").data} for code in languages})
        flash(_("Saved: the privacy settings of this project."), "success")
        return redirect(url_for("privacy.project_settings_page"))
    if form.errors:
        return refuse(form)
    now = utcnow()
    return render_template("privacy/project_settings.html", form=refill(form), defaults=DEFAULTS,
                           periods=project_periods(project.id), languages=languages, names=CONTENT_LANGUAGES,
                           summaries=summarise(plan(now, project.id), now), categories=CATEGORIES)



# --- The installation ---------------------------------------------------------------------------

@bp.route("/retention/", methods=["GET", "POST"], endpoint="installation")
@across_projects
@roles_required(ADMIN)
def installation_page():
    settings = installation_settings()
    form = InstallationPrivacyForm(obj=settings)
    if form.validate_on_submit():
        save_installation_privacy({name: getattr(form, name).data for name in (
            "controller", "contact", "dpo", "audit_months", "outbox_days", "job_days", "security_notes")})
        flash(_("Saved: the privacy settings of this installation."), "success")
        return redirect(url_for("privacy.installation"))
    if form.errors:
        return refuse(form)
    now = utcnow()
    with unscoped():
        projects = {p.id: p for p in db.session.scalars(select(Project).order_by(Project.id))}
        summaries = summarise(plan(now), now)
    return render_template("privacy/installation_settings.html", form=refill(form), summaries=summaries,
                           project_map=projects, runs=last_runs(), scheduled=ensure_scheduled(), mode=runner_mode(),
                           action=ActionForm(), defaults=DEFAULTS, now=now, categories=CATEGORIES)


@bp.post("/retention/purge")
@across_projects
@roles_required(ADMIN)
def purge_now():
    if ActionForm().validate_on_submit():
        run = purge(trigger="screen")
        total = sum(v for k, v in run.counts.items() if k != "links")
        flash(_("The purge is done: %(n)s items removed or made anonymous.", n=total), "success")
    return redirect(url_for("privacy.installation"))


@bp.get("/retention/register.csv")
@across_projects
@export_kind("privacy_register")
@roles_required(ADMIN)
def register_csv():
    language = _staff_language()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REGISTER_COLUMNS)
    for row in register_rows(language):
        writer.writerow([spreadsheet_cell(row[c]) for c in REGISTER_COLUMNS])
    return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=register-of-processing.csv"})


@bp.post("/retention/register.pdf")
@across_projects
@roles_required(ADMIN)
def register_pdf():
    """The PDF is laid out by a job (WeasyPrint never runs in the web process)."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("privacy.installation"))
    language = _staff_language()
    return start(register_pdf_job, register_rows(language), language, installation_settings().controller,
                 kind="privacy_register", subject="privacy_register")


def _staff_language() -> str:
    return current_language()
