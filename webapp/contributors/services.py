"""Managing contributors and erasing them. Plain functions, called by views and tests."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from ..audit.services import record_audit
from ..auth.models import User
from ..db_types import utcnow
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..findings.pseudonyms import next_pseudonym_number, retire_pseudonym_number
from ..i18n import CONTENT_LANGUAGES, _
from ..surveys.models import Invitation, Response
from .models import AuditEntry

CONTRIBUTOR_KINDS = ("advisory_member", "stakeholder")
#: What an erasure removes besides name, contact and links.
ERASURE_SCOPES = ("identity", "everything")


class ContributorError(ValueError):
    """A translated message for the admin; nothing was stored."""


@dataclass
class ContributorInput:
    kind: str = "advisory_member"
    name: str = ""
    contact: str = ""
    language: str = "nl"


def _check(data: ContributorInput) -> None:
    if data.kind not in CONTRIBUTOR_KINDS:
        raise ContributorError(_("Unknown kind of contributor."))
    if data.language not in CONTENT_LANGUAGES:
        raise ContributorError(_("Unknown language."))


def create_contributor(data: ContributorInput) -> Contributor:
    """A new person with the next free pseudonym number of their kind."""
    _check(data)
    for _attempt in range(3):
        number = next_pseudonym_number(data.kind)
        contributor = Contributor(kind=data.kind, pseudonym_number=number, name=data.name.strip()[:200] or None,
                                  contact=data.contact.strip()[:300] or None, language=data.language)
        db.session.add(contributor)
        try:
            db.session.commit()
        except IntegrityError:  # someone took the number at the same moment: take the next one
            db.session.rollback()
            continue
        return contributor
    raise ContributorError(_("Could not give a pseudonym number. Please try again."))


def update_contributor(contributor: Contributor, data: ContributorInput) -> Contributor:
    _check(data)
    contributor.name = data.name.strip()[:200] or None
    contributor.contact = data.contact.strip()[:300] or None
    contributor.language = data.language
    db.session.commit()
    return contributor


def list_contributors() -> list[tuple[Contributor, int, int]]:
    """Every contributor with their number of findings and personal links."""
    findings = dict(db.session.execute(select(Finding.contributor_id, func.count())
                                       .where(Finding.contributor_id.is_not(None))
                                       .group_by(Finding.contributor_id)).all())
    links = dict(db.session.execute(select(Invitation.contributor_id, func.count())
                                    .where(Invitation.contributor_id.is_not(None))
                                    .group_by(Invitation.contributor_id)).all())
    contributors = db.session.scalars(select(Contributor).order_by(Contributor.kind, Contributor.pseudonym_number))
    return [(c, findings.get(c.id, 0), links.get(c.id, 0)) for c in contributors]


def erase_contributor(contributor: Contributor, scope: str, actor: User | None) -> AuditEntry:
    """Erase a person: name, contact and personal links always; with scope "everything" also
    every finding, feedback response and review comment of theirs (and the contributor row
    itself), and every report version that printed their words is withdrawn. With
    "identity" their words stay, under the pseudonym only. Leaves an audit entry that
    names no one and quotes nothing: counts only.

    On SQLite the freed pages are overwritten (`secure_delete`, set on every connection),
    the search index is merged so no old segment keeps the words, and the write-ahead log
    is checkpointed and truncated (`scrub_sqlite`)."""
    from ..reports.builds import withdraw_versions_printing
    from ..review.models import ReviewAssignment, ReviewComment

    if scope not in ERASURE_SCOPES:
        raise ContributorError(_("Choose what to erase."))
    contributor_id = contributor.id
    subject = f"{contributor.kind}:{contributor.pseudonym_number}"
    _forget_mail(contributor)
    links = db.session.execute(delete(Invitation).where(Invitation.contributor_id == contributor_id)).rowcount
    # A form refused a moment ago may hold what was typed about the person (kept for one redirect).
    from ..refused_forms import forget_all

    forget_all()
    detail = {"links": links, "findings": 0, "responses": 0, "review_comments": 0, "report_versions_withdrawn": 0}
    if scope == "everything":
        finding_ids = set(db.session.scalars(select(Finding.id).where(Finding.contributor_id == contributor_id)
                                             .execution_options(include_deleted=True)))
        detail["report_versions_withdrawn"] = withdraw_versions_printing(finding_ids)
        # A build job carries the report's collected texts as its arguments: finished ones
        # (done or failed) are only a record, so they go rather than keep the person's words.
        from ..jobs.models import Job

        db.session.execute(delete(Job).where(Job.kind == "report_build", Job.state.in_(("done", "failed")))
                           .execution_options(synchronize_session=False))
        assignment_ids = select(ReviewAssignment.id).where(ReviewAssignment.contributor_id == contributor_id)
        detail["review_comments"] = db.session.execute(
            delete(ReviewComment).where(ReviewComment.assignment_id.in_(assignment_ids))
            .execution_options(synchronize_session=False)).rowcount
        db.session.execute(delete(ReviewAssignment).where(ReviewAssignment.contributor_id == contributor_id)
                           .execution_options(synchronize_session=False))
        # Deleted outright, soft-deleted ones too: the person asked for their words to go.
        detail["findings"] = db.session.execute(delete(Finding).where(Finding.contributor_id == contributor_id)
                                                .execution_options(synchronize_session=False)).rowcount
        detail["responses"] = db.session.execute(delete(Response).where(Response.contributor_id == contributor_id)
                                                 .execution_options(synchronize_session=False)).rowcount
        retire_pseudonym_number(contributor.kind, contributor.pseudonym_number)
        db.session.execute(delete(Contributor).where(Contributor.id == contributor_id))
    else:
        contributor.name = None
        contributor.contact = None
        db.session.execute(update(Response).where(Response.contributor_id == contributor_id)
                           .values(respondent_name=None).execution_options(synchronize_session=False))
    entry = record_audit(actor, f"erase_{scope}", "contributor", contributor_id, detail, subject=subject)
    db.session.commit()
    db.session.expire_all()
    scrub_sqlite()
    return entry


def scrub_sqlite() -> None:
    """After an erasure on SQLite: merge the search index into one segment (FTS5 'optimize'
    leaves no block that still holds deleted words; `secure_delete` zeroes the freed pages)
    and move the write-ahead log into the database, truncating it to nothing."""
    if db.engine.dialect.name != "sqlite":
        return
    from ..analysis.fts import FTS_TABLE

    db.session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))
    db.session.commit()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _forget_mail(contributor: Contributor) -> None:
    """The outbox holds the person's address and links: those messages go with the erasure."""
    from ..mail.services import email_address, forget_recipient
    from ..outcome.models import OutcomeLink
    from ..review.models import ReviewAssignment

    def ids(model):
        return db.session.scalars(select(model.id).where(model.contributor_id == contributor.id)).all()

    related = ([("invitation", i) for i in ids(Invitation)] + [("assignment", i) for i in ids(ReviewAssignment)]
               + [("outcome_link", i) for i in ids(OutcomeLink)])
    forget_recipient(email_address(contributor.contact), related)


def audit_entries(limit: int = 50) -> list[AuditEntry]:
    """The erasures (the contributors screen's trail; the whole log is at /audit/)."""
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action.in_(("erase_identity", "erase_everything")))
                                   .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)))


# ---------------------------------------------------------------- GDPR art. 15: a person's data on request

def access_request_zip(contributor: Contributor) -> bytes:
    """Everything Klankbord holds about one person, as one ZIP for them (GDPR art. 15):
    who they are to us, their consents, their words (findings with translations, survey and
    feedback answers, review comments) and where their words were used (recommendations,
    report versions that printed them)."""
    import io
    import json
    import zipfile

    from ..reports.models import Recommendation, RecommendationFinding, Report, ReportChapter, ReportVersion
    from ..review.models import ReviewAssignment, ReviewComment
    from ..surveys.models import Answer, Question, Survey

    def when(value):
        return value.isoformat() if value else None

    findings = list(db.session.scalars(select(Finding).where(Finding.contributor_id == contributor.id)
                                       .execution_options(include_deleted=True).order_by(Finding.id)))
    finding_ids = {f.id for f in findings}
    person = {
        "pseudonym": str(contributor.pseudonym), "kind": contributor.kind, "name": contributor.name,
        "contact": contributor.contact, "language": contributor.language,
        "organisation": contributor.organisation.name if contributor.organisation else None,
        "created_at": when(contributor.created_at),
    }
    consents = {
        "consent_given_at": when(contributor.consent_given_at), "consent_scope": contributor.consent_scope,
        "personal_links": [{"survey": s.title_nl or s.title_en, "created_at": when(i.created_at),
                            "consented_at": when(i.consented_at), "expires_at": when(i.expires_at),
                            "revoked_at": when(i.revoked_at)}
                           for i, s in db.session.execute(select(Invitation, Survey)
                                                          .join(Survey, Survey.id == Invitation.survey_id)
                                                          .where(Invitation.contributor_id == contributor.id))],
    }
    contributions = {
        "findings": [{"id": f.id, "activity": f.activity.title if f.activity else None, "text": f.text,
                      "language": f.language, "kind": f.kind,
                      "translations": [{"language": t.language, "text": t.text} for t in f.translations],
                      "created_at": when(f.created_at),
                      "deleted_at": when(f.deleted_at)} for f in findings],
        "answers": [{"survey": survey.title_nl or survey.title_en, "question": question.label_nl or question.label_en,
                     "answer": answer.value, "submitted_on": when(response.submitted_on),
                     "language": response.language}
                    for answer, question, response, survey in db.session.execute(
                        select(Answer, Question, Response, Survey)
                        .join(Question, Question.id == Answer.question_id)
                        .join(Response, Response.id == Answer.response_id)
                        .join(Survey, Survey.id == Response.survey_id)
                        .where(Response.contributor_id == contributor.id).order_by(Response.id, Question.position))],
        "review_comments": [{"target": c.target, "text": c.text, "relevance": c.relevance,
                             "workability": c.workability, "language": c.language, "disposition": c.disposition,
                             "authors_response": c.response, "created_at": when(c.created_at)}
                            for c in db.session.scalars(
                                select(ReviewComment).join(ReviewAssignment)
                                .where(ReviewAssignment.contributor_id == contributor.id).order_by(ReviewComment.id))],
    }
    used = {
        "recommendations": [{"finding_id": link.finding_id, "quoted": link.quoted, "report": report.title_nl or report.title_en,
                             "recommendation": rec.title_nl or rec.title_en}
                            for link, rec, report in db.session.execute(
                                select(RecommendationFinding, Recommendation, Report)
                                .join(Recommendation, Recommendation.id == RecommendationFinding.recommendation_id)
                                .join(ReportChapter, ReportChapter.id == Recommendation.chapter_id)
                                .join(Report, Report.id == ReportChapter.report_id)
                                .where(RecommendationFinding.finding_id.in_(finding_ids or {0})))],
        "report_versions": [{"report": report.title_nl or report.title_en, "version": v.number,
                             "language": v.language, "format": v.format, "built_at": when(v.finished_at),
                             "withdrawn_at": when(v.withdrawn_at)}
                            for v, report in db.session.execute(
                                select(ReportVersion, Report).join(Report, Report.id == ReportVersion.report_id)
                                .where(ReportVersion.status == "done").order_by(ReportVersion.id))
                            if v.printed_finding_ids and finding_ids & set(v.printed_finding_ids)],
    }
    readme = (
        "Klankbord — personal data of {p} (GDPR art. 15), made {d}.\n\n"
        "person.json         who you are to us: pseudonym, name, contact, language, organisation\n"
        "consents.json       your consent and the personal links you received\n"
        "contributions.json  your words: findings (with their translations), answers, review comments\n"
        "where_used.json     recommendations and report versions that used your words\n\n"
        "Outside the administrators' screens you appear only as \"{p}\".\n"
    ).format(p=person["pseudonym"], d=utcnow().date().isoformat())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for name, data in (("person.json", person), ("consents.json", consents),
                           ("contributions.json", contributions), ("where_used.json", used)):
            archive.writestr(name, json.dumps(data, ensure_ascii=False, indent=2))
    return buffer.getvalue()
