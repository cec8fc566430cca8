"""Answering a survey: public and personal links, parsing and checking answers, storing a
response once, drafts of personal links."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..extensions import db
from ..i18n import _
from ..projects.scope import enter_project_of
from ..text import TextRefused, clean_text, export_safe
from .models import MAX_DRAFT_VALUE, Answer, Invitation, Question, Response, Survey, capped_draft
from .question_types import AnswerError, AnswerValue
from .services import LOCAL_TIMEZONE, SurveyError, today


_SUBMISSION_TOKEN = re.compile(r"^[0-9a-f]{32}$")


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
