"""A recommendation's evidence: the picker (filters, ranked by closeness in words), the links
and their quote marks, the counts by source ("rests on one source") and the evidence line.
How a finding prints is in attribution.py."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..activities.models import Activity
from ..analysis.suggestions import rank_by_closeness
from ..db_types import utcnow
from ..extensions import db
from ..findings.models import Finding, finding_themes
from ..organisations.models import Organisation
from ..themes.models import Theme
from .labels import label, label_n
from .models import Recommendation, RecommendationFinding, Report, ReportChapter
from .texts import activity_type_label


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


def evidence_sentence(summary: dict, language: str) -> str:
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
