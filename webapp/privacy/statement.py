"""The privacy statement of a project and the register of processing of the installation,
made from the settings and from what is actually stored. Staff write only the free texts
(controller, contact, purposes, notes); every other line is read from the data here."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, url_for
from sqlalchemy import distinct, func, select

from ..access import ADMIN, ROLE_LABELS
from ..audit.models import AuditEntry
from ..auth.models import User
from ..db_types import utcnow
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..i18n import CONTENT_LANGUAGES, _, _l, localized
from ..mail.models import OutgoingMessage
from ..outcome.models import OutcomeLink
from ..photos.models import Photo
from ..projects.models import Project, ProjectMembership
from ..projects.scope import unscoped
from ..review.models import ReviewAssignment, ReviewComment, ReviewRound
from ..surveys.models import Invitation, Question, Response, Survey
from .retention import DEFAULTS, Periods, audit_months, installation_settings, project_periods, project_settings

#: Languages the statement's fixed text is written in (the interface catalogs).
STATEMENT_LANGUAGES = ("nl", "en", "ar")
#: Each language named in itself, so anyone finds their own.
ENDONYMS = {"nl": "Nederlands", "en": "English", "ar": "العربية", "ti": "ትግርኛ", "fa": "فارسی",
            "uk": "Українська", "tr": "Türkçe", "so": "Soomaali", "other": "…"}
#: Free texts staff write per language.
FREE_TEXTS = ("purposes", "notes")

#: The kinds of data the statement can name, with what they are (shown only when stored).
DATA_KINDS = {
    "names": _l("Names of advisory-board members and other contributors"),
    "contacts": _l("Contact details: e-mail address or phone number"),
    "words": _l("What people said or wrote (findings, answers, review comments), under a pseudonym"),
    "translations": _l("Translations of what people said"),
    "feedback": _l("Answers in feedback rounds of the advisory board, with the date and the language"),
    "consents": _l("When and to what a person agreed (the consent text they saw)"),
    "survey_links": _l("E-mail addresses of people invited to a survey"),
    "respondent_names": _l("Names respondents gave in a survey"),
    "review": _l("Comments of reviewers on a draft report, and how they were handled"),
    "outcome": _l("Personal pages about what became of someone's input"),
    "mail": _l("E-mail messages sent to people (address and text, for a short time)"),
    "photos": _l("Photos of flip-charts and sticky notes from meetings, without location or device data; "
                 "a photo that may show people or names is never published"),
    "staff": _l("Staff accounts: name, e-mail address, role, and what they did (audit log)"),
}
#: Who sees what, by role (webapp/access.py and the views' role checks).
ROLE_ACCESS = {
    ADMIN: _l("Names and contact details of contributors, everything else of every project, the audit log, "
              "personal-data exports and erasure"),
    "author": _l("Findings, answers and review comments under pseudonyms; reports. No names or contact details"),
    "facilitator": _l("Activities, findings and feedback rounds under pseudonyms. No names or contact details"),
    "advisor": _l("The project's findings under pseudonyms. No names or contact details"),
    "reviewer": _l("The draft report they review"),
}


@dataclass
class Statement:
    project: Project
    language: str
    controller: str
    contact: str
    dpo: str
    purposes: str
    notes: str
    periods: Periods
    audit_months: int
    data_kinds: list[str] = field(default_factory=list)
    roles: list[tuple[str, str, int]] = field(default_factory=list)
    #: Languages a round of the project offers besides the statement's own.
    other_languages: list[str] = field(default_factory=list)
    #: The summary staff wrote in a language the fixed text is not in (other_languages).
    summary: str = ""
    summary_language: str = ""


def round_languages(project_id: int) -> list[str]:
    """Languages the project's rounds offer (a feedback round's titles and prompts)."""
    found: set[str] = set()
    with unscoped():
        for (texts,) in db.session.execute(select(Survey.extra_texts).where(Survey.project_id == project_id)):
            found.update((texts or {}).keys())
        for (labels,) in db.session.execute(select(Question.extra_labels).join(Survey, Survey.id == Question.survey_id)
                                            .where(Survey.project_id == project_id)):
            found.update(code for code, text in (labels or {}).items() if text)
    return sorted(code for code in found if code in CONTENT_LANGUAGES)


def statement_languages(project_id: int) -> list[str]:
    """The languages of the statement's settings: its own and each one a round offers."""
    return list(STATEMENT_LANGUAGES) + [c for c in round_languages(project_id) if c not in STATEMENT_LANGUAGES]


def summary_languages(project_id: int) -> list[str]:
    """Round languages the statement is offered in: those staff wrote a summary in."""
    settings = project_settings(project_id)
    return [c for c in round_languages(project_id) if c not in STATEMENT_LANGUAGES and free_text(settings, c, "purposes")]


def free_text(settings, language: str, name: str) -> str:
    texts = (settings.texts or {}) if settings is not None else {}
    return ((texts.get(language) or {}).get(name) or "").strip()


def _exists(statement) -> bool:
    return db.session.scalar(statement.limit(1)) is not None


def stored_kinds(project_id: int) -> list[str]:
    """What the project actually keeps about people, from the data."""
    contributors = select(Contributor.id).where(Contributor.project_id == project_id)
    surveys = select(Survey.id).where(Survey.project_id == project_id)
    rounds = select(ReviewRound.id).where(ReviewRound.project_id == project_id)
    checks = {
        "names": select(Contributor.id).where(Contributor.project_id == project_id, Contributor.name.is_not(None)),
        "contacts": select(Contributor.id).where(Contributor.project_id == project_id, Contributor.contact.is_not(None)),
        "words": select(Finding.id).where(Finding.project_id == project_id, Finding.contributor_id.is_not(None)),
        "translations": select(Finding.id).where(Finding.project_id == project_id, Finding.contributor_id.is_not(None),
                                                 Finding.translations.any()),
        "feedback": select(Response.id).where(Response.survey_id.in_(surveys), Response.contributor_id.is_not(None)),
        "consents": select(Contributor.id).where(Contributor.project_id == project_id,
                                                 Contributor.consent_given_at.is_not(None)),
        "survey_links": select(Invitation.id).where(Invitation.survey_id.in_(surveys), Invitation.email.is_not(None)),
        "respondent_names": select(Response.id).where(Response.survey_id.in_(surveys),
                                                      Response.respondent_name.is_not(None)),
        "review": select(ReviewComment.id).join(ReviewAssignment).where(ReviewAssignment.round_id.in_(rounds)),
        "outcome": select(OutcomeLink.id).where(OutcomeLink.contributor_id.in_(contributors)),
        "mail": select(OutgoingMessage.id).where(OutgoingMessage.recipient != "",
                                                 OutgoingMessage.related_type == "invitation",
                                                 OutgoingMessage.related_id.in_(
                                                     select(Invitation.id).where(Invitation.survey_id.in_(surveys)))),
        "photos": select(Photo.id).where(Photo.project_id == project_id),
    }
    with unscoped():
        found = [kind for kind, statement in checks.items() if _exists(statement)]
    return found + ["staff"]


def role_counts(project_id: int) -> dict[str, int]:
    """How many people hold each role in the project (administrators: the installation's)."""
    with unscoped():
        counts = dict(db.session.execute(select(ProjectMembership.role, func.count())
                                         .where(ProjectMembership.project_id == project_id)
                                         .group_by(ProjectMembership.role)).all())
        counts[ADMIN] = db.session.scalar(select(func.count()).select_from(User).where(User.role == ADMIN)) or 0
        counts["reviewer"] = counts.get("reviewer", 0) + (db.session.scalar(
            select(func.count(distinct(ReviewAssignment.contributor_id))).join(ReviewRound)
            .where(ReviewRound.project_id == project_id)) or 0)
    return counts


def controller_of(project: Project, settings) -> str:
    if settings is not None and settings.controller:
        return settings.controller
    if project.lead_organisation is not None:
        return project.lead_organisation.name
    return installation_settings().controller


def build_statement(project: Project, language: str) -> Statement:
    settings = project_settings(project.id)
    installation = installation_settings()
    shown = language if language in STATEMENT_LANGUAGES else "en"
    counts = role_counts(project.id)
    statement = Statement(
        project=project, language=shown, controller=controller_of(project, settings),
        contact=(settings.contact if settings is not None and settings.contact else installation.contact),
        dpo=installation.dpo,
        purposes=free_text(settings, shown, "purposes") or free_text(settings, "en", "purposes")
        or free_text(settings, "nl", "purposes") or str(_("To learn from the experience of the people taking part, "
                                                         "and to write policy recommendations and reports from it.")),
        notes=free_text(settings, shown, "notes"),
        periods=project_periods(project.id), audit_months=audit_months(),
        data_kinds=stored_kinds(project.id),
        roles=[(str(ROLE_LABELS[role]), str(text), counts.get(role, 0)) for role, text in ROLE_ACCESS.items()],
        other_languages=summary_languages(project.id),
    )
    if language not in STATEMENT_LANGUAGES:
        statement.summary, statement.summary_language = free_text(settings, language, "purposes"), language
    return statement


def statement_url(project: Project | None, language: str = "nl", external: bool = False) -> str:
    if project is None:
        return url_for("privacy.installation_statement", lang=language, _external=external)
    return url_for("privacy.statement", slug=project.slug, lang=language, _external=external)


# --- The register of processing (GDPR art. 30) --------------------------------------------------

def security_measures() -> list[str]:
    """What the deployment does, read from its settings (and the operator's own words)."""
    config = current_app.config
    database = db.engine.dialect.name
    measures = [
        str(_("Database: %(kind)s.", kind="PostgreSQL" if database == "postgresql" else "SQLite")),
        str(_("Every page checks the role of the person asking; names and contact details are shown to "
              "administrators only.")),
        str(_("People appear under a pseudonym outside the administrators' screens; personal links are random "
              "and reviewer and outcome links are stored only as a hash.")),
        str(_("An audit log records who exported, built, published, erased and purged what (counts only).")),
        str(_("Deleted data is overwritten in the database file (SQLite secure_delete) and the write-ahead log "
              "is emptied after every erasure and purge.") if database == "sqlite" else
            _("Deleted rows stay in PostgreSQL's files until VACUUM reuses the space (autovacuum, within "
              "minutes), and in its WAL archive and base backups until those age out.")),
    ]
    if config.get("PRODUCTION"):
        measures.append(str(_("Served over HTTPS only: secure cookies and HSTS (behind a reverse proxy that ends TLS).")))
    else:
        measures.append(str(_("Not running in production mode: HTTPS is not enforced by the app.")))
    if config.get("REDIS_URL"):
        measures.append(str(_("Jobs, e-mail and the retention purge run on a job queue (Redis).")))
    backups = db.session.execute(select(func.count(), func.max(AuditEntry.created_at))
                                 .where(AuditEntry.action == "backup")).one()
    if backups[0]:
        measures.append(str(_("Backups: %(count)s made with Klankbord, the last on %(date)s.",
                              count=backups[0], date=backups[1].date().isoformat())))
    else:
        measures.append(str(_("Backups: none made with Klankbord's backup command (the operator may make others).")))
    notes = installation_settings().security_notes.strip()
    if notes:
        measures.append(notes)
    return measures


REGISTER_COLUMNS = ("project", "controller", "contact", "dpo", "purposes", "data_subjects", "personal_data",
                    "recipients", "retention", "security", "statement")


def register_rows(language: str) -> list[dict[str, str]]:
    """One row per project: the art. 30 register of the installation."""
    rows = []
    measures = "; ".join(security_measures())
    with unscoped():
        projects = list(db.session.scalars(select(Project).order_by(Project.id)))
    for project in projects:
        statement = build_statement(project, language)
        subjects = [str(label) for label, present in _data_subjects(project.id) if present] + [str(_("Staff"))]
        periods = statement.periods
        rows.append({
            "project": localized(project, "name", language if language in ("nl", "en") else "en"),
            "controller": statement.controller, "contact": statement.contact, "dpo": statement.dpo,
            "purposes": statement.purposes, "data_subjects": "; ".join(subjects),
            "personal_data": "; ".join(str(DATA_KINDS[k]) for k in statement.data_kinds),
            "recipients": "; ".join(f"{role} ({count}): {text}" for role, text, count in statement.roles if count),
            "retention": retention_text(periods, statement.audit_months),
            "security": measures,
            "statement": statement_url(project, language, external=True),
        })
    return rows


def _data_subjects(project_id: int) -> list[tuple[str, bool]]:
    """Whose data the project holds, from the data."""
    with unscoped():
        return [(_("Advisory-board members"), _exists(select(Contributor.id).where(
                    Contributor.project_id == project_id, Contributor.kind == "advisory_member"))),
                (_("Stakeholders and reviewers"), _exists(select(Contributor.id).where(
                    Contributor.project_id == project_id, Contributor.kind == "stakeholder"))),
                (_("Survey respondents"), _exists(select(Response.id).join(Survey, Survey.id == Response.survey_id)
                                                 .where(Survey.project_id == project_id,
                                                        Response.contributor_id.is_(None))))]


def retention_text(periods: Periods, audit: int) -> str:
    return "; ".join((
        str(_("names, contact details and personal links: %(n)s months after the last round or the archiving",
              n=periods.contact_months)),
        str(_("e-mail addresses and texts: %(n)s days", n=periods.outbox_days)),
        str(_("export files and finished jobs: %(n)s days", n=periods.job_days)),
        str(_("photos that may show people or names: %(n)s months after they were taken", n=periods.photo_months)),
        str(_("people in the audit log: %(n)s months, then a pseudonym", n=audit)),
        str(_("refused forms: 1 hour")),
        str(_("findings, answers and reports: under pseudonyms, until the project deletes them")),
    ))


def defaults() -> dict[str, int]:
    return dict(DEFAULTS)


def generated_on() -> str:
    return utcnow().date().isoformat()
