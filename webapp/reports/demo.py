"""The demo report: the LEARN report (IOM, April 2024) rebuilt from demo_data/, with
recommendations linked to findings chosen by hand.

report.json holds the report's texts in our own words (facts, figures, structure, boxes and
numbering of the IOM report), its sources and notes, and the boxes with their places.
evidence.json lists, per recommendation, the findings (by their key in demo/data/findings.csv)
that carry its argument and which of them print under it; their translations come with the
findings. Called at the end of `webapp.demo.services.load_demo`; loading twice adds nothing.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..findings.models import Finding
from ..surveys.demo import TITLE_EN
from ..surveys.models import Survey
from ..themes.models import Theme
from .models import Recommendation, RecommendationFinding, Report, ReportBox, ReportChapter, Source

DATA = Path(__file__).parent / "demo_data"
#: The report's own fields, in both languages, as report.json gives them.
TEXT_FIELDS = ("title", "subtitle", "author_organisation", "funder_notice", "emblem_alt", "keywords", "disclaimer",
               "colophon", "acknowledgements", "executive_summary", "project", "scope", "problem_analysis",
               "literature_review")


def _json(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def load_demo_report(findings: dict[str, Finding]) -> int:
    """Create the demo report once; returns 1 when it was created, 0 when it existed.

    `findings`: the demo findings by their key in demo/data/findings.csv (the demo loader
    knows how their client ids were made)."""
    if db.session.scalar(select(Report.id).where(Report.key == "demo")) is not None:
        return 0
    data = _json("report.json")
    known = set(db.session.scalars(select(Source.key)))
    for source in data["sources"]:
        if source["key"] not in known:
            db.session.add(Source(key=source["key"], citation_nl=source["nl"], citation_en=source["en"],
                                  url=source["url"]))
    report = Report(key="demo", authors=data["authors"], authors_nl=data.get("authors_nl", ""),
                    authors_en=data.get("authors_en", ""), report_date=date.fromisoformat(data["report_date"]),
                    emblem=data.get("emblem"), evidence_annex=True)
    for field in TEXT_FIELDS:
        for language in ("nl", "en"):
            setattr(report, f"{field}_{language}", data[field][language])
    themes = {t.code: t for t in db.session.scalars(select(Theme))}
    evidence = _json("evidence.json")["recommendations"]
    recommendations: dict[str, Recommendation] = {}
    for position, chapter_data in enumerate(data["chapters"]):
        chapter = ReportChapter(theme=themes[chapter_data["theme"]], position=position,
                                intro_nl=chapter_data["intro"]["nl"], intro_en=chapter_data["intro"]["en"])
        for r_position, rec in enumerate(chapter_data["recommendations"]):
            number = f"{position + 1}.{r_position + 1}"
            recommendation = Recommendation(position=r_position, title_nl=rec["title"]["nl"],
                                            title_en=rec["title"]["en"], body_nl=rec["body"]["nl"],
                                            body_en=rec["body"]["en"])
            for reference in evidence[number]:
                recommendation.evidence.append(RecommendationFinding(
                    finding=findings[reference.lstrip("*")], quoted=reference.startswith("*")))
            chapter.recommendations.append(recommendation)
            recommendations[number] = recommendation
        report.chapters.append(chapter)
    by_theme = {chapter.theme.code: chapter for chapter in report.chapters}
    for b_position, box in enumerate(data.get("boxes", [])):
        report.boxes.append(ReportBox(
            section=box["section"], chapter=by_theme.get(box.get("chapter")),
            recommendation=recommendations.get(box.get("recommendation", "")), position=b_position,
            numbered=box.get("numbered", True), title_nl=box["title"]["nl"], title_en=box["title"]["en"],
            body_nl=box["body"]["nl"], body_en=box["body"]["en"]))
    db.session.add(report)
    db.session.flush()
    return 1


#: The chapter of the demo report that shows the fictional demo survey (an evaluation of a meeting
#: about practical learning routes, which is what that chapter is about).
SURVEY_CHAPTER_THEME = "modular-education"


def load_report_survey_demo() -> int:
    """Show the demo survey's results in the demo report once; returns 1 when placed.

    Runs after both the report and the survey demo exist (see load_demo's order).
    """
    report = db.session.scalar(select(Report).where(Report.key == "demo"))
    survey = db.session.scalar(select(Survey).where(Survey.title_en == TITLE_EN))
    if report is None or survey is None:
        return 0
    chapter = next((c for c in report.chapters if c.theme.code == SURVEY_CHAPTER_THEME), None)
    if chapter is None or survey in chapter.surveys:
        return 0
    chapter.surveys.append(survey)
    db.session.flush()
    return 1
