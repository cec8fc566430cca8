"""The demo report: texts from demo_data/, recommendations linked to demo findings by theme.

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
from ..reference.models import GoodExample
from ..surveys.models import Survey
from ..themes.models import Theme
from .models import Recommendation, RecommendationFinding, Report, ReportChapter, Source

DATA = Path(__file__).parent / "demo_data"
#: At most this many findings support one demo recommendation, of which this many are quoted.
MAX_EVIDENCE, MAX_QUOTES = 8, 2


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


def _pick_evidence(findings: list[Finding], quoted_before: set[int]) -> list[tuple[Finding, bool]]:
    """The first findings of the theme, preferring quotes; advisory-board voices quoted first.

    A quote printed under one recommendation is not printed again under the next one.
    """
    def quote_rank(f: Finding) -> int:
        if f.contributor is not None:
            return 0
        return 1 if f.kind == "quote" else 2

    chosen = sorted(findings, key=lambda f: (f.id in quoted_before, quote_rank(f), f.id))[:MAX_EVIDENCE]
    quotable = [f for f in chosen if quote_rank(f) < 2 and f.id not in quoted_before][:MAX_QUOTES]
    quoted_before.update(f.id for f in quotable)
    return [(f, f in quotable) for f in sorted(chosen, key=lambda f: f.id)]


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
    report = Report(key="demo", authors=data["authors"], report_date=date.fromisoformat(data["report_date"]),
                    evidence_annex=True)
    for field in ("title", "subtitle", "colophon", "acknowledgements", "executive_summary", "scope",
                  "problem_analysis"):
        for language in ("nl", "en"):
            setattr(report, f"{field}_{language}", data[field][language])
    themes = {t.code: t for t in db.session.scalars(select(Theme))}
    examples = {e.title_en: e for e in db.session.scalars(select(GoodExample))}
    findings = list(db.session.scalars(select(Finding).options(
        selectinload(Finding.themes), selectinload(Finding.contributor))))
    quoted_before: set[int] = set()
    for position, chapter_data in enumerate(data["chapters"]):
        chapter = ReportChapter(theme=themes[chapter_data["theme"]], position=position,
                                intro_nl=chapter_data["intro"]["nl"], intro_en=chapter_data["intro"]["en"],
                                good_examples=[examples[t] for t in chapter_data["good_examples"] if t in examples])
        for r_position, rec in enumerate(chapter_data["recommendations"]):
            recommendation = Recommendation(position=r_position, title_nl=rec["title"]["nl"],
                                            title_en=rec["title"]["en"], body_nl=rec["body"]["nl"],
                                            body_en=rec["body"]["en"])
            codes = set(rec["themes"])
            matching = [f for f in findings if codes & {t.code for t in f.themes}]
            for finding, quoted in _pick_evidence(matching, quoted_before):
                recommendation.evidence.append(RecommendationFinding(finding=finding, quoted=quoted))
            chapter.recommendations.append(recommendation)
        report.chapters.append(chapter)
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
    from ..surveys.demo import TITLE_EN

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
