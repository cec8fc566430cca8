"""Survey results in a report chapter: which surveys may be shown, and their counts and
charts as the PDF prints them (in the report's language)."""
from __future__ import annotations

import re

from babel.numbers import format_decimal
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import select

from ..db_types import utcnow
from ..extensions import db
from ..i18n import _
from ..surveys.models import Survey
from ..surveys.question_types import COUNTED_TYPES
from ..surveys.results import summarise_survey
from .labels import label
from .models import ReportChapter
from .texts import ReportError

#: Question types whose results a report prints. Free-text answers are left out: they are
#: personal words, and findings are the way to quote them.
REPORTED_QUESTION_TYPES = COUNTED_TYPES | {"number"}
_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
#: matplotlib escapes <, > and & in the SVG's text, so every "<" starts a real tag.
_SVG_TAG = re.compile(r"<[^>]*>")
_SVG_REFERENCE = re.compile(r"""(?:href\s*=\s*["']|url\(\s*["']?)([^"')]*)""")
_SVG_ID = re.compile(r'\sid="([^"]*)"')
_SVG_LOCAL_REFERENCE = re.compile(r'(href="#|url\(#)([^")]*)')
_SVG_TEXT_ANCHOR = re.compile(r';\s*text-anchor:\s*(\w+)"')


def chapter_survey_choices() -> list[Survey]:
    """Surveys whose results may appear in a chapter: open or closed, never drafts, and no
    advisory-board feedback rounds (their answers are free text and personal)."""
    return list(db.session.scalars(select(Survey).where(Survey.status.in_(("open", "closed")),
                                                       Survey.purpose == "survey").order_by(Survey.id.desc())))


def set_chapter_surveys(chapter: ReportChapter, survey_ids: set[int]) -> None:
    """Show exactly these surveys in the chapter; refuses any that may not be chosen."""
    allowed = {survey.id: survey for survey in chapter_survey_choices()}
    if not set(survey_ids) <= set(allowed):
        raise ReportError(_("Only open or closed surveys can be shown in a report."))
    chapter.surveys = [allowed[survey_id] for survey_id in sorted(survey_ids)]
    chapter.report.updated_at = utcnow()


def _survey_text(obj, field: str, language: str) -> str:
    """A survey's text in `language`, else the other language: respondents saw it in one of the
    two, and a chart needs its labels (missing_translations lists the gap before building)."""
    other = "en" if language == "nl" else "nl"
    return getattr(obj, f"{field}_{language}") or getattr(obj, f"{field}_{other}") or ""


def _number(value: float | None, language: str) -> str:
    return format_decimal(value, format="#,##0.#", locale=language) if value is not None else "–"


def report_svg(svg: str, prefix: str = "chart-") -> str:
    """A chart as the PDF may embed it.

    - matplotlib's metadata (with its http:// namespace URLs) is dropped, and the chart is
      refused if any reference points outside the SVG: the renderer loads only our static files;
    - every id becomes a PDF anchor in WeasyPrint, and each chart starts at "figure_1": ids
      nothing refers to are dropped, the others get `prefix` so they are unique in the report;
    - text-anchor moves from the style to an attribute, which WeasyPrint's HTML stylesheet
      code does not know (it logged a warning per label).
    Only tags are rewritten, never the (escaped) text of the labels.
    """
    svg = _SVG_METADATA.sub("", str(svg))
    tags = _SVG_TAG.findall(svg)
    if any(not reference.startswith("#") for tag in tags for reference in _SVG_REFERENCE.findall(tag)):
        raise ReportError("a chart refers to something outside itself")
    referenced = {match.group(2) for tag in tags for match in _SVG_LOCAL_REFERENCE.finditer(tag)}

    def rewrite(match: re.Match) -> str:
        tag = _SVG_ID.sub(lambda m: f' id="{prefix}{m.group(1)}"' if m.group(1) in referenced else "", match.group(0))
        tag = _SVG_LOCAL_REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", tag)
        return _SVG_TEXT_ANCHOR.sub(r'" text-anchor="\1"', tag)

    return _SVG_TAG.sub(rewrite, svg)


def _titled_svg(svg: str, title: str) -> str:
    """The chart with a <title>: the tagged PDF takes it as the figure's alternative text."""
    start = svg.index(">", svg.index("<svg")) + 1
    return f"{svg[:start]}<title>{escape(title)}</title>{svg[start:]}"


def survey_results(survey: Survey, language: str, chart_prefix: str = "chart-") -> dict:
    """A survey's title, number of responses and per question its chart and counts, in `language`."""
    # The chart labels are option labels in the current locale: the report's language, not the screen's.
    with force_locale(language):
        total, summaries = summarise_survey(survey)
    questions = []
    for summary in summaries:
        question = summary.question
        if question.type not in REPORTED_QUESTION_TYPES or not summary.answered:
            continue
        rows = [{"label": row.label, "count": row.count, "percent": _number(row.percent, language) + "%"}
                for row in summary.rows]
        question_label = _survey_text(question, "label", language)
        entry = {
            "label": question_label, "type": question.type,
            "answered": summary.answered, "multiple": question.type == "multiple_choice",
            # The alternative text says what the chart shows, numbers included; the table beside it repeats them.
            "chart": _titled_svg(report_svg(summary.chart, f"{chart_prefix}{question.id}-"), label(
                "chart_alt", language, label=question_label, n=summary.answered,
                values="; ".join(f"{row['label']}: {row['count']}" for row in rows))) if summary.chart else "",
            "rows": rows,
            "mean": "", "min": "", "max": "",
        }
        if summary.stats is not None:
            entry.update(mean=_number(summary.stats.mean, language), min=_number(summary.stats.minimum, language),
                         max=_number(summary.stats.maximum, language))
        questions.append(entry)
    return {"title": _survey_text(survey, "title", language), "responses": total, "questions": questions}
