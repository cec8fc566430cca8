"""The whole report as plain data: `collect_report` reads everything a build prints (no ORM
objects leave it), and its SHA-256 with the renderer's fingerprint is the content hash."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import signals
from ..extensions import db
from ..findings.models import Finding
from ..projects.models import Project
from ..projects.scope import in_project
from ..signals import first
from ..reference.models import Abbreviation
from ..surveys.models import Survey
from .attribution import annex_entry, printed_evidence
from .evidence import evidence_sentence, evidence_summary
from .figures import FigurePrinter
from .labels import label
from .methodology import activities_by_type, appendices, methodology
from .models import EMBLEMS, REPORT_LANGUAGES, Recommendation, RecommendationFinding, Report, ReportChapter, Source
from .survey_results import survey_results
from .texts import GOOD_EXAMPLE_FIELDS, Footnotes, ReportError, activity_type_label, author_text, printed_date

#: Bump when the way a report is turned into a file changes: old versions then no longer match.
RENDERER_VERSION = "2"
HERE = Path(__file__).parent
#: Files whose contents shape the output; their bytes go into the content hash.
LAYOUT_FILES = (HERE / "templates/reports/pdf/report.html", HERE / "templates/reports/pdf/_figure.html",
                HERE / "static/report.css", HERE / "static/figures.css", HERE / "docx_export.py", HERE / "pdf.py")


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
    notes = Footnotes(sources, language)
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
    by_type = activities_by_type()
    # The review (a feature above this one) answers for its own parts: webapp/signals.py.
    review = first(signals.report_field_test.send(report.id, language=language))
    recommendation_ids = [r.id for c in report.chapters for r in c.recommendations]
    counts = evidence_summary(recommendation_ids)
    box_numbers = iter(range(1, 10_000))
    type_label = activity_type_label(language)
    figures = FigurePrinter(report, language)  # cleared photos placed as figures, numbered as they print

    def boxes(section: str, chapter_id: int | None = None, recommendation_id: int | None = None) -> list[dict]:
        """The boxes standing here, numbered in print order (an unnumbered box takes no number)."""
        return [{"number": next(box_numbers) if box.numbered else None, "title": author_text(box, "title", language),
                 "body": notes.paragraphs(author_text(box, "body", language)), "figures": figures.of_box(box.id)}
                for box in report.boxes if box.section == section and box.chapter_id == chapter_id
                and box.recommendation_id == recommendation_id]

    data = {
        "language": language,
        "title": author_text(report, "title", language),
        "subtitle": author_text(report, "subtitle", language),
        "authors": author_text(report, "authors", language) or report.authors,
        "author_organisation": author_text(report, "author_organisation", language),
        "date": printed_date(report.report_date, language, "month") if report.report_date else "",
        "keywords": author_text(report, "keywords", language) or label("keywords", language),
        "funder_notice": author_text(report, "funder_notice", language),
        # A file of our own (models.EMBLEMS), with what it shows for readers who cannot see it.
        "emblem": {kind: EMBLEMS[report.emblem][kind] for kind in ("svg", "png")} if report.emblem in EMBLEMS else {},
        "emblem_alt": author_text(report, "emblem_alt", language),
        "disclaimer": notes.paragraphs(author_text(report, "disclaimer", language)),
        "colophon": notes.paragraphs(author_text(report, "colophon", language)),
        "acknowledgements": notes.paragraphs(author_text(report, "acknowledgements", language)),
        "abbreviations": [{"abbreviation": a.abbreviation, "definition": getattr(a, f"definition_{language}")}
                          for a in db.session.scalars(select(Abbreviation)
                                                      .order_by(func.lower(Abbreviation.abbreviation)))],
        "executive_summary": notes.paragraphs(author_text(report, "executive_summary", language)),
    }
    # In the order the report prints them, so footnotes and boxes are numbered as they appear.
    data["project"] = notes.paragraphs(author_text(report, "project", language))
    data["project_boxes"] = boxes("project")
    data["methodology"] = methodology(by_type, language, review,
                                      with_literature=bool(author_text(report, "literature_review", language)))
    data["literature_review"] = notes.paragraphs(author_text(report, "literature_review", language))
    data["scope"] = notes.paragraphs(author_text(report, "scope", language))
    data["scope_boxes"] = boxes("scope")
    data["problem_analysis"] = notes.paragraphs(author_text(report, "problem_analysis", language))
    data["problem_analysis_boxes"] = boxes("problem_analysis")
    data["chapters"] = []
    data["appendices"] = appendices(by_type, language, review)
    data["evidence_annex"] = []
    quoted_in_report: set[int] = set()
    for c_index, chapter in enumerate(report.chapters, start=1):
        chapter_data = {
            "number": c_index,
            "title": getattr(chapter.theme, f"label_{language}"),
            "intro": notes.paragraphs(author_text(chapter, "intro", language)),
            "figures": figures.of_chapter(chapter.id),
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
                "title": author_text(recommendation, "title", language),
                "body": notes.paragraphs(author_text(recommendation, "body", language)),
                "quotes": printed_evidence(recommendation.evidence, language, quoted_in_report, type_label),
                "evidence": evidence_sentence(summary, language),
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
                "title": author_text(example, "title", language), "place": author_text(example, "place", language),
                "fields": [{"label": label(f, language), "text": author_text(example, f, language)}
                           for f in GOOD_EXAMPLE_FIELDS if author_text(example, f, language)],
            })
        data["chapters"].append(chapter_data)
    data["review_annex"] = (first(signals.report_review_annex.send(report.id, language=language)) or []
                            if report.review_annex else [])
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
def renderer_parts(fmt: str) -> tuple[str, ...]:
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
    # Imported here: pdf.py loads WeasyPrint and docx_export.py python-docx, which no web
    # process should pay for at start-up (builds run in a worker; tests/test_startup.py).
    if fmt == "pdf":
        from .pdf import build_report_pdf

        return build_report_pdf(data, progress)
    if fmt == "docx":
        from .docx_export import build_report_docx

        return build_report_docx(data, progress)
    raise ReportError(f"unknown format {fmt!r}")
