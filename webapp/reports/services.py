"""Report services: collect a report into plain data, hash it, build PDF/DOCX versions.

Views, the CLI and the benchmark all come through here. `collect_report` reads everything
a build needs from the database into plain dicts and lists (no ORM objects), so the worker
thread that renders the file never touches the request's session, and the content hash is
taken over exactly what goes into the file.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import signal
import threading
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from babel.dates import format_date
from markupsafe import escape
from babel.numbers import format_decimal
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from ..activities.models import Activity
from ..projects.models import Project
from ..projects.scope import in_project
from ..data_version import input_key
from ..db_types import utcnow
from ..extensions import db
from ..i18n import RTL_LANGUAGES, _, _l, localized
from ..text import TextRefused, clean_text
from ..jobs.services import enqueue, job_for, set_progress
from ..findings.models import Finding, FindingTranslation, finding_themes
from ..organisations.models import Organisation
from ..organisations.stakeholder_types import stakeholder_label
from ..reference.models import Abbreviation, GoodExample
from ..surveys.models import Survey
from ..surveys.question_types import COUNTED_TYPES
from ..surveys.services import summarise_survey
from ..themes.models import Theme
from .attribution import activity_title, annex_entry, may_quote as is_quotable, organisation_name, printed_evidence
from .labels import label, label_n
from .models import (EMBLEMS, REPORT_FORMATS, REPORT_LANGUAGES, REPORT_TEXT_FIELDS, Recommendation,
                     RecommendationFinding, Report, ReportBox, ReportChapter, ReportVersion, Source)

log = logging.getLogger(__name__)

#: Bump when the way a report is turned into a file changes: old versions then no longer match.
RENDERER_VERSION = "2"
HERE = Path(__file__).parent
#: Files whose contents shape the output; their bytes go into the content hash.
LAYOUT_FILES = (HERE / "templates/reports/pdf/report.html", HERE / "static/report.css", HERE / "docx_export.py",
                HERE / "pdf.py")
FOOTNOTE_MARK = re.compile(r"\[\^([A-Za-z0-9_.-]{1,60})\]")
#: A build left "running" longer than this died with its process; it may be started again.
STALE_AFTER_SECONDS = 15 * 60
GOOD_EXAMPLE_FIELDS = ("target_group", "partners", "results", "funding")


class ReportError(Exception):
    pass


# ---------------------------------------------------------------- texts and footnotes

class _Notes:
    """Numbers footnotes in order of appearance across the whole report."""

    def __init__(self, sources: dict[str, Source], language: str):
        self.sources = sources
        self.language = language
        self.items: list[dict] = []
        self.unknown: list[str] = []

    def paragraphs(self, text: str | None) -> list[list[dict]]:
        """Split a text into paragraphs of segments: {"text": ...} or {"note": n, "citation": ...}."""
        result = []
        for block in re.split(r"\n\s*\n", (text or "").strip()):
            if not block.strip():
                continue
            segments, last = [], 0
            for match in FOOTNOTE_MARK.finditer(block):
                source = self.sources.get(match.group(1))
                if source is None:
                    self.unknown.append(match.group(1))
                    continue  # left in the text as typed, so the author sees it
                between = block[last:match.start()]
                # Calls side by side ("[^a][^b]", or with a space) print with a separator,
                # "²,³", never as "²³", which reads as footnote 23.
                after_note = bool(segments) and "note" in segments[-1] and not between.strip()
                if not after_note:
                    segments.append({"text": between})
                citation = getattr(source, f"citation_{self.language}") or ""
                number = len(self.items) + 1
                note = {"note": number, "citation": citation, "url": source.url, "key": source.key,
                        "after_note": after_note}
                self.items.append(note)
                segments.append(note)
                last = match.end()
            segments.append({"text": block[last:]})
            result.append(segments)
        return result


def _text(obj, field: str, language: str) -> str:
    """The author's text in `language`, never the other language: a gap stays a gap."""
    return getattr(obj, f"{field}_{language}") or ""


def _date(value: date | None, language: str, precision: str = "day") -> str:
    if value is None:
        return label("date_unknown", language)
    return format_date(value, "MMMM yyyy" if precision == "month" else "d MMMM yyyy", locale=language)


def _with_date(title: str, when: str) -> str:
    """ "Study trip to Essen (three days)" + "November 2023" -> "... (three days, November 2023)". """
    if title.endswith(")"):
        return f"{title[:-1]}, {when})"
    return f"{title} ({when})"


# ---------------------------------------------------------------- survey results

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


# ---------------------------------------------------------------- missing translations

@dataclass(frozen=True)
class MissingText:
    where: str  # stable, for the CLI and tests: "report", "chapter 2", "recommendation 3.2", ...
    field: str  # e.g. "intro", "title"
    #: The same place in words for the screen, in the interface language.
    label: str = field(default="", compare=False)


#: How the screens name a text field of a report, chapter, recommendation, box or survey.
TEXT_FIELD_LABELS = {
    "title": _l("title"), "subtitle": _l("subtitle"), "colophon": _l("colophon"),
    "acknowledgements": _l("acknowledgements"), "executive_summary": _l("executive summary"),
    "scope": _l("scope"), "problem_analysis": _l("problem analysis"), "intro": _l("introduction"),
    "body": _l("text"), "target_group": _l("target group"), "partners": _l("partners"),
    "results": _l("results"), "funding": _l("funding"), "label": _l("question"), "place": _l("place"),
    "project": _l("the project"), "literature_review": _l("literature review"),
    "author_organisation": _l("author organisation"), "funder_notice": _l("funder's line"),
    "emblem_alt": _l("what the emblem shows"), "keywords": _l("keywords"), "disclaimer": _l("disclaimer"),
}


def missing_translations(report: Report, language: str) -> list[MissingText]:
    """Texts filled in the other language but empty in `language`: shown before building."""
    other = "en" if language == "nl" else "nl"
    missing = []

    def check(obj, field_name, where, place):
        if not getattr(obj, f"{field_name}_{language}") and getattr(obj, f"{field_name}_{other}"):
            missing.append(MissingText(where, field_name, f"{place}: {TEXT_FIELD_LABELS[field_name]}"))

    for field_name in REPORT_TEXT_FIELDS:
        check(report, field_name, "report", _("Report"))
    for c_index, chapter in enumerate(report.chapters, start=1):
        chapter_place = _("Chapter %(number)s (%(theme)s)", number=c_index, theme=localized(chapter.theme, "label"))
        check(chapter, "intro", f"chapter {c_index}", chapter_place)
        for r_index, recommendation in enumerate(chapter.recommendations, start=1):
            for field_name in ("title", "body"):
                check(recommendation, field_name, f"recommendation {c_index}.{r_index}",
                      _("Recommendation %(number)s", number=f"{c_index}.{r_index}"))
        for example in chapter.good_examples:
            for field_name in ("title", "place", *GOOD_EXAMPLE_FIELDS):
                check(example, field_name, f"good example {example.id}",
                      _("Good example “%(title)s”", title=localized(example, "title")))
        for survey in chapter.surveys:
            check(survey, "title", f"survey {survey.id}", _("Survey “%(title)s”", title=localized(survey, "title")))
            for question in survey.questions:
                if question.type in REPORTED_QUESTION_TYPES:
                    check(question, "label", f"survey {survey.id}, question {question.position}",
                          _("Survey “%(title)s”, question %(number)s", title=localized(survey, "title"),
                            number=question.position))
    for b_index, box in enumerate(report.boxes, start=1):
        for field_name in ("title", "body"):
            check(box, field_name, f"box {box.id}", _("Box %(number)s", number=b_index))
    return missing


def missing_register_names(language: str) -> dict[str, list]:
    """Activities and organisations the report prints whose name in `language` is not filled in.

    The build prints the register's own spelling for them; the report page lists them so an
    author can fill them in on the activity and organisation screens first.
    """
    activities = [a for a in db.session.scalars(
        select(Activity).where(Activity.status == "held").order_by(Activity.type, Activity.number))
        if not getattr(a, f"title_{language}")]
    organisations = [o for o in db.session.scalars(select(Organisation).order_by(Organisation.name))
                     if not getattr(o, f"display_name_{language}")]
    return {"activities": activities, "organisations": organisations}


def _printed_findings_query(report: Report):
    """The findings a build of `report` prints: the quoted ones, and all linked ones with an evidence annex."""
    query = (select(Finding).join(RecommendationFinding, RecommendationFinding.finding_id == Finding.id)
             .join(Recommendation, Recommendation.id == RecommendationFinding.recommendation_id)
             .join(ReportChapter, ReportChapter.id == Recommendation.chapter_id)
             .where(ReportChapter.report_id == report.id))
    if not report.evidence_annex:
        query = query.where(RecommendationFinding.quoted.is_(True))
    return query


def review_comment_findings(report: Report, language: str) -> list[Finding]:
    """The findings the review comments on `report` became (when the report prints its annex
    "How the review was used"), in another language than `language`: the annex prints each
    comment with its translation from the finding, so it is translated like any finding."""
    if not report.review_annex:
        return []
    from ..review.models import ReviewAssignment, ReviewComment, ReviewRound  # the review builds on reports

    return list(db.session.scalars(
        select(Finding).join(ReviewComment, ReviewComment.finding_id == Finding.id)
        .join(ReviewAssignment, ReviewAssignment.id == ReviewComment.assignment_id)
        .join(ReviewRound, ReviewRound.id == ReviewAssignment.round_id)
        .where(ReviewRound.report_id == report.id, ReviewComment.text != "", Finding.language != language)
        .options(selectinload(Finding.translations), selectinload(Finding.activity))
        .order_by(Finding.id).distinct()))


def untranslated_review_comments(report: Report, language: str) -> list[Finding]:
    """Review comments the annex prints in another language, with no translation into `language`."""
    return [f for f in review_comment_findings(report, language) if not f.translation_in(language)]


def untranslated_findings(report: Report, language: str) -> list[Finding]:
    """Printed findings in another language with no translation into `language`; quoted ones first."""
    findings = db.session.scalars(_printed_findings_query(report).where(Finding.language != language)
                                  .options(selectinload(Finding.translations)).distinct()).all()
    quoted = set(db.session.scalars(_printed_findings_query(report).where(RecommendationFinding.quoted.is_(True))
                                    .with_only_columns(Finding.id)))
    return sorted((f for f in findings if not f.translation_in(language)), key=lambda f: (f.id not in quoted, f.id))


# ---------------------------------------------------------------- evidence

def evidence_summary(recommendation_ids: list[int]) -> dict[int, dict]:
    """Counts by source type (activity type) and organisation, per recommendation, in one query.

    `one_source` is set when all the evidence comes from one kind of activity or one
    organisation: the recommendation then rests on one source (shown as a warning).
    """
    summary = {rid: {"total": 0, "by_type": Counter(), "by_organisation": Counter(), "activities": set(),
                     "activities_by_type": {}, "organisation_ids": set(), "one_source": False}
               for rid in recommendation_ids}
    if not recommendation_ids:
        return summary
    rows = db.session.execute(
        select(RecommendationFinding.recommendation_id, Activity.type, Activity.id, Organisation.id, Organisation.name)
        .join(Finding, Finding.id == RecommendationFinding.finding_id)
        .join(Activity, Activity.id == Finding.activity_id)
        .outerjoin(Organisation, Organisation.id == Finding.organisation_id)
        .where(RecommendationFinding.recommendation_id.in_(recommendation_ids)))
    for rid, activity_type, activity_id, organisation_id, organisation in rows:
        entry = summary[rid]
        entry["total"] += 1
        entry["by_type"][activity_type] += 1
        entry["activities"].add(activity_id)
        entry["activities_by_type"].setdefault(activity_type, set()).add(activity_id)
        if organisation_id is not None:
            entry["by_organisation"][organisation] += 1
            entry["organisation_ids"].add(organisation_id)
    for entry in summary.values():
        entry["one_source"] = rests_on_one_source(entry)
    return summary


def rests_on_one_source(entry: dict) -> bool:
    """True when two or more findings all come from one activity type, or all from one organisation."""
    if entry["total"] < 2:
        return entry["total"] == 1
    if len(entry["by_type"]) == 1:
        return True
    with_organisation = sum(entry["by_organisation"].values())
    return with_organisation == entry["total"] and len(entry["by_organisation"]) == 1


def _evidence_sentence(summary: dict, language: str) -> str:
    """ "5 findings from 3 activities (consultation: 2, learning network meeting: 1) and 2 organisations":
    the brackets count activities per type, so they add up to the activities before them. """
    if not summary["total"]:
        return ""
    per_type = {code: len(ids) for code, ids in summary["activities_by_type"].items()}
    type_label = activity_type_label(language)
    types = ", ".join(f"{type_label(code)}: {n}"
                      for code, n in sorted(per_type.items(), key=lambda item: (-item[1], item[0])))
    values = {"findings": label_n("n_findings", language, summary["total"]),
              "activities": label_n("n_activities", language, len(summary["activities"])), "types": types}
    if not summary["organisation_ids"]:
        return label("evidence_sentence", language, **values)
    return label("evidence_sentence_orgs", language,
                 organisations=label_n("n_organisations", language, len(summary["organisation_ids"])), **values)


def recommendation_sources() -> list[dict]:
    """Every report's recommendations with how many activity types and organisations their
    evidence comes from, for the evidence matrix ("rests on one source")."""
    recommendations = db.session.execute(
        select(Recommendation, ReportChapter.position, Report.id)
        .join(ReportChapter, ReportChapter.id == Recommendation.chapter_id)
        .join(Report, Report.id == ReportChapter.report_id)
        .order_by(Report.id, ReportChapter.position, Recommendation.position)).all()
    summary = evidence_summary([r.id for r, _position, _report in recommendations])
    rows, numbers = [], {}
    for recommendation, _position, report_id in recommendations:
        chapter_number = numbers.setdefault((report_id, recommendation.chapter_id),
                                            1 + sum(1 for key in numbers if key[0] == report_id))
        index = 1 + sum(1 for row in rows if row["chapter_id"] == recommendation.chapter_id)
        entry = summary[recommendation.id]
        rows.append({"recommendation": recommendation, "chapter_id": recommendation.chapter_id,
                     "number": f"{chapter_number}.{index}", "total": entry["total"],
                     "types": len(entry["by_type"]), "organisations": len(entry["organisation_ids"]),
                     "one_source": entry["one_source"]})
    return rows


def activity_type_label(language: str):
    """Activity types named in the report's language (the evidence line, a summary's source), by
    the project's preferred term when its glossary has one."""
    from ..activities.types import type_label

    def name(code: str) -> str:
        with force_locale(language):
            return type_label(code, language)
    return name


def update_evidence(recommendation: Recommendation, shown_ids: set[int], finding_ids: set[int],
                    quoted_ids: set[int]) -> list[int]:
    """Link the ticked findings among those shown, unlink the unticked ones, set their quote marks.

    Links to findings not shown (other pages of the picker) stay as they are. A finding is
    quoted once per report: a quote already printed under another recommendation is not marked
    again; those ids are returned so the screen can say so.
    """
    existing = {link.finding_id: link for link in recommendation.evidence}
    wanted = finding_ids & shown_ids
    valid = set(db.session.scalars(select(Finding.id).where(Finding.id.in_(wanted)))) if wanted else set()
    quoted_elsewhere = set(db.session.scalars(
        select(RecommendationFinding.finding_id)
        .join(Recommendation, Recommendation.id == RecommendationFinding.recommendation_id)
        .join(ReportChapter, ReportChapter.id == Recommendation.chapter_id)
        .where(ReportChapter.report_id == recommendation.chapter.report_id,
               RecommendationFinding.recommendation_id != recommendation.id,
               RecommendationFinding.quoted.is_(True), RecommendationFinding.finding_id.in_(quoted_ids or {0}))))
    for finding_id in shown_ids:
        link = existing.get(finding_id)
        if finding_id not in valid:
            if link is not None:
                recommendation.evidence.remove(link)
            continue
        if link is None:
            link = RecommendationFinding(finding_id=finding_id)
            recommendation.evidence.append(link)
        link.quoted = finding_id in quoted_ids and finding_id not in quoted_elsewhere
    recommendation.updated_at = utcnow()
    recommendation.chapter.report.updated_at = utcnow()
    db.session.commit()
    return sorted(quoted_elsewhere & valid)


def set_evidence(recommendation: Recommendation, finding_ids: set[int], quoted_ids: set[int]) -> list[int]:
    """Link exactly these findings to the recommendation; quotes must be among them."""
    shown = {link.finding_id for link in recommendation.evidence} | set(finding_ids)
    return update_evidence(recommendation, shown, set(finding_ids), set(quoted_ids))


@dataclass
class EvidenceFilters:
    """What the evidence picker narrows the findings to; None means any."""

    theme_id: int | None = None
    kind: str | None = None
    activity_type: str | None = None
    stakeholder_type: str | None = None
    organisation_id: int | None = None
    language: str | None = None


@dataclass
class EvidencePage:
    items: list[tuple[Finding, float]]
    total: int
    page: int
    pages: int


#: Findings per page of the evidence picker: a page stays small with thousands of findings.
PICKER_PAGE_SIZE = 20


def evidence_candidates(recommendation: Recommendation, filters: EvidenceFilters, page: int = 1,
                        per_page: int = PICKER_PAGE_SIZE) -> EvidencePage:
    """Findings not yet linked that match `filters`, closest in words to the recommendation first.

    Closeness is TF-IDF cosine similarity (analysis/suggestions.rank_by_closeness) between the
    recommendation's title and text in both languages and each finding's search words (text
    and translation). Only ids and search words are read for the ranking; the page's findings
    are loaded afterwards.
    """
    from ..analysis.suggestions import rank_by_closeness

    query = select(Finding.id, Finding.search_text).where(
        Finding.id.not_in(select(RecommendationFinding.finding_id)
                          .where(RecommendationFinding.recommendation_id == recommendation.id)))
    if filters.theme_id:
        theme_ids = [filters.theme_id, *db.session.scalars(select(Theme.id).where(Theme.parent_id == filters.theme_id))]
        query = query.where(Finding.id.in_(select(finding_themes.c.finding_id)
                                           .where(finding_themes.c.theme_id.in_(theme_ids))))
    if filters.kind:
        query = query.where(Finding.kind == filters.kind)
    if filters.activity_type:
        query = query.where(Finding.activity_id.in_(select(Activity.id).where(Activity.type == filters.activity_type)))
    if filters.stakeholder_type:
        query = query.where(Finding.stakeholder_type == filters.stakeholder_type)
    if filters.organisation_id:
        query = query.where(Finding.organisation_id == filters.organisation_id)
    if filters.language:
        query = query.where(Finding.language == filters.language)
    rows = db.session.execute(query.order_by(Finding.id)).all()
    words = " ".join(getattr(recommendation, f"{f}_{lang}") or "" for f in ("title", "body") for lang in ("nl", "en"))
    ranked = rank_by_closeness(words, [(row.id, row.search_text or "") for row in rows])
    pages = max(1, -(-len(ranked) // per_page))
    page = min(max(1, page), pages)
    chosen = ranked[(page - 1) * per_page:page * per_page]
    loaded = {f.id: f for f in db.session.scalars(
        select(Finding).where(Finding.id.in_([finding_id for finding_id, _score in chosen])).options(
            selectinload(Finding.activity), selectinload(Finding.organisation), selectinload(Finding.contributor),
            selectinload(Finding.translations)))}
    return EvidencePage([(loaded[finding_id], score) for finding_id, score in chosen if finding_id in loaded],
                        len(ranked), page, pages)


def candidate_findings(chapter: ReportChapter) -> list[Finding]:
    """Findings tagged with the chapter's theme or one of its sub-themes, newest first."""
    theme_ids = [chapter.theme_id, *db.session.scalars(select(Theme.id).where(Theme.parent_id == chapter.theme_id))]
    return list(db.session.scalars(
        select(Finding).join(Finding.themes).where(Theme.id.in_(theme_ids))
        .options(selectinload(Finding.activity), selectinload(Finding.organisation),
                 selectinload(Finding.contributor))
        .order_by(Finding.created_at.desc(), Finding.id.desc()).distinct()))


# ---------------------------------------------------------------- boxes

def box_places(report: Report) -> list[tuple[str, str]]:
    """Where a box can stand in `report`: (value, label in the interface language)."""
    places = [("project", str(TEXT_FIELD_LABELS["project"])), ("scope", str(TEXT_FIELD_LABELS["scope"])),
              ("problem_analysis", str(TEXT_FIELD_LABELS["problem_analysis"]))]
    for index, chapter in enumerate(report.chapters, start=1):
        places.append((f"chapter:{chapter.id}", _("Chapter %(number)s (%(theme)s)", number=index,
                                                  theme=localized(chapter.theme, "label"))))
        places += [(f"recommendation:{r.id}", _("After recommendation %(number)s (%(title)s)",
                                                number=f"{index}.{r_index}", title=localized(r, "title")))
                   for r_index, r in enumerate(chapter.recommendations, start=1)]
    return places


def box_place(box: ReportBox) -> str:
    """The value of `box_places` where `box` stands."""
    if box.recommendation_id is not None:
        return f"recommendation:{box.recommendation_id}"
    return f"chapter:{box.chapter_id}" if box.section == "chapter" else box.section


def save_box(report: Report, box: ReportBox | None, place: str, position: int, texts: dict[str, str],
             numbered: bool = True) -> ReportBox:
    """Create or change a box; `place` is a value of `box_places` (a chapter's introduction, or
    after one of its recommendations)."""
    section, _sep, item_id = place.partition(":")
    chapters = {c.id: c for c in report.chapters}
    recommendation = None
    if section == "recommendation":
        recommendations = {r.id: r for c in report.chapters for r in c.recommendations}
        recommendation = recommendations.get(int(item_id)) if item_id.isdigit() else None
        if recommendation is None:
            raise ReportError(_("Choose a recommendation of this report."))
        section, chapter = "chapter", recommendation.chapter
    elif section == "chapter":
        chapter = chapters.get(int(item_id)) if item_id.isdigit() else None
        if chapter is None:
            raise ReportError(_("Choose a chapter of this report."))
    elif section in ("project", "scope", "problem_analysis"):
        chapter = None
    else:
        raise ReportError(_("Choose where the box stands."))
    if box is None:
        box = ReportBox()
        report.boxes.append(box)
    box.section, box.chapter, box.recommendation, box.position = section, chapter, recommendation, position
    box.numbered = numbered
    for name, value in texts.items():
        setattr(box, name, value or "")
    report.updated_at = utcnow()
    db.session.commit()
    return box


# ---------------------------------------------------------------- translations of printed findings

#: The longest translation the translation screen accepts (a finding's text has no other limit).
TRANSLATION_MAX_LENGTH = 10_000


def save_translation(finding: Finding, language: str, text: str, checked: bool) -> FindingTranslation | None:
    """Store (or with empty `text` remove) the translation of `finding` into `language`."""
    if language not in REPORT_LANGUAGES or language == finding.language:
        raise ReportError(_("A finding is translated into Dutch or English, not into its own language."))
    try:
        text = (clean_text(text or "") or "").strip()
    except TextRefused as error:
        raise ReportError(str(error)) from error
    if len(text) > TRANSLATION_MAX_LENGTH:
        raise ReportError(_("A translation can be at most %(max)s characters long.", max=TRANSLATION_MAX_LENGTH))
    from ..findings.services import set_translation

    stored = set_translation(finding, language, text, checked=bool(checked))
    db.session.commit()
    return stored


def translation_queue(report: Report, language: str) -> list[Finding]:
    """Findings a build of `report` in `language` prints, in another language: quoted ones first,
    those without a translation before those with one."""
    findings = db.session.scalars(_printed_findings_query(report).where(Finding.language != language).options(
        selectinload(Finding.translations), selectinload(Finding.activity)).distinct()).all()
    quoted = set(db.session.scalars(_printed_findings_query(report).where(RecommendationFinding.quoted.is_(True))
                                    .with_only_columns(Finding.id)))
    comments = {f.id: f for f in review_comment_findings(report, language)}
    findings = list({f.id: f for f in (*findings, *comments.values())}.values())
    return sorted(findings, key=lambda f: (bool(f.translation_in(language)), f.id not in quoted, f.id in comments,
                                           f.id))


# ---------------------------------------------------------------- methodology and appendices

def _activities_by_type() -> dict[str, list[Activity]]:
    by_type: dict[str, list[Activity]] = {}
    # Fictional examples (type "sample") show a feature; they are no part of what was done.
    for activity in db.session.scalars(
            select(Activity).where(Activity.status == "held", Activity.type != "sample")
            .options(selectinload(Activity.organisations)).order_by(Activity.type, Activity.number)):
        by_type.setdefault(activity.type, []).append(activity)
    return by_type


def _themes(group: str, language: str) -> list[str]:
    """The labels of a group of the codebook, in its order: the kick-off's themes, the meetings' topics."""
    return [getattr(t, f"label_{language}") or t.label_en for t in db.session.scalars(
        select(Theme).where(Theme.theme_group == group, Theme.archived.is_(False)).order_by(Theme.position, Theme.id))]


#: Where the methodology prints the report's literature review (its text is the author's).
LITERATURE = "literature"


def methodology(by_type: dict[str, list[Activity]], language: str, review: dict | None = None,
                with_literature: bool = False) -> dict:
    """Headings and sentences of the methodology chapter, every number counted in the register,
    lettered A, B, C... in the order the activities took place (the literature review, when the
    report has one, before the testing with the field, which includes the taking-stock sessions).

    `review` (webapp.review.services.field_test_summary) replaces the register's field-test
    activities when the report's draft was reviewed in Klankbord's own review rounds.
    """

    def dates(activities):
        days = [a.starts_on for a in activities if a.starts_on]
        return (min(days), max(days)) if days else (None, None)

    def month_or_day(activities, which):
        items = [a for a in activities if a.starts_on]
        if not items:
            return label("date_unknown", language)
        item = min(items, key=lambda a: a.starts_on) if which == "first" else max(items, key=lambda a: a.starts_on)
        return _date(item.starts_on, language, item.date_precision)

    everything = [a for items in by_type.values() for a in items]
    sections = []
    kickoff = by_type.get("kickoff", [])
    if kickoff:
        sections.append((label("m_kickoff", language), label(
            "m_kickoff_text", language, date=_date(kickoff[0].starts_on, language, kickoff[0].date_precision),
            title=activity_title(kickoff[0], language)), _themes("learning-network", language),
            label("m_kickoff_themes", language)))
    meetings = by_type.get("ln_meeting", [])
    if meetings:
        sections.append((label("m_ln_meeting", language, n=len(meetings)), label(
            "m_ln_meeting_text", language, n=len(meetings), first=month_or_day(meetings, "first"),
            last=month_or_day(meetings, "last")), _themes("topic", language), label("m_topics", language)))
    consultations = by_type.get("consultation", [])
    if consultations:
        orgs = {o.id for a in consultations for o in a.organisations}
        sections.append((label("m_consultation", language, n=len(consultations)), label(
            "m_consultation_text", language, n=len(consultations),
            organisations=label_n("n_organisations", language, len(orgs)),
            first=month_or_day(consultations, "first"), last=month_or_day(consultations, "last"))))
    exchanges = by_type.get("exchange", [])
    if exchanges:
        items = [_with_date(activity_title(a, language), _date(a.starts_on, language, a.date_precision))
                 for a in exchanges]
        joined = (", ".join(items[:-1]) + f" {label('and', language)} " + items[-1]) if len(items) > 1 else items[0]
        sections.append((label("m_exchange", language, n=len(exchanges)),
                         label("m_exchange_text", language, n=len(exchanges), list=joined)))
    maab = by_type.get("maab", [])
    if maab:
        from ..findings.models import Contributor

        members = db.session.scalar(select(func.count()).select_from(Contributor).where(
            Contributor.kind == "advisory_member", Contributor.sample.is_(False)))
        sections.append((label("m_maab", language, n=len(maab)), label(
            "m_maab_text_members" if members else "m_maab_text", language, n=len(maab), members=members)))
    if with_literature:  # before the testing of the results, as the activities happened
        sections.append((label("literature_review", language), LITERATURE))
    stock = by_type.get("taking_stock", [])
    stock_text = label("m_taking_stock_text", language, n=len(stock), date=month_or_day(stock, "first")) if stock else ""
    field = by_type.get("field_test", [])
    if stock and not (review or field):
        sections.append((label("m_taking_stock", language, n=len(stock)), stock_text))
    if review:
        period = _date(review["first"], language, "month")
        if (review["last"].year, review["last"].month) != (review["first"].year, review["first"].month):
            period += f" {label('and', language)} " + _date(review["last"], language, "month")
        sections.append((label("m_field_test", language), " ".join(filter(None, (stock_text, label(
            "m_field_test_text", language, contributions=label_n("n_contributions", language, len(review["contributions"])),
            organisations=label_n("n_organisations", language, review["organisations"]),
            period=period))))))
    elif field:
        orgs = {o.id for a in field for o in a.organisations}
        first, _ = dates(field)
        last = max((a.ends_on or a.starts_on for a in field if a.starts_on), default=None)
        period = _date(first, language, "month")
        if last and (last.year, last.month) != (first.year, first.month):
            period += f" {label('and', language)} " + _date(last, language, "month")
        sections.append((label("m_field_test", language), " ".join(filter(None, (stock_text, label(
            "m_field_test_text", language, contributions=label_n("n_contributions", language, len(field)),
            organisations=label_n("n_organisations", language, len(orgs)), period=period))))))
    first, _ = dates(everything)
    last = max((a.ends_on or a.starts_on for a in everything if a.starts_on), default=None)
    finding_count = db.session.scalar(select(func.count()).select_from(Finding).join(Activity)
                                      .where(Activity.type != "sample"))
    return {
        "intro": label("m_intro", language, first=_date(first, language, "month"),
                       last=_date(last, language, "month")),
        "sections": [{"heading": f"{chr(ord('A') + index)}. {section[0]}",
                      "text": "" if section[1] == LITERATURE else section[1],
                      "literature": section[1] == LITERATURE,
                      "topics": section[2] if len(section) > 2 else [],
                      "topics_intro": section[3] if len(section) > 3 else ""}
                     for index, section in enumerate(sections[:26])],
        "closing": label("m_findings", language, n=finding_count),
    }


def appendices(by_type: dict[str, list[Activity]], language: str, review: dict | None = None) -> dict:
    """The appendices as the register holds them, in the report's language.

    B prints each consultation's own title, so what tells rows apart stays ("1st interview",
    "unit PDV", "/ Municipality of Alkmaar"); C is in the order the contributions came in,
    numbered as in the register (no. 1 is SCP), or the reviewers' contributions from review
    rounds when there are any.
    """
    return {
        "a": [{"number": a.number, "date": _date(a.starts_on, language, a.date_precision),
               "title": activity_title(a, language)} for a in by_type.get("ln_meeting", [])],
        "b": [{"number": a.number, "date": _date(a.starts_on, language, a.date_precision),
               "organisation": activity_title(a, language)} for a in by_type.get("consultation", [])],
        "c": review["contributions"] if review else [
            {"number": a.number, "organisation": activity_title(a, language)}
            for a in sorted(by_type.get("field_test", []), key=lambda a: a.number)],
    }


# ---------------------------------------------------------------- the whole report

def _review_annex(report_id: int, language: str) -> list[dict]:
    """Every review comment on the report with what was done with it (appendix E)."""
    from ..review.models import DISPOSITIONS, ReviewAssignment, ReviewComment, ReviewRound  # builds on reports

    comments = db.session.scalars(
        select(ReviewComment).join(ReviewAssignment, ReviewAssignment.id == ReviewComment.assignment_id)
        .join(ReviewRound, ReviewRound.id == ReviewAssignment.round_id)
        .where(ReviewRound.report_id == report_id, ReviewComment.text != "")
        .options(selectinload(ReviewComment.recommendation), selectinload(ReviewComment.chapter))
        .order_by(ReviewComment.id)).all()
    # A comment in another language prints with its translation beneath, as a quote does: the
    # translation is the one of the finding the comment became (the translation screen's).
    ids = {c.finding_id for c in comments if c.finding_id is not None and (c.language or language) != language}
    findings = {f.id: f for f in db.session.scalars(
        select(Finding).where(Finding.id.in_(ids)).options(selectinload(Finding.translations)))} if ids else {}
    rows = []
    with force_locale(language):
        for number, comment in enumerate(comments, start=1):
            written_in = comment.language or language
            finding = findings.get(comment.finding_id)
            translation = finding.translation_in(language) if finding is not None and written_in != language else ""
            rows.append({"number": number, "about": comment_place(comment, language),
                         "text": comment.text, "language": written_in,
                         "dir": "rtl" if written_in in RTL_LANGUAGES else "ltr",
                         "translation": translation, "untranslated": written_in != language and not translation,
                         "disposition": str(DISPOSITIONS.get(comment.disposition, comment.disposition)),
                         "note": comment.response or ""})
    return rows


def comment_place(comment, language: str) -> str:
    if getattr(comment, "recommendation", None) is not None:
        rec = comment.recommendation
        return f"{label('recommendation', language)} {_text(rec, 'title', language) or rec.id}"
    if getattr(comment, "chapter", None) is not None:
        return getattr(comment.chapter.theme, f"label_{language}")
    return label("whole_report", language)


def collect_report(report: Report, language: str) -> dict:
    """Everything a build of `report` in `language` prints, as plain data (JSON-serialisable).

    Read inside the report's project only (projects/scope.py): the methodology and the
    appendices count that project's activities, whatever else the database holds, and
    whoever (CLI, another project's screen, a job) asks for the build.
    """
    if language not in REPORT_LANGUAGES:
        raise ReportError(f"unknown language {language!r}")
    with in_project(db.session.get(Project, report.project_id)):
        return _collect_report(report, language)


def _collect_report(report: Report, language: str) -> dict:
    sources = {s.key: s for s in db.session.scalars(select(Source))}
    notes = _Notes(sources, language)
    finding_options = (selectinload(Finding.activity), selectinload(Finding.organisation),
                       selectinload(Finding.contributor), selectinload(Finding.translations))
    report = db.session.scalars(
        select(Report).where(Report.id == report.id).options(
            selectinload(Report.boxes),
            selectinload(Report.chapters).selectinload(ReportChapter.theme),
            selectinload(Report.chapters).selectinload(ReportChapter.good_examples),
            selectinload(Report.chapters).selectinload(ReportChapter.surveys).selectinload(Survey.questions),
            selectinload(Report.chapters).selectinload(ReportChapter.recommendations)
            .selectinload(Recommendation.evidence).selectinload(RecommendationFinding.finding)
            .options(*finding_options))).one()
    by_type = _activities_by_type()
    from ..review.services import field_test_summary  # the review feature builds on reports: import late

    review = field_test_summary(report.id, language)
    recommendation_ids = [r.id for c in report.chapters for r in c.recommendations]
    counts = evidence_summary(recommendation_ids)
    box_numbers = iter(range(1, 10_000))
    type_label = activity_type_label(language)

    def boxes(section: str, chapter_id: int | None = None, recommendation_id: int | None = None) -> list[dict]:
        """The boxes standing here, numbered in print order (an unnumbered box takes no number)."""
        return [{"number": next(box_numbers) if box.numbered else None, "title": _text(box, "title", language),
                 "body": notes.paragraphs(_text(box, "body", language))}
                for box in report.boxes if box.section == section and box.chapter_id == chapter_id
                and box.recommendation_id == recommendation_id]

    data = {
        "language": language,
        "title": _text(report, "title", language),
        "subtitle": _text(report, "subtitle", language),
        "authors": _text(report, "authors", language) or report.authors,
        "author_organisation": _text(report, "author_organisation", language),
        "date": _date(report.report_date, language, "month") if report.report_date else "",
        "keywords": _text(report, "keywords", language) or label("keywords", language),
        "funder_notice": _text(report, "funder_notice", language),
        # A file of our own (models.EMBLEMS), with what it shows for readers who cannot see it.
        "emblem": {kind: EMBLEMS[report.emblem][kind] for kind in ("svg", "png")} if report.emblem in EMBLEMS else {},
        "emblem_alt": _text(report, "emblem_alt", language),
        "disclaimer": notes.paragraphs(_text(report, "disclaimer", language)),
        "colophon": notes.paragraphs(_text(report, "colophon", language)),
        "acknowledgements": notes.paragraphs(_text(report, "acknowledgements", language)),
        "abbreviations": [{"abbreviation": a.abbreviation, "definition": getattr(a, f"definition_{language}")}
                          for a in db.session.scalars(select(Abbreviation)
                                                      .order_by(func.lower(Abbreviation.abbreviation)))],
        "executive_summary": notes.paragraphs(_text(report, "executive_summary", language)),
    }
    # In the order the report prints them, so footnotes and boxes are numbered as they appear.
    data["project"] = notes.paragraphs(_text(report, "project", language))
    data["project_boxes"] = boxes("project")
    data["methodology"] = methodology(by_type, language, review,
                                      with_literature=bool(_text(report, "literature_review", language)))
    data["literature_review"] = notes.paragraphs(_text(report, "literature_review", language))
    data["scope"] = notes.paragraphs(_text(report, "scope", language))
    data["scope_boxes"] = boxes("scope")
    data["problem_analysis"] = notes.paragraphs(_text(report, "problem_analysis", language))
    data["problem_analysis_boxes"] = boxes("problem_analysis")
    data["chapters"] = []
    data["appendices"] = appendices(by_type, language, review)
    data["evidence_annex"] = []
    quoted_in_report: set[int] = set()
    for c_index, chapter in enumerate(report.chapters, start=1):
        chapter_data = {
            "number": c_index,
            "title": getattr(chapter.theme, f"label_{language}"),
            "intro": notes.paragraphs(_text(chapter, "intro", language)),
            "boxes": boxes("chapter", chapter.id),
            "recommendations": [],
            "good_examples": [],
            # The counts and charts are in the data, so new responses change the content hash.
            "surveys": [survey_results(survey, language, f"chart-{c_index}-{survey.id}-")
                        for survey in chapter.surveys if survey.purpose == "survey" and not survey.is_draft],
        }
        for r_index, recommendation in enumerate(chapter.recommendations, start=1):
            summary = counts[recommendation.id]
            recommendation_data = {
                "number": f"{c_index}.{r_index}",
                "title": _text(recommendation, "title", language),
                "body": notes.paragraphs(_text(recommendation, "body", language)),
                "quotes": printed_evidence(recommendation.evidence, language, quoted_in_report, type_label),
                "evidence": _evidence_sentence(summary, language),
                "boxes": boxes("chapter", chapter.id, recommendation.id),
            }
            chapter_data["recommendations"].append(recommendation_data)
            if report.evidence_annex and recommendation.evidence:
                data["evidence_annex"].append({
                    "number": recommendation_data["number"], "title": recommendation_data["title"],
                    "findings": [annex_entry(link.finding, language, type_label) for link in recommendation.evidence]})
        for example in chapter.good_examples:
            chapter_data["good_examples"].append({
                "number": next(box_numbers),
                "title": _text(example, "title", language), "place": _text(example, "place", language),
                "fields": [{"label": label(f, language), "text": _text(example, f, language)}
                           for f in GOOD_EXAMPLE_FIELDS if _text(example, f, language)],
            })
        data["chapters"].append(chapter_data)
    data["review_annex"] = _review_annex(report.id, language) if report.review_annex else []
    data["footnotes"] = notes.items
    data["unknown_sources"] = sorted(set(notes.unknown))
    return data


def printed_finding_ids(report: Report) -> list[int]:
    """The findings whose words a build of `report` prints: the quotes, and with an evidence
    annex every linked finding. Kept on the version, so an erasure knows what to withdraw."""
    query = (select(RecommendationFinding.finding_id)
             .join(Recommendation, Recommendation.id == RecommendationFinding.recommendation_id)
             .join(ReportChapter, ReportChapter.id == Recommendation.chapter_id)
             .where(ReportChapter.report_id == report.id))
    if not report.evidence_annex:
        query = query.where(RecommendationFinding.quoted.is_(True))
    return sorted(set(db.session.scalars(query)))


@lru_cache(maxsize=4)
def _renderer_parts(fmt: str) -> tuple[str, ...]:
    """What besides the data shapes a file: renderer version, format and layout files (read once a process)."""
    return (RENDERER_VERSION, fmt, *(hashlib.sha256(path.read_bytes()).hexdigest() for path in LAYOUT_FILES))


def content_hash(data: dict, fmt: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{RENDERER_VERSION}|{fmt}|".encode())
    for path in LAYOUT_FILES:
        digest.update(path.read_bytes())
    digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()


def render_file(data: dict, fmt: str, progress: Callable[[int], None] | None = None) -> bytes:
    if fmt == "pdf":
        from .pdf import build_report_pdf

        return build_report_pdf(data, progress)
    if fmt == "docx":
        from .docx_export import build_report_docx

        return build_report_docx(data, progress)
    raise ReportError(f"unknown format {fmt!r}")


# ---------------------------------------------------------------- versions and builds

def _stale(version: ReportVersion) -> bool:
    return version.status in ("queued", "running") and (
        utcnow() - version.created_at).total_seconds() > STALE_AFTER_SECONDS


def start_build(report: Report, language: str, fmt: str, user_id: int | None = None,
                background: bool | None = None) -> ReportVersion:
    """A version of `report` in `language` and `fmt`: the stored one when nothing changed, else a new build.

    In the background (the screens) a worker process renders the file and updates `progress`;
    otherwise (the CLI, tests) the file is rendered before this returns.
    """
    if language not in REPORT_LANGUAGES or fmt not in REPORT_FORMATS:
        raise ReportError("unknown language or format")
    # Read before collecting: a change committed meanwhile gives a newer key, never an older one.
    key = input_key(*_renderer_parts(fmt))
    usable = (ReportVersion.report_id == report.id, ReportVersion.language == language,
              ReportVersion.format == fmt, ReportVersion.status.in_(("queued", "running", "done")),
              ReportVersion.withdrawn_at.is_(None))
    # Nothing changed since a version was built: that version, without collecting the report.
    same_input = db.session.scalars(select(ReportVersion).where(ReportVersion.input_key == key, *usable)
                                    .order_by(ReportVersion.id.desc()).limit(1)).first()
    if same_input is not None and not _stale(same_input):
        return same_input
    data = collect_report(report, language)
    digest = content_hash(data, fmt)
    for version in db.session.scalars(select(ReportVersion).where(ReportVersion.content_hash == digest, *usable)
                                      .order_by(ReportVersion.id.desc())):
        if _stale(version):
            version.status, version.error = "failed", "interrupted"
            continue
        # The same input: the stored file, or the build already under way; found faster next time.
        version.input_key = key
        db.session.commit()
        return version
    version = ReportVersion(report_id=report.id, language=language, format=fmt, content_hash=digest,
                            input_key=key,
                            status="queued", progress=0, created_by_id=user_id,
                            printed_finding_ids=printed_finding_ids(report))
    db.session.add(version)
    db.session.flush()
    from ..audit.services import record_audit
    from ..review.services import freeze_version_texts  # texts kept to compare versions after a review

    freeze_version_texts(version, report)
    record_audit(user_id, "build", "report", report.id, {"language": language, "format": fmt,
                                                         "version_id": version.id})
    db.session.commit()
    if background is None:
        background = not current_app.config.get("REPORT_BUILDS_INLINE", False)
    # A job (webapp/jobs): an RQ worker or a local worker process renders the file, so
    # WeasyPrint's memory for a large evidence annex never lands in the web process.
    limit = build_timeout()  # the web process's setting travels with the job to any worker
    enqueue(run_build, version.id, data, limit, kind="report_build", subject=f"report_version:{version.id}",
            job_timeout=(limit + KILL_GRACE_SECONDS) if limit > 0 else None, user_id=user_id,
            on_failure=build_failed, inline=not background)
    if not background:
        db.session.refresh(version)
    return version


#: What ReportVersion.error holds when the time limit stopped a build.
TIMEOUT_ERROR = "timeout"
#: A job still running this long after the build's time limit (stuck outside Python) is killed by its runner.
KILL_GRACE_SECONDS = 30


class BuildTimeout(Exception):
    """The build ran longer than REPORT_BUILD_TIMEOUT."""


def build_timeout() -> float:
    return float(current_app.config.get("REPORT_BUILD_TIMEOUT") or 0)


@contextmanager
def _time_limit(seconds: float):
    """Raise BuildTimeout in this thread after `seconds` (SIGALRM: the main thread of a CLI
    run or of a build worker). Elsewhere (a thread, in tests with an in-memory database)
    there is no limit: only the process path can be stopped from outside."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def on_alarm(_signum, _frame):
        raise BuildTimeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def build_failed(version_id: int, data: dict, limit: float | None = None, *, error: str) -> None:
    """The build's job failed (time limit, worker died): the version says so, never "running"."""
    version = db.session.get(ReportVersion, version_id)
    if version is not None and version.status in ("queued", "running"):
        reason = {"timeout": TIMEOUT_ERROR, "worker_died": "interrupted"}.get(error, version.error or error)
        version.status, version.error, version.finished_at = "failed", reason, utcnow()
        db.session.flush()  # committed with the job's own failed state (jobs.services.mark_failed)


def version_job(version: ReportVersion):
    """The job building `version`, its state brought up to date (a dead worker fails it)."""
    job = job_for(f"report_version:{version.id}")
    if job is not None and job.state == "failed":
        db.session.refresh(version)
    return job


def run_build(version_id: int, data: dict, limit: float | None = None) -> None:
    """Render the file and store it as the next numbered version; record failure otherwise."""
    version = db.session.get(ReportVersion, version_id)
    version.status, version.progress, version.error = "running", 5, ""
    db.session.commit()

    def progress(percent: int) -> None:
        version.progress = max(version.progress, min(int(percent), 99))
        db.session.commit()
        set_progress(version.progress)

    try:
        with _time_limit(build_timeout() if limit is None else limit):
            content = render_file(data, version.format, progress)
    except BuildTimeout:
        db.session.rollback()
        log.warning("report build %s stopped at its time limit", version_id)
        version = db.session.get(ReportVersion, version_id)
        version.status, version.error = "failed", TIMEOUT_ERROR
        version.finished_at = utcnow()
        db.session.commit()
        raise
    except Exception as error:  # noqa: BLE001 - any failure must end as a visible "failed" state
        db.session.rollback()
        # The exception's type only: its message may quote the report's text.
        log.error("report build %s failed: %s", version_id, type(error).__name__)
        version = db.session.get(ReportVersion, version_id)
        version.status, version.error = "failed", type(error).__name__[:300]
        version.finished_at = utcnow()
        db.session.commit()
        raise  # the job fails too (its on_failure finds the version already failed)
    # The row lock (PostgreSQL) / write lock (SQLite) serialises numbering of parallel builds.
    db.session.execute(select(Report.id).where(Report.id == version.report_id).with_for_update())
    db.session.refresh(version)
    if version.withdrawn_at is not None:  # an erasure came while this was rendering: keep nothing
        version.status, version.progress, version.finished_at = "failed", 100, utcnow()
        version.error = "withdrawn after an erasure"
        db.session.commit()
        return
    number = (db.session.scalar(select(func.max(ReportVersion.number))
                                .where(ReportVersion.report_id == version.report_id)) or 0) + 1
    version.number, version.content, version.size = number, content, len(content)
    version.status, version.progress, version.finished_at = "done", 100, utcnow()
    db.session.commit()


def withdraw_versions_printing(finding_ids: set[int]) -> int:
    """Withdraw every version whose file printed the words of these findings (an erasure):
    the file is deleted, the number stays with "withdrawn after an erasure" and a rebuild.
    A version built before the printed findings were kept is withdrawn if its report links
    any of them at all: when unsure, the words go."""
    if not finding_ids:
        return 0
    linked_reports = set(db.session.scalars(
        select(ReportChapter.report_id)
        .join(Recommendation, Recommendation.chapter_id == ReportChapter.id)
        .join(RecommendationFinding, RecommendationFinding.recommendation_id == Recommendation.id)
        .where(RecommendationFinding.finding_id.in_(finding_ids))))
    withdrawn = []
    for version_id, report_id, printed in db.session.execute(
            select(ReportVersion.id, ReportVersion.report_id, ReportVersion.printed_finding_ids)
            .where(ReportVersion.withdrawn_at.is_(None), ReportVersion.status != "failed")):
        if (set(printed) & finding_ids) if printed is not None else (report_id in linked_reports):
            withdrawn.append(version_id)
    if withdrawn:
        db.session.execute(update(ReportVersion).where(ReportVersion.id.in_(withdrawn))
                           .values(content=None, size=0, withdrawn_at=utcnow())
                           .execution_options(synchronize_session=False))
    return len(withdrawn)


def build_to_bytes(report: Report, language: str, fmt: str) -> tuple[ReportVersion, bytes]:
    """Synchronous build for the command line: the stored file when the report is unchanged."""
    version = start_build(report, language, fmt, background=False)
    if version.status != "done":
        raise ReportError(failure_reason(version) if version.status == "failed" else version.status)
    return version, version.content


def version_status(version: ReportVersion) -> dict:
    status = {"id": version.id, "status": version.status, "progress": version.progress, "number": version.number,
              "language": version.language, "format": version.format}
    if version.status == "failed":
        status["message"] = failure_reason(version)
    return status


def failure_reason(version: ReportVersion) -> str:
    """Why a build failed, in the user's language: what to do next, not just "try again"."""
    if version.error == TIMEOUT_ERROR:
        return _("The build took longer than %(seconds)s seconds and was stopped. Very long texts (for example a "
                 "pasted text without spaces) or a very large evidence annex can cause this: shorten them, or ask "
                 "the administrator to raise the time limit.", seconds=f"{build_timeout():g}")
    if version.error == "interrupted":
        return _("The build was interrupted (the server stopped or ran out of memory). Start it again; if it "
                 "happens again, tell the administrator.")
    return _("The build failed because of an error in the program (%(error)s). Starting it again will not help: "
             "tell the administrator.", error=version.error or "?")


def demo_report() -> Report | None:
    return db.session.scalar(select(Report).where(Report.key == "demo"))


def good_examples() -> list[GoodExample]:
    return list(db.session.scalars(select(GoodExample).order_by(GoodExample.title_en)))


# ---------------------------------------------------------------- arranging recommendations

def move_recommendation(recommendation: Recommendation, offset: int) -> None:
    """Move a recommendation up (-1) or down (+1) among its chapter's; numbering follows order."""
    siblings = list(recommendation.chapter.recommendations)
    index = siblings.index(recommendation)
    target = index + offset
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for position, sibling in enumerate(siblings):
            sibling.position = position
        recommendation.chapter.report.updated_at = utcnow()
        db.session.commit()


def delete_recommendation(recommendation: Recommendation) -> None:
    """Delete a recommendation that no reviewer has commented on.

    Review comments must keep pointing at what they were about (the dispositions board and
    the changes-since-review page read them), so such a recommendation stays; its text can
    still be changed.
    """
    from ..review.models import ReviewComment

    if db.session.scalar(select(func.count()).select_from(ReviewComment)
                         .where(ReviewComment.recommendation_id == recommendation.id)):
        raise ReportError(_("Reviewers commented on this recommendation, so it cannot be deleted. "
                            "Change its text instead."))
    chapter = recommendation.chapter
    db.session.delete(recommendation)
    db.session.flush()
    db.session.expire(chapter, ["recommendations"])
    for position, sibling in enumerate(chapter.recommendations):
        sibling.position = position
    chapter.report.updated_at = utcnow()
    db.session.commit()


# ---------------------------------------------------------------- publishing

def publish_version(version: ReportVersion, user_id: int | None = None, open_items: list[dict] | None = None,
                    reason: str = "") -> None:
    """Make a built version the report's published one in its language (final: it stays published).

    The public download page shows the newest published version per language and format. With
    `open_items` (the preflight's summary: [{"code", "count"}]) a `reason` is kept beside the
    version (PublicationOverride); the audit entry names the items' codes and counts only."""
    from ..i18n import _
    from .models import PublicationOverride

    if version.status != "done" or version.number is None or version.withdrawn_at is not None:
        raise ReportError(_("Only a finished build can be published."))
    if version.published_at is not None:
        raise ReportError(_("This version is already published."))
    version.published_at = utcnow()
    version.published_by_id = user_id
    from ..audit.services import record_audit

    detail = {"report": version.report_id, "number": version.number, "language": version.language,
              "format": version.format}
    if open_items:
        override = PublicationOverride(version_id=version.id, user_id=user_id, reason=reason, open_items=open_items)
        db.session.add(override)
        db.session.flush()
        detail.update(open_items=sum(item["count"] for item in open_items),
                      open_item_codes=[item["code"] for item in open_items], override=override.id)
    record_audit(user_id, "publish", "report_version", version.id, detail)
    db.session.commit()


def built_from_current_data(version: ReportVersion) -> bool:
    """Whether nothing changed since `version` was built (the data counter and the renderer)."""
    return version.input_key == input_key(*_renderer_parts(version.format))
