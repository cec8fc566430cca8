"""What can be done with feedback rounds: build, invite, consent, answer, withdraw, translate.

Built on the survey engine: a round is a `Survey` with purpose "feedback", its prompts are
free-text `Question`s (with `extra_labels` for Arabic, Tigrinya, ...), a member's link is an
`Invitation` with a `Contributor`, an expiry and a revocation, and what a member sends is a
`Response` whose answers are turned into findings of the advisory-board activity at once.
"""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from .. import signals
from ..activities.models import Activity
from ..auth.models import User
from ..contributors.services import ContributorInput, create_contributor
from ..db_types import utcnow
from ..extensions import db
from ..findings.models import Contributor, Finding
from ..findings.services import FindingInput, create_finding_once
from ..findings.services import set_translation as set_finding_translation
from ..i18n import CONTENT_LANGUAGES, _, localized, ngettext
from ..mail.services import email_address, latest_messages, mail_language, opted_out, queue_message
from ..reader_texts import language_order, missing_texts, reader_text
from ..surveys.links import last_day
from ..surveys.answering import (ParsedAnswers, claim_invitation, draft_cuts, draft_safe, invitation_by_token,
                                 response_counts, store_response_once, valid_submission_token)
from ..surveys.models import Answer, Invitation, Question, Response, Survey
from ..surveys.services import (FINDING_NAMESPACE, LOCAL_TIMEZONE, QuestionInput, SurveyError, SurveyInput,
                                save_question, save_survey, today)

FEEDBACK = "feedback"
#: The advisory board's activity type: a round belongs to one of its sessions.
BOARD_ACTIVITY = "maab"
#: The languages of the member pages (staff pages stay Dutch and English).
MEMBER_LANGUAGES = ("nl", "en", "ar")
#: Prompt languages besides Dutch and English.
EXTRA_PROMPT_LANGUAGES = tuple(code for code in CONTENT_LANGUAGES if code not in ("nl", "en"))
DEFAULT_LINK_DAYS = 14
MAX_LINK_DAYS = 90


# --- Building -------------------------------------------------------------------------------

@dataclass
class RoundInput:
    activity_id: int | None
    title_nl: str
    title_en: str
    intro_nl: str = ""
    intro_en: str = ""
    #: Title and introduction in further member-page languages: {"ar": {"title": ..., "intro": ...}}
    extra: dict[str, dict[str, str]] | None = None


#: A round belongs to an advisory-board session, or to a fictional example (demo and training data).
ROUND_ACTIVITIES = (BOARD_ACTIVITY, "sample")


def board_sessions() -> list[Activity]:
    return list(db.session.scalars(select(Activity).where(Activity.type.in_(ROUND_ACTIVITIES))
                                   .order_by(Activity.type, Activity.number)))


def save_round(survey: Survey | None, data: RoundInput, author: User | None = None) -> Survey:
    """Create (survey=None) or change a feedback round: a survey of an advisory-board session."""
    activity = db.session.get(Activity, data.activity_id) if data.activity_id else None
    if activity is None or activity.type not in ROUND_ACTIVITIES:
        raise SurveyError(_("Choose the advisory-board session this round belongs to."), "activity_id")
    survey = save_survey(survey, SurveyInput(title_nl=data.title_nl, title_en=data.title_en, intro_nl=data.intro_nl,
                                             intro_en=data.intro_en, activity_id=activity.id), author)
    survey.purpose = FEEDBACK
    extra = {code: {key: (texts.get(key) or "").strip() for key in ("title", "intro")}
             for code, texts in (data.extra or {}).items() if code in MEMBER_LANGUAGES and code not in ("nl", "en")}
    survey.extra_texts = {code: texts for code, texts in extra.items() if any(texts.values())} or None
    db.session.commit()
    return survey


def round_text(survey: Survey, name: str, order: tuple[str, ...]) -> tuple[str, str]:
    """The round's title or intro ("title", "intro") in the first language of the reader's
    `order` that has it (webapp/reader_texts.py): (text, language it is in)."""
    return reader_text(survey, name, order)


@dataclass
class _PromptTexts:
    """A prompt seen as reader_texts sees content: its labels by language."""

    label_nl: str
    label_en: str
    extra_texts: dict


def missing_round_texts(survey: Survey, languages) -> list:
    """What members of `languages` would read in another language: the round's title (mail
    and page), its introduction and its prompts (page). Listed on the screen that sends the mail."""
    items = [(survey, "title", _("Title of the round")), (survey, "intro", _("Introduction"))]
    items += [(_PromptTexts(q.label_nl, q.label_en, {code: {"label": text} for code, text in (q.extra_labels or {}).items()}),
               "label", _("Prompt %(number)s", number=number)) for number, q in enumerate(survey.questions, start=1)]
    return [text for language in sorted(set(languages)) for text in missing_texts(items, language)]


def own_page_language(contributor: Contributor) -> str | None:
    """The first of the member's own two languages that the member pages speak, if any."""
    return next((code for code in (contributor.language, contributor.second_language) if code in MEMBER_LANGUAGES),
                None)


def feedback_rounds() -> list[Survey]:
    return list(db.session.scalars(select(Survey).where(Survey.purpose == FEEDBACK)
                                   .order_by(Survey.created_at.desc(), Survey.id.desc())))


def add_prompt(survey: Survey, label_nl: str, label_en: str, extra: dict[str, str] | None = None,
               question: Question | None = None) -> Question:
    """A free-text prompt in Dutch and English, and optionally in further languages."""
    extra_labels = {code: text.strip() for code, text in (extra or {}).items()
                    if code in EXTRA_PROMPT_LANGUAGES and text and text.strip()}
    question = save_question(survey, question, QuestionInput(type="text", label_nl=label_nl, label_en=label_en))
    question.extra_labels = extra_labels or None
    db.session.commit()
    return question


def prompt_label(question: Question, language: str) -> tuple[str, str]:
    """The prompt in `language`, else in English, else in Dutch: (text, language it is in)."""
    extra = question.extra_labels or {}
    for code in (language, "en", "nl"):
        text = extra.get(code) or (getattr(question, f"label_{code}", "") if code in ("nl", "en") else "")
        if text:
            return text, code
    return "", language


# --- Personal links -------------------------------------------------------------------------

def invite_members(survey: Survey, contributors: list[Contributor], days: int = DEFAULT_LINK_DAYS) -> list[Invitation]:
    """One personal link per member, valid for `days`; a member who already has a working
    link in this round keeps it (a second one would split their answers)."""
    if survey.purpose != FEEDBACK:
        raise SurveyError(_("Only a feedback round has member links."))
    days = max(1, min(int(days), MAX_LINK_DAYS))
    now = utcnow()
    existing = {i.contributor_id: i for i in db.session.scalars(
        select(Invitation).where(Invitation.survey_id == survey.id, Invitation.revoked_at.is_(None)))
        if i.usable(now)}
    invitations = []
    for contributor in contributors:
        if contributor.kind != "advisory_member":
            raise SurveyError(_("Only advisory-board members can be invited to a feedback round."))
        invitation = existing.get(contributor.id)
        if invitation is None:
            invitation = Invitation(survey_id=survey.id, token=secrets.token_urlsafe(24), label="",
                                    contributor_id=contributor.id, expires_at=now + timedelta(days=days))
            db.session.add(invitation)
            existing[contributor.id] = invitation
        invitations.append(invitation)
    db.session.commit()
    return invitations


def new_members(count: int, language: str) -> list[Contributor]:
    """New advisory-board members, known by pseudonym only (an admin may add name and contact)."""
    return [create_contributor(ContributorInput(kind="advisory_member", language=language))
            for _index in range(max(0, min(count, 50)))]


def revoke_link(invitation: Invitation) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.commit()


def round_links(survey: Survey) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).where(Invitation.survey_id == survey.id)
                                   .order_by(Invitation.id)))


def link_status(invitation: Invitation, now: datetime | None = None) -> str:
    """revoked, expired, submitted, consented (answering) or sent (not opened or no consent yet)."""
    if invitation.revoked_at is not None:
        return "revoked"
    if not invitation.usable(now):
        return "expired"
    if invitation.completed:
        return "submitted"
    return "consented" if invitation.consented_at else "sent"


def member_link(token: str) -> Invitation | None:
    """The member's invitation for a token, or None for an unknown, expired or revoked one
    (the caller shows the same page for all three, so a link reveals nothing)."""
    invitation = invitation_by_token(token) if token and len(token) <= 64 else None
    if invitation is None or invitation.contributor_id is None or invitation.survey.purpose != FEEDBACK:
        return None
    return invitation if invitation.usable() else None


# --- Members --------------------------------------------------------------------------------

def contact_retention(project_id: int) -> str:
    """How long the project keeps a member's name and contact details (the period in force,
    webapp/privacy/), said in the page's or message's language."""
    months = signals.first(signals.contact_retention_months.send(project_id), default=0)
    if not months:
        return ""
    return ngettext("We delete your name and contact details %(num)s month after the last round you took part in "
                    "has closed.", "We delete your name and contact details %(num)s months after the last round you "
                    "took part in has closed.", months)


def give_consent(invitation: Invitation, scope_text: str) -> None:
    """Record consent on the link and on the person, with the words they were shown."""
    now = utcnow()
    invitation.consented_at = invitation.consented_at or now
    contributor = invitation.contributor
    contributor.consent_given_at = now
    contributor.consent_scope = scope_text
    db.session.commit()


def _require_consent(invitation: Invitation) -> None:
    if invitation.consented_at is None:
        raise SurveyError(_("Please give your consent first."))


def written_language(value: str | None, page_language: str) -> str:
    """The language the member says the answers are in; unknown: the language of the page."""
    return value if value in CONTENT_LANGUAGES else page_language


def save_member_draft(invitation: Invitation, parsed: ParsedAnswers, language: str) -> None:
    """Keep what the member wrote, to continue later with the same link (only after consent)."""
    _require_consent(invitation)
    if invitation.completed:
        return
    invitation.draft = {"answers": draft_safe(parsed.raw), "language": language,
                        "cut": {str(k): end for k, end in draft_cuts(parsed.raw).items()}}
    db.session.commit()


def member_draft(invitation: Invitation, page_language: str) -> tuple[dict[int, list[str]], str, dict[int, str]]:
    """The saved answers, their language and {question id: last words kept} of each answer the
    draft cut; without a draft the answers' language is the one the member chose for the page
    (not the stored one: a member may write in another)."""
    draft = invitation.draft or {}
    return ({int(k): list(v) for k, v in (draft.get("answers") or {}).items()},
            draft.get("language") or page_language, {int(k): v for k, v in (draft.get("cut") or {}).items()})


def submit_feedback(invitation: Invitation, parsed: ParsedAnswers, submission_token: str, page_language: str,
                    language: str) -> tuple[Response, bool]:
    """Store the member's answers once and make each a finding of the session (a quote in the
    original language, under the member's pseudonym); returns (response, created)."""
    survey = invitation.survey
    _require_consent(invitation)
    if parsed.errors:
        raise ValueError("submit_feedback needs answers without errors")
    if not valid_submission_token(submission_token):
        raise SurveyError(_("The answers could not be sent. Please try again."))
    existing = db.session.scalar(select(Response).where(Response.submission_token == submission_token))
    if existing is not None:
        if existing.survey_id == survey.id and existing.contributor_id == invitation.contributor_id:
            return existing, False
        raise SurveyError(_("The answers could not be sent. Please try again."))
    if not any(parsed.values.values()):
        raise SurveyError(_("Please write an answer to at least one question."))
    if not survey.is_open:
        raise SurveyError(_("This feedback round is closed. Thank you for your interest."))
    if survey.activity_id is None:
        raise SurveyError(_("The answers could not be sent. Please try again."))
    if not claim_invitation(invitation):
        raise SurveyError(_("You have already sent your answers with this link. Thank you!"))
    response = Response(survey_id=survey.id, submission_token=submission_token, language=page_language,
                        submitted_on=today(), contributor_id=invitation.contributor_id,
                        answers=[Answer(question_id=question_id, value=v.value, number=v.number)
                                 for question_id, values in parsed.values.items() for v in values])

    def answers_to_findings(stored: Response) -> None:
        for answer in stored.answers:
            finding, _created = create_finding_once(FindingInput(
                activity_id=survey.activity_id, text=answer.value, kind="quote", language=language,
                stakeholder_type="permit_holder", contributor_id=invitation.contributor_id,
                client_id=uuid.uuid5(FINDING_NAMESPACE, f"answer-{answer.id}")), None, commit=False)
            answer.finding_id = finding.id

    return store_response_once(response, before_commit=answers_to_findings)


@dataclass
class Contribution:
    answer: Answer
    question: Question
    finding: Finding | None


def _member_answers(survey: Survey, contributor_id: int):
    return (select(Answer, Question, Finding)
            .join(Response, Response.id == Answer.response_id)
            .join(Question, Question.id == Answer.question_id)
            .outerjoin(Finding, Finding.id == Answer.finding_id)
            .where(Response.survey_id == survey.id, Response.contributor_id == contributor_id)
            .order_by(Question.position, Answer.id))


def member_contributions(invitation: Invitation) -> list[Contribution]:
    return [Contribution(*row) for row in db.session.execute(
        _member_answers(invitation.survey, invitation.contributor_id))]


def withdraw(invitation: Invitation, answer_id: int | None = None) -> int:
    """Take back one answer (or all): the answer and its finding are deleted outright, so the
    words leave every list, export and new report. Returns how many answers went."""
    contributions = [c for c in member_contributions(invitation) if answer_id is None or c.answer.id == answer_id]
    if not contributions:
        return 0
    finding_ids = [c.answer.finding_id for c in contributions if c.answer.finding_id]
    answer_ids = [c.answer.id for c in contributions]
    response_ids = {c.answer.response_id for c in contributions}
    if finding_ids:
        db.session.execute(delete(Finding).where(Finding.id.in_(finding_ids))
                           .execution_options(synchronize_session=False))
    db.session.execute(delete(Answer).where(Answer.id.in_(answer_ids)).execution_options(synchronize_session=False))
    # A response with no answers left says only that the member took part: it goes too.
    empty = db.session.scalars(select(Response.id).where(Response.id.in_(response_ids))
                               .where(~select(Answer.id).where(Answer.response_id == Response.id).exists())).all()
    if empty:
        db.session.execute(delete(Response).where(Response.id.in_(empty)).execution_options(synchronize_session=False))
    db.session.commit()
    db.session.expire_all()
    return len(answer_ids)


# --- Staff ----------------------------------------------------------------------------------

@dataclass
class RoundContribution:
    answer: Answer
    question: Question
    finding: Finding | None
    contributor: Contributor | None


def round_contributions(survey: Survey) -> list[RoundContribution]:
    rows = db.session.execute(
        select(Answer, Question, Finding, Contributor)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(Finding, Finding.id == Answer.finding_id)
        .outerjoin(Contributor, Contributor.id == Response.contributor_id)
        .where(Response.survey_id == survey.id)
        .order_by(Question.position, Contributor.pseudonym_number, Answer.id))
    return [RoundContribution(*row) for row in rows]


def set_translation(finding: Finding, text: str, language: str | None) -> None:
    """Staff's translation beside the original; the original text is never touched."""
    text = (text or "").strip()
    if text and language not in CONTENT_LANGUAGES:
        raise SurveyError(_("Unknown language."), "translation_language")
    if text and language == finding.language:
        raise SurveyError(_("A translation is in another language than the original."), "translation_language")
    if text:
        set_finding_translation(finding, language, text)
    elif language in CONTENT_LANGUAGES:
        set_finding_translation(finding, language, "")
    db.session.commit()


def counts_by_status(survey: Survey) -> dict[str, int]:
    counts: dict[str, int] = {}
    for invitation in round_links(survey):
        status = link_status(invitation)
        counts[status] = counts.get(status, 0) + 1
    return counts


def response_count(survey: Survey) -> int:
    return response_counts([survey.id]).get(survey.id, 0)


# --- E-mail: invitations and reminders --------------------------------------------------------

def _member_address(invitation: Invitation) -> str | None:
    contributor = invitation.contributor
    address = email_address(contributor.contact) if contributor is not None else None
    return address if address and not opted_out(address) else None


def mail_recipients(survey: Survey, reminder: bool) -> list[Invitation]:
    """The links an e-mail can go to now.

    Invitations: working links of members with an e-mail address whose link was not mailed
    yet. Reminders: working links not answered yet. Never after an answer (a withdrawal
    keeps the link answered), a revoked or expired link, an erasure (the link is gone with
    it) or an opt-out; not once the round is closed."""
    if survey.status == "closed":
        return []
    links = [i for i in round_links(survey) if i.usable() and not i.completed and i.contributor is not None]
    mailed = latest_messages("invitation", [i.id for i in links])
    return [i for i in links if _member_address(i) and (reminder or i.id not in mailed)]


def queue_member_mail(survey: Survey, invitations: list[Invitation], reminder: bool, link_for) -> int:
    """Queue the invitation (or reminder) for each link, in the member's language; returns how many.

    `link_for(invitation)` makes the personal link's external address."""
    queued = 0
    for invitation in invitations:
        address = _member_address(invitation)
        if address is None or invitation.completed or not invitation.usable():
            continue
        language = invitation.contributor.page_language
        message = queue_message(address, language, "feedback_reminder" if reminder else "feedback_invitation",
                                "feedback_invitation", member_mail_context(survey, invitation, language, reminder,
                                                                          link_for(invitation)),
                                related_type="invitation", related_id=invitation.id)
        queued += message is not None
    db.session.commit()
    return queued


def member_mail_context(survey: Survey, invitation: Invitation, language: str, reminder: bool, url: str) -> dict:
    from flask_babel import format_date, force_locale

    with force_locale(language):
        due = format_date(last_day(invitation.expires_at), "long") if invitation.expires_at else ""
        label = _("Open your personal page")
        retention = contact_retention(survey.project_id)
    title, title_language = round_text(survey, "title", language_order(language, *invitation.contributor.language_order))
    return {"title": title, "title_language": title_language,
            "due": due, "reminder": reminder, "link_url": url, "link_label": label, "retention": retention}
