"""What can be done with surveys: build, open and close, answer, summarise, export.

Plain functions without request or session, called by the views, the demo loader and tests.
"""
from __future__ import annotations

import csv
import io
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import distinct, func, select, update
from sqlalchemy.exc import IntegrityError

from ..activities.models import Activity
from ..auth.models import User
from ..db_types import utcnow
from ..extensions import db
from ..projects.scope import enter_project_of
from ..findings.services import FindingInput, create_finding
from ..i18n import _, localized
from ..text import TextRefused, clean_text, export_safe, spreadsheet_cell
from .models import MAX_DRAFT_VALUE, Answer, Invitation, Question, Response, Survey, SurveyStateError, capped_draft
from .question_types import (COUNTED_TYPES, LIKERT_DEFAULT_OPTIONS, NUMERIC_TYPES, QUESTION_TYPES, AnswerError,
                             AnswerValue, NumberStats, QuestionSummary, SurveyAggregates, TextAnswer,
                             format_number)

LOCAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")
_SUBMISSION_TOKEN = re.compile(r"^[0-9a-f]{32}$")
#: Fixed namespace: the finding made from an answer gets the same client_id every time.
FINDING_NAMESPACE = uuid.UUID("0c6f3b7e-2b1e-4f0e-9a55-5e8f2d4c9a01")


class SurveyError(ValueError):
    """A translated message for the user; nothing was stored. `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def today() -> date:
    """The day in the Netherlands, where the meetings are: what an anonymous response keeps."""
    return datetime.now(LOCAL_TIMEZONE).date()


# --- Building -------------------------------------------------------------------------------

@dataclass
class SurveyInput:
    title_nl: str
    title_en: str
    intro_nl: str = ""
    intro_en: str = ""
    activity_id: int | None = None
    ask_name: bool = False


def save_survey(survey: Survey | None, data: SurveyInput, author: User | None = None) -> Survey:
    """Create (survey=None) or change a survey's texts and settings."""
    if not (data.title_nl or "").strip() and not (data.title_en or "").strip():
        raise SurveyError(_("Give the survey a title in at least one language."), "title_nl")
    if data.activity_id is not None and db.session.get(Activity, data.activity_id) is None:
        raise SurveyError(_("Unknown activity."), "activity_id")
    if survey is None:
        survey = Survey(public_token=secrets.token_urlsafe(16), created_by_id=author.id if author else None)
        db.session.add(survey)
    elif survey.ask_name != data.ask_name and not survey.is_draft:
        # Respondents were told whether they answer anonymously; that promise cannot change.
        raise SurveyError(_("Whether the survey asks a name can only be changed while it is a draft."), "ask_name")
    survey.title_nl = data.title_nl.strip()
    survey.title_en = data.title_en.strip()
    survey.intro_nl = (data.intro_nl or "").strip()
    survey.intro_en = (data.intro_en or "").strip()
    survey.activity_id = data.activity_id
    survey.ask_name = data.ask_name
    db.session.commit()
    return survey


@dataclass
class QuestionInput:
    type: str
    label_nl: str
    label_en: str
    help_nl: str = ""
    help_en: str = ""
    required: bool = False
    #: One option per line, "Dutch | English" (the same text for both without the bar).
    options_text: str = ""
    min_value: float | None = None
    max_value: float | None = None


def parse_options(text: str) -> list[dict[str, str]]:
    options = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        dutch, bar, english = line.partition("|")
        dutch, english = dutch.strip(), english.strip() if bar else dutch.strip()
        options.append({"value": str(len(options) + 1), "nl": dutch or english, "en": english or dutch})
    return options


def format_options(options: list[dict[str, str]]) -> str:
    """The builder's textarea text for stored options (the reverse of parse_options)."""
    return "\n".join(f"{o['nl']} | {o['en']}" for o in options or ())


def _require_draft(survey: Survey) -> None:
    if not survey.is_draft:
        raise SurveyError(_("Questions can only be changed while the survey is a draft."))


def save_question(survey: Survey, question: Question | None, data: QuestionInput) -> Question:
    _require_draft(survey)
    kind = QUESTION_TYPES.get(data.type)
    if kind is None:
        raise SurveyError(_("Unknown question type."), "type")
    if not (data.label_nl or "").strip() and not (data.label_en or "").strip():
        raise SurveyError(_("Give the question in at least one language."), "label_nl")
    options: list[dict[str, str]] = []
    if kind.has_options:
        options = parse_options(data.options_text)
        if data.type == "likert":
            if not options:
                options = [dict(o) for o in LIKERT_DEFAULT_OPTIONS]
            elif len(options) != 5:
                raise SurveyError(_("A Likert scale has exactly 5 points: give 5 lines, or none for the standard "
                                    "scale."), "options_text")
        elif len(options) < 2:
            raise SurveyError(_("Give at least two options, one per line."), "options_text")
    low, high = (data.min_value, data.max_value) if data.type == "number" else (None, None)
    if low is not None and high is not None and low > high:
        raise SurveyError(_("The lowest number is higher than the highest."), "min_value")
    if question is None:
        position = max((q.position for q in survey.questions), default=0) + 1
        question = Question(position=position)
        survey.questions.append(question)
    question.type = data.type
    question.label_nl = data.label_nl.strip()
    question.label_en = data.label_en.strip()
    question.help_nl = (data.help_nl or "").strip()
    question.help_en = (data.help_en or "").strip()
    question.required = data.required
    question.options = options
    question.min_value, question.max_value = low, high
    db.session.commit()
    return question


def delete_question(question: Question) -> None:
    _require_draft(question.survey)
    survey = question.survey
    survey.questions.remove(question)
    _renumber(survey)
    db.session.commit()


def move_question(question: Question, step: int) -> None:
    """Move a question one place up (step=-1) or down (step=1)."""
    survey = question.survey
    _require_draft(survey)
    questions = list(survey.questions)
    index = questions.index(question)
    target = index + step
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        for position, q in enumerate(questions, start=1):
            q.position = position
    db.session.commit()


def _renumber(survey: Survey) -> None:
    for position, question in enumerate(sorted(survey.questions, key=lambda q: q.position), start=1):
        question.position = position


def open_survey(survey: Survey) -> None:
    try:
        survey.open()
    except SurveyStateError as error:
        db.session.rollback()
        raise SurveyError(str(error)) from None
    db.session.commit()


def close_survey(survey: Survey) -> None:
    try:
        survey.close()
    except SurveyStateError as error:
        db.session.rollback()
        raise SurveyError(str(error)) from None
    db.session.commit()


def parse_invitation_line(line: str) -> tuple[str, str | None, str]:
    """(label, e-mail address or None, language) from "Gemeente Utrecht, team Werk; amira@example.nl; ar".

    A part that is an e-mail address becomes the address, a part that is nl, en or ar its language."""
    from ..mail.services import MAIL_LANGUAGES, email_address

    label_parts, address, language = [], None, "nl"
    for part in (p.strip() for p in line.split(";")):
        if not part:
            continue
        if address is None and email_address(part):
            address = email_address(part)
        elif part.lower() in MAIL_LANGUAGES:
            language = part.lower()
        else:
            label_parts.append(part)
    return "; ".join(label_parts)[:200], address, language


def create_invitations(survey: Survey, labels: list[str]) -> list[Invitation]:
    """One personal link per line: whom it is for (may be empty), optionally an e-mail address and its language."""
    invitations = []
    for line in labels:
        label, address, language = parse_invitation_line(line)
        invitations.append(Invitation(survey_id=survey.id, token=secrets.token_urlsafe(16), label=label,
                                      email=address, email_language=language))
    db.session.add_all(invitations)
    db.session.commit()
    return invitations


# --- Answering ------------------------------------------------------------------------------

def survey_by_token(token: str) -> Survey | None:
    """The survey of a public link; the rest of the request works inside its project."""
    survey = db.session.scalar(select(Survey).where(Survey.public_token == token)) if token else None
    return enter_project_of(survey)


def invitation_by_token(token: str) -> Invitation | None:
    invitation = db.session.scalar(select(Invitation).where(Invitation.token == token)) if token else None
    if invitation is not None:
        enter_project_of(invitation.survey)
    return invitation


def survey_link(token: str) -> Invitation | None:
    """The survey invitation for a personal link, or None when it is unknown, revoked or
    expired (the caller shows one and the same page for all three)."""
    invitation = invitation_by_token(token) if token and len(token) <= 64 else None
    if invitation is None or invitation.survey.purpose != "survey" or not invitation.usable():
        return None
    return invitation


def revoke_invitation(invitation: Invitation) -> None:
    """The link stops working at once; what was already answered stays."""
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.commit()


def set_invitation_expiry(invitation: Invitation, last_day: date | None) -> None:
    """The link works up to and including `last_day` (local time); None: without end."""
    if last_day is not None and last_day < today():
        raise SurveyError(_("Choose today or a later day."))
    invitation.expires_at = (None if last_day is None else
                             datetime.combine(last_day + timedelta(days=1), datetime.min.time(), LOCAL_TIMEZONE))
    db.session.commit()


def new_submission_token() -> str:
    return uuid.uuid4().hex


def valid_submission_token(token: str | None) -> bool:
    return bool(token and _SUBMISSION_TOKEN.match(token))


def field_name(question: Question) -> str:
    return f"q{question.id}"


@dataclass
class ParsedAnswers:
    """What a respondent sent: the raw values (to show again) and, when valid, what to store."""

    raw: dict[int, list[str]] = field(default_factory=dict)
    values: dict[int, list[AnswerValue]] = field(default_factory=dict)
    errors: dict[int | str, str] = field(default_factory=dict)
    name: str = ""


def parse_answers(survey: Survey, getlist, name: str = "") -> ParsedAnswers:
    """Check every answer with its question type; `getlist(field)` reads the posted form."""
    try:
        name = clean_text(name or "", multiline=False)
    except TextRefused as refused:
        name = ""
        parsed_error = refused.message
    else:
        parsed_error = None
    parsed = ParsedAnswers(name=name.strip()[:200])
    if parsed_error:
        parsed.errors["name"] = parsed_error
    for question in survey.questions:
        raw = [v for v in getlist(field_name(question)) if isinstance(v, str)]
        parsed.raw[question.id] = raw
        try:
            parsed.values[question.id] = question.kind.parse(question, raw)
        except AnswerError as error:
            parsed.errors[question.id] = str(error)
    if survey.ask_name and not parsed.name:
        parsed.errors.setdefault("name", _("Please give your name."))
    return parsed


def submit_response(survey: Survey, parsed: ParsedAnswers, submission_token: str, language: str,
                    invitation: Invitation | None = None, day: date | None = None) -> tuple[Response, bool]:
    """Store a valid response once; returns (response, created).

    The same submission token posted again (a double tap, a reload) returns the stored
    response instead of a second one. A closed survey and a used invitation refuse.
    """
    if parsed.errors:
        raise ValueError("submit_response needs answers without errors")
    if not valid_submission_token(submission_token):
        raise SurveyError(_("This form is not complete. Reload the page and try again."))
    existing = db.session.scalar(select(Response).where(Response.submission_token == submission_token))
    if existing is not None and existing.survey_id == survey.id:
        return existing, False
    if existing is not None:
        raise SurveyError(_("This form is not complete. Reload the page and try again."))
    if not survey.is_open:
        raise SurveyError(_("This survey is closed: answers can no longer be given. Thank you for your interest."))
    named = survey.ask_name
    if invitation is not None and not claim_invitation(invitation):
        raise SurveyError(_("This personal link has already been used to answer. Thank you!"))
    response = Response(
        survey_id=survey.id, submission_token=submission_token, language=language,
        submitted_on=day or today(),
        submitted_at=utcnow() if named else None,
        respondent_name=parsed.name if named else None,
        invitation_id=invitation.id if (named and invitation is not None) else None,
        answers=[Answer(question_id=question_id, value=v.value, number=v.number)
                 for question_id, values in parsed.values.items() for v in values])
    return store_response_once(response)


def claim_invitation(invitation: Invitation) -> bool:
    """Mark a personal link used, in one statement: two tabs posting at once cannot both
    get through. False (and the transaction rolled back) when it was used already."""
    claimed = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.completed.is_(False))
        .values(completed=True, draft=None)).rowcount
    if not claimed:
        db.session.rollback()
    return bool(claimed)


def store_response_once(response: Response, before_commit=None) -> tuple[Response, bool]:
    """Store `response`, or return the one already stored under its submission token
    (the same form posted twice at the same moment); returns (response, created).
    `before_commit(response)` runs after the flush, in the same transaction."""
    db.session.add(response)
    try:
        db.session.flush()
        if before_commit is not None:
            before_commit(response)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(select(Response).where(Response.submission_token == response.submission_token))
        if existing is None:
            raise
        return existing, False
    return response, True


def response_counts(survey_ids) -> dict[int, int]:
    """Number of responses per survey, in one query."""
    ids = list(survey_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Response.survey_id, func.count()).where(Response.survey_id.in_(ids))
                              .group_by(Response.survey_id))
    return {survey_id: count for survey_id, count in rows}


def draft_safe(raw: dict[int, list[str]]) -> dict[str, list[str]]:
    """What was typed, kept as a draft even when an answer was refused: a refused character
    becomes U+FFFD (PostgreSQL's JSON refuses NUL), a value longer than any answer is cut
    there (`capped_draft`), everything else stays as typed."""
    answers = {str(k): [export_safe(v) for v in values] for k, values in raw.items() if any(values)}
    return capped_draft({"answers": answers})["answers"]


def draft_cuts(raw: dict[int, list[str]]) -> dict[int, str]:
    """{question id: the last words kept} for each typed value the draft cuts (`draft_safe`)."""
    return {key: values[0][MAX_DRAFT_VALUE - 30:MAX_DRAFT_VALUE] for key, values in raw.items()
            if values and len(values[0]) > MAX_DRAFT_VALUE}


def save_draft(invitation: Invitation, parsed: ParsedAnswers) -> None:
    """Keep what was filled in on a personal link, to continue later."""
    if invitation.completed:
        return
    invitation.draft = {"name": parsed.name, "answers": draft_safe(parsed.raw)}
    db.session.commit()


def draft_answers(invitation: Invitation) -> tuple[dict[int, list[str]], str]:
    draft = invitation.draft or {}
    return {int(k): list(v) for k, v in (draft.get("answers") or {}).items()}, draft.get("name") or ""


# --- Results --------------------------------------------------------------------------------

#: Free-text answers per page on the results screen: a survey with 2,000 responses must not render them all.
TEXTS_PER_PAGE = 50


def survey_aggregates(survey: Survey, text_page: Callable[[int], int] | None = None) -> SurveyAggregates:
    """Counts, numbers and texts for every question in a fixed number of queries.

    With `text_page` (question id -> page number) only that page of each free-text question's
    answers is fetched, as the results screen shows them; without it, all of them."""
    questions = list(survey.questions)
    by_type = lambda types: [q.id for q in questions if q.type in types]  # noqa: E731
    aggregates = SurveyAggregates()
    aggregates.total = db.session.scalar(
        select(func.count()).select_from(Response).where(Response.survey_id == survey.id)) or 0
    if not questions or not aggregates.total:
        return aggregates
    question_ids = [q.id for q in questions]
    aggregates.answered = dict(db.session.execute(
        select(Answer.question_id, func.count(distinct(Answer.response_id)))
        .where(Answer.question_id.in_(question_ids)).group_by(Answer.question_id)).all())
    if counted := by_type(COUNTED_TYPES):
        for question_id, value, count in db.session.execute(
                select(Answer.question_id, Answer.value, func.count()).where(Answer.question_id.in_(counted))
                .group_by(Answer.question_id, Answer.value)):
            aggregates.counts.setdefault(question_id, {})[value] = count
    if numeric := by_type(NUMERIC_TYPES):
        for question_id, count, mean, low, high in db.session.execute(
                select(Answer.question_id, func.count(), func.avg(Answer.number), func.min(Answer.number),
                       func.max(Answer.number)).where(Answer.question_id.in_(numeric)).group_by(Answer.question_id)):
            aggregates.numbers[question_id] = NumberStats(count, float(mean) if mean is not None else None,
                                                          low, high)
    if texts := by_type({"text"}):
        text_rows = (select(Answer.question_id, Answer.id, Answer.value, Response.language, Answer.finding_id)
                     .join(Response, Response.id == Answer.response_id).order_by(Answer.id))
        if text_page is None:  # everything (a report, an export)
            for question_id, answer_id, text, language, finding_id in db.session.execute(
                    text_rows.where(Answer.question_id.in_(texts))):
                aggregates.texts.setdefault(question_id, []).append(TextAnswer(answer_id, text, language, finding_id))
        else:  # the results screen: one page per question, fetched as such (one query per text question)
            for question_id in texts:
                pages = max(1, -(-aggregates.answered.get(question_id, 0) // TEXTS_PER_PAGE))
                page = min(max(text_page(question_id), 1), pages)
                aggregates.text_pages[question_id] = (page, pages)
                aggregates.texts[question_id] = [
                    TextAnswer(answer_id, text, language, finding_id)
                    for _q, answer_id, text, language, finding_id in db.session.execute(
                        text_rows.where(Answer.question_id == question_id)
                        .limit(TEXTS_PER_PAGE).offset((page - 1) * TEXTS_PER_PAGE))]
    return aggregates


def summarise_survey(survey: Survey, text_page: Callable[[int], int] | None = None
                     ) -> tuple[int, list[QuestionSummary]]:
    aggregates = survey_aggregates(survey, text_page)
    return aggregates.total, [q.kind.summarise(q, aggregates) for q in survey.questions]


def text_answer(survey: Survey, answer_id: int) -> Answer | None:
    """A free-text answer of this survey (None for another survey's or another type's answer)."""
    return db.session.scalar(
        select(Answer).join(Question, Question.id == Answer.question_id)
        .where(Answer.id == answer_id, Question.survey_id == survey.id, Question.type == "text"))


def answer_to_finding(survey: Survey, answer: Answer, kind: str, theme_codes: list[str], author: User | None):
    """Turn a free-text answer into a finding of the survey's activity (once)."""
    from ..findings.models import Finding

    if answer.finding_id is not None:
        return db.session.get(Finding, answer.finding_id)
    if survey.activity_id is None:
        raise SurveyError(_("Link the survey to an activity first: findings belong to an activity."))
    finding = create_finding(FindingInput(
        activity_id=survey.activity_id, text=answer.value, kind=kind, language=answer.response.language,
        theme_codes=theme_codes, client_id=uuid.uuid5(FINDING_NAMESPACE, f"answer-{answer.id}")), author)
    answer.finding_id = finding.id
    db.session.commit()
    return finding


# --- Export ---------------------------------------------------------------------------------

def _spreadsheet_safe(value):
    """Export-safe text; text starting with =, +, - or @ (a formula to Excel) prefixed so it stays text."""
    return spreadsheet_cell(value)


def response_table(survey: Survey) -> tuple[list[str], list[list]]:
    """One row per response, one column per question, in the current language."""
    questions = list(survey.questions)
    headers = [_("Response"), _("Date"), _("Language")]
    if survey.ask_name:
        headers.append(_("Name"))
    headers += [spreadsheet_cell(f"{q.position}. {localized(q, 'label')}") for q in questions]
    responses = db.session.execute(
        select(Response.id, Response.submitted_on, Response.language, Response.respondent_name)
        .where(Response.survey_id == survey.id).order_by(Response.id)).all()
    values: dict[tuple[int, int], list[str]] = {}
    for response_id, question_id, value in db.session.execute(
            select(Answer.response_id, Answer.question_id, Answer.value)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.survey_id == survey.id).order_by(Answer.id)):
        values.setdefault((response_id, question_id), []).append(value)
    rows = []
    for response_id, day, language, name in responses:
        row = [response_id, day, language]
        if survey.ask_name:
            row.append(_spreadsheet_safe(name or ""))
        for question in questions:
            answer = values.get((response_id, question.id), [])
            cell = question.kind.export(question, answer) if answer else None
            row.append(_spreadsheet_safe(cell))
        rows.append(row)
    return headers, rows


def _csv_cell(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, date):
        return cell.isoformat()
    return format_number(cell) if isinstance(cell, float) else str(cell)


def responses_csv(survey: Survey) -> str:
    headers, rows = response_table(survey)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 (ë, Arabic) correctly only with the BOM
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return buffer.getvalue()


def responses_xlsx(survey: Survey) -> bytes:
    from openpyxl import Workbook

    headers, rows = response_table(survey)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Responses"))
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- E-mail: invitations and reminders --------------------------------------------------------

def mail_recipients(survey: Survey, reminder: bool) -> list[Invitation]:
    """Personal links with an e-mail address that can get a message now: invitations for
    those not mailed yet, reminders for those not answered; nothing for a closed survey,
    a revoked or expired link, or an address that opted out."""
    from ..mail.services import latest_messages, opted_out

    if survey.status == "closed" or survey.purpose != "survey":
        return []
    links = list(db.session.scalars(select(Invitation).where(
        Invitation.survey_id == survey.id, Invitation.email.is_not(None), Invitation.completed.is_(False))
        .order_by(Invitation.id)))
    links = [i for i in links if i.usable() and not opted_out(i.email)]
    if reminder:
        return links
    mailed = latest_messages("invitation", [i.id for i in links])
    return [i for i in links if i.id not in mailed]


def invitation_mail_context(survey: Survey, invitation: Invitation, reminder: bool, url: str) -> dict:
    from datetime import timedelta

    from flask_babel import force_locale, format_date

    language = invitation.email_language
    with force_locale(language):
        label = _("Fill in the survey")
        # A link's expires_at is the midnight after its last day.
        due = format_date((invitation.expires_at.astimezone(LOCAL_TIMEZONE) - timedelta(days=1)).date(), "long") \
            if invitation.expires_at else ""
    return {"title": localized(survey, "title", language if language in ("nl", "en") else "en") or "",
            "due": due, "reminder": reminder, "link_url": url, "link_label": label}


def queue_invitation_mail(survey: Survey, invitations: list[Invitation], reminder: bool, link_for) -> int:
    from ..mail.services import queue_message

    queued = 0
    for invitation in invitations:
        if invitation.completed or not invitation.usable() or not invitation.email:
            continue
        message = queue_message(invitation.email, invitation.email_language,
                                "survey_reminder" if reminder else "survey_invitation", "survey_invitation",
                                invitation_mail_context(survey, invitation, reminder, link_for(invitation)),
                                related_type="invitation", related_id=invitation.id)
        queued += message is not None
    db.session.commit()
    return queued
