"""A survey's results: counts, numbers and texts per question, and a free-text answer made a finding."""
from __future__ import annotations

import uuid
from typing import Callable

from sqlalchemy import distinct, func, select

from ..auth.models import User
from ..extensions import db
from ..findings.models import Finding
from ..findings.services import FindingInput, create_finding
from ..i18n import _
from .models import Answer, Question, Response, Survey
from .question_types import COUNTED_TYPES, NUMERIC_TYPES, NumberStats, QuestionSummary, SurveyAggregates, TextAnswer
from .services import FINDING_NAMESPACE, SurveyError


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
