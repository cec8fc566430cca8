"""What can be done with surveys: build, open and close (answering.py: answer; results.py: summarise;
exports.py: CSV/XLSX; mailing.py: invitations and reminders).

Plain functions without request or session, called by the views, the demo loader and tests.
"""
from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..activities.models import Activity
from ..auth.models import User
from ..extensions import db
from ..i18n import _
from ..mail.services import MAIL_LANGUAGES, email_address
from .models import Invitation, Question, Survey, SurveyStateError
from .question_types import LIKERT_DEFAULT_OPTIONS, QUESTION_TYPES


LOCAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")
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
