"""Question types: each a small class that validates an answer, renders its input and
summarises the results. A new type (the advisory-board feedback needs a few) is one class
here, one template in templates/surveys/respond/questions/ and nothing else.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask import render_template
from flask_babel import lazy_pgettext as _lp  # extracted with -k _lp:1c,2 (bin/i18n-update)
from markupsafe import Markup

from ..charts import horizontal_bar_chart
from ..i18n import _, _l
from ..text import TextRefused, clean_text

#: A free-text answer is a few paragraphs at most.
MAX_TEXT_LENGTH = 5000

#: The five labelled points a Likert question gets unless the organiser gives others.
LIKERT_DEFAULT_OPTIONS = [
    {"value": "1", "nl": "Helemaal oneens", "en": "Strongly disagree"},
    {"value": "2", "nl": "Oneens", "en": "Disagree"},
    {"value": "3", "nl": "Neutraal", "en": "Neutral"},
    {"value": "4", "nl": "Eens", "en": "Agree"},
    {"value": "5", "nl": "Helemaal eens", "en": "Strongly agree"},
]


class AnswerError(ValueError):
    """A translated message for the respondent; the answers are kept on the form."""


@dataclass(frozen=True)
class AnswerValue:
    """What is stored for one answer row."""

    value: str
    number: float | None = None


@dataclass(frozen=True)
class NumberStats:
    count: int
    mean: float | None
    minimum: float | None
    maximum: float | None


@dataclass(frozen=True)
class TextAnswer:
    answer_id: int
    text: str
    language: str
    finding_id: int | None


@dataclass
class SurveyAggregates:
    """Everything the results page needs, fetched in a fixed number of grouped queries."""

    total: int = 0
    answered: dict[int, int] = field(default_factory=dict)  # question id -> respondents who answered
    counts: dict[int, dict[str, int]] = field(default_factory=dict)  # question id -> value -> answers
    numbers: dict[int, NumberStats] = field(default_factory=dict)
    texts: dict[int, list[TextAnswer]] = field(default_factory=dict)
    #: question id -> (page shown, pages) when the texts were fetched one page at a time
    text_pages: dict[int, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class SummaryRow:
    label: str
    count: int
    percent: float


@dataclass
class QuestionSummary:
    question: object
    answered: int
    rows: list[SummaryRow] = field(default_factory=list)
    chart: Markup | None = None
    stats: NumberStats | None = None
    texts: list[TextAnswer] = field(default_factory=list)
    #: (page shown, pages) of `texts` on the results screen; (1, 1) when they are all there.
    text_page: tuple[int, int] = (1, 1)


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def format_number(value: float) -> str:
    """12.0 -> "12", 2.5 -> "2.5": how a number answer is stored and exported."""
    return str(int(value)) if value == int(value) else repr(value)


class QuestionType:
    code = ""
    label = _l("Question")
    #: Whether the organiser gives options (choices, Likert points).
    has_options = False

    @property
    def template(self) -> str:
        return f"surveys/respond/questions/{self.code}.html"

    #: Whether an answer keeps its line ends (free text); choices and numbers are one line.
    multiline = False

    def parse(self, question, raw: list[str]) -> list[AnswerValue]:
        """The answer values to store for what the form sent; AnswerError if not acceptable.

        Every value passes the text boundary first (webapp/text.py): a refused character is
        the question's error, and the form comes back with what was typed.
        """
        try:
            raw = [clean_text(v, multiline=self.multiline) for v in raw]
        except TextRefused as refused:
            raise AnswerError(refused.message) from None
        values = [v.strip() for v in raw if v and v.strip()]
        if not values:
            if question.required:
                raise AnswerError(_("Please answer this question."))
            return []
        return self.validate(question, values)

    def validate(self, question, values: list[str]) -> list[AnswerValue]:
        raise NotImplementedError

    def render(self, question, name: str, raw: list[str], error: str | None) -> Markup:
        return Markup(render_template(self.template, question=question, name=name, selected=raw, error=error))

    def summarise(self, question, aggregates: SurveyAggregates) -> QuestionSummary:
        raise NotImplementedError

    def export(self, question, values: list[str]):
        """The spreadsheet cell for one response's answer rows."""
        return "; ".join(values)


class ChoiceType(QuestionType):
    has_options = True
    multiple = False

    def validate(self, question, values):
        known = {option["value"] for option in question.options}
        if any(v not in known for v in values) or (not self.multiple and len(values) > 1):
            raise AnswerError(_("Choose one of the options given."))
        return [AnswerValue(v) for v in dict.fromkeys(values)]

    def summarise(self, question, aggregates):
        answered = aggregates.answered.get(question.id, 0)
        counts = aggregates.counts.get(question.id, {})
        rows = [SummaryRow(question.option_label(o["value"]), counts.get(o["value"], 0),
                           _percent(counts.get(o["value"], 0), answered)) for o in question.options]
        chart = horizontal_bar_chart([r.label for r in rows], [r.count for r in rows]) if answered else None
        return QuestionSummary(question, answered, rows=rows, chart=chart)

    def export(self, question, values):
        return "; ".join(question.option_label(v) for v in values)


class SingleChoice(ChoiceType):
    code = "single_choice"
    label = _l("Single choice")


class MultipleChoice(ChoiceType):
    code = "multiple_choice"
    label = _l("Multiple choice")
    multiple = True


class Likert(ChoiceType):
    code = "likert"
    label = _l("Likert scale (5 points)")

    def validate(self, question, values):
        return [AnswerValue(v.value, float(v.value)) for v in super().validate(question, values)]

    def summarise(self, question, aggregates):
        summary = super().summarise(question, aggregates)
        summary.stats = aggregates.numbers.get(question.id)
        return summary


class FreeText(QuestionType):
    code = "text"
    label = _l("Free text")
    multiline = True

    def parse(self, question, raw):
        text = "\n".join(v for v in raw if v).strip()
        return super().parse(question, [text])

    def validate(self, question, values):
        if len(values[0]) > MAX_TEXT_LENGTH:
            raise AnswerError(_("Please keep your answer under %(max)s characters.", max=MAX_TEXT_LENGTH))
        return [AnswerValue(values[0])]

    def summarise(self, question, aggregates):
        return QuestionSummary(question, aggregates.answered.get(question.id, 0),
                               texts=aggregates.texts.get(question.id, []),
                               text_page=aggregates.text_pages.get(question.id, (1, 1)))


class Number(QuestionType):
    code = "number"
    label = _lp("question type", "Number")  # Dutch "Getal"; an activity's "Number" is "Nummer"

    def validate(self, question, values):
        try:
            number = float(values[0].replace(",", ".").replace(" ", ""))
        except ValueError:
            raise AnswerError(_("Please give a number, for example 12.")) from None
        if not math.isfinite(number):
            raise AnswerError(_("Please give a number, for example 12."))
        low, high = question.min_value, question.max_value
        if (low is not None and number < low) or (high is not None and number > high):
            if low is not None and high is not None:
                message = _("Please give a number from %(min)s to %(max)s.", min=format_number(low),
                            max=format_number(high))
            elif low is not None:
                message = _("Please give a number of at least %(min)s.", min=format_number(low))
            else:
                message = _("Please give a number of at most %(max)s.", max=format_number(high))
            raise AnswerError(message)
        return [AnswerValue(format_number(number), number)]

    def summarise(self, question, aggregates):
        return QuestionSummary(question, aggregates.answered.get(question.id, 0),
                               stats=aggregates.numbers.get(question.id))

    def export(self, question, values):
        return float(values[0]) if values else None


QUESTION_TYPES: dict[str, QuestionType] = {t.code: t for t in (SingleChoice(), MultipleChoice(), Likert(),
                                                                 FreeText(), Number())}
#: Types whose answers are counted per value (the other types are summarised differently).
COUNTED_TYPES = {"single_choice", "multiple_choice", "likert"}
#: Types with a numeric value: averages, minimum and maximum.
NUMERIC_TYPES = {"likert", "number"}


def question_type(code: str) -> QuestionType:
    return QUESTION_TYPES[code]
