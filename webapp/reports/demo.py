"""The demo report: texts from demo_data/, recommendations linked to findings chosen by hand.

demo_data/evidence.json lists, per recommendation, the findings that carry its argument in
the LEARN report, which of them are quoted, and the translations every printed finding
needs in the report languages it is not in (marked as checked).

Called at the end of `webapp.demo.services.load_demo`; loading twice adds nothing.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..findings.models import Finding
from ..findings.services import set_translation
from ..reference.models import GoodExample
from ..surveys.demo import TITLE_EN
from ..surveys.models import Survey
from ..themes.models import Theme
from .models import Recommendation, RecommendationFinding, Report, ReportBox, ReportChapter, Source

DATA = Path(__file__).parent / "demo_data"


def _json(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _translate_good_examples() -> None:
    """Dutch texts for the good examples the demo report shows (the register has English only)."""
    for title_en, texts in _json("good_examples_nl.json").items():
        example = db.session.scalar(select(GoodExample).where(GoodExample.title_en == title_en))
        if example is None:
            continue
        for field, text in texts.items():
            if not getattr(example, f"{field}_nl"):
                setattr(example, f"{field}_nl", text)


def _finding_lookup(findings: list[Finding]):
    """Finds a demo finding by "activity type:number|first words of its text"."""
    def find(reference: str) -> Finding:
        activity, _, start = reference.partition("|")
        matches = [f for f in findings if f"{f.activity.type}:{f.activity.number}" == activity
                   and f.text.startswith(start)]
        if len(matches) != 1:
            raise LookupError(f"demo evidence: {reference!r} matches {len(matches)} findings")
        return matches[0]
    return find


def _translate_findings(find, translations: dict) -> None:
    for reference, texts in translations.items():
        finding = find(reference)
        have = {t.language for t in finding.translations}
        for language, text in texts.items():
            if language not in have and language != finding.language:
                set_translation(finding, language, text, checked=True)


def load_demo_report() -> int:
    """Create the demo report once; returns 1 when it was created, 0 when it existed."""
    if db.session.scalar(select(Report.id).where(Report.key == "demo")) is not None:
        return 0
    data = _json("report.json")
    _translate_good_examples()
    known = set(db.session.scalars(select(Source.key)))
    for source in data["sources"]:
        if source["key"] not in known:
            db.session.add(Source(key=source["key"], citation_nl=source["nl"], citation_en=source["en"],
                                  url=source["url"]))
    report = Report(key="demo", authors=data["authors"], authors_nl=data.get("authors_nl", ""),
                    authors_en=data.get("authors_en", ""), report_date=date.fromisoformat(data["report_date"]),
                    evidence_annex=True)
    for field in ("title", "subtitle", "colophon", "acknowledgements", "executive_summary", "project", "scope",
                  "problem_analysis", "literature_review"):
        for language in ("nl", "en"):
            setattr(report, f"{field}_{language}", data[field][language])
    themes = {t.code: t for t in db.session.scalars(select(Theme))}
    examples = {e.title_en: e for e in db.session.scalars(select(GoodExample))}
    findings = list(db.session.scalars(select(Finding).options(
        selectinload(Finding.activity), selectinload(Finding.translations))))
    find = _finding_lookup(findings)
    evidence = _json("evidence.json")
    _translate_findings(find, evidence["translations"])
    for position, chapter_data in enumerate(data["chapters"]):
        chapter = ReportChapter(theme=themes[chapter_data["theme"]], position=position,
                                intro_nl=chapter_data["intro"]["nl"], intro_en=chapter_data["intro"]["en"],
                                good_examples=[examples[t] for t in chapter_data["good_examples"] if t in examples])
        for r_position, rec in enumerate(chapter_data["recommendations"]):
            recommendation = Recommendation(position=r_position, title_nl=rec["title"]["nl"],
                                            title_en=rec["title"]["en"], body_nl=rec["body"]["nl"],
                                            body_en=rec["body"]["en"])
            for reference in evidence["recommendations"][f"{position + 1}.{r_position + 1}"]:
                recommendation.evidence.append(RecommendationFinding(
                    finding=find(reference.lstrip("*")), quoted=reference.startswith("*")))
            chapter.recommendations.append(recommendation)
        report.chapters.append(chapter)
    by_theme = {chapter.theme.code: chapter for chapter in report.chapters}
    for b_position, box in enumerate(data.get("boxes", [])):
        report.boxes.append(ReportBox(
            section=box["section"], chapter=by_theme.get(box.get("chapter")), position=b_position,
            title_nl=box["title"]["nl"], title_en=box["title"]["en"],
            body_nl=box["body"]["nl"], body_en=box["body"]["en"]))
    db.session.add(report)
    db.session.flush()
    return 1


#: The chapter of the demo report that shows the demo survey (the evaluation of the
#: Workshop Practical Learning): practical learning routes are what that chapter is about.
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
