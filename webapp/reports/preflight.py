"""Preflight: everything that stops a report from being published, each with the screen that fixes it.

One list per report and language (a version is built in one language), shown on the version's
preflight page, before publishing (which then asks for a reason to go ahead; the reason is kept
in `PublicationOverride`, since the audit log refuses free text) and by `flask report build`.
The checks, in the order they are listed:

- untranslated: a text filled in the other language only; a printed finding or review comment
  without a translation; an activity the register names only in another language;
- consent: a printed finding whose attribution its consent does not allow (findings/attribution.py);
- glossary: a term the project's glossary replaces, in any text the report prints;
- one_source: a recommendation without evidence, or resting on one source;
- alt_text: an image without alternative text (the cover's emblem; charts get theirs from the data);
- figures: a figure whose photo is no longer cleared (it may show people or names), so it does not print;
- empty: a chapter without introduction and recommendations, a recommendation or box without text;
- survey: a survey chosen for a chapter that prints nothing there (a draft, a feedback round,
  no answers to a question a report shows).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..activities.models import Activity
from ..extensions import db
from ..findings.attribution import NOT_ALLOWED, resolve
from ..findings.models import Finding
from ..glossary.services import replaced_terms, terms_in
from ..i18n import _, _l, localized
from ..projects.models import Project
from ..projects.scope import in_project
from ..surveys.results import summarise_survey
from .evidence import evidence_summary
from .figures import ReportFigure
from .models import REPORT_TEXT_FIELDS, Recommendation, RecommendationFinding, Report, ReportChapter
from .survey_results import REPORTED_QUESTION_TYPES
from .translations import missing_translations, untranslated_findings, untranslated_review_comments

#: The kinds of open item, in the order the preflight lists them, with their heading.
CHECKS = {
    "untranslated": _l("Text without a translation"),
    "consent": _l("Attribution without consent"),
    "glossary": _l("Terms the glossary replaces"),
    "one_source": _l("Recommendations without evidence from more than one source"),
    "alt_text": _l("Images without alternative text"),
    "figures": _l("Figures that do not print"),
    "empty": _l("Empty sections"),
    "survey": _l("Surveys that print nothing"),
}
LANGUAGE_NAMES = {"nl": _l("Dutch"), "en": _l("English")}


@dataclass(frozen=True)
class Item:
    """One open item: its kind (a key of CHECKS), what is wrong in the screen's language, and the
    screen that fixes it (`endpoint` and its `values` for url_for)."""

    code: str
    message: str
    endpoint: str
    values: dict = field(default_factory=dict, hash=False)


def preflight(report: Report, language: str) -> list[Item]:
    """Every open item of `report` in `language`, grouped by check in CHECKS order; read inside the
    report's project, whoever asks (the command line is unscoped)."""
    with in_project(db.session.get(Project, report.project_id)):
        return _preflight(report, language)


def _preflight(report: Report, language: str) -> list[Item]:
    # Everything the checks walk, loaded in a few statements rather than one per link.
    report = db.session.scalars(select(Report).where(Report.id == report.id).options(
        selectinload(Report.boxes),
        selectinload(Report.chapters).selectinload(ReportChapter.good_examples),
        selectinload(Report.chapters).selectinload(ReportChapter.surveys),
        selectinload(Report.chapters).selectinload(ReportChapter.recommendations)
        .selectinload(Recommendation.evidence).selectinload(RecommendationFinding.finding).options(
            selectinload(Finding.translations), selectinload(Finding.organisation),
            selectinload(Finding.contributor)))).one()
    items = [*_untranslated(report, language), *_consent(report), *_glossary(report, language),
             *_one_source(report), *_alt_text(report, language),
             *_figures(report), *_empty(report, language), *_surveys(report)]
    order = list(CHECKS)
    return sorted(items, key=lambda item: order.index(item.code))


def summary(items: list[Item]) -> list[dict]:
    """The open items as counts per kind: what the audit entry and the override keep."""
    return [{"code": code, "count": n} for code in CHECKS if (n := sum(1 for i in items if i.code == code))]


# ---------------------------------------------------------------- the checks

def _recommendations(report: Report):
    for c_index, chapter in enumerate(report.chapters, start=1):
        for r_index, recommendation in enumerate(chapter.recommendations, start=1):
            yield f"{c_index}.{r_index}", chapter, recommendation


def _untranslated(report: Report, language: str) -> list[Item]:
    language_name = LANGUAGE_NAMES[language]
    chapters = {f"chapter {n}": c for n, c in enumerate(report.chapters, start=1)}
    recommendations = {f"recommendation {number}": r for number, _c, r in _recommendations(report)}
    items = []
    for missing in missing_translations(report, language):
        place = missing.where
        if place == "report":
            endpoint, values = "reports.edit", {"report_id": report.id}
        elif place in chapters:
            endpoint, values = "reports.chapter", {"chapter_id": chapters[place].id}
        elif place in recommendations:
            endpoint, values = "reports.recommendation", {"recommendation_id": recommendations[place].id}
        elif place.startswith("box "):
            endpoint, values = "reports.box_form", {"report_id": report.id, "box_id": int(place.split()[1])}
        elif place.startswith("good example "):
            endpoint, values = "reference.good_example_form", {"example_id": int(place.split()[2])}
        elif place.startswith("survey "):
            endpoint, values = "surveys.edit", {"survey_id": int(re.match(r"survey (\d+)", place).group(1))}
        else:
            endpoint, values = "reports.show", {"report_id": report.id}
        items.append(Item("untranslated", _("%(place)s has no %(language)s text.", place=missing.label,
                                            language=language_name), endpoint, values))
    for finding in untranslated_findings(report, language):
        items.append(Item("untranslated", _("Finding #%(id)s prints without a %(language)s translation.",
                                            id=finding.id, language=language_name),
                          "reports.translations", {"report_id": report.id, "language": language}))
    for finding in untranslated_review_comments(report, language):
        items.append(Item("untranslated", _("The review comment of finding #%(id)s prints without a %(language)s "
                                            "translation.", id=finding.id, language=language_name),
                          "reports.translations", {"report_id": report.id, "language": language}))
    for activity in db.session.scalars(select(Activity).where(
            Activity.status == "held", Activity.type != "sample").order_by(Activity.type, Activity.number)):
        if not getattr(activity, f"title_{language}"):
            items.append(Item("untranslated", _("Activity “%(title)s” has no %(language)s title for the report.",
                                                title=activity.title, language=language_name),
                              "activities.edit", {"activity_id": activity.id}))
    return items


def _printed_links(report: Report) -> list[RecommendationFinding]:
    """The links whose finding a build prints: those printed under a recommendation, and with
    an evidence annex every link."""
    return [link for _n, _c, recommendation in _recommendations(report) for link in recommendation.evidence
            if link.quoted or report.evidence_annex]


def _consent(report: Report) -> list[Item]:
    items, seen = [], set()
    for link in _printed_links(report):
        finding = link.finding
        if finding.id in seen or resolve(finding).allowed:
            continue
        seen.add(finding.id)
        why = NOT_ALLOWED.get(finding.attribution, "")
        if finding.verbatim and link.quoted:
            message = _("Finding #%(id)s is a quote whose consent does not allow the attribution asked for: it "
                        "prints as a summary.", id=finding.id)
        else:
            message = _("Finding #%(id)s asks for an attribution its consent does not allow.", id=finding.id)
        items.append(Item("consent", f"{message} {why}".strip(), "findings.edit", {"finding_id": finding.id}))
    return items


def _glossary(report: Report, language: str) -> list[Item]:
    patterns = replaced_terms(language)
    if not patterns:
        return []
    places = [(localized(report, "title") or _("Report"), "reports.edit", {"report_id": report.id},
               [getattr(report, f"{name}_{language}") for name in REPORT_TEXT_FIELDS])]
    for c_index, chapter in enumerate(report.chapters, start=1):
        places.append((_("Chapter %(number)s", number=c_index), "reports.chapter", {"chapter_id": chapter.id},
                       [getattr(chapter, f"intro_{language}")]))
        for example in chapter.good_examples:
            places.append((_("Good example “%(title)s”", title=localized(example, "title")),
                           "reference.good_example_form", {"example_id": example.id},
                           [getattr(example, f"{name}_{language}") for name in
                            ("title", "place", "target_group", "partners", "results", "funding")]))
    for number, _chapter, recommendation in _recommendations(report):
        places.append((_("Recommendation %(number)s", number=number), "reports.recommendation",
                       {"recommendation_id": recommendation.id},
                       [getattr(recommendation, f"{name}_{language}") for name in ("title", "body")]))
    for b_index, box in enumerate(report.boxes, start=1):
        places.append((_("Box %(number)s", number=b_index), "reports.box_form",
                       {"report_id": report.id, "box_id": box.id},
                       [getattr(box, f"{name}_{language}") for name in ("title", "body")]))
    for link in {link.finding_id: link for link in _printed_links(report)}.values():
        finding = link.finding
        places.append((_("Finding #%(id)s", id=finding.id), "findings.edit", {"finding_id": finding.id},
                       [finding.translation_in(language)]))
    items = []
    for place, endpoint, values, texts in places:
        for term in terms_in("\n".join(t or "" for t in texts), patterns):
            items.append(Item("glossary", _("%(place)s uses “%(term)s”; the glossary says “%(preferred)s”.",
                                            place=place, term=term.term, preferred=term.preferred), endpoint, values))
    return items


def _one_source(report: Report) -> list[Item]:
    numbered = list(_recommendations(report))
    summaries = evidence_summary([r.id for _n, _c, r in numbered])
    items = []
    for number, _chapter, recommendation in numbered:
        entry = summaries[recommendation.id]
        if not entry["total"]:
            message = _("Recommendation %(number)s has no evidence linked.", number=number)
        elif entry["one_source"]:
            message = _("Recommendation %(number)s rests on one source.", number=number)
        else:
            continue
        items.append(Item("one_source", message, "reports.recommendation", {"recommendation_id": recommendation.id}))
    return items


def _alt_text(report: Report, language: str) -> list[Item]:
    if report.emblem and not (getattr(report, f"emblem_alt_{language}") or "").strip():
        return [Item("alt_text", _("The emblem on the cover has no %(language)s alternative text.",
                                   language=LANGUAGE_NAMES[language]), "reports.edit", {"report_id": report.id})]
    return []


def _figures(report: Report) -> list[Item]:
    """A placed photo that was un-cleared since is left out of every build (never printed by
    mistake); the author should know before publishing that the figure is missing."""
    figures = db.session.scalars(select(ReportFigure).where(ReportFigure.report_id == report.id)
                                 .options(selectinload(ReportFigure.photo)).order_by(ReportFigure.id))
    return [Item("figures", _("A figure's photo may show people or names, so the figure does not print: "
                              "choose another photo or remove the figure."),
                 "reports.figure_form", {"report_id": report.id, "figure_id": figure.id})
            for figure in figures if not figure.printable]


def _empty(report: Report, language: str) -> list[Item]:
    def empty(obj, name):  # empty in both languages: a missing translation is listed above
        return not (getattr(obj, f"{name}_nl") or "").strip() and not (getattr(obj, f"{name}_en") or "").strip()

    items = []
    if empty(report, "title"):
        items.append(Item("empty", _("The report has no title."), "reports.edit", {"report_id": report.id}))
    for c_index, chapter in enumerate(report.chapters, start=1):
        if empty(chapter, "intro") and not chapter.recommendations:
            items.append(Item("empty", _("Chapter %(number)s has neither an introduction nor recommendations.",
                                         number=c_index), "reports.chapter", {"chapter_id": chapter.id}))
    for number, _chapter, recommendation in _recommendations(report):
        if empty(recommendation, "title") or empty(recommendation, "body"):
            items.append(Item("empty", _("Recommendation %(number)s has no title or no text.", number=number),
                              "reports.recommendation", {"recommendation_id": recommendation.id}))
    for b_index, box in enumerate(report.boxes, start=1):
        if empty(box, "body"):
            items.append(Item("empty", _("Box %(number)s has no text.", number=b_index), "reports.box_form",
                              {"report_id": report.id, "box_id": box.id}))
    return items


def _surveys(report: Report) -> list[Item]:
    items = []
    for c_index, chapter in enumerate(report.chapters, start=1):
        for survey in chapter.surveys:
            printable = survey.purpose == "survey" and not survey.is_draft
            if printable:
                _total, summaries = summarise_survey(survey)
                printable = any(s.answered and s.question.type in REPORTED_QUESTION_TYPES for s in summaries)
            if not printable:
                items.append(Item("survey", _("Survey “%(title)s” is chosen for chapter %(number)s but prints "
                                              "nothing there (a draft, a feedback round, or no answers to show).",
                                              title=localized(survey, "title"), number=c_index),
                                  "reports.chapter", {"chapter_id": chapter.id}))
    return items


def preflight_lines(report: Report, language: str) -> list[str]:
    """The preflight as lines for the command line, in English like its other output."""
    with force_locale("en"):
        return [f"{item.code}: {item.message}" for item in preflight(report, language)]
