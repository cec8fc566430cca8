"""Surveys: a questionnaire, its questions, personal invitations, responses and answers.

Anonymity is a property of the data, not of the screens: an anonymous response (the survey
asks no name) keeps no IP address, no invitation and only the day it came in - the check
constraint `anonymous_keeps_no_trace` holds that rule in the database.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..activities.models import Activity
from ..db_types import UTCDateTime, utcnow
from ..extensions import db
from ..findings.models import Contributor
from ..i18n import _, _l, current_language
from ..projects.scope import ProjectScoped, child_of
from .question_types import QUESTION_TYPES, question_type

#: What a survey is for: an ordinary questionnaire, or an advisory-board feedback round
#: (webapp/feedback: personal links only, consent first, answers become findings at once).
SURVEY_PURPOSES = ("survey", "feedback")

SURVEY_STATUSES = {
    "draft": _l("Draft"),
    "open": _l("Open"),
    "closed": _l("Closed"),
}


class SurveyStateError(ValueError):
    """An illegal state change (e.g. opening a closed survey); the message is translated."""


class Survey(ProjectScoped, db.Model):
    __tablename__ = "surveys"
    __audit_kind__ = "survey"  # its create, update, delete are audited
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in SURVEY_STATUSES)})", "known_status"),
        CheckConstraint(f"purpose IN ({', '.join(repr(p) for p in SURVEY_PURPOSES)})", "known_purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_nl: Mapped[str] = mapped_column(String(300), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    intro_nl: Mapped[str] = mapped_column(Text, default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    #: Title and introduction in further member-page languages: {"ar": {"title": ..., "intro": ...}}
    #: (advisory-board rounds; Dutch and English stay in their own columns).
    extra_texts: Mapped[dict | None] = mapped_column(JSON)
    #: Free-text answers become findings of this activity.
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id", ondelete="SET NULL"), index=True)
    #: draft -> open -> closed, only through open() and close().
    status: Mapped[str] = mapped_column(String(10), default="draft")
    #: A code of SURVEY_PURPOSES; a feedback round has no public link and no kiosk.
    purpose: Mapped[str] = mapped_column(String(20), default="survey", server_default="survey")
    #: Asks the respondent's name; without it every response is anonymous.
    ask_name: Mapped[bool] = mapped_column(default=False)
    #: The secret in the public link, the QR code and the kiosk address (left out of a project
    #: export, like a personal link's; the import makes a new one).
    public_token: Mapped[str] = mapped_column(String(64), unique=True, info={"export": "fresh"})
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped[Activity | None] = relationship()
    questions: Mapped[list[Question]] = relationship(back_populates="survey", order_by="Question.position",
                                                     cascade="all, delete-orphan")

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def open(self) -> None:
        if self.status != "draft":
            raise SurveyStateError(_("Only a draft survey can be opened."))
        if not self.questions:
            raise SurveyStateError(_("Add at least one question before opening the survey."))
        self.status = "open"
        self.opened_at = utcnow()

    def close(self) -> None:
        if self.status != "open":
            raise SurveyStateError(_("Only an open survey can be closed."))
        self.status = "closed"
        self.closed_at = utcnow()

    def __repr__(self) -> str:
        return f"<Survey {self.id} {self.status}>"


@child_of("survey")
class Question(db.Model):
    __tablename__ = "survey_questions"
    __audit_kind__ = "survey_question"  # its create, update, delete are audited
    __table_args__ = (
        CheckConstraint(f"type IN ({', '.join(repr(t) for t in QUESTION_TYPES)})", "known_type"),
        CheckConstraint("min_value IS NULL OR max_value IS NULL OR min_value <= max_value", "valid_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: A code of question_types.QUESTION_TYPES.
    type: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)
    label_nl: Mapped[str] = mapped_column(Text, default="")
    label_en: Mapped[str] = mapped_column(Text, default="")
    help_nl: Mapped[str] = mapped_column(Text, default="")
    help_en: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False)
    #: Choices and Likert points: [{"value": "1", "nl": "...", "en": "..."}, ...]; the value is stored in answers.
    options: Mapped[list] = mapped_column(JSON, default=list)
    #: The question in further languages (feedback rounds): {"ar": "...", "ti": "..."}.
    extra_labels: Mapped[dict | None] = mapped_column(JSON)
    #: Allowed range of a number question (either end may be open).
    min_value: Mapped[float | None]
    max_value: Mapped[float | None]

    survey: Mapped[Survey] = relationship(back_populates="questions")

    @property
    def kind(self):
        """The question type object that validates, renders and summarises this question."""
        return question_type(self.type)

    def option_label(self, value: str, language: str | None = None) -> str:
        language = language or current_language()
        for option in self.options or ():
            if option["value"] == value:
                return option.get(language) or option.get("en" if language == "nl" else "nl") or value
        return value

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.type}>"


#: A draft keeps each typed value up to the longest answer a question takes
#: (question_types.MAX_TEXT_LENGTH) and this many values per question: a refused paste of a
#: megabyte is not stored whole (issue 23).
MAX_DRAFT_VALUE = 5000
MAX_DRAFT_VALUES = 100


def capped_draft(draft: dict | None) -> dict | None:
    """`draft` ({"answers": {question_id: [values]}, ...}) with its values capped as above;
    the project export applies it too, so an older, uncapped draft leaves capped."""
    if not isinstance(draft, dict):
        return draft
    answers = draft.get("answers")
    if not isinstance(answers, dict):
        return draft
    return {**draft, "answers": {key: [str(v)[:MAX_DRAFT_VALUE] for v in list(values)[:MAX_DRAFT_VALUES]]
                                 for key, values in answers.items() if isinstance(values, list)}}


@child_of("survey")
class Invitation(db.Model):
    """A personal link: one response, which can be saved halfway and resumed."""

    __tablename__ = "survey_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: The secret in the personal link. A project export leaves it out (it opens the link);
    #: the import makes a new one (`info["export"]`, projects/transfer.py).
    token: Mapped[str] = mapped_column(String(64), unique=True, info={"export": "fresh"})
    #: Whom the link was given to, for the organiser only (e.g. "Gemeente Utrecht, team Werk").
    label: Mapped[str] = mapped_column(String(200), default="")
    #: Set once the response is in. Deliberately no timestamp: with it, an anonymous
    #: response could be matched to its invitation by time.
    completed: Mapped[bool] = mapped_column(default=False)
    #: Answers saved halfway ({"name": ..., "answers": {question_id: [values]}}); emptied on submit.
    draft: Mapped[dict | None] = mapped_column(JSON, info={"export": capped_draft})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Feedback rounds: the advisory-board member the link is for (links go when the person is erased).
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    #: Feedback rounds: after this moment, or once revoked, the link shows only a page that reveals nothing.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Feedback rounds: when the member agreed on the consent page (nothing is stored before).
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Ordinary surveys: the address the invitation is e-mailed to (personal data, organiser only),
    #: and the language of that e-mail (nl, en or ar).
    email: Mapped[str | None] = mapped_column(String(254))
    email_language: Mapped[str] = mapped_column(String(5), default="nl", server_default="nl")

    survey: Mapped[Survey] = relationship()
    contributor: Mapped[Contributor | None] = relationship()

    def usable(self, now: datetime | None = None) -> bool:
        """Neither revoked nor expired."""
        now = now or utcnow()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    def __repr__(self) -> str:
        return f"<Invitation {self.id} completed={self.completed}>"


@child_of("survey")
class Response(db.Model):
    __tablename__ = "survey_responses"
    __table_args__ = (
        CheckConstraint("respondent_name IS NOT NULL OR (submitted_at IS NULL AND invitation_id IS NULL)",
                        "anonymous_keeps_no_trace"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    #: Made when the form is shown; the same form posted twice (double tap, reload) is stored once.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True)
    #: The language the respondent answered in.
    language: Mapped[str] = mapped_column(String(5), default="nl")
    #: Only the day: finer times could match an anonymous response to a person.
    submitted_on: Mapped[date]
    #: Only for named responses (the survey asks a name).
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    respondent_name: Mapped[str | None] = mapped_column(String(200))
    #: Only for named responses: anonymous ones keep no link to their invitation.
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitations.id", ondelete="SET NULL"))
    #: Feedback rounds: whose (pseudonymous) contribution this is, so the member can view and withdraw it.
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL"),
                                                       index=True)

    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    survey: Mapped[Survey] = relationship(viewonly=True)

    def __repr__(self) -> str:
        return f"<Response {self.id}>"


@child_of("response.survey")
class Answer(db.Model):
    """One value given to one question; a multiple-choice question gets a row per option chosen."""

    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"), index=True)
    #: The option value, the Likert point, the text, or the number as typed.
    value: Mapped[str] = mapped_column(Text)
    #: Number questions and Likert points: the value as a number, for averages.
    number: Mapped[float | None]
    #: The finding this free-text answer was turned into.
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id", ondelete="SET NULL"))

    response: Mapped[Response] = relationship(back_populates="answers")

    def __repr__(self) -> str:
        return f"<Answer {self.id}>"
